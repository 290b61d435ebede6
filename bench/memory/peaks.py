"""When does the flow's peak memory rise, and what is running then? Runs the enrich flow
in this process on N generated articles (bench/memory/run.py's corpus). A thread samples
RSS every 10 ms; each time it sets a new high (by 2 MB or more), it prints the newest
newsflow frames of every busy thread. Run it under `MALLOC_ARENA_MAX=1`,
`PYTHONMALLOC=malloc` and so on to compare allocator settings (bench/README.md, memory, sixth round).

    python bench/memory/peaks.py 5000
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import generate  # noqa: E402


def _busy(frame) -> str:
    """The thread's newest newsflow frames and its innermost frame; empty when no newsflow code is on it."""
    stack = traceback.extract_stack(frame)
    ours = [f"{Path(f.filename).name}:{f.name}" for f in stack
            if str(ROOT) in f.filename and "site-packages" not in f.filename]
    return " > ".join(ours[-3:]) + f" | {Path(stack[-1].filename).name}:{stack[-1].name}" if ours else ""


def watch(step_mb: float = 2.0, every: float = 0.01) -> None:
    process, high, started = psutil.Process(), 0.0, time.perf_counter()
    while True:
        rss = process.memory_info().rss / 2**20
        if rss > high + step_mb:
            high = rss
            me = threading.get_ident()
            busy = [b for tid, f in sys._current_frames().items() if tid != me and (b := _busy(f))]
            print(f"[{time.perf_counter() - started:7.1f} s] high {rss:.0f} MB :: {' ;; '.join(busy)}", flush=True)
        time.sleep(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", type=int)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsflow-peaks-"))
    generate(args.articles, folder / "in")
    threading.Thread(target=watch, daemon=True).start()
    from flows.enrich import enrich

    report = enrich(sources=[str(folder / "in")], warehouse=str(folder / "wh"))
    print(f"articles {report['articles']}, final RSS {psutil.Process().memory_info().rss / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
