"""The curated views on a hand-made warehouse whose numbers are known exactly (tests/handmade.py)."""
from __future__ import annotations

from datetime import date

import pytest

import handmade
from conftest import query
from handmade import ALPHA, BETA, BROKEN, RUN1, RUN2


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return handmade.build(tmp_path_factory.mktemp("handmade-warehouse"))


def test_articles_daily_counts_per_day_and_source(wh):
    rows = query(wh, "SELECT day, ingest_date, source, articles, truncated FROM articles_daily ORDER BY day")
    assert rows == [
        (date(2026, 3, 2), handmade.INGEST1, ALPHA, 1, 0),
        (date(2026, 3, 3), handmade.INGEST1, ALPHA, 1, 1),
        (date(2026, 3, 9), handmade.INGEST1, BETA, 1, 0),
        (date(2026, 3, 12), handmade.INGEST1, BETA, 1, 0),
        (date(2026, 3, 14), handmade.INGEST2, ALPHA, 1, 1),
        (date(2026, 3, 15), handmade.INGEST2, BETA, 1, 0),  # no publication date: the ingest date
    ]


def test_articles_daily_prunes_partitions_on_ingest_date(wh):
    plan = query(wh, "EXPLAIN SELECT * FROM articles_daily WHERE ingest_date = ?", [handmade.INGEST2])[0][1]
    assert "Scanning Files: 1/2" in plan
    assert query(wh, "SELECT sum(articles) FROM articles_daily WHERE ingest_date = ?", [handmade.INGEST2]) == [(2,)]


def test_entity_top_daily_ranks_within_day_and_label(wh):
    rows = query(wh, "SELECT label, rank, entity, articles, mentions FROM entity_top_daily "
                     "WHERE day = DATE '2026-03-14' ORDER BY label, rank")
    assert rows == [("GPE", 1, "Paris", 1, 3), ("GPE", 2, "Berlin", 1, 1),
                    ("ORG", 1, "Acme Corp", 1, 1), ("PERSON", 1, "Jane Doe", 1, 2)]


def test_entity_rising_compares_the_last_seven_days_with_the_seven_before(wh):
    rows = query(wh, "SELECT rank, entity, label, period_start, period_end, articles_now, articles_before, "
                     "change, growth FROM entity_rising ORDER BY rank")
    window = (date(2026, 3, 9), date(2026, 3, 15))
    assert rows == [
        (1, "Berlin", "GPE", *window, 3, 0, 3, 4.0),
        (2, "Jane Doe", "PERSON", *window, 3, 1, 2, 2.0),
        (3, "Paris", "GPE", *window, 2, 1, 1, 1.5),
    ]  # Acme Corp fell (1 vs 2): not rising


def test_quality_by_source_accounts_for_every_record(wh):
    rows = query(wh, "SELECT source, records, articles, truncated, duplicates, rejects, truncation_rate, "
                     "duplicate_rate, reject_rate FROM quality_by_source ORDER BY source")
    assert rows == [
        (ALPHA, 5, 3, 2, 2, 0, 0.6667, 0.4, 0.0),
        (BETA, 5, 3, 0, 1, 1, 0.0, 0.2, 0.2),
        (BROKEN, 1, 0, 0, 0, 1, None, 0.0, 1.0),
    ]


def test_quality_by_run_uses_the_runs_accounting(wh):
    rows = query(wh, "SELECT run_id, records_in, articles, truncated, truncation_rate, duplicate_rate, "
                     "reject_rate FROM quality_by_run ORDER BY started_at")
    assert rows == [(RUN1, 6, 4, 1, 0.25, 0.1667, 0.1667), (RUN2, 5, 2, 1, 0.5, 0.4, 0.2)]


def test_run_history_has_durations_and_the_slowest_stage(wh):
    rows = query(wh, "SELECT run_id, duration_s, n_sources, accounted, slowest_stage, newsflow_version "
                     "FROM run_history ORDER BY started_at")
    assert rows == [(RUN1, 30.0, 2, True, "summarise", "test"), (RUN2, 75.0, 3, True, "tag", "test")]


def test_summary_coverage_separates_skipped_from_unexplained(wh):
    rows = query(wh, "SELECT ingest_date, source, articles, summarised, skipped, unexplained, coverage "
                     "FROM summary_coverage ORDER BY ingest_date, source")
    assert rows == [
        (handmade.INGEST1, ALPHA, 2, 2, 0, 0, 1.0),
        (handmade.INGEST1, BETA, 2, 1, 1, 0, 0.5),
        (handmade.INGEST2, ALPHA, 1, 1, 0, 0, 1.0),
        (handmade.INGEST2, BETA, 1, 0, 0, 1, 0.0),
    ]


def test_every_named_view_has_a_header_and_exists_in_the_catalog(wh):
    from warehouse.query import named_views

    views = {v.name: v.description for v in named_views()}
    assert {"articles_daily", "entity_top_daily", "entity_rising", "quality_by_source", "quality_by_run",
            "run_history", "summary_coverage", "entity_daily", "entity_cooccurrence"} <= set(views)
    assert all(len(d) > 40 for d in views.values()), views
    in_catalog = {r[0] for r in query(wh, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert set(views) <= in_catalog


def test_views_work_on_an_empty_warehouse(tmp_path):
    from warehouse.catalog import refresh_catalog
    from warehouse.query import named_views
    from warehouse.writer import Warehouse

    refresh_catalog(Warehouse(tmp_path))
    for v in named_views():
        assert query(tmp_path, f"SELECT count(*) FROM {v.name}") == [(0,)], v.name


def test_entity_daily_and_cooccurrence_on_known_articles(wh):
    # owned by the entities work; checked here by column name so that refinements stay free
    rows = query(wh, "SELECT day, articles, mentions FROM entity_daily WHERE entity = 'Jane Doe' ORDER BY day")
    assert rows == [(date(2026, 3, 2), 1, 1), (date(2026, 3, 9), 1, 3), (date(2026, 3, 12), 1, 1),
                    (date(2026, 3, 14), 1, 2)]
    pairs = dict(((a, b), n) for a, b, n in query(wh, "SELECT entity_a, entity_b, articles FROM entity_cooccurrence"))
    assert pairs[("Jane Doe", "Paris")] == 2  # a3, a5
    assert pairs[("Acme Corp", "Jane Doe")] == 2  # a1, a5
    assert pairs[("Berlin", "Jane Doe")] == 2  # a4, a5
