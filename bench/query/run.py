"""Warm latency of every curated view and every dashboard query on a generated warehouse.

    python bench/query/generate.py bench/out/wh100k --articles 100000   # once
    python bench/query/run.py bench/out/wh100k

A view is timed as `SELECT * FROM view` fetched in full into Arrow (what a dashboard or an
export does); a dashboard query as the function in warehouse/dashboard/queries.py, without
Streamlit's cache. Each query runs once cold (not reported) and --repeat times warm; the
median and the worst warm run are reported. Exit status 1 if a dashboard query's median
is over the --budget (seconds).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's packages

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from warehouse.dashboard import queries as q
from warehouse.query import named_views, reader


def timed(fn, repeat: int) -> tuple[float, float, float, int]:
    """(median wall s, worst wall s, median CPU s of all DuckDB threads, rows) over warm runs."""
    fn()  # cold: file metadata, OS page cache
    walls, cpus, rows = [], [], 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        rows = out[1] if isinstance(out, tuple) else len(out)
    return statistics.median(walls), max(walls), statistics.median(cpus), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=1.0)
    parser.add_argument("--skip-views", action="store_true", help="time the dashboard queries only")
    args = parser.parse_args()
    con = reader(args.warehouse)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    first, last, sources = q.bounds(con)
    everything = q.Filters(first, last)
    week = q.Filters(last - timedelta(days=6), last)
    one_source = q.Filters(first, last, (sources[0],))
    top = q.top_entities(con, everything)
    entity = (top.entity[0], top.label[0])

    print(f"warehouse {args.warehouse}: {n:,} articles, {len(sources)} sources, {first}..{last}\n")
    print(f"{'view':38} {'rows':>9} {'median s':>9} {'max s':>7} {'cpu s':>7}")
    for v in [] if args.skip_views else named_views():
        med, worst, cpu, rows = timed(lambda v=v: con.sql(f"SELECT * FROM {v.name}").to_arrow_table(), args.repeat)
        print(f"{v.name:38} {rows:>9,} {med:>9.3f} {worst:>7.3f} {cpu:>7.3f}")

    dashboard = {
        "bounds": lambda: q.bounds(con)[2],
        "totals (all)": lambda: list(q.totals(con, everything)),
        "articles_per_day (all)": lambda: q.articles_per_day(con, everything),
        "top_entities (all)": lambda: q.top_entities(con, everything),
        "top_entities (1 source)": lambda: q.top_entities(con, one_source),
        "rising_entities (all)": lambda: q.rising_entities(con, everything),
        "rising_entities (1 source)": lambda: q.rising_entities(con, one_source),
        "entity_articles (top entity)": lambda: q.entity_articles(con, everything, *entity),
        "search_articles (no text)": lambda: q.search_articles(con, everything),
        "search_articles ('union')": lambda: q.search_articles(con, everything, "union"),
        "search_articles (last week, 'talks')": lambda: q.search_articles(con, week, "talks"),
        "search_articles (rare word)": lambda: q.search_articles(con, everything, "zeppelin"),
        "search_articles (bodies, opt-in)": lambda: q.search_articles(con, everything, "zeppelin", bodies=True),
        "runs": lambda: q.runs(con),
        "quality": lambda: q.quality(con, everything),
        "reject_reasons": lambda: q.reject_reasons(con, everything),
    }
    print(f"\n{'dashboard query':38} {'rows':>9} {'median s':>9} {'max s':>7} {'cpu s':>7}")
    over = []
    for name, fn in dashboard.items():
        med, worst, cpu, rows = timed(fn, args.repeat)
        print(f"{name:38} {rows:>9,} {med:>9.3f} {worst:>7.3f} {cpu:>7.3f}")
        if med > args.budget and "opt-in" not in name:
            over.append(name)
    if over:
        print(f"\nover the {args.budget} s budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
