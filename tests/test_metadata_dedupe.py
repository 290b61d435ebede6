"""Metadata (language, domain, dates in text) and duplicates (exact and MinHash near)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ingest_fixtures import dev_articles
from tasks.dedupe import dedupe
from tasks.metadata import Annotator, annotate, date_in_text, detect_language, domain_of, normalise_language
from tasks.near_duplicates import NearDuplicateIndex, shingles, signature
from tasks.records import Article, content_hash


def article(body: str, n: int = 0, source: str = "feed.xml", **kw) -> Article:
    return Article(content_hash(body), source, "jsonl", n, f"line {n + 1}", body, **kw)


@pytest.mark.parametrize(("text", "lang"), [
    ("The city council approved a new bridge over the river on Monday, the mayor said.", "en"),
    ("Le conseil municipal a approuvé lundi la construction d'un nouveau pont sur la rivière.", "fr"),
    ("Der Stadtrat hat am Montag den Bau einer neuen Brücke über den Fluss beschlossen.", "de"),
    ("El ayuntamiento aprobó el lunes la construcción de un nuevo puente sobre el río.", "es"),
    ("Too short", None),
])
def test_language_from_text(text, lang):
    assert detect_language(text) == lang


def test_text_decides_over_a_wrong_language_tag_and_short_text_keeps_it():
    fr = article("Le conseil municipal a approuvé lundi la construction d'un nouveau pont sur la rivière.",
                 language="en")
    assert annotate(fr).language == "fr"
    assert annotate(article("Brief: bridge ok", language="en-GB")).language == "en"
    assert normalise_language("pt_BR") == "pt" and normalise_language("") is None


def test_source_domain_from_url_site_or_source():
    assert domain_of("https://www.bbc.co.uk/news/world-1") == "bbc.co.uk"
    assert domain_of("Reuters") is None and domain_of("apnews.com") == "apnews.com"
    assert annotate(article("x " * 10, url="https://www.example.org/a")).source_domain == "example.org"
    assert annotate(article("y " * 10, site_name="news.example.com")).source_domain == "news.example.com"
    assert annotate(article("z " * 10, source="https://feeds.example.net/rss")).source_domain == "feeds.example.net"
    assert annotate(article("w " * 10, source="/data/dump.txt")).source_domain is None


def test_published_at_from_dateline_or_text_in_utc():
    a = annotate(article("The minister resigned on Tuesday after weeks of pressure from his party.",
                         dateline="LONDON, March 5, 2024 (Reuters) -"))
    assert a.published_at == datetime(2024, 3, 5, tzinfo=timezone.utc)
    b = annotate(article("Published 2023-11-02T10:00:00+02:00. The minister resigned after weeks of pressure."))
    assert b.published_at == datetime(2023, 11, 2, 8, tzinfo=timezone.utc)
    # metadata wins over the text; a naive timestamp is read as UTC
    c = annotate(article("On 1 June 2020 the law took effect, officials said at a briefing today.",
                         published_at=datetime(2024, 1, 2, 3, 4)))
    assert c.published_at == datetime(2024, 1, 2, 3, 4, tzinfo=timezone.utc)
    # no year, or a date in the future, is no publication date
    assert date_in_text("WASHINGTON, March 3 - The vote", "The plan runs to 1 January 2099.") is None


def test_shingles_and_signature_are_stable():
    assert shingles("One two three") == [b"one two three"]
    assert len(shingles("a b c d e f g")) == 3
    text = dev_articles()[0]["text"]
    assert (signature(text) == signature(text)).all() and signature(text).dtype.name == "uint32"


@pytest.fixture(scope="module")
def bodies():
    return [a["text"] for a in dev_articles()[40:80]]


def _edited(body: str) -> str:
    """A republished copy: a word changed, a sentence appended, whitespace changed."""
    words = body.split()
    words[len(words) // 2] = "reportedly"
    return " ".join(words) + "\nAdditional reporting by the wire desk."


def test_near_duplicates_within_a_run(bodies):
    arts = [article(b, i) for i, b in enumerate(bodies)]
    copies = [article(_edited(b), 100 + i, source="other.jsonl") for i, b in enumerate(bodies[:10])]
    exact = article(bodies[3], 200, source="third.jsonl")
    result = dedupe(arts + copies + [exact], set(), set(), NearDuplicateIndex(threshold=0.8))
    assert [a.article_id for a in result.fresh] == [a.article_id for a in arts]
    near = [d for d in result.duplicates if d.kind == "near"]
    assert [d.duplicate_of for d in near] == [a.article_id for a in arts[:10]]
    assert all(0.8 <= d.similarity < 1.0 for d in near)
    (ex,) = [d for d in result.duplicates if d.kind == "exact"]
    assert (ex.duplicate_of, ex.similarity, ex.source_uri) == (arts[3].article_id, 1.0, "third.jsonl")


def test_annotate_stage_signs_articles_and_dedupe_uses_its_signatures(bodies):
    def batch():
        arts = [article(b, i) for i, b in enumerate(bodies[:15])]
        return arts + [article(_edited(b), 100 + i, source="other.jsonl") for i, b in enumerate(bodies[:5])]

    signed = Annotator(minhash_permutations=64)(batch())
    assert signed.stage == "annotate" and len(signed.items) == 20
    assert all(a.language == "en" for a in signed.items)
    assert all((a.minhash == signature(a.body, 64)).all() for a in signed.items)
    assert Annotator()(batch()).items[0].minhash is None  # near duplicates off: no signatures
    index = NearDuplicateIndex(threshold=0.8, num_perm=64)
    with_sigs = dedupe(signed.items, set(), set(), index)
    without = dedupe(batch(), set(), set(), NearDuplicateIndex(threshold=0.8, num_perm=64))
    assert [(d.article_id, d.duplicate_of, d.similarity) for d in with_sigs.duplicates] == \
        [(d.article_id, d.duplicate_of, d.similarity) for d in without.duplicates]
    assert len(with_sigs.duplicates) == 5
    # the index keeps its own copy; the articles go on to the model stages without theirs
    assert all(a.minhash is None for a in signed.items)
    # a signature of another length (another permutation count) is recomputed, not trusted
    odd = article(_edited(bodies[7]), 300, source="third.jsonl", minhash=signature(bodies[7], 32))
    assert dedupe([odd], set(), set(), index).duplicates[0].duplicate_of == article(bodies[7]).article_id


def test_threshold_is_respected(bodies):
    a = article(bodies[0])
    half = article(" ".join(bodies[0].split()[: len(bodies[0].split()) // 2]) + " " + bodies[1], 1)
    strict = dedupe([a, half], set(), set(), NearDuplicateIndex(threshold=0.9))
    assert len(strict.fresh) == 2 and strict.duplicates == []


def test_signatures_persist_and_are_rebuilt_for_old_warehouses(tmp_path, bodies):
    from warehouse.rows import article_tables
    from warehouse.writer import Warehouse

    wh = Warehouse(tmp_path / "wh")
    wh.create()
    stored = [article(b, i) for i, b in enumerate(bodies[:20])]
    now = datetime.now(timezone.utc)
    wh.commit_shard(article_tables(stored, "run-1", now), "shard1", now.date())

    # a warehouse with no signatures yet: they are computed from stored bodies and persisted
    first = NearDuplicateIndex.load(wh)
    assert set(first.signatures) == {a.article_id for a in stored} and first.pending == {}
    files = list(NearDuplicateIndex.folder(wh).glob("part-*.parquet"))
    assert len(files) == 1

    second = NearDuplicateIndex.load(wh)  # now read back, not recomputed
    assert all((second.signatures[k] == v).all() for k, v in first.signatures.items())
    copy = article(_edited(bodies[5]), 99, source="later.jsonl")
    result = dedupe([copy, article(bodies[30], 98)], set(), set(), second)
    assert result.duplicates[0].duplicate_of == stored[5].article_id
    # the fresh article is pending until it is stored, then persisted
    assert second.persist(wh) == 0
    wh.commit_shard(article_tables(result.fresh, "run-2", now), "shard2", now.date())
    assert second.persist(wh) == 1
    assert len(NearDuplicateIndex.load(wh).signatures) == 21
