"""`newsflow sql` and `newsflow views` on the hand-made warehouse: formats, errors, read-only."""
from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import handmade
from flows.cli import app


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return handmade.build(tmp_path_factory.mktemp("handmade-warehouse"))


def sql(wh, *args):
    return CliRunner().invoke(app, ["sql", *args, "--warehouse", str(wh)], env={"COLUMNS": "250"})


def _files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name != "lock")


def test_formats(wh, tmp_path):
    q = "SELECT source, records, reject_rate FROM quality_by_source ORDER BY source"
    out = sql(wh, q, "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["source", "records", "reject_rate"] and rows[3] == [handmade.BROKEN, "1", "1.0"]

    out = sql(wh, "SELECT run_id, started_at, stage_seconds FROM run_history ORDER BY started_at", "-f", "json")
    data = json.loads(out.stdout)
    assert data[0]["run_id"] == handmade.RUN1 and data[0]["stage_seconds"]["summarise"] == 15.0
    assert data[0]["started_at"].startswith("2026-03-10T08:00:00")

    target = tmp_path / "out" / "rising.parquet"
    out = sql(wh, "SELECT * FROM entity_rising ORDER BY rank", "--format", "parquet", "--output", str(target))
    assert out.exit_code == 0, out.output
    assert pq.read_table(target).column("entity").to_pylist() == ["Berlin", "Jane Doe", "Paris"]

    out = sql(wh, "SELECT entity FROM entity_rising ORDER BY rank")
    assert out.exit_code == 0 and "Jane Doe" in out.stdout


def test_sql_errors_are_clear(wh):
    out = sql(wh, "SELECT * FROM no_such_view")
    assert out.exit_code == 1
    assert "query failed" in out.output and "no_such_view" in out.output and "newsflow views" in out.output
    out = sql(wh, "SELEC 1")
    assert out.exit_code == 1 and "syntax error" in out.output.lower()
    assert sql(wh, "SELECT 1", "--format", "xml").exit_code == 2
    assert "needs --output" in sql(wh, "SELECT 1", "--format", "parquet").output


@pytest.mark.parametrize("statement", [
    "CREATE TABLE t AS SELECT 1",
    "CREATE OR REPLACE VIEW articles AS SELECT 1",
    "INSERT INTO runs SELECT * FROM runs",
    "COPY (SELECT * FROM articles) TO '{wh}/articles/ingest_date=2026-03-10/part-evil.parquet'",
    "SELECT 1; COPY (SELECT 1) TO '{wh}/evil.csv'",
    "EXPORT DATABASE '{wh}/export'",
    "ATTACH '{wh}/evil.duckdb' AS evil",
    "SET enable_external_access = true",
])
def test_queries_cannot_write_into_the_warehouse(wh, statement):
    before = _files(wh)
    out = sql(wh, statement.format(wh=wh))
    assert out.exit_code == 1
    assert "not allowed" in out.output and "read-only" in out.output
    assert _files(wh) == before


def test_output_never_lands_in_the_warehouse(wh):
    before = _files(wh)
    out = sql(wh, "SELECT 1 AS x", "--format", "csv", "--output", str(wh / "runs" / "x.csv"))
    assert out.exit_code == 1 and "inside the warehouse" in out.output
    assert _files(wh) == before


def test_views_lists_named_views_with_their_descriptions_and_columns(wh):
    out = CliRunner().invoke(app, ["views", "--warehouse", str(wh)], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    for name in ("articles_daily", "entity_rising", "quality_by_run", "run_history", "summary_coverage"):
        assert name in out.stdout
    assert "against the 7 days before" in out.stdout
    assert "articles_before" in out.stdout  # a column of entity_rising


def test_missing_catalog_is_a_clear_error(tmp_path):
    out = sql(tmp_path, "SELECT 1")
    assert out.exit_code == 2 and "no warehouse catalog" in out.output
