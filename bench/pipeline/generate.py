"""Generate benchmark corpora from the Wikinews dev data: dumps, JSONL and HTML, mixed.

Each synthetic article takes a real title and a random selection of real paragraphs from
several articles, so no two articles are duplicates (exact or near) while the text stays
real news prose. Usage:

    python bench/pipeline/generate.py --articles 5000 --out bench/out/corpus-5k
"""
from __future__ import annotations

import argparse
import html
import json
import random
import re
from pathlib import Path

DEVDATA = Path(__file__).resolve().parents[3] / "shared" / "devdata"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def paragraph_pool(devdata: Path = DEVDATA) -> tuple[list[str], list[str]]:
    """(titles, paragraphs) from both dev files; flat bodies are cut into 2-3 sentence paragraphs."""
    titles, paras = [], []
    for name in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl"):
        for line in (devdata / name).read_text().splitlines():
            rec = json.loads(line)
            titles.append(rec["title"].strip())
            text = rec["text"]
            if "\n" in text:
                paras.extend(p.strip() for p in text.split("\n") if len(p.split()) >= 8)
            else:
                sents = _SENT.split(text)
                for i in range(0, len(sents), 3):
                    chunk = " ".join(sents[i : i + 3]).strip()
                    if len(chunk.split()) >= 8:
                        paras.append(chunk)
    return titles, paras


def synthetic_articles(n: int, seed: int = 13) -> list[dict]:
    titles, paras = paragraph_pool()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        k = rng.randint(4, 9)
        body = rng.sample(paras, k)
        out.append({"id": f"bench-{i}", "title": f"{rng.choice(titles)} ({i})", "paragraphs": body,
                    "published": f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"})
    return out


def write_corpus(articles: list[dict], out: Path, per_file: int = 200) -> dict[str, int]:
    """A third each as text dumps (title line + paragraphs, blank line between articles), JSONL, and HTML pages."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {"text": 0, "jsonl": 0, "html": 0}
    thirds = [articles[0::3], articles[1::3], articles[2::3]]
    for j in range(0, len(thirds[0]), per_file):
        chunk = thirds[0][j : j + per_file]
        # A title line, the paragraphs, a blank line between articles. Without the blank
        # line these paragraph mixes (no two from one story) give the segmenter's topic
        # cues nothing to find, and it merges about three articles in four: a bench
        # artefact, not throughput (segmentation quality is bench/segmentation's, on
        # real articles).
        text = "\n\n".join(a["title"] + "\n" + "\n".join(a["paragraphs"]) for a in chunk)
        (out / f"dump-{j // per_file:04d}.txt").write_text(text + "\n")
        counts["text"] += len(chunk)
    for j in range(0, len(thirds[1]), per_file):
        chunk = thirds[1][j : j + per_file]
        with open(out / f"export-{j // per_file:04d}.jsonl", "w") as fh:
            for a in chunk:
                fh.write(json.dumps({"id": a["id"], "title": a["title"], "text": "\n".join(a["paragraphs"]),
                                     "published": a["published"]}) + "\n")
        counts["jsonl"] += len(chunk)
    pages = out / "pages"
    pages.mkdir(exist_ok=True)
    for a in thirds[2]:
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in a["paragraphs"])
        page = (
            f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(a['title'])}</title>"
            f"<meta property=\"article:published_time\" content=\"{a['published']}\"></head><body>"
            f"<nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav><article><h1>{html.escape(a['title'])}</h1>"
            f"{body}</article><footer>© Example News. All rights reserved.</footer></body></html>"
        )
        (pages / f"{a['id']}.html").write_text(page)
        counts["html"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    arts = synthetic_articles(args.articles, args.seed)
    print(json.dumps({"out": str(args.out), **write_corpus(arts, args.out)}))


if __name__ == "__main__":
    main()
