"""Articles/s of the enrich flow with the thread runner and with 1 and 2 Dask workers.

    python bench/scale/run.py [--articles 96] [--shard-size 16]

One corpus of real Wikinews articles (../shared/devdata) is written once and enriched
into a fresh warehouse per runner. Each runner first does a warm-up run on other
articles (threads: models load in this process; Dask: in each worker process of a
cluster that then stays up), so the timed run measures steady-state throughput, as a
long-lived worker would see it. Results go to bench/out/scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
DEVDATA = ROOT.parent / "shared" / "devdata"


def corpus(folder: Path, n: int, start: int, name: str) -> Path:
    lines = []
    for f in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl"):
        lines += (DEVDATA / f).read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines[start : start + n]) + "\n", encoding="utf-8")
    return path


def timed(flow, src: Path, warehouse: Path, shard_size: int) -> tuple[float, dict]:
    t0 = time.perf_counter()
    report = flow(sources=[str(src)], warehouse=str(warehouse), shard_size=shard_size)
    return time.perf_counter() - t0, report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=96)
    ap.add_argument("--shard-size", type=int, default=16)
    args = ap.parse_args()

    from distributed import LocalCluster
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect.testing.utilities import prefect_test_harness
    from prefect_dask import DaskTaskRunner

    from flows.enrich import enrich

    tmp = Path(tempfile.mkdtemp(prefix="newsflow-bench-scale-"))
    src = corpus(tmp / "in", args.articles, 0, "corpus.jsonl")
    warm = corpus(tmp / "warm", args.shard_size, args.articles, "warm.jsonl")
    results = []
    with prefect_test_harness(server_startup_timeout=180):
        for label, workers in (("threads", 0), ("dask x1", 1), ("dask x2", 2)):
            cluster = None
            if workers:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
                runner = DaskTaskRunner(address=cluster.scheduler_address)
            else:
                runner = ThreadPoolTaskRunner()
            flow = enrich.with_options(task_runner=runner)
            try:
                timed(flow, warm, tmp / f"warm-{workers}", args.shard_size)
                seconds, report = timed(flow, src, tmp / f"wh-{workers}", args.shard_size)
            finally:
                if cluster is not None:
                    cluster.close()
            row = {"runner": label, "articles": report["articles"], "seconds": round(seconds, 1),
                   "articles_per_s": round(report["articles"] / seconds, 2),
                   "stage_seconds": report["stage_seconds"]}
            results.append(row)
            print(json.dumps(row), flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps({"args": vars(args), "cpus": os.cpu_count(), "results": results}, indent=1))
    print("\n| runner | articles | seconds | articles/s |\n|---|---|---|---|")
    for r in results:
        print(f"| {r['runner']} | {r['articles']} | {r['seconds']} | {r['articles_per_s']} |")


if __name__ == "__main__":
    main()
