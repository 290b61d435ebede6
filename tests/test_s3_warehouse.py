"""The warehouse on object storage: the enrich flow writes to s3:// (a moto server on
127.0.0.1), DuckDB reads it back through fsspec, and a re-run adds nothing."""
from __future__ import annotations

import pytest

from services import devdata_slice, moto_s3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def s3():
    with moto_s3("newsflow-test") as env:
        yield env


def test_s3_warehouse_round_trip(prefect_harness, s3, tmp_path):
    from flows.enrich import enrich
    from warehouse.catalog import connect
    from warehouse.storage import ObjectStoreWarehouse

    src = devdata_slice(tmp_path / "in", 12)
    url = "s3://newsflow-test/news/v1"
    first = enrich(sources=[str(src)], warehouse=url)
    assert first["status"] == "completed"
    assert first["articles"] == 12 and first["records_in"] == 12

    wh = ObjectStoreWarehouse(url)
    assert wh.filesystem.exists("newsflow-test/news/v1/catalog.duckdb")
    assert len(wh.files("articles")) >= 1
    assert not any(".tmp" in p for t in ("articles", "sentences") for p in wh.files(t))

    con = connect(url)
    try:
        n_articles, n_ids = con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()
        n_sentences = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        orphans = con.execute(
            "SELECT count(*) FROM entities e ANTI JOIN articles a USING (article_id)"
        ).fetchone()[0]
        summarised = con.execute("SELECT count(DISTINCT article_id) FROM summaries").fetchone()[0]
    finally:
        con.close()
    assert n_articles == n_ids == 12
    assert n_sentences > 12 * 3
    assert orphans == 0
    assert summarised == 12

    again = enrich(sources=[str(src)], warehouse=url)
    assert again["articles"] == 0 and again["duplicates"] == 12
    con = connect(url)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    finally:
        con.close()


def test_missing_bucket_is_a_clear_error(s3):
    from warehouse.storage import open_warehouse

    wh = open_warehouse("s3://no-such-bucket/news")
    with pytest.raises(FileNotFoundError, match="no-such-bucket"):
        wh.create()
