"""Ingest throughput and peak memory per input format, on generated input.

    python bench/ingest/bench.py [--scale 1.0] [--work /tmp/newsflow-bench-ingest]

Inputs are built from the Wikinews dev articles (../shared/devdata), repeated with a
counter so that each record is distinct: JSONL, CSV and Parquet exports, a text dump,
HTML pages, an RSS feed, a gzipped WARC, and one 100 MB single-line JSONL (rejected).
Each format is read in a fresh process that iterates its reader and keeps nothing, so
the process's peak RSS minus its RSS before reading is the reader's working memory.
Two sizes of the streaming formats show whether memory stays flat as input grows.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVDATA = ROOT.parent / "shared" / "devdata" / "news_dev.jsonl"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _articles() -> list[dict]:
    return [json.loads(line) for line in DEVDATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stream(n: int):
    arts = _articles()
    for i in range(n):
        a = arts[i % len(arts)]
        yield dict(a, title=f"{a['title']} #{i}", text=f"{a['text']}\nUpdate {i}.")


def build(work: Path, scale: float) -> dict[str, Path]:
    """Generate the inputs once (kept between runs); returns {case: path}."""
    from ingest_fixtures import page_html, rss, write_warc

    work.mkdir(parents=True, exist_ok=True)
    n_rows = int(40_000 * scale)  # ~100 MB of JSONL at scale 1
    n_pages = int(1_000 * scale)
    cases = {}

    def make(name: str, writer) -> None:
        path = work / name
        if not path.exists():
            tmp = path.with_suffix(path.suffix + ".tmp")
            writer(tmp)
            os.replace(tmp, path)
        cases[name] = path

    def jsonl(rows):
        def write(p):
            with open(p, "w") as fh:
                for r in _stream(rows):
                    fh.write(json.dumps({"title": r["title"], "text": r["text"], "url": r["source_url"],
                                         "published": r["published"]}) + "\n")
        return write

    make("small.jsonl", jsonl(n_rows // 4))
    make("large.jsonl", jsonl(n_rows))

    def write_csv(p):
        import csv

        with open(p, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["title", "text", "url", "published"])
            for r in _stream(n_rows):
                w.writerow([r["title"], r["text"], r["source_url"], r["published"]])
    make("large.csv", write_csv)

    def write_parquet(p):
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([("title", pa.string()), ("text", pa.string()), ("url", pa.string())])
        with pq.ParquetWriter(p, schema, compression="zstd") as w:
            batch = []
            for r in _stream(n_rows):
                batch.append({"title": r["title"], "text": r["text"], "url": r["source_url"]})
                if len(batch) == 2000:
                    w.write_table(pa.Table.from_pylist(batch, schema))
                    batch = []
            if batch:
                w.write_table(pa.Table.from_pylist(batch, schema))
    make("large.parquet", write_parquet)

    def write_dump(p):
        with open(p, "w") as fh:
            for r in _stream(n_rows):
                fh.write(f"{r['title']}\n\n{r['text']}\n\n\n")
    make("large.txt", write_dump)

    def write_pages(p):
        p.mkdir()
        for i, r in enumerate(_stream(n_pages)):
            (p / f"page-{i:06d}.html").write_text(page_html(r))
    make("pages", write_pages)

    def write_feed(p):
        p.write_text(rss(list(_stream(n_pages))))
    make("feed.rss", write_feed)

    def write_crawl(p):
        write_warc(p, [(f"https://news.example.org/{i}", page_html(r)) for i, r in enumerate(_stream(n_pages))],
                   others=n_pages // 10)
    cases["crawl.warc.gz"] = work / "crawl.warc.gz"
    if not cases["crawl.warc.gz"].exists():
        tmp = work / "tmp-crawl.warc.gz"
        write_crawl(tmp)
        os.replace(tmp, cases["crawl.warc.gz"])

    def write_long_line(p):
        with open(p, "wb") as fh:
            fh.write(b'{"text": "')
            for _ in range(100):
                fh.write(b"word " * 209_716)
            fh.write(b'"}\n')
    make("long_line.jsonl", write_long_line)
    return cases


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size


def measure(path: Path) -> dict:
    """Read one input with its reader, keeping nothing; runs inside a fresh process."""
    from tasks.readers import reader_for
    from tasks.records import Reject

    files = sorted(str(p) for p in path.iterdir()) if path.is_dir() else [str(path)]
    reader_for(files[0])  # import the reader's libraries before the baseline
    import trafilatura  # noqa: F401  (loaded by the page readers on first use)

    rss_before = _peak_mb()  # imports done: what is added from here on is the reading
    records = rejects = 0
    start = time.perf_counter()
    for f in files:
        for item in reader_for(f)(f):
            if isinstance(item, Reject):
                rejects += 1
            else:
                records += 1
    seconds = time.perf_counter() - start
    mb = _size(path) / 2**20
    return {"input_mb": round(mb, 1), "records": records, "rejects": rejects, "seconds": round(seconds, 2),
            "mb_per_s": round(mb / seconds, 1), "records_per_s": round(records / seconds, 1),
            "rss_before_mb": round(rss_before), "peak_rss_mb": round(_peak_mb()),
            "reader_mb": round(_peak_mb() - rss_before)}


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: the latter survives exec and would report the parent's peak
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsflow-bench-ingest"))
    parser.add_argument("--only", nargs="*", help="input names to measure (default: all)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--near", type=int, default=0, help="also time near-duplicate detection on N articles")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    cases = build(args.work, args.scale)
    print(f"| input | MB | records | rejects | s | MB/s | records/s | peak RSS MB (after imports) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, path in cases.items():
        if args.only and name not in args.only:
            continue
        out = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {name} | {r['input_mb']} | {r['records']} | {r['rejects']} | {r['seconds']} | {r['mb_per_s']} "
              f"| {r['records_per_s']} | {r['peak_rss_mb']} ({r['rss_before_mb']}) |", flush=True)


    if args.near:
        print(near_duplicates(args.near))


def near_duplicates(n: int) -> str:
    """Exact + near dedupe of `n` generated articles. The generator repeats the dev set
    with a counter line, so every article after the first pass is a near copy: the
    worst case for LSH (every query has candidates to verify)."""
    from tasks.dedupe import dedupe
    from tasks.near_duplicates import NearDuplicateIndex
    from tasks.records import Article, content_hash

    arts = [Article(content_hash(r["text"]), "bench", "jsonl", i, f"line {i}", r["text"])
            for i, r in enumerate(_stream(n))]
    start = time.perf_counter()
    result = dedupe(arts, set(), set(), NearDuplicateIndex(0.8))
    seconds = time.perf_counter() - start
    return (f"near duplicates: {n} articles in {seconds:.1f} s = {n / seconds:.0f} articles/s; "
            f"{len(result.fresh)} fresh, {len(result.duplicates)} near copies; peak RSS {_peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
