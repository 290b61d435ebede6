"""The enrich flow: raw news in, a queryable warehouse out.

    ingest -> segment -> annotate -> dedupe -> tag (sentences + mentions) -> summarise
           -> resolve entities -> commit shard -> refresh catalog -> record the run

Files are read in groups, and each group's new articles go through the model stages
in shards of `shard_size`, so memory follows the shard, not the corpus. The next group
is read and segmented meanwhile (`read_ahead`), and its shards join the window of shards
in flight with no pause between groups. On the thread runner each model stage takes the
shards one at a time, in order, so the tagger and the summariser work side by side on
neighbouring shards. Every stage is a Prefect task with retries; models load once per
process inside the stages.
"""
from __future__ import annotations

import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import flows
from flows.observe import publish_run_artifacts, reasons
from flows.runners import task_runner
from flows.settings import Settings, load_settings
from tasks.abstractive import AbstractiveSummariser
from tasks.dedupe import dedupe
from tasks.entities import EntityResolver
from tasks.ingest import Ingester, discover
from tasks.metadata import Annotator
from tasks.near_duplicates import NearDuplicateIndex
from tasks.readers import ReadOptions, format_of
from tasks.records import Article, content_hash
from tasks.segment import Segmenter
from tasks.step import StageReport, StepOutput, run_step_task
from tasks.summarise import ExtractiveSummariser
from tasks.tag import Tagger
from warehouse.catalog import refresh_catalog
from warehouse.manifest import InputManifest, pipeline_id
from warehouse.rows import article_tables, duplicate_table, reject_table
from warehouse.schemas import RUNS
from warehouse.storage import open_warehouse
from warehouse.versions import STAGES, Fingerprint, fingerprint, stage_table
from warehouse.writer import Warehouse


@dataclass
class ShardReceipt:
    """What the flow learns of a committed shard: rows written per table, the ids of its
    enriched articles, and each stage's report. Not the articles: on Dask they stay on
    the workers (bench/README.md, pipeline, eleventh round)."""

    rows: dict[str, int]
    article_ids: list[str]
    reports: list[StageReport]


@task(name="commit-shard", retries=2, retry_delay_seconds=[1, 4], cache_policy=NO_CACHE)
def commit_shard(
    wh: Warehouse, resolved: StepOutput, key: str, run_id: str, stages: dict[str, Fingerprint] | None = None
) -> ShardReceipt:
    """Write one enriched shard to the warehouse (idempotent, atomic per file).

    `stages`: the version, model and parameters of each model stage, recorded per article.
    """
    now = datetime.now(timezone.utc)
    ids = [a.article_id for a in resolved.items]
    tables = article_tables(resolved.items, run_id, now)
    if stages:
        tables["article_stages"] = stage_table(ids, stages, run_id, now)
    return ShardReceipt(wh.commit_shard(tables, key, now.date()), ids, resolved.reports())


def _file_groups(files: list[str], limit: int) -> list[list[str]]:
    """Files in input order, cut into groups of about `limit` bytes read together."""
    groups, current, size = [], [], 0
    for f in files:
        current.append(f)
        size += _file_bytes(f)
        if size >= limit:
            groups.append(current)
            current, size = [], 0
    return groups + ([current] if current else [])


class _Reader:
    """The file groups, each with its reading tasks' futures, submitted ahead of use.

    A group's files are read in `parallel` parts of about equal cost (a chain of ingest,
    segment and annotate tasks each), and `ahead` more groups are submitted while the
    flow enriches the current one: segmenting what comes next overlaps the model stages
    of what came before, on Dask workers or in threads, so no process waits for the
    flow's own.
    """

    def __init__(self, stage: dict, steps: dict, groups: list[list[str]], parallel: int, ahead: int) -> None:
        self.stage, self.steps, self.parallel, self.ahead = stage, steps, parallel, ahead
        self.groups = deque(groups)
        self.submitted: deque = deque()

    def _submit(self) -> None:
        group = self.groups.popleft()
        parts = []
        for files in _balanced_parts(group, self.parallel):
            chain = [self.stage["ingest"].submit(self.steps["ingest"], files)]
            for name in ("segment", "annotate"):
                chain.append(self.stage[name].submit(self.steps[name], chain[-1]))
            parts.append(chain)
        self.submitted.append((group, parts))

    @property
    def exhausted(self) -> bool:
        """Every group has been handed out: the one being enriched is the run's last."""
        return not (self.groups or self.submitted)

    def __iter__(self):
        while not self.exhausted:
            while self.groups and len(self.submitted) <= self.ahead:
                self._submit()
            yield self.submitted.popleft()


# Segmenting a plain-text dump (its lines embedded, boundaries scored) measured ~100x the
# cost per byte of reading one-article-per-record exports or pages (bench/pipeline, fifth
# round); weighing it 50x errs towards spreading the cheap files too.
_DUMP_COST_PER_BYTE, _OTHER_COST_PER_BYTE = 1.0, 0.02


def _read_cost(path: str) -> float:
    weight = _DUMP_COST_PER_BYTE if format_of(path) == "text" else _OTHER_COST_PER_BYTE
    return weight * max(_file_bytes(path), 1)


def _balanced_parts(files: list[str], parts: int) -> list[list[str]]:
    """`files` dealt into at most `parts` parts of about equal reading cost (largest cost
    first, each to the cheapest part so far), each part in input order: parts cut by
    bytes alone would give one worker every dump and leave the other idle."""
    costs = [_read_cost(f) for f in files]
    loads = [[0.0, []] for _ in range(max(parts, 1))]
    for i in sorted(range(len(files)), key=lambda i: -costs[i]):
        cheapest = min(loads, key=lambda load: load[0])
        cheapest[0] += costs[i]
        cheapest[1].append(i)
    return [[files[i] for i in sorted(idx)] for _, idx in loads if idx]


class _InOrder:
    """Submits each shard's stage task to start after the previous shard's task of that stage.

    On the thread runner a stage given two shards at once only runs them by turns (one
    model, one GIL), so both finish late and the next stage idles until the first does;
    in order, the tagger goes on to the next shard while the summariser takes the one
    before (bench/README.md, pipeline, ninth round). Dask workers run a stage on several
    shards at once, one per process, so there (`enabled=False`) tasks start when ready.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last: dict[str, object] = {}  # each stage's latest future

    def submit(self, name: str, stage_task, step, upstream):
        after = [self.last[name]] if self.enabled and name in self.last else None
        future = stage_task.submit(step, upstream, wait_for=after)
        if self.enabled:
            self.last[name] = future
        return future


def _dask_workers() -> int:
    """Worker processes of the flow's Dask cluster; 0 on the thread runner."""
    from prefect.context import FlowRunContext

    client = getattr(FlowRunContext.get().task_runner, "client", None)  # prefect-dask's runner
    if client is None:
        return 0
    try:
        return max(1, len(client.scheduler_info()["workers"]))
    except Exception:  # a client of another kind: assume two
        return 2


def _file_bytes(path: str) -> int:
    import os

    return os.path.getsize(path) if os.path.isfile(path) else 0  # a feed URL


def _steps(s: Settings) -> dict[str, object]:
    steps = {
        "ingest": Ingester(ReadOptions.from_settings(s)),
        "segment": Segmenter(
            s.embedding_model, s.topic_threshold, s.min_article_words, s.boundary_threshold, s.boundary_model,
            s.segment_embedding_backend, s.rejoin_threshold,
        ),
        "annotate": Annotator(s.minhash_permutations if s.near_duplicates else None),
        "tag": Tagger(s.spacy_model, languages=tuple(s.languages)),
    }
    steps.update(_summarisers(s))
    steps["entities"] = EntityResolver()
    return steps


def _summarisers(s: Settings) -> dict[str, object]:
    """One step per configured summary method, run one after the other on each shard."""
    out = {}
    if "extractive" in s.summary_methods:
        out["summarise"] = ExtractiveSummariser(
            s.embedding_model, s.summary_sentences, s.summary_max_words, s.summary_position_weight,
            s.summary_redundancy, s.summary_max_fraction, s.embedding_backend, s.summary_window,
        )
    if "abstractive" in s.summary_methods:
        if not s.abstractive_model:
            raise ValueError("summary method 'abstractive' needs NEWSFLOW_ABSTRACTIVE_MODEL (a model folder)")
        out["summarise-abstractive"] = AbstractiveSummariser(
            s.abstractive_model, s.abstractive_min_tokens, s.abstractive_max_tokens,
            s.abstractive_num_beams, batch_size=s.abstractive_batch_size, device=s.abstractive_device,
        )
    return out


# The runner is chosen when the flow is loaded: NEWSFLOW_DASK_ADDRESS / _WORKERS pick Dask.
@flow(name="enrich", log_prints=False, task_runner=task_runner())
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
    wh = open_warehouse(settings.warehouse)
    wh.create()
    if removed := {k: v for k, v in wh.recover().items() if v}:
        log.warning("recovered from an interrupted run: removed %s", removed)

    steps = _steps(settings)
    fingerprints = {name: fingerprint(steps[name]) for name in steps if name in STAGES or name.startswith("summarise")}
    stage = {name: run_step_task(name, settings.retries, settings.task_timeout_seconds) for name in steps}
    files, rejects = discover(sources)
    counts: Counter = Counter(records_in=len(rejects), rejects=len(rejects))
    manifest = InputManifest.load(wh, pipeline_id(steps["ingest"], steps["segment"]))
    # Files a run already finished with this ingest + segment configuration are not read.
    files, skipped, unchanged = manifest.pending(files, skip=settings.skip_finished_files)
    counts.update(
        records_in=unchanged, duplicates=unchanged, unchanged=unchanged, files_skipped=skipped, files_read=len(files)
    )
    log.info(
        "run %s: %d input files to read (%d finished before) from %d sources into %s",
        run_id, len(files), counts["files_skipped"], len(sources), wh.root,
    )
    written: Counter = Counter()
    seconds: Counter = Counter()
    known_ids, known_origins = wh.stored_article_ids().copy(), wh.stored_origins()
    near = None
    if settings.near_duplicates:
        near = NearDuplicateIndex.load(wh, settings.near_duplicate_threshold, settings.minhash_permutations)
    # Worker processes each need a shard queued behind the one they run, or they idle.
    workers = _dask_workers()
    in_flight = max(settings.shards_in_flight, 2 * workers)
    # tag, then every configured summary method one after the other, then entities
    shard_stages = ["tag", *(name for name in steps if name.startswith("summarise")), "entities"]
    in_order = _InOrder(enabled=workers == 0)
    # Segmenting a group of text dumps takes a minute; read ahead, the model stages do not wait for it.
    ahead = settings.read_ahead if settings.read_ahead is not None else int(workers != 1)
    reading = _Reader(stage, steps, _file_groups(files, settings.group_bytes), max(workers, 1), ahead)
    status = "failed"
    window: deque = deque()  # (group, stage futures, commit future) of each shard in flight
    groups: deque[_OpenGroup] = deque()  # read groups whose files are not yet finished
    unfiled = list(rejects)  # rejects of no group (unreadable sources), written with the first
    try:
        for g, (files_read, parts) in enumerate(reading):
            group = _OpenGroup(g, files_read)
            groups.append(group)
            items = []
            for chain in parts:
                out = _chain_result(chain[-1], *chain[:-1])
                rejected = _fold_reports(out.reports(), group, seconds, rejects)
                counts.update(rejects=rejected, records_in=rejected)
                items += out.items
            counts["records_in"] += len(items)

            t0 = time.perf_counter()
            result = dedupe(items, known_ids, known_origins, near)
            seconds["dedupe"] += time.perf_counter() - t0
            counts["duplicates"] += len(result.duplicates) + result.unchanged
            counts["unchanged"] += result.unchanged
            if result.duplicates:
                table = duplicate_table(result.duplicates, run_id)
                key = content_hash(run_id, str(files_read))
                written["duplicates"] += wh.append("duplicates", table, key, started.date())
            log.info(
                "segmented %d articles: %d new, %d duplicates, %d unchanged",
                len(items), len(result.fresh), len(result.duplicates), result.unchanged,
            )
            tail = _tail_parallel(workers) if reading.exhausted else 0
            shards = deque(_cut_shards(result.fresh, settings.shard_size, tail))
            group.per_file = Counter(a.source_uri for a in items)  # articles each file yielded
            group.pending = len(shards)
            del result, items, parts, out  # so a shard's enriched articles are freed once committed
            # The window of shards in flight runs on across groups: draining it at the end
            # of each group would leave workers idle while the last shards finish.
            while shards:
                shard = shards.popleft()
                futures, upstream = {}, StepOutput(shard)
                for name in shard_stages:
                    upstream = futures[name] = in_order.submit(name, stage[name], steps[name], upstream)
                committed = commit_shard.submit(wh, upstream, _shard_key(shard, steps), run_id, fingerprints)
                window.append((group, futures, committed))
                if len(window) >= in_flight:
                    _collect(*window.popleft(), counts, written, seconds, rejects)
                    _finish_groups(groups, wh, near, manifest, unfiled, run_id, started, written)
            _finish_groups(groups, wh, near, manifest, unfiled, run_id, started, written)
        while window:
            _collect(*window.popleft(), counts, written, seconds, rejects)
            _finish_groups(groups, wh, near, manifest, unfiled, run_id, started, written)
        status = "completed"
    finally:
        unwritten = unfiled + [r for group in groups for r in group.rejects]
        written["rejects"] += _write_rejects(wh, unwritten, run_id, started, f"{run_id}-rejects")
        report = _record_run(wh, run_id, started, status, sources, counts, written, seconds, settings, steps, rejects)
        publish_run_artifacts(report, log)
    log.info(
        "run %s %s: %d records in -> %d articles, %d duplicates, %d rejects; rows written %s",
        run_id, status, counts["records_in"], counts["articles"], counts["duplicates"],
        counts["rejects"], dict(written),
    )
    return report


def _write_rejects(wh: Warehouse, rejects: list, run_id: str, started: datetime, key: str) -> int:
    if not rejects:
        return 0
    return wh.append("rejects", reject_table(rejects, run_id, started), key, started.date())


@dataclass
class _OpenGroup:
    """One group of input files between reading and being finished: its files count as
    done (`input_files`) only once all its shards are committed and its rejects written."""

    index: int
    files: list[str]
    per_file: Counter = field(default_factory=Counter)  # articles each file yielded
    rejects: list = field(default_factory=list)
    pending: int = 0  # shards not yet committed
    stored: set[str] = field(default_factory=set)  # ids of its committed articles


def _collect(
    group: _OpenGroup, futures: dict, committed, counts: Counter, written: Counter, seconds: Counter, rejects: list
) -> None:
    """Wait for one shard's commit and fold its receipt into its group and the run's accounting."""
    receipt = _chain_result(committed, *futures.values())
    _fold_reports(receipt.reports, group, seconds, rejects)
    written.update(receipt.rows)
    counts["articles"] += receipt.rows["articles"]
    # another run may have committed some of these articles meanwhile
    counts["duplicates"] += len(receipt.article_ids) - receipt.rows["articles"]
    group.stored.update(receipt.article_ids)
    group.pending -= 1


def _fold_reports(reports: list[StageReport], group: _OpenGroup, seconds: Counter, rejects: list) -> int:
    """Add a chain's stage seconds and rejects to the run's and its group's; the rejects' count."""
    n = 0
    for report in reports:
        seconds[report.stage] += report.stats.get("seconds", 0.0)
        rejects += report.rejects
        group.rejects += report.rejects
        n += len(report.rejects)
    return n


def _chain_result(last, *earlier):
    """The result of the last task of a chain. When it failed, the first failure among the
    tasks before it is raised, so the error names the stage that broke, not the one that
    could not start."""
    try:
        return last.result()
    except Exception:
        for future in earlier:
            future.result()
        raise


def _finish_groups(groups: deque, wh, near, manifest, unfiled: list, run_id, started, written: Counter) -> None:
    """Finish the oldest groups whose shards are all committed, in input order."""
    while groups and groups[0].pending == 0:
        group = groups[0]
        if near is not None:  # signatures only once their articles are committed
            near.persist(wh, group.stored)
        key = f"{run_id}-{group.index}"
        # The group's files are finished only once their rejects are written, too.
        written["rejects"] += _write_rejects(wh, unfiled + group.rejects, run_id, started, key)
        finished = manifest.finished(group.files, group.per_file, group.rejects, run_id, datetime.now(timezone.utc))
        unfiled.clear()
        group.rejects = []  # written: a failure from here on must not write them twice
        written["input_files"] += wh.append("input_files", finished, key, started.date())
        groups.popleft()


# The smallest shard the run's tail is cut into: below it, Prefect's and Dask's per-task
# overhead (tens of ms a task, five tasks a shard) outweighs the idle time it saves.
MIN_TAIL_SHARD = 32


def _tail_parallel(workers: int) -> int:
    """How many shards run side by side at the end of a run: one per Dask worker; on
    threads two (the tagger on one, the summariser on the shard before); with a single
    worker one after the other, so nothing to balance (0)."""
    return 2 if workers == 0 else (workers if workers > 1 else 0)


def _cut_shards(articles: list[Article], size: int, tail_parallel: int = 0) -> list[list[Article]]:
    """`articles` cut into shards of `size`. With `tail_parallel` (the run's last articles,
    that many shards running side by side), the last shards shrink as the articles run
    out, each a 1/`tail_parallel` share of what is left (guided self-scheduling): the
    workers then finish within a small shard of each other, where full shards leave one
    idle while another finishes the last (bench/README.md, pipeline, twelfth round)."""
    shards, i = [], 0
    while i < len(articles):
        n = size
        if tail_parallel:
            left = len(articles) - i
            n = min(size, max(MIN_TAIL_SHARD, -(-left // tail_parallel)))
        shards.append(articles[i : i + n])
        i += n
    return shards


def _shard_key(shard: list[Article], steps: dict) -> str:
    versions = [f"{s.name}:{s.version}:{getattr(s, 'model', '')}" for s in steps.values()]
    return content_hash(*sorted(a.article_id for a in shard), *versions, size=8)


def _record_run(wh, run_id, started, status, sources, counts, written, seconds, settings, steps, rejects=()) -> dict:
    import pyarrow as pa
    from prefect.runtime import flow_run

    finished = datetime.now(timezone.utc)
    versions = {
        "newsflow": flows.__version__,
        "spacy_model": settings.spacy_model,
        "embedding_model": settings.embedding_model,
        **{f"stage:{name}": step.version for name, step in steps.items()},
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
        "rejects_by_reason": list(reasons(rejects).items()),
        "files_read": counts["files_read"],
        "files_skipped": counts["files_skipped"],
        "rows_written": list(dict(written).items()),
        "stage_seconds": [(k, round(v, 3)) for k, v in seconds.items() if k],
        "versions": list(versions.items()),
    }
    wh.append("runs", pa.Table.from_pylist([row], RUNS), run_id, started.date())
    refresh_catalog(wh)
    maps = ("rows_written", "stage_seconds", "versions", "rejects_by_reason")
    return {k: (dict(v) if isinstance(v, list) and k in maps else v)
            for k, v in row.items()}
