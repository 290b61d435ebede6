"""The `newsflow` command line: help, errors, and SQL over a real warehouse."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from typer.testing import CliRunner

from flows.cli import app
from tasks.records import Article, content_hash
from warehouse.catalog import refresh_catalog
from warehouse.rows import article_tables
from warehouse.writer import Warehouse

runner = CliRunner()


def _warehouse(tmp_path):
    body = "The council met on Monday and approved the budget."
    art = Article(content_hash(body), "mem://s", "text", 0, "file", body, kicker="BUDGET", paragraphs=[(0, len(body))])
    wh = Warehouse(tmp_path / "wh")
    wh.commit_shard(article_tables([art], "r", datetime.now(timezone.utc)), "k", date.today())
    refresh_catalog(wh)
    return wh.root


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("run", "sql", "show", "segment"):
        assert cmd in result.output


def test_run_with_missing_source_fails_clearly(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.txt"), "--warehouse", str(tmp_path / "wh")])
    assert result.exit_code == 2
    assert "source not found" in result.output


def test_sql_without_warehouse_fails_clearly(tmp_path):
    result = runner.invoke(app, ["sql", "SELECT 1", "--warehouse", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no warehouse catalog" in result.output


def test_sql_formats(tmp_path):
    root = str(_warehouse(tmp_path))
    out = runner.invoke(app, ["sql", "SELECT kicker, n_words FROM articles", "-w", root, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == [{"kicker": "BUDGET", "n_words": 9}]
    out = runner.invoke(app, ["sql", "SELECT kicker, n_words FROM articles", "-w", root, "--format", "csv"])
    assert out.output.splitlines() == ["kicker,n_words", "BUDGET,9"]


def test_sql_error_is_reported_not_raised(tmp_path):
    root = str(_warehouse(tmp_path))
    out = runner.invoke(app, ["sql", "SELECT nope FROM articles", "-w", root])
    assert out.exit_code == 1 and "query failed" in out.output


def test_sql_uses_the_environment_warehouse(tmp_path, monkeypatch):
    root = str(_warehouse(tmp_path))
    monkeypatch.setenv("NEWSFLOW_WAREHOUSE", root)
    out = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM articles", "--format", "csv"])
    assert out.output.splitlines() == ["n", "1"]
