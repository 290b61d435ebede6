"""The dashboard's queries on the hand-made warehouse: they agree with the views and honour filters."""
from __future__ import annotations

from datetime import date

import pytest

import handmade
from warehouse.catalog import connect
from warehouse.dashboard import queries as q

ALL = q.Filters(date(2026, 3, 1), date(2026, 3, 15))
ALPHA = q.Filters(date(2026, 3, 1), date(2026, 3, 15), (handmade.ALPHA,))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = connect(handmade.build(tmp_path_factory.mktemp("handmade-warehouse")))
    yield c
    c.close()


def test_bounds_and_totals(con):
    assert q.bounds(con) == (date(2026, 3, 2), date(2026, 3, 15), [handmade.ALPHA, handmade.BETA])
    t = q.totals(con, ALL)
    assert (t["articles"], t["sources"], t["truncated"], t["summarised"]) == (6, 2, 2, 4)
    t = q.totals(con, q.Filters(date(2026, 3, 10), date(2026, 3, 14)))
    assert (t["articles"], t["truncated"]) == (2, 1)  # a4 and a5


def test_top_entities_follow_the_source_filter(con):
    top = q.top_entities(con, ALL)
    assert list(top.itertuples(index=False, name=None))[0] == ("Jane Doe", "PERSON", 4, 7)
    top = q.top_entities(con, ALPHA)
    assert list(top.itertuples(index=False, name=None)) == [
        ("Acme Corp", "ORG", 3, 4), ("Paris", "GPE", 2, 4), ("Jane Doe", "PERSON", 2, 3), ("Berlin", "GPE", 1, 1)]
    assert q.top_entities(con, ALL, labels=("ORG",)).entity.tolist() == ["Acme Corp"]


def test_rising_entities_match_the_view_without_filters(con):
    view = con.execute("SELECT entity, articles_now, articles_before FROM entity_rising ORDER BY rank").fetchall()
    rising = q.rising_entities(con, ALL, days=7)
    assert list(rising[["entity", "articles_now", "articles_before"]].itertuples(index=False, name=None)) == view


def test_drill_down_and_search(con):
    arts = q.entity_articles(con, ALL, "Jane Doe", "PERSON")
    assert arts.title.tolist() == ["Title a3", "Title a5", "Title a4", "Title a1"]  # most mentions first
    assert arts.summary.iloc[0] == "Jane Doe spoke in Paris."
    found, total = q.search_articles(con, ALL, "BERLIN")  # only a5's summary says Berlin
    assert total == 1 and found.title.tolist() == ["Title a5"]
    found, total = q.search_articles(con, ALL, "BERLIN", bodies=True)  # a4 and a6 name it in the body
    assert total == 3 and found.title.tolist() == ["Title a6", "Title a5", "Title a4"]
    found, total = q.search_articles(con, ALL, "markets")  # the kicker
    assert found.title.tolist() == ["Title a1"] and found.deck.iloc[0] == "Shares fell for a third day"
    assert q.search_articles(con, ALL, "100%")[1] == 0  # LIKE wildcards are literal
    assert q.search_articles(con, ALPHA, truncated_only=True)[1] == 2


def test_pipeline_health(con):
    assert q.runs(con).run_id.tolist() == [handmade.RUN2, handmade.RUN1]
    assert q.quality(con, ALPHA).source.tolist() == [handmade.ALPHA]
    assert q.reject_reasons(con, ALL).rejects.sum() == 2
