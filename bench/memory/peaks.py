"""When does the flow's peak memory rise, and what is running then? Runs the enrich flow
in this process on N generated articles (bench/memory/run.py's corpus). A thread samples
RSS every 10 ms; each time it sets a new high (by 2 MB or more), it prints the newest
newsflow frames of every busy thread. Run it under `MALLOC_ARENA_MAX=1`,
`PYTHONMALLOC=malloc` and so on to compare allocator settings (bench/README.md, memory, sixth round).
With `--csv`, every sample is also written as `seconds,anon_mb,file_mb` (the RssAnon and
RssFile lines of /proc/self/status), so the floor can be told from the spikes (seventh round).

    python bench/memory/peaks.py 5000 [--csv rss.csv]
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


def _rss_mb() -> tuple[float, float, float]:
    """Resident MB of this process: total, anonymous and file-backed (/proc/self/status, Linux)."""
    lines = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return tuple(int(lines[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "RssFile"))


def watch(csv: Path | None, step_mb: float = 2.0, every: float = 0.01) -> None:
    high, started = 0.0, time.perf_counter()
    out = csv.open("w") if csv else None
    while True:
        rss, anon, file = _rss_mb()
        if out:
            out.write(f"{time.perf_counter() - started:.2f},{anon:.1f},{file:.1f}\n")
            out.flush()
        if rss > high + step_mb:
            high = rss
            me = threading.get_ident()
            busy = [b for tid, f in sys._current_frames().items() if tid != me and (b := _busy(f))]
            print(f"[{time.perf_counter() - started:7.1f} s] high {rss:.0f} MB :: {' ;; '.join(busy)}", flush=True)
        time.sleep(every)


def floor_and_peak(csv: Path, window_s: float = 30.0) -> None:
    """Per window of the run: the lowest and highest anonymous RSS, and file-backed RSS.
    A rising floor is memory kept; a flat floor under rising highs is spikes that grow."""
    rows = [tuple(map(float, line.split(","))) for line in csv.read_text().splitlines() if line.count(",") == 2]
    windows: dict[int, list] = {}
    for t, anon, file in rows:
        windows.setdefault(int(t // window_s), []).append((anon, file))
    for w, samples in sorted(windows.items()):
        anon = [a for a, _ in samples]
        print(f"{w * window_s:6.0f} s  anon floor {min(anon):6.0f}  anon high {max(anon):6.0f}"
              f"  file {samples[-1][1]:5.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", type=int)
    parser.add_argument("--csv", type=Path, help="write every RSS sample (seconds, anon MB, file MB) here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsflow-peaks-"))
    generate(args.articles, folder / "in")
    threading.Thread(target=watch, args=(args.csv,), daemon=True).start()
    from flows.enrich import enrich

    report = enrich(sources=[str(folder / "in")], warehouse=str(folder / "wh"))
    if args.csv:
        floor_and_peak(args.csv)
    print(f"articles {report['articles']}, final RSS {psutil.Process().memory_info().rss / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
