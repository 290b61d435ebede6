"""Speed and transient memory of the two model calls the flow makes, alone: the summary
encoder's `encode` over slices of real dev sentences, and spaCy (senter + ner) over real
dev articles in memory zones of `--tag-batch` texts. For each, prints throughput and the
highest anonymous RSS above the level before the call (sampled every millisecond): the
transient that two shards in flight can stack (bench/README.md, memory, eighth round).

    python bench/memory/model_calls.py [--slices 4] [--batch-tokens 2048] [--tag-batch 16 64]

Runs on any commit (without `--batch-tokens`), so the numbers before a change can be taken
from a checkout of the commit before it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
DEVDATA = ROOT.parent / "shared" / "devdata"

from peaks import _rss_mb  # noqa: E402
from tasks.memory import release_free_memory  # noqa: E402
from tasks.models import sentence_embedder, spacy_pipeline  # noqa: E402


class TransientMeter:
    """The highest anonymous RSS (MB) above a baseline, sampled by a daemon thread."""

    def __init__(self, every: float = 0.001):
        self.base = self.high = 0.0
        threading.Thread(target=self._watch, args=(every,), daemon=True).start()

    @staticmethod
    def anon_mb() -> float:
        return _rss_mb()[1]

    def _watch(self, every: float) -> None:
        while True:
            self.high = max(self.high, self.anon_mb())
            time.sleep(every)

    def start(self) -> None:
        release_free_memory()
        self.base = self.high = self.anon_mb()

    def transient(self) -> float:
        time.sleep(0.005)
        return self.high - self.base


def _texts() -> list[str]:
    return [json.loads(line)["text"] for name in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl")
            for line in (DEVDATA / name).read_text(encoding="utf-8").splitlines()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slices", type=int, default=4, help="slices of 2,560 sentences to encode")
    ap.add_argument("--batch-tokens", type=int, help="padded tokens per encoder batch (default: the embedder's)")
    ap.add_argument("--tag-batch", type=int, nargs="+", default=[16, 64], help="spaCy texts per batch and zone")
    ap.add_argument("--articles", type=int, default=600, help="dev articles to tag")
    args = ap.parse_args()
    meter, texts = TransientMeter(), _texts()
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t.replace("\n", " ")) if len(s.split()) >= 5]
    embedder = sentence_embedder()
    if args.batch_tokens:
        embedder.batch_tokens = args.batch_tokens
    embedder.encode(sentences[:200])
    print("| call | items/s | transient (MB) |\n|---|---:|---:|")
    for k in range(args.slices):
        part = sentences[k * 2560 : (k + 1) * 2560]
        meter.start()
        t = time.perf_counter()
        embedder.encode(part)
        print(f"| encode, sentences {k * 2560}-{k * 2560 + len(part)} | {len(part) / (time.perf_counter() - t):.0f} "
              f"| {meter.transient():.0f} |", flush=True)
    nlp, docs = spacy_pipeline(), texts[: args.articles]
    list(nlp.pipe(docs[:20]))
    for size in args.tag_batch:
        meter.start()
        t, tokens = time.perf_counter(), 0
        for start in range(0, len(docs), size):
            with nlp.memory_zone():
                tokens += sum(len(doc) for doc in nlp.pipe(docs[start : start + size], batch_size=size))
        print(f"| spaCy, {size} articles a batch (tokens/s) | {tokens / (time.perf_counter() - t):.0f} "
              f"| {meter.transient():.0f} |", flush=True)


if __name__ == "__main__":
    main()
