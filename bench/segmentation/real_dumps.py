"""Whole dumps in the shape real ones have, read end to end against a gold file per dump.

    python bench/segmentation/real_dumps.py [--layout-only] [--misses]

The dumps are `realdumps/*.txt` (written by hand for this bench, in the bundled sample's
shapes: untitled or headed, long articles beside one-line cut-off scrapes, kickers and
decks run into the lead, captions, bylines, datelines, furniture) and the bundled sample.
Each gold file lists every article as the sample's gold does: the dump lines it holds, how
its body starts and ends, its paragraphs, kicker, deck, captions and truncation, and for
headed dumps its title, byline, writers, dateline and furniture.

Prints, per dump and in all: the gold articles, the articles cut exactly (same first and
last line), boundary precision and recall, and for the articles cut exactly the share with
each field right. The dumps check shapes the synthetic dumps miss. The first batch (01-04)
was written before the segmenter was measured on it, and its failures led to round 10's
fixes; the second (05-06), third (07-08) and fourth (09-12, the sample's own shape) were
each written after the fixes before them, and measured once as held out, before their own
failures were looked at (bench/README.md).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE / "realdumps"):  # the repo; the gold files' own range parser
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from check_untitled_gold import parse_lines  # noqa: E402
from tasks.models import DEFAULT_EMBEDDING_MODEL  # noqa: E402
from tasks.segment import layout, split_dump  # noqa: E402
from tasks.segment.structure import parse_article  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "news_dump.txt"
FIELDS = ["title", "kicker", "deck", "byline", "authors", "dateline", "captions", "boilerplate", "is_truncated",
          "paragraphs", "body"]


def gold_dumps() -> list[tuple[Path, Path]]:
    """(dump, gold file) pairs: the bundled sample and every dump in realdumps/."""
    found = [(p, p.with_suffix(".gold.json")) for p in sorted((HERE / "realdumps").glob("*.txt"))]
    return [(SAMPLE, SAMPLE.with_suffix(".gold.json"))] + found


def _read(gold_art: dict, st) -> dict[str, tuple]:
    """(got, want) per field the gold file gives for this article."""
    got = {
        "title": st.title, "kicker": st.kicker, "deck": st.deck, "byline": st.byline,
        "authors": layout.byline_authors(st.byline) if st.byline else [], "dateline": st.dateline,
        "captions": st.captions, "boilerplate": st.boilerplate, "is_truncated": st.is_truncated,
        "paragraphs": len(st.paragraphs),
    }
    out = {f: (got[f], gold_art[f]) for f in FIELDS if f in gold_art}
    body_ok = st.body.startswith(gold_art["body_starts_with"]) and st.body.endswith(gold_art["body_ends_with"])
    out["body"] = (body_ok, True)
    return out


def score(text: str, gold: dict, embedding_model: str | None, boundary_model: str | None = None) -> dict:
    parts = split_dump(text, embedding_model, boundary_model=boundary_model)
    found = []
    for lines, _, _, _ in parts:
        nos = [text.count("\n", 0, ln.start) + 1 for ln in lines]
        found.append((nos[0], nos[-1], parse_article([ln.text for ln in lines])))
    gold_spans = {}
    for g in gold["articles"]:
        nos = parse_lines(g["source_lines"])
        gold_spans[(min(nos), max(nos))] = g
    gold_starts = {a for a, _ in gold_spans}
    found_starts = {a for a, _, _ in found}
    fields: dict[str, list[bool]] = {}
    misses = []
    exact = all_right = 0
    for a, b, st in found:
        g = gold_spans.get((a, b))
        if g is None:
            continue
        exact += 1
        read = _read(g, st)
        all_right += all(got == want for got, want in read.values())
        for f, (got, want) in read.items():
            fields.setdefault(f, []).append(got == want)
            if got != want:
                misses.append((g["n"], f, got if f != "body" else st.body[:60] + " ... " + st.body[-40:], want))
    for (a, b), g in gold_spans.items():
        if (a, b) not in {(x, y) for x, y, _ in found}:
            misses.append((g["n"], "cut", [(x, y) for x, y, _ in found if y >= a and x <= b], (a, b)))
    return {"articles": len(gold_spans), "found": len(found), "exact": exact, "all_right": all_right,
            "true_starts": len(gold_starts & found_starts), "fields": fields, "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout-only", action="store_true", help="no embeddings (layout model)")
    ap.add_argument("--model", default=None, help="a boundary_model.json to measure (default: the bundled one)")
    ap.add_argument("--misses", action="store_true", help="list every article cut wrong and every field read wrong")
    args = ap.parse_args()
    model = None if args.layout_only else DEFAULT_EMBEDDING_MODEL
    dumps = gold_dumps()
    totals = {"articles": 0, "found": 0, "exact": 0, "all_right": 0, "true_starts": 0}
    all_fields: dict[str, list[bool]] = {}
    print("| dump | articles | found | cut exactly | starts P | starts R | every field right |")
    print("|---|---|---|---|---|---|---|")
    for txt, gold_path in dumps:
        r = score(txt.read_text(encoding="utf-8"), json.loads(gold_path.read_text(encoding="utf-8")), model, args.model)
        for k in totals:
            totals[k] += r[k]
        for f, v in r["fields"].items():
            all_fields.setdefault(f, []).extend(v)
        print(f"| {txt.name} | {r['articles']} | {r['found']} | {r['exact']} | {r['true_starts'] / r['found']:.2f} "
              f"| {r['true_starts'] / r['articles']:.2f} | {r['all_right']} |")
        if args.misses:
            for m in r["misses"]:
                print(f"|   miss: article {m[0]} {m[1]}: got {m[2]!r}, want {m[3]!r} |")
    t = totals
    print(f"\nall: {t['articles']} articles, {t['exact']} cut exactly ({t['exact'] / t['articles']:.2f}), "
          f"{t['all_right']} with every field right ({t['all_right'] / t['articles']:.2f}); "
          f"starts P {t['true_starts'] / t['found']:.2f} R {t['true_starts'] / t['articles']:.2f}")
    print("\n| field (articles cut exactly) | read right |\n|---|---|")
    for f in FIELDS:
        if f in all_fields:
            v = all_fields[f]
            print(f"| {f} | {sum(v) / len(v):.3f} ({sum(v)}/{len(v)}) |")


if __name__ == "__main__":
    main()
