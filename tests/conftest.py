"""Shared fixtures: a Prefect test harness, the bundled sample, and a real flow run on it."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "news_dump.txt"
GOLD = ROOT / "data" / "sample" / "news_dump.gold.json"
DEVDATA = ROOT.parent / "shared" / "devdata" / "news_dev.jsonl"


@pytest.fixture(scope="session")
def prefect_harness():
    """One throwaway Prefect API (temporary database) for every flow run in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text())


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():
    from tasks.models import DEFAULT_SPACY_MODEL, spacy_pipeline

    return spacy_pipeline(DEFAULT_SPACY_MODEL)


@pytest.fixture(scope="session")
def embedder():
    from tasks.models import sentence_embedder

    return sentence_embedder(backend="torch")  # the reference vectors (and the segmenter's)


@pytest.fixture(scope="session")
def sample_run(prefect_harness, tmp_path_factory):
    """The enrich flow run once on the bundled sample: (warehouse path, report)."""
    from flows.enrich import enrich

    wh = tmp_path_factory.mktemp("sample-warehouse")
    src = tmp_path_factory.mktemp("sample-input") / "news_dump.txt"
    shutil.copy(SAMPLE, src)
    report = enrich(sources=[str(src)], warehouse=str(wh))
    return wh, report, src


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    """Run SQL against a warehouse catalog, read-only, as an analyst would."""
    from warehouse.catalog import connect

    con = connect(warehouse, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
