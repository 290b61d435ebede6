"""Peak memory of the enrich flow as the corpus grows (issue 5: bounded memory).

    python bench/memory/run.py --sizes 1000 5000 20000

For each size, generates that many distinct news articles from the dev data
(../shared/devdata), in JSONL files of 500 articles (a daily export), runs
`python -m flows.cli run` on them in a fresh warehouse, and samples the CLI process's
resident memory every 0.1 s. The Prefect API server it starts is a separate process and
is reported apart. Prints a markdown table; --out also writes the numbers as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
DEVDATA = ROOT.parent / "shared" / "devdata"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _sentences() -> list[tuple[str, list[str]]]:
    out = []
    for name in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl"):
        for line in (DEVDATA / name).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            sents = [s.strip() for s in _SENT.split(rec["text"].replace("\n", " ")) if len(s.split()) >= 5]
            if len(sents) >= 4:
                out.append((rec.get("title") or "", sents))
    return out


def generate(n: int, folder: Path, per_file: int = 500) -> int:
    """Write n distinct articles: three opening sentences of one dev article and one
    sentence of another, so every (article, article, sentence) triple is a new body."""
    base = _sentences()
    seen, rows, k = set(), [], 0
    while len(rows) < n:
        a, b = base[k % len(base)], base[(k * 7 + k // len(base) + 1) % len(base)]
        extra = b[1][(k // len(base)) % len(b[1])]
        body = " ".join(a[1][:3]) + "\n" + extra
        k += 1
        if body in seen or a is b:
            continue
        seen.add(body)
        rows.append({"title": a[0], "text": body, "url": f"https://example.org/bench/{len(rows)}"})
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(0, n, per_file):
        with open(folder / f"export-{i // per_file:05d}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows[i : i + per_file])
    return sum(len(r["text"]) for r in rows)


def measure(n: int, work: Path) -> dict:
    inbox, wh = work / f"in-{n}", work / f"wh-{n}"
    chars = generate(n, inbox)
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", HF_HUB_OFFLINE="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(wh)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    me = psutil.Process(proc.pid)
    peak = server_peak = 0
    curve, counted, last_count = [], {}, 0.0  # (articles committed, peak RSS so far)
    while proc.poll() is None:
        try:
            peak = max(peak, me.memory_info().rss)
            for child in me.children(recursive=True):
                server_peak = max(server_peak, child.memory_info().rss)
        except psutil.Error:
            pass
        if time.monotonic() - last_count > 2:
            last_count = time.monotonic()
            done = _committed(wh, counted)
            if not curve or done > curve[-1][0]:
                curve.append((done, round(peak / 2**20)))
                print(f"  {n}: {done} articles committed, peak RSS so far {curve[-1][1]} MB", flush=True)
        time.sleep(0.1)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"run of {n} articles failed:\n{out[-3000:]}")
    seconds = time.monotonic() - started
    articles = int(re.findall(r"│\s*(\d+)\s*│\s*(\d+)\s*│", out)[0][1])
    return {"articles_in": n, "articles_stored": articles, "input_mb": round(chars / 2**20, 1),
            "peak_rss_mb": round(peak / 2**20), "server_peak_rss_mb": round(server_peak / 2**20),
            "seconds": round(seconds), "articles_per_s": round(n / seconds, 1), "curve": curve}


def _committed(wh: Path, counted: dict) -> int:
    """Articles committed so far: rows of the `articles` files (each read once)."""
    import pyarrow.parquet as pq

    for f in wh.glob("articles/ingest_date=*/part-*.parquet"):
        if f not in counted:
            try:
                counted[f] = pq.ParquetFile(f).metadata.num_rows
            except OSError:
                continue
    return sum(counted.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    results = []
    print("| articles | input MB | peak RSS, flow process (MB) | Prefect server (MB) | seconds | articles/s |")
    print("|---:|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-memory-") as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp))
            results.append(r)
            print(f"| {n} | {r['input_mb']} | {r['peak_rss_mb']} | {r['server_peak_rss_mb']} | {r['seconds']} | "
                  f"{r['articles_per_s']} |", flush=True)
            if args.out:
                args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
