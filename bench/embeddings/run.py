"""Embedding backends compared: speed, and whether summaries stay the same.

    python bench/embeddings/run.py [DATA.jsonl] [--articles 150] [--rounds 3]

DATA.jsonl: `{id, article, reference}` rows (bench/summarise/wikinews.py makes them
from ../shared/devdata). Articles are split by the flow's spaCy splitter; every
backend embeds the same sentences. Speed: rounds interleave the backends in one
process (a shared, noisy CPU hits all of them alike); sentences/s is reported per
round and as the median. Equivalence against torch fp32: the share of articles
whose extractive summary picks exactly the same sentences, the lowest cosine between
a sentence's vectors, and ROUGE-1/2/Lsum of the summaries against the references.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "summarise"))

import numpy as np  # noqa: E402
from run import load_jsonl, rouge, to_articles  # noqa: E402

from tasks.models import EMBEDDING_BACKENDS, SentenceEmbedder  # noqa: E402
from tasks.summarise import ExtractiveSummariser  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, nargs="?", default=Path("wikinews_title.jsonl"))
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rows = load_jsonl(args.data, args.articles)
    arts = to_articles(rows)
    texts = [s.text for a in arts for s in a.sentences]
    embedders = {b: SentenceEmbedder("all-MiniLM-L6-v2", b) for b in EMBEDDING_BACKENDS}
    for e in embedders.values():
        e.encode(texts[:64])  # warm-up
    rates: dict[str, list[float]] = {b: [] for b in embedders}
    vectors = {}
    for r in range(args.rounds):
        for backend, e in embedders.items():
            started = time.perf_counter()
            vectors[backend] = e.encode(texts)
            rates[backend].append(len(texts) / (time.perf_counter() - started))
        print(f"round {r + 1}: " + ", ".join(f"{b} {rates[b][-1]:.1f}" for b in rates), flush=True)

    step = ExtractiveSummariser()
    picks = {}
    for backend, vecs in vectors.items():
        offset, picks[backend] = 0, []
        for a in arts:
            picks[backend].append(step.pick(a, vecs[offset : offset + len(a.sentences)]))
            offset += len(a.sentences)
    refs = [r["reference"] for r in rows]
    base = statistics.median(rates["torch"])
    print(f"\n{len(arts)} articles, {len(texts)} sentences, {args.rounds} interleaved rounds\n")
    print("| backend | sentences/s (median) | speed-up | same summary sentences | min cosine vs torch | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for backend in embedders:
        same = np.mean([p == q for p, q in zip(picks[backend], picks["torch"])])
        cos = float((vectors[backend] * vectors["torch"]).sum(1).min())
        lines = [[a.sentences[i].text for i in p] for a, p in zip(arts, picks[backend])]
        score = rouge(lines, refs)
        med = statistics.median(rates[backend])
        print(f"| {backend} | {med:.1f} | {med / base:.2f}x | {100 * same:.1f}% | {cos:.4f} | "
              f"{score['rouge1']:.2f} | {score['rouge2']:.2f} | {score['rougeLsum']:.2f} |")


if __name__ == "__main__":
    main()
