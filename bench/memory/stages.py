"""Memory slope of the model stages, in one process, without Prefect (issue 5).

    python bench/memory/stages.py --articles 2000            # as the flow runs them
    python bench/memory/stages.py --articles 2000 --no-trim  # without returning freed pages

Generates distinct articles as `run.py` does, ingests, segments and dedupes them (near
duplicates included), then runs tag -> summarise -> entities shard by shard, freeing each
shard once done, and prints the process's RSS and spaCy's vocabulary size after every
shard, then the RSS slope in MB per 1,000 articles after the first two shards (warm-up).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import generate  # noqa: E402

from flows.enrich import _steps  # noqa: E402
from flows.settings import load_settings  # noqa: E402
from tasks.dedupe import dedupe  # noqa: E402
from tasks.memory import release_free_memory  # noqa: E402
from tasks.models import spacy_pipeline  # noqa: E402
from tasks.near_duplicates import NearDuplicateIndex  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--shard", type=int, default=256)
    ap.add_argument("--no-trim", action="store_true", help="do not call malloc_trim after each stage")
    ap.add_argument("--inputs", type=Path, default=Path("/tmp/newsflow-bench-memory-stages"))
    args = ap.parse_args()
    folder = args.inputs / str(args.articles)
    if not folder.exists():
        generate(args.articles, folder)
    settings = load_settings()
    steps = _steps(settings)
    records = steps["ingest"](sorted(str(p) for p in folder.glob("*.jsonl"))).items
    articles = steps["annotate"](steps["segment"](records).items).items
    near = NearDuplicateIndex(settings.near_duplicate_threshold, settings.minhash_permutations)
    fresh = dedupe(articles, set(), set(), near).fresh
    del records, articles
    shards = [fresh[i : i + args.shard] for i in range(0, len(fresh), args.shard)]
    del fresh
    proc, vocab = psutil.Process(), spacy_pipeline(settings.spacy_model).vocab
    done, curve = 0, []
    print("| articles done | RSS (MB) | spaCy strings |\n|---:|---:|---:|")
    while shards:
        batch = shards.pop(0)
        done += len(batch)
        for name in ("tag", "summarise", "entities"):
            batch = steps[name](batch).items
            if not args.no_trim:
                release_free_memory()
        del batch
        curve.append((done, proc.memory_info().rss / 2**20))
        print(f"| {done} | {curve[-1][1]:.0f} | {len(vocab.strings)} |", flush=True)
    if len(curve) > 3:
        x, y = np.array(curve[2:]).T
        print(f"slope after warm-up: {np.polyfit(x, y, 1)[0] * 1000:.1f} MB per 1,000 articles")


if __name__ == "__main__":
    main()
