"""Is the flow's memory growth Python objects or native? Runs the enrich flow in this
process on N generated articles (bench/memory/run.py's corpus) and, once the models are
loaded, prints RSS beside tracemalloc's traced Python memory every minute, with the
allocation sites that grew most since the first sample.

    python bench/memory/python_heap.py 5000 [--warmup 100] [--every 60]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from run import generate  # noqa: E402


def watch(warmup: float, every: float, top: int = 6) -> None:
    time.sleep(warmup)  # models loaded and first shards through: their allocations are not growth
    tracemalloc.start(8)
    base = None
    while True:
        time.sleep(every)
        snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        rss = psutil.Process().memory_info().rss / 2**20
        print(f"RSS {rss:.0f} MB, traced Python {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MB", flush=True)
        if base is None:
            base = snap
            continue
        for stat in snap.compare_to(base, "traceback")[:top]:
            print(f"  {stat.size_diff / 2**20:+.2f} MB in {stat.count_diff:+d} blocks", flush=True)
            for line in stat.traceback.format()[-4:]:
                print("     ", line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("articles", type=int)
    ap.add_argument("--warmup", type=float, default=100.0, help="seconds before tracing starts")
    ap.add_argument("--every", type=float, default=60.0)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsflow-heap-"))
    generate(args.articles, folder / "in")
    threading.Thread(target=watch, args=(args.warmup, args.every), daemon=True).start()
    from flows.enrich import enrich

    report = enrich(sources=[str(folder / "in")], warehouse=str(folder / "wh"))
    print("articles", report["articles"], f"final RSS {psutil.Process().memory_info().rss / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
