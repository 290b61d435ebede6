"""Scale-out: the enrich flow on a local Dask cluster of 2 worker processes writes the
same tables, row for row, as on the default thread runner."""
from __future__ import annotations

import pytest

from conftest import query
from services import devdata_slice

# Every table's content, minus what differs by run (run ids, timestamps).
TABLE_SQL = {
    "articles": "SELECT article_id, title, body, n_sentences, n_words FROM articles",
    "sentences": "SELECT article_id, sentence_idx, start_char, end_char FROM sentences",
    "entities": "SELECT article_id, field, start_char, end_char, label, canonical FROM entities",
    "article_entities": "SELECT article_id, canonical, label, mentions, round(salience, 5) FROM article_entities",
    "summaries": "SELECT article_id, summary, sentence_idxs FROM summaries",
}


def _tables(wh) -> dict[str, list]:
    return {t: sorted(query(wh, sql), key=repr) for t, sql in TABLE_SQL.items()}


@pytest.mark.slow
def test_dask_cluster_gives_the_same_tables_as_threads(prefect_harness, tmp_path, monkeypatch):
    """Two input groups of two files each: on Dask each group is segmented in two parts
    and the second is read while the first one's shards run."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.enrich import enrich
    from flows.runners import dask_runner

    src = tmp_path / "in"
    files = [devdata_slice(src, 2, name=f"news-{i}.jsonl", start=40 + 2 * i) for i in range(4)]
    monkeypatch.setenv("NEWSFLOW_GROUP_BYTES", str(sum(f.stat().st_size for f in files[:2])))
    reports = {}
    for name, runner in (("threads", ThreadPoolTaskRunner()), ("dask", dask_runner(workers=2))):
        flow = enrich.with_options(task_runner=runner)
        reports[name] = flow(sources=[str(src)], warehouse=str(tmp_path / name), shard_size=3)
        assert reports[name]["status"] == "completed"
        assert reports[name]["articles"] == 8
        assert reports[name]["files_read"] == 4
    assert reports["dask"]["rows_written"] == reports["threads"]["rows_written"]
    assert reports["dask"]["rows_written"]["input_files"] == 4
    threads, dask = _tables(tmp_path / "threads"), _tables(tmp_path / "dask")
    for table in TABLE_SQL:
        assert threads[table], table
        assert dask[table] == threads[table], table


@pytest.mark.slow
def test_local_workers_report_to_the_flows_own_api(prefect_harness):
    """Worker processes get the flow run's API URL in their environment: without it each
    would start a temporary Prefect server of its own."""
    from prefect import flow, task
    from prefect.context import get_run_context

    from flows.runners import dask_runner

    @task
    def api_url_in_worker() -> str | None:
        import os

        return os.environ.get("PREFECT_API_URL")

    @flow(task_runner=dask_runner(workers=1))
    def probe() -> tuple[str | None, str]:
        return api_url_in_worker.submit().result(), str(get_run_context().client.api_url)

    seen, own = probe()
    assert seen is not None and seen.rstrip("/") == own.rstrip("/")


def test_read_parts_share_the_dumps(tmp_path):
    """Reader parts balance segmentation cost, not bytes: two dumps go to two parts even
    when the exports beside them are bigger, and each part keeps the input order."""
    from flows.enrich import _balanced_parts

    sizes = {"a.jsonl": 900_000, "dump-1.txt": 300_000, "b.jsonl": 800_000, "dump-2.txt": 200_000, "c.html": 5_000}
    files = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        files.append(str(tmp_path / name))
    parts = _balanced_parts(files, 2)
    assert sorted(f for part in parts for f in part) == sorted(files)
    dumps = [[f for f in part if f.endswith(".txt")] for part in parts]
    assert sorted(map(len, dumps)) == [1, 1]
    assert all(part == sorted(part, key=files.index) for part in parts)
    assert _balanced_parts(files, 1) == [files]
    assert _balanced_parts(files[:1], 4) == [files[:1]]


def test_runner_follows_settings():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.runners import task_runner
    from flows.settings import Settings

    assert isinstance(task_runner(Settings()), ThreadPoolTaskRunner)
    local = task_runner(Settings(dask_workers=3))
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 3
    remote = task_runner(Settings(dask_address="tcp://127.0.0.1:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://127.0.0.1:8786"
