"""The enrich flow: raw news in, a queryable warehouse out.

    ingest -> segment -> dedupe -> tag (sentences + mentions) -> summarise
           -> resolve entities -> commit shard -> refresh catalog -> record the run

Files are read in groups, and each group's new articles go through the model stages
in shards of `shard_size`, so memory follows the shard, not the corpus. Every stage
is a Prefect task with retries; models load once per process inside the stages.
"""
from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import datetime, timezone

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import flows
from flows.settings import Settings, load_settings
from tasks.dedupe import dedupe
from tasks.entities import EntityResolver
from tasks.ingest import Ingester, discover
from tasks.records import Article, content_hash
from tasks.segment import Segmenter
from tasks.step import StepOutput, run_step_task
from tasks.summarise import ExtractiveSummariser
from tasks.tag import Tagger
from warehouse.catalog import refresh_catalog
from warehouse.rows import article_tables, duplicate_table, reject_table
from warehouse.schemas import RUNS
from warehouse.writer import Warehouse

FILE_GROUP_BYTES = 16 * 2**20  # read about this much input before enriching it


@task(name="commit-shard", retries=2, retry_delay_seconds=[1, 4], cache_policy=NO_CACHE)
def commit_shard(wh: Warehouse, resolved: StepOutput, key: str, run_id: str) -> dict[str, int]:
    """Write one enriched shard to the warehouse (idempotent, atomic per file)."""
    now = datetime.now(timezone.utc)
    return wh.commit_shard(article_tables(resolved.items, run_id, now), key, now.date())


def _file_groups(files: list[str], limit: int = FILE_GROUP_BYTES) -> list[list[str]]:
    import os

    groups, current, size = [], [], 0
    for f in files:
        current.append(f)
        size += os.path.getsize(f)
        if size >= limit:
            groups.append(current)
            current, size = [], 0
    return groups + ([current] if current else [])


def _steps(s: Settings) -> dict[str, object]:
    return {
        "ingest": Ingester(),
        "segment": Segmenter(
            s.embedding_model, s.topic_threshold, s.min_article_words, s.boundary_threshold, s.boundary_model
        ),
        "tag": Tagger(s.spacy_model, languages=tuple(s.languages)),
        "summarise": ExtractiveSummariser(
            s.embedding_model, s.summary_sentences, s.summary_max_words, s.summary_position_weight
        ),
        "entities": EntityResolver(),
    }


@flow(name="enrich", log_prints=False)
def enrich(
    sources: list[str],
    warehouse: str | None = None,
    shard_size: int | None = None,
    summary_sentences: int | None = None,
    spacy_model: str | None = None,
    embedding_model: str | None = None,
) -> dict:
    """Ingest `sources` (files, folders, globs) and enrich them into `warehouse`.

    Returns the run's accounting: records in, articles, duplicates, rejects and rows
    written per table. Re-running on the same input adds nothing but a `runs` row.
    """
    log = get_run_logger()
    settings = load_settings(
        warehouse=warehouse, shard_size=shard_size, summary_sentences=summary_sentences,
        spacy_model=spacy_model, embedding_model=embedding_model,
    )
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    wh = Warehouse(settings.warehouse)
    wh.create()
    if removed := {k: v for k, v in wh.recover().items() if v}:
        log.warning("recovered from an interrupted run: removed %s", removed)

    steps = _steps(settings)
    stage = {name: run_step_task(name, settings.retries, settings.task_timeout_seconds) for name in steps}
    files, rejects = discover(sources)
    log.info("run %s: %d input files from %d sources into %s", run_id, len(files), len(sources), wh.root)

    counts: Counter = Counter(records_in=len(rejects), rejects=len(rejects))
    written: Counter = Counter()
    seconds: Counter = Counter()
    known_ids, known_origins = set(wh.stored_article_ids()), wh.stored_origins()
    status = "failed"
    try:
        for group in _file_groups(files):
            ingested = stage["ingest"](steps["ingest"], group)
            segmented = stage["segment"](steps["segment"], ingested)
            for name, out in (("ingest", ingested), ("segment", segmented)):
                rejects += out.rejects
                counts["rejects"] += len(out.rejects)
                counts["records_in"] += len(out.rejects)
                seconds[name] += out.stats.get("seconds", 0.0)
            counts["records_in"] += len(segmented.items)

            t0 = time.perf_counter()
            result = dedupe(segmented.items, known_ids, known_origins)
            seconds["dedupe"] += time.perf_counter() - t0
            counts["duplicates"] += len(result.duplicates) + result.unchanged
            counts["unchanged"] += result.unchanged
            if result.duplicates:
                table = duplicate_table(result.duplicates, run_id)
                written["duplicates"] += wh.append("duplicates", table, content_hash(run_id, str(group)), started.date())
            log.info(
                "segmented %d articles: %d new, %d duplicates, %d unchanged",
                len(segmented.items), len(result.fresh), len(result.duplicates), result.unchanged,
            )
            shards = []
            for i in range(0, len(result.fresh), settings.shard_size):
                shard = result.fresh[i : i + settings.shard_size]
                tagged = stage["tag"].submit(steps["tag"], shard)
                summarised = stage["summarise"].submit(steps["summarise"], tagged)
                resolved = stage["entities"].submit(steps["entities"], summarised)
                committed = commit_shard.submit(wh, resolved, _shard_key(shard, steps), run_id)
                shards.append((tagged, summarised, resolved, committed))
            for tagged, summarised, resolved, committed in shards:
                for name, fut in (("tag", tagged), ("summarise", summarised), ("entities", resolved)):
                    out = fut.result()
                    seconds[name] += out.stats.get("seconds", 0.0)
                    rejects += out.rejects
                rows = committed.result()
                written.update(rows)
                counts["articles"] += rows["articles"]
                # another run may have committed some of these articles meanwhile
                counts["duplicates"] += len(resolved.result().items) - rows["articles"]
        status = "completed"
    finally:
        if rejects:
            table = reject_table(rejects, run_id, started)
            written["rejects"] += wh.append("rejects", table, f"{run_id}-rejects", started.date())
        report = _record_run(wh, run_id, started, status, sources, counts, written, seconds, settings)
    log.info(
        "run %s %s: %d records in -> %d articles, %d duplicates, %d rejects; rows written %s",
        run_id, status, counts["records_in"], counts["articles"], counts["duplicates"],
        counts["rejects"], dict(written),
    )
    return report


def _shard_key(shard: list[Article], steps: dict) -> str:
    versions = [f"{s.name}:{s.version}:{getattr(s, 'model', '')}" for s in steps.values()]
    return content_hash(*sorted(a.article_id for a in shard), *versions, size=8)


def _record_run(wh, run_id, started, status, sources, counts, written, seconds, settings) -> dict:
    import pyarrow as pa
    from prefect.runtime import flow_run

    finished = datetime.now(timezone.utc)
    versions = {
        "newsflow": flows.__version__,
        "spacy_model": settings.spacy_model,
        "embedding_model": settings.embedding_model,
        **{f"stage:{name}": step.version for name, step in _steps(settings).items()},
    }
    row = {
        "run_id": run_id,
        "flow_run_id": str(flow_run.id) if flow_run.id else None,
        "started_at": started,
        "finished_at": finished,
        "status": status,
        "sources": [str(s) for s in sources],
        "records_in": counts["records_in"],
        "articles": counts["articles"],
        "duplicates": counts["duplicates"],
        "unchanged": counts["unchanged"],
        "rejects": counts["rejects"],
        "rows_written": list(dict(written).items()),
        "stage_seconds": [(k, round(v, 3)) for k, v in seconds.items() if k],
        "versions": list(versions.items()),
    }
    wh.append("runs", pa.Table.from_pylist([row], RUNS), run_id, started.date())
    refresh_catalog(wh)
    return {k: (dict(v) if isinstance(v, list) and k in ("rows_written", "stage_seconds", "versions") else v)
            for k, v in row.items()}
