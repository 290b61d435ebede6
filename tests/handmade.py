"""A small warehouse written by hand through the real writer, so view numbers are exactly known.

Six articles from two sources over 2026-03-02..2026-03-15, two runs on two ingest days,
three duplicates and two rejects. The expected numbers in the view and dashboard tests
are worked out by hand from the table below; change it and you change them.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa

from tasks.records import Article, ArticleEntity, Duplicate, Reject, Summary, content_hash
from warehouse.catalog import refresh_catalog
from warehouse.rows import article_tables, duplicate_table, reject_table
from warehouse.schemas import RUNS
from warehouse.writer import Warehouse

ALPHA, BETA, BROKEN = "feeds/alpha.jsonl", "feeds/beta.txt", "feeds/broken.gz"
RUN1, RUN2 = "20260310T080000-run1", "20260315T090000-run2"
INGEST1, INGEST2 = date(2026, 3, 10), date(2026, 3, 15)

# key: (source, published day or None, truncated, kicker, deck, {entity: (label, mentions)}, summary)
# summary None: skipped by the summariser with a reason; "" : missing with no reason.
ARTICLES = {
    "a1": (ALPHA, date(2026, 3, 2), False, "MARKETS", "Shares fell for a third day",
           {"Acme Corp": ("ORG", 2), "Jane Doe": ("PERSON", 1)}, "Acme Corp shares fell again."),
    "a2": (ALPHA, date(2026, 3, 3), True, None, None,
           {"Acme Corp": ("ORG", 1), "Paris": ("GPE", 1)}, "Acme Corp opened an office in Paris."),
    "a3": (BETA, date(2026, 3, 9), False, "POLITICS", None,
           {"Jane Doe": ("PERSON", 3), "Paris": ("GPE", 1)}, "Jane Doe spoke in Paris."),
    "a4": (BETA, date(2026, 3, 12), False, None, "A visit to the capital",
           {"Jane Doe": ("PERSON", 1), "Berlin": ("GPE", 2)}, None),
    "a5": (ALPHA, date(2026, 3, 14), True, "WORLD", None,
           {"Jane Doe": ("PERSON", 2), "Berlin": ("GPE", 1), "Acme Corp": ("ORG", 1), "Paris": ("GPE", 3)},
           "Jane Doe flew from Paris to Berlin to meet Acme Corp."),
    "a6": (BETA, None, False, None, None, {"Berlin": ("GPE", 1)}, ""),
}
RUN_OF = {"a1": RUN1, "a2": RUN1, "a3": RUN1, "a4": RUN1, "a5": RUN2, "a6": RUN2}


def body_of(key: str) -> str:
    return f"Body of article {key}. " + " ".join(ARTICLES[key][5]) + ". It goes on for a while."


def article(key: str, position: int) -> Article:
    source, day, truncated, kicker, deck, ents, summary = ARTICLES[key]
    body = body_of(key)
    art = Article(
        article_id=content_hash(body), source_uri=source, source_format=source.rsplit(".", 1)[-1],
        position=position, location=f"{source}#{position}", body=body, title=f"Title {key}",
        kicker=kicker, deck=deck, is_truncated=truncated,
        truncation_reason="ends_mid_sentence" if truncated else None,
        published_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) if day else None,
        entities=[ArticleEntity(canonical=name, label=label, mentions=n, first_char=i * 10, salience=1.0 / (i + 1))
                  for i, (name, (label, n)) in enumerate(ents.items())],
    )
    if summary:
        art.summaries = [Summary(method="extractive", model="test", summary=summary, sentence_idxs=[0],
                                 n_words=len(summary.split()))]
    elif summary is None:
        art.skipped["summarise"] = "no_sentences"
    return art


def article_id(key: str) -> str:
    return content_hash(body_of(key))


def _run_row(run_id, started, seconds, sources, records_in, articles, duplicates, rejects, stage_seconds):
    return {
        "run_id": run_id, "flow_run_id": None, "started_at": started,
        "finished_at": datetime.fromtimestamp(started.timestamp() + seconds, timezone.utc), "status": "completed",
        "sources": sources, "records_in": records_in, "articles": articles, "duplicates": duplicates,
        "unchanged": 0, "rejects": rejects, "rows_written": [("articles", articles)],
        "stage_seconds": list(stage_seconds.items()), "versions": [("newsflow", "test")],
    }


def build(root: str | Path) -> Path:
    """Write the hand-made warehouse into `root` and build its catalog; returns `root`."""
    wh = Warehouse(root)
    wh.create()
    for run_id, day, keys in ((RUN1, INGEST1, ["a1", "a2", "a3", "a4"]), (RUN2, INGEST2, ["a5", "a6"])):
        arts = [article(k, i) for i, k in enumerate(keys)]
        now = datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc)
        wh.commit_shard(article_tables(arts, run_id, now), run_id, day)
    dups = {
        RUN1: [Duplicate("d1", article_id("a1"), 1.0, "exact", ALPHA, f"{ALPHA}#9")],
        RUN2: [Duplicate("d2", article_id("a3"), 0.93, "near", BETA, f"{BETA}#9"),
               Duplicate("d3", article_id("a2"), 1.0, "exact", ALPHA, f"{ALPHA}#10")],
    }
    rejects = {
        RUN1: [Reject(BETA, f"{BETA}#7", "no text")],
        RUN2: [Reject(BROKEN, BROKEN, "corrupt archive: bad gzip header")],
    }
    for run_id, day in ((RUN1, INGEST1), (RUN2, INGEST2)):
        now = datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc)
        wh.append("duplicates", duplicate_table(dups[run_id], run_id), f"{run_id}-dups", day)
        wh.append("rejects", reject_table(rejects[run_id], run_id, now), f"{run_id}-rejects", day)
    runs = [
        _run_row(RUN1, datetime(2026, 3, 10, 8, tzinfo=timezone.utc), 30.0, [ALPHA, BETA], 6, 4, 1, 1,
                 {"ingest": 1.5, "tag": 10.0, "summarise": 15.0}),
        _run_row(RUN2, datetime(2026, 3, 15, 9, tzinfo=timezone.utc), 75.0, [ALPHA, BETA, BROKEN], 5, 2, 2, 1,
                 {"ingest": 2.0, "tag": 40.0, "summarise": 20.0}),
    ]
    for row, day in zip(runs, (INGEST1, INGEST2)):
        wh.append("runs", pa.Table.from_pylist([row], RUNS), row["run_id"], day)
    refresh_catalog(wh)
    return Path(root)
