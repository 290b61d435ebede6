"""NER throughput: newsflow's tag stage vs bare spaCy `nlp.pipe`, on the same texts, one core.

    python bench/ner/bench_ner.py [--model NAME] [--articles N] [--repeats R] [--full]

Reports words per wall-clock second and words per CPU second of this process; on a
machine shared with other jobs the second is the per-core figure to read.

Texts: the bodies and titles of the Wikinews dev articles (../shared/devdata). Words are
whitespace-separated tokens of every text processed. Configurations, timed alternately
R times each after a warm-up (best and median reported):
  pipeline    tasks.tag.Tagger: ner + senter, sentences cut at paragraphs, mentions built
  bare        spacy.load(model) with only senter + ner enabled (spaCy's usual fast config)
  bare-ner    ner alone
  full        the default pipeline (tok2vec, tagger, parser, ..., ner), with --full
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one core: the target is words/s per core

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVDATA = ROOT.parent / "shared" / "devdata"


def load_articles(limit: int):
    from tasks.records import Article, content_hash

    records = []
    for name in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl"):
        records += [json.loads(line) for line in (DEVDATA / name).open(encoding="utf-8")]
    out = []
    for r in records[:limit]:
        body = r["text"]
        paragraphs, pos = [], 0
        for line in body.split("\n"):
            paragraphs.append((pos, pos + len(line)))
            pos += len(line) + 1
        out.append(Article(content_hash(body), "devdata", "jsonl", 0, r["id"], body, title=r["title"],
                           paragraphs=paragraphs, language="en"))
    return out


def main() -> None:
    import spacy

    from tasks.models import DEFAULT_SPACY_MODEL, spacy_pipeline
    from tasks.tag import Tagger

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    ap.add_argument("--articles", type=int, default=823)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--full", action="store_true", help="also time the full default pipeline (slow)")
    args = ap.parse_args()

    articles = load_articles(args.articles)
    texts = [t for a in articles for t in (a.body, a.title) if t]
    words = sum(len(t.split()) for t in texts)
    spacy_pipeline(args.model)
    full = spacy.load(args.model)
    drop = [c for c in full.component_names if c not in ("senter", "ner")]
    bare = spacy.load(args.model, exclude=drop)
    bare.enable_pipe("senter")
    bare_ner = spacy.load(args.model, exclude=drop + ["senter"])

    def run_pipeline():
        for a in articles:
            a.mentions, a.sentences, a.skipped = [], [], {}
        Tagger(args.model, batch_size=args.batch_size)(articles)

    configs = {
        "pipeline": run_pipeline,
        "bare": lambda: sum(1 for _ in bare.pipe(texts, batch_size=args.batch_size)),
        "bare-ner": lambda: sum(1 for _ in bare_ner.pipe(texts, batch_size=args.batch_size)),
    }
    if args.full:
        configs["full"] = lambda: sum(1 for _ in full.pipe(texts, batch_size=args.batch_size))
    list(bare.pipe(texts[:40]))  # warm-up
    times: dict[str, list[float]] = {k: [] for k in configs}
    cpu: dict[str, list[float]] = {k: [] for k in configs}
    for _ in range(args.repeats):
        for name, fn in configs.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    result = {
        "model": args.model, "articles": len(articles), "texts": len(texts), "words": words,
        "batch_size": args.batch_size, "repeats": args.repeats, "cpu_count": os.cpu_count(),
        "words_per_second": {
            name: {"best": round(words / min(ts)), "median": round(words / statistics.median(ts))}
            for name, ts in times.items()
        },
        # CPU seconds this process used: words/s per core even when other jobs share the CPU
        "words_per_cpu_second": {
            name: {"best": round(words / min(ts)), "median": round(words / statistics.median(ts))}
            for name, ts in cpu.items()
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
