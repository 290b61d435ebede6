"""Stage versions: which version, model and parameters produced an article's rows.

Every committed article gets one `article_stages` row per model stage (tag, summarise,
entities). A backfill (flows/backfill.py) re-runs a stage whose version, model or
parameters changed, writes the stage's tables again as new files, and appends new
`article_stages` rows. Nothing is overwritten:

- `<table>_history` views hold every row ever written (old versions stay queryable);
- the plain views `sentences`, `entities`, `article_entities`, `summaries` show, per
  article, only the rows of the run that produced the article's *current* stage
  (the latest `article_stages` row per article and stage). Analysts query them as before.
"""
from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa

from warehouse.schemas import ARTICLE_STAGES
from warehouse.writer import Warehouse

# Model stages in pipeline order, and the tables whose current rows each one decides.
STAGES = ("tag", "summarise", "entities")
STAGE_TABLES = {"tag": ("sentences",), "summarise": ("summaries",), "entities": ("entities", "article_entities")}
# A stage's output feeds these later stages, so re-running it re-runs them too:
# summaries pick sentences by index, entity ranks read the summary (in_summary).
DOWNSTREAM = {"tag": ("tag", "summarise", "entities"), "summarise": ("summarise", "entities"), "entities": ("entities",)}
BACKFILL_PREFIX = "bf-"

Fingerprint = tuple[str, str, str]  # (version, model, params)


def fingerprint(step) -> Fingerprint:
    """What identifies a stage's output: its version, its model, its parameters."""
    return str(step.version), str(getattr(step, "model", "") or ""), str(getattr(step, "params", "") or "")


def stage_table(article_ids: list[str], stages: dict[str, Fingerprint], run_id: str, now: datetime) -> pa.Table:
    """`article_stages` rows: each article processed by each of `stages` in run `run_id`."""
    rows = [
        {"article_id": aid, "stage": stage, "version": v, "model": m, "params": p, "run_id": run_id, "processed_at": now}
        for aid in article_ids
        for stage, (v, m, p) in stages.items()
    ]
    return pa.Table.from_pylist(rows, ARTICLE_STAGES)


def commit_backfill(wh: Warehouse, tables: dict[str, pa.Table], key: str, day: date) -> dict[str, int]:
    """Write a backfill shard: its stage tables first, its `article_stages` file last.

    The `article_stages` file is the shard's commit marker: until it lands, the current
    views still show the old rows, and `Warehouse.recover` removes the shard's other files.
    """
    key = BACKFILL_PREFIX + key
    written = {}
    with wh.lock():
        for table, data in tables.items():
            if table != "article_stages" and data.num_rows:
                wh._write_file(table, data, key, day)
                written[table] = data.num_rows
        wh._write_file("article_stages", tables["article_stages"], key, day)
        written["article_stages"] = tables["article_stages"].num_rows
    return written


def history_name(table: str) -> str | None:
    """The view holding every row of `table` when it has current/history views, else None."""
    return f"{table}_history" if any(table in t for t in STAGE_TABLES.values()) else None


def current_views_sql() -> list[str]:
    """SQL for `article_stages_current` and the current view of every stage table."""
    out = [
        """CREATE OR REPLACE VIEW article_stages_current AS
           SELECT * FROM article_stages
           QUALIFY row_number() OVER (PARTITION BY article_id, stage ORDER BY processed_at DESC, run_id DESC) = 1"""
    ]
    for stage, tables in STAGE_TABLES.items():
        for table in tables:
            # articles stored before stage versions were recorded have no row: all theirs show
            out.append(
                f"""CREATE OR REPLACE VIEW {table} AS
                    SELECT h.* FROM {table}_history h
                    LEFT JOIN article_stages_current c ON c.article_id = h.article_id AND c.stage = '{stage}'
                    WHERE c.run_id IS NULL OR c.run_id = h.run_id"""
            )
    return out
