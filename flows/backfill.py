"""The backfill flow: re-run the model stages whose version, model or parameters changed.

    find stale articles -> rebuild them from the warehouse -> stage and its dependents
        -> commit (new files + article_stages rows) -> refresh catalog -> record the run

Articles are never ingested or segmented again: their text comes from `articles`,
and what an unchanged stage made (sentences, mentions, summaries) from its current
rows. Old rows stay queryable in the `<table>_history` views; the plain views show
the new ones (warehouse/versions.py). A killed backfill resumes: shards already
committed are no longer stale.
"""
from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timezone

import duckdb
from prefect import flow, get_run_logger

from flows.enrich import _record_run, _steps
from flows.observe import publish_run_artifacts
from flows.settings import load_settings
from tasks.records import Article, Mention, Sentence, Summary, content_hash
from tasks.step import run_step_task
from warehouse.catalog import connect, refresh_catalog
from warehouse.rows import article_tables
from warehouse.versions import DOWNSTREAM, STAGE_TABLES, STAGES, commit_backfill, fingerprint, stage_table
from warehouse.writer import Warehouse

_FIELD_ORDER = {"body": 0, "title": 1, "kicker": 2, "deck": 3}  # the tagger's mention order


def stale_articles(con: duckdb.DuckDBPyConnection, wanted: dict[str, tuple]) -> dict[str, list[str]]:
    """First stale stage -> article ids, for every stored article whose recorded
    (version, model, params) of a stage in `wanted` differs from the wanted one."""
    current: dict[str, dict[str, tuple]] = defaultdict(dict)
    rows = con.execute(
        """SELECT a.article_id, c.stage, c.version, c.model, c.params
           FROM articles a LEFT JOIN article_stages_current c USING (article_id)"""
    ).fetchall()
    for aid, stage, *fp in rows:
        current[aid][stage] = tuple(fp)
    out: dict[str, list[str]] = defaultdict(list)
    for aid in sorted(current):
        first = next((s for s in STAGES if s in wanted and current[aid].get(s) != wanted[s]), None)
        if first:
            out[first].append(aid)
    return dict(out)


def load_articles(con: duckdb.DuckDBPyConnection, ids: list[str], first_stage: str) -> list[Article]:
    """Rebuild articles from the warehouse with what the stages before `first_stage` made."""
    cols = [
        "article_id", "source_uri", "source_format", "position", "location", "body", "title", "kicker", "deck",
        "byline", "dateline", "captions", "url", "published_at", "authors", "language", "is_truncated",
        "truncation_reason", "boundary_confidence", "boilerplate_removed",
    ]
    cur = con.execute(
        f"SELECT {', '.join(cols)}, skipped_stages FROM articles WHERE article_id IN (SELECT unnest(?))", [ids]
    )
    arts = {}
    for row in cur.fetchall():
        a = Article(**dict(zip(cols, row[:-1])))
        a.captions, a.authors = list(a.captions or []), list(a.authors or [])
        a.skipped = {k: v for k, v in (row[-1] or {}).items() if k not in DOWNSTREAM[first_stage]}
        pos = 0
        for para in a.body.split("\n"):  # the segmenter joins paragraphs with one line break
            a.paragraphs.append((pos, pos + len(para)))
            pos += len(para) + 1
        arts[a.article_id] = a
    if first_stage != "tag":
        for aid, p, i, s, e, text in con.execute(
            """SELECT article_id, paragraph_idx, sentence_idx, start_char, end_char, text FROM sentences
               WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, sentence_idx""", [ids]
        ).fetchall():
            arts[aid].sentences.append(Sentence(p, i, s, e, text))
        for aid, s, e, text, label, idx, fld in con.execute(
            """SELECT article_id, start_char, end_char, text, label, sentence_idx, field FROM entities
               WHERE article_id IN (SELECT unnest(?)) AND source = 'model'""", [ids]
        ).fetchall():
            arts[aid].mentions.append(Mention(s, e, text, label, idx, fld))
        for a in arts.values():
            a.mentions.sort(key=lambda m: (_FIELD_ORDER.get(m.field, 9), m.start_char, m.end_char))
    if first_stage == "entities":
        for aid, method, model, text, idxs, n_words, params in con.execute(
            """SELECT article_id, method, model, summary, sentence_idxs, n_words, params FROM summaries
               WHERE article_id IN (SELECT unnest(?))""", [ids]
        ).fetchall():
            arts[aid].summaries.append(Summary(method, model, text, list(idxs or []), n_words, params))
    return [arts[i] for i in ids if i in arts]


@flow(name="backfill", log_prints=False)
def backfill(
    warehouse: str | None = None,
    stages: list[str] | None = None,
    shard_size: int | None = None,
    summary_sentences: int | None = None,
    spacy_model: str | None = None,
    embedding_model: str | None = None,
) -> dict:
    """Re-run, for stored articles, every model stage in `stages` (default: all) whose
    version, model or parameters differ from the current settings — and the stages that
    consume its output. Returns the run's accounting, as `enrich` does.
    """
    log = get_run_logger()
    settings = load_settings(
        warehouse=warehouse, shard_size=shard_size, summary_sentences=summary_sentences,
        spacy_model=spacy_model, embedding_model=embedding_model,
    )
    unknown = set(stages or ()) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}: choose from {', '.join(STAGES)}")
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%S") + "-bf-" + uuid.uuid4().hex[:8]
    wh = Warehouse(settings.warehouse)
    wh.create()
    if removed := {k: v for k, v in wh.recover().items() if v}:
        log.warning("recovered from an interrupted run: removed %s", removed)
    refresh_catalog(wh)
    steps = _steps(settings)
    wanted = {name: fingerprint(steps[name]) for name in (stages or STAGES)}
    task = {name: run_step_task(name, settings.retries, settings.task_timeout_seconds) for name in STAGES}

    con = connect(wh.root, read_only=True)
    counts: Counter = Counter()
    written: Counter = Counter()
    seconds: Counter = Counter()
    status = "failed"
    try:
        todo = stale_articles(con, wanted)
        log.info("backfill %s: stale articles per first stale stage %s", run_id, {k: len(v) for k, v in todo.items()})
        for first, ids in todo.items():
            chain = DOWNSTREAM[first]
            fps = {name: fingerprint(steps[name]) for name in chain}
            for i in range(0, len(ids), settings.shard_size):
                shard = ids[i : i + settings.shard_size]
                t0 = time.perf_counter()
                out = load_articles(con, shard, first)
                seconds["load"] += time.perf_counter() - t0
                counts["records_in"] += len(shard)
                for name in chain:
                    out = task[name](steps[name], out)
                    seconds[name] += out.stats.get("seconds", 0.0)
                now = datetime.now(timezone.utc)
                every = article_tables(out.items, run_id, now)
                tables = {t: every[t] for name in chain for t in STAGE_TABLES[name]}
                tables["article_stages"] = stage_table([a.article_id for a in out.items], fps, run_id, now)
                key = content_hash(*shard, *(f"{n}:{fp}" for n, fp in fps.items()), size=8)
                written.update(commit_backfill(wh, tables, key, now.date()))
                counts["articles"] += len(out.items)
        status = "completed"
    finally:
        con.close()
        report = _record_run(
            wh, run_id, started, status, [f"backfill:{','.join(wanted)}"], counts, written, seconds, settings, steps
        )
        report["flow"] = "backfill"
        publish_run_artifacts(report, log)
    log.info("backfill %s %s: %d articles re-processed; rows written %s", run_id, status, counts["articles"],
             dict(written))
    return report
