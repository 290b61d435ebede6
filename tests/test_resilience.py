"""Runs that survive anything: a failing stage is retried, a SIGKILLed run resumes, two
runs at once store every article exactly once. Each check ends in a row-for-row
comparison with a clean run of the same input.

The crashes are real: `python -m flows.cli run` in a subprocess with the test hook
`NEWSFLOW_TEST_CRASH_AT` (tasks/faults.py), which SIGKILLs the process at that point.
"""
from __future__ import annotations

import pytest

from resilience import cli_env, dump, finish, runs, start_cli, table_rows, warehouse_rows, write_inputs
from tasks import faults

pytestmark = pytest.mark.slow

SHARD = "5"
# three exports; b shares five articles with a, and five with c
FILES = {"a": (0, 15), "b": (10, 25), "c": (20, 34)}
UNIQUE_ARTICLES = 34


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    files = write_inputs(tmp_path_factory.mktemp("inbox"), FILES)
    return [str(files[k]) for k in sorted(files)]


@pytest.fixture(scope="module")
def api_url(prefect_harness) -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


@pytest.fixture(scope="module")
def clean(prefect_harness, inputs, tmp_path_factory):
    """The reference: one uninterrupted run over all inputs (rows, report)."""
    from flows.enrich import enrich

    wh = tmp_path_factory.mktemp("clean")
    report = enrich(sources=inputs, warehouse=str(wh), shard_size=int(SHARD))
    assert report["status"] == "completed", report
    assert report["articles"] == UNIQUE_ARTICLES
    return warehouse_rows(wh), report


def test_a_stage_that_fails_once_is_retried_without_duplicates(prefect_harness, clean, inputs, tmp_path, monkeypatch):
    from flows.enrich import enrich

    faults.reset()
    # the tagger fails once, and one Parquet write fails after its temp file is complete
    monkeypatch.setenv(faults.FAIL_ENV, "stage:tag,write:summaries")
    report = enrich(sources=inputs, warehouse=str(tmp_path), shard_size=int(SHARD))
    monkeypatch.delenv(faults.FAIL_ENV)

    assert report["status"] == "completed"
    shards = -(-UNIQUE_ARTICLES // int(SHARD))
    assert faults._hits["stage:tag"] == shards + 1  # one shard's tag task ran twice
    assert report["articles"] == UNIQUE_ARTICLES
    assert warehouse_rows(tmp_path) == clean[0]


CRASH_POINTS = {
    "model-work": "stage:summarise@3",
    "parquet-write": "write:entities@3",
    "shard-commit": "commit:articles@2",
    "catalog-update": "catalog",
}


@pytest.mark.parametrize("point", list(CRASH_POINTS.values()), ids=list(CRASH_POINTS))
def test_sigkilled_run_resumes_to_the_clean_tables(api_url, clean, inputs, tmp_path, point):
    wh = tmp_path / "wh"
    args = ["run", *inputs, "--warehouse", str(wh), "--shard-size", SHARD]

    code, out = finish(start_cli(args, cli_env(api_url, NEWSFLOW_TEST_CRASH_AT=point)))
    assert code == -9, out[-3000:]  # killed at the point, not finished
    leftovers = sorted(p.name for p in wh.rglob(".part-*.tmp"))
    if point.startswith("write:"):
        assert leftovers, "the crash should leave a half-finished temp file"
    committed_before = len(table_rows(wh, "articles"))
    if point == "catalog":
        assert committed_before == UNIQUE_ARTICLES
    else:
        assert committed_before < UNIQUE_ARTICLES

    code, out = finish(start_cli(args, cli_env(api_url)))
    assert code == 0, out[-3000:]
    assert not list(wh.rglob(".part-*.tmp"))
    assert warehouse_rows(wh) == clean[0]
    resumed = runs(wh)[-1]
    assert resumed["status"] == "completed", dump(resumed)
    if point == "catalog":  # every file was finished: none is read again, all its records unchanged
        assert resumed["files_read"] == 0 and resumed["unchanged"] == resumed["records_in"]
    else:  # committed shards are not redone: their articles count as unchanged
        assert resumed["unchanged"] == committed_before
    assert resumed["articles"] == UNIQUE_ARTICLES - committed_before


def test_two_concurrent_runs_store_every_article_exactly_once(api_url, clean, inputs, tmp_path):
    wh = tmp_path / "wh"
    first = start_cli(["run", inputs[0], inputs[1], "--warehouse", str(wh), "--shard-size", SHARD], cli_env(api_url))
    second = start_cli(["run", inputs[1], inputs[2], "--warehouse", str(wh), "--shard-size", SHARD], cli_env(api_url))
    for proc in (first, second):
        code, out = finish(proc)
        assert code == 0, out[-3000:]

    rows = warehouse_rows(wh)
    ids = [r[0] for r in rows["articles"]]
    assert len(ids) == len(set(ids)) == UNIQUE_ARTICLES
    # the enrichment of each article landed once, and equals the clean run's
    for table in ("sentences", "entities", "article_entities", "summaries"):
        assert rows[table] == clean[0][table], table
    done = runs(wh)
    assert len(done) == 2 and all(r["status"] == "completed" for r in done)
    assert sum(r["articles"] for r in done) == UNIQUE_ARTICLES
    for r in done:
        assert r["records_in"] == r["articles"] + r["duplicates"] + r["rejects"], dump(r)


def test_each_run_publishes_its_numbers_as_prefect_artifacts(clean):
    import json

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.observe import ARTIFACT_KEY

    report = clean[1]
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[report["flow_run_id"]]))
        )
    by_key = {a.key: a for a in found}
    markdown = by_key[ARTIFACT_KEY].data
    assert f"| {report['records_in']} | {report['articles']} | {report['duplicates']} |" in markdown
    assert "| malformed_json | 3 |" in markdown  # one bad line per input file
    table = by_key[ARTIFACT_KEY + "-table"].data
    rows = json.loads(table) if isinstance(table, str) else table
    got = {(r["metric"], r["name"]): r["value"] for r in rows}
    for name, n in report["rows_written"].items():
        assert got[("rows_written", name)] == n
    assert got[("rejects", "malformed_json")] == report["rejects_by_reason"]["malformed_json"] == 3
    assert {"tag", "summarise", "segment"} <= {name for metric, name in got if metric == "seconds"}
