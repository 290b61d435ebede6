"""Canonical entities within an article, salience, and entities across articles and days
(the entity_dim, entity_daily and entity_cooccurrence views on a real warehouse)."""
from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from itertools import combinations
from pathlib import Path

import pytest

from conftest import DEVDATA, ROOT, SAMPLE, query
from tasks.entities import EntityResolver, entity_key, resolve_article
from tasks.ner_eval import article_from_case, evaluate_canonical
from tasks.records import Article, SourceRecord, content_hash
from tasks.tag import Tagger

CASES = ROOT / "bench" / "ner" / "canonical_cases.json"


def test_canonicalisation_cases():
    correct, total, failures = evaluate_canonical(CASES)
    assert total >= 60
    assert failures == [], "\n".join(failures)


@pytest.fixture(scope="module")
def sample_articles(embedder) -> list[Article]:
    """The bundled dump, segmented, tagged and resolved by the real stages (no Prefect)."""
    from tasks.segment import Segmenter

    rec = SourceRecord(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE), "text", "file", is_dump=True)
    articles = Segmenter()([rec]).items
    Tagger()(articles)
    _MODEL_MENTIONS.extend(sorted(map(_mention_key, a.mentions)) for a in articles)
    EntityResolver()(articles)
    return articles


_MODEL_MENTIONS: list[list[tuple]] = []  # the sample's mentions as the tagger left them


def _mention_key(m) -> tuple:
    return (m.field, m.start_char, m.end_char, m.text, m.label)


def test_sample_gold_canonical_people(sample_articles, gold):
    assert len(sample_articles) == len(gold["articles"])
    for n, people in gold["canonical_people"].items():
        art = sample_articles[int(n) - 1]
        canon = {e.canonical for e in art.entities}
        for full_name, short_forms in people.items():
            assert full_name in canon, (n, full_name, sorted(canon))
            for short in short_forms:
                got = {m.canonical for m in art.mentions if m.text.rstrip("’'s") == short or m.text == short}
                assert got == {full_name}, (n, short, got)


def test_resolver_never_alters_model_mentions(sample_articles):
    for before, art in zip(_MODEL_MENTIONS, sample_articles, strict=True):
        assert before == sorted(_mention_key(m) for m in art.mentions if m.source == "model")
        for m in art.mentions:
            if m.source == "propagated":
                assert art.body[m.start_char : m.end_char] == m.text and m.label == "PERSON"


def test_salience_puts_headline_and_lead_first():
    art = article_from_case([
        ["Viktor Orban", "PERSON", "title"],
        ["Hungarian Prime Minister Viktor Orban", "PERSON", "body"],
        ["Brussels", "GPE", "body"], ["Brussels", "GPE", "body"], ["Brussels", "GPE", "body"],
        ["Orban", "PERSON", "body"], ["Mark Rutte", "PERSON", "body"],
    ])
    art.paragraphs = [(0, art.sentences[0].end_char), (art.sentences[1].start_char, len(art.body))]
    resolve_article(art)
    ranked = [e.canonical for e in art.entities]
    assert ranked[0] == "Viktor Orban"
    assert ranked[-1] == "Mark Rutte"
    orban = art.entities[0]
    assert orban.in_title and orban.in_lead and orban.mentions == 3 and 0 < orban.salience <= 1
    assert all(0 <= e.salience <= 1 for e in art.entities)


def test_in_kicker_and_in_deck_flags():
    art = article_from_case([["NATO", "ORG", "kicker"], ["Nato", "ORG", "deck"], ["Ukraine", "GPE", "body"]])
    resolve_article(art)
    nato = next(e for e in art.entities if e.canonical == "NATO")
    assert (nato.in_kicker, nato.in_deck, nato.in_title, nato.first_char) == (True, True, False, -1)


# --- across articles: the catalog views on a real warehouse ---------------------------------


def _article(art_id: str, text: str, published: str | None) -> Article:
    return Article(content_hash(art_id, text), "devdata", "jsonl", 0, art_id, text, paragraphs=[(0, len(text))],
                   language="en", published_at=datetime.fromisoformat(published).replace(tzinfo=timezone.utc)
                   if published else None)


@pytest.fixture(scope="module")
def entity_warehouse(tmp_path_factory):
    """A warehouse of 30 devdata articles plus three written to share entities across days."""
    from warehouse.catalog import refresh_catalog
    from warehouse.rows import article_tables
    from warehouse.writer import Warehouse

    rng = random.Random(11)
    records = rng.sample([json.loads(line) for line in DEVDATA.open(encoding="utf-8")], 30)
    articles = [_article(r["id"], r["text"], r["published"]) for r in records]
    articles += [
        _article("a", "The U.S. Treasury said on Monday that the US would impose new sanctions.", "2024-03-04"),
        _article("b", "Officials in the United States said the treasury had approved the plan, and "
                      "President Donald Trump welcomed it.", "2024-03-05"),
        _article("c", "Donald Trump met Viktor Orban in Washington; Trump's aides and the U.S. "
                      "Treasury joined them.", None),
    ]
    Tagger()(articles)
    EntityResolver()(articles)
    wh = Warehouse(tmp_path_factory.mktemp("entity-wh"))
    wh.create()
    wh.commit_shard(article_tables(articles, "test-run", datetime.now(timezone.utc)), "shard-1", date(2026, 1, 2))
    refresh_catalog(wh)
    return wh.root, articles


def test_entity_dim_is_one_row_per_entity(entity_warehouse):
    wh, articles = entity_warehouse
    rows = query(wh, "SELECT entity_key, canonical, label, first_seen, last_seen, articles, mentions FROM entity_dim")
    expected: dict[str, dict] = defaultdict(lambda: {"articles": set(), "days": set(), "mentions": 0, "names": Counter()})
    for a in articles:
        day = a.published_at.date() if a.published_at else date(2026, 1, 2)
        for e in a.entities:
            x = expected[entity_key(e.canonical, e.label)]
            x["articles"].add(a.article_id)
            x["days"].add(day)
            x["mentions"] += e.mentions
            x["names"][e.canonical] += 1
    assert len(rows) == len({r[0] for r in rows}) == len(expected)
    for key, canonical, label, first, last, n_articles, mentions in rows:
        x = expected[key]
        assert key == entity_key(canonical, label)
        assert (first, last) == (min(x["days"]), max(x["days"]))
        assert (n_articles, mentions) == (len(x["articles"]), x["mentions"])
        assert canonical in x["names"]


def test_aliases_and_case_variants_are_one_entity_across_articles(entity_warehouse):
    wh, _ = entity_warehouse
    us = query(wh, "SELECT articles, first_seen, last_seen FROM entity_dim WHERE canonical = 'United States'")
    assert len(us) == 1 and us[0][0] >= 3
    treasury = query(wh, "SELECT canonical, articles FROM entity_dim WHERE lower(canonical) LIKE '%treasury'")
    names = {r[0] for r in treasury}
    assert len({n.lower() for n in names}) == len(names), names  # 'treasury' and 'Treasury': one row
    trump = query(wh, "SELECT articles FROM entity_dim WHERE canonical = 'Donald Trump' AND label = 'PERSON'")
    assert len(trump) == 1 and trump[0][0] >= 2  # articles b and c, and devdata's


def test_entity_daily_adds_up_to_entity_dim(entity_warehouse):
    wh, _ = entity_warehouse
    cols = [r[0] for r in query(wh, "SELECT column_name FROM (DESCRIBE entity_daily)")]
    assert cols[:5] == ["day", "entity", "label", "articles", "mentions"]
    mismatched = query(wh, """
        SELECT count(*) FROM entity_dim d
        JOIN (SELECT entity_key, sum(articles) AS a, sum(mentions) AS m, min(day) AS f, max(day) AS l
              FROM entity_daily GROUP BY entity_key) x USING (entity_key)
        WHERE x.a <> d.articles OR x.m <> d.mentions OR x.f <> d.first_seen OR x.l <> d.last_seen""")
    assert mismatched == [(0,)]
    assert query(wh, "SELECT count(*) FROM entity_daily GROUP BY day, entity_key HAVING count(*) > 1") == []
    trump = query(wh, "SELECT day, articles FROM entity_daily WHERE entity = 'Donald Trump' "
                      "AND day >= DATE '2024-01-01' ORDER BY day")
    assert trump == [(date(2024, 3, 5), 1), (date(2026, 1, 2), 1)]  # undated article: its ingest day


def test_entity_cooccurrence_counts_pairs_once(entity_warehouse):
    wh, articles = entity_warehouse
    named = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
    names = dict(query(wh, "SELECT entity_key, canonical FROM entity_dim"))
    labels = dict(query(wh, "SELECT entity_key, label FROM entity_dim"))
    expected = Counter()
    for a in articles:
        keys = {entity_key(e.canonical, e.label) for e in a.entities if e.label in named}
        for x, y in combinations(sorted(keys, key=lambda k: (names[k], labels[k])), 2):
            expected[(x, y)] += 1
    rows = query(wh, "SELECT entity_key_a, entity_key_b, articles, entity_a, label_a, entity_b, label_b "
                     "FROM entity_cooccurrence")
    assert {(r[0], r[1]): r[2] for r in rows} == dict(expected)
    assert all((r[3], r[4]) < (r[5], r[6]) for r in rows)
    pair = query(wh, "SELECT articles FROM entity_cooccurrence WHERE entity_a = 'Donald Trump' "
                     "AND entity_b = 'Viktor Orban'")
    assert pair == [(1,)]


def test_entity_key_macro_matches_python(entity_warehouse):
    wh, _ = entity_warehouse
    names = ["Donald Trump", "Erdoğan", "São Paulo", "Zürich", "Ahmed al-Sharaa", "Treasury"]
    for name in names:
        assert query(wh, "SELECT entity_key(?, 'PERSON')", [name]) == [(entity_key(name, "PERSON"),)]
    assert entity_key("treasury", "ORG") == entity_key("Treasury", "ORG") != entity_key("Treasury", "GPE")
