"""The writer and the catalog on real Parquet and DuckDB files."""
from __future__ import annotations

from datetime import date, datetime, timezone

import duckdb
import pyarrow as pa
import pytest

from tasks.records import Article, Reject, Sentence, content_hash
from warehouse.catalog import connect, refresh_catalog
from warehouse.rows import article_tables, reject_table
from warehouse.writer import Warehouse

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def _articles(*bodies: str) -> list[Article]:
    out = []
    for i, body in enumerate(bodies):
        a = Article(content_hash(body), "mem://src", "text", i, f"line {i}", body, paragraphs=[(0, len(body))])
        a.sentences = [Sentence(0, 0, 0, len(body), body)]
        out.append(a)
    return out


def test_commit_shard_is_idempotent_and_readable_through_the_catalog(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    tables = article_tables(_articles("First story text.", "Second story text."), "run1", NOW)
    assert wh.commit_shard(tables, "k1", date(2026, 1, 2))["articles"] == 2
    assert wh.commit_shard(tables, "k2", date(2026, 1, 2))["articles"] == 0  # already stored
    refresh_catalog(wh)
    con = connect(wh.root)
    assert con.execute("SELECT count(*), min(ingest_date)::VARCHAR FROM articles").fetchone() == (2, "2026-01-02")
    assert con.execute("SELECT count(*) FROM sentences").fetchone() == (2,)
    con.close()
    assert not list(wh.root.rglob("*.tmp"))


def test_a_second_writer_sees_what_the_first_committed(tmp_path):
    one, two = Warehouse(tmp_path), Warehouse(tmp_path)
    arts = _articles("Shared story body.", "Only in the second run.")
    one.commit_shard(article_tables(arts[:1], "r1", NOW), "a", date(2026, 1, 2))
    written = two.commit_shard(article_tables(arts, "r2", NOW), "b", date(2026, 1, 2))
    assert written["articles"] == 1 and written["sentences"] == 1


def test_recover_removes_children_of_an_uncommitted_shard_and_temp_files(tmp_path):
    wh = Warehouse(tmp_path)
    tables = article_tables(_articles("A crash happened here."), "r", NOW)
    wh._write_file("sentences", tables["sentences"], "crashed", date(2026, 1, 2))
    (wh.table_dir("articles") / "ingest_date=2026-01-02").mkdir(parents=True)
    (wh.table_dir("articles") / "ingest_date=2026-01-02" / ".part-x.123.tmp").write_bytes(b"half")
    assert wh.recover() == {"temp_files": 1, "orphan_files": 1}
    assert wh.files("sentences") == []


def test_append_dedupes_rejects_by_key(tmp_path):
    wh = Warehouse(tmp_path)
    rej = [Reject("/x.jsonl", "line 2", "malformed_json", "{")]
    assert wh.append("rejects", reject_table(rej, "r1", NOW), "r1", date(2026, 1, 2)) == 1
    assert wh.append("rejects", reject_table(rej, "r2", NOW), "r2", date(2026, 1, 2)) == 0


def test_empty_warehouse_has_typed_empty_views_and_is_read_only(tmp_path):
    wh = Warehouse(tmp_path)
    refresh_catalog(wh)
    con = connect(tmp_path)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    cols = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE articles)").fetchall())
    assert cols["captions"] == "VARCHAR[]" and cols["ingest_date"] == "DATE"
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE t (x INT)")
    con.close()


def test_connect_without_catalog_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="newsflow run"):
        connect(tmp_path)


def test_article_rows_match_the_schema():
    tables = article_tables(_articles("Body text here."), "r", NOW)
    assert tables["articles"].schema.field("captions").type == pa.list_(pa.string())
    assert tables["articles"].column("n_sentences").to_pylist() == [1]


@pytest.mark.parametrize("module", ["warehouse.writer", "flows.cli"])
@pytest.mark.parametrize("env, pool", [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_allocates_through_malloc_unless_told_otherwise(module, env, pool):
    """pyarrow's mimalloc pool keeps freed pages, which made the flow's peak grow with the
    corpus; a process that imports newsflow first uses malloc, unless the user chose a pool."""
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env:
        environ["ARROW_DEFAULT_MEMORY_POOL"] = env
    code = f"import {module}, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == pool
