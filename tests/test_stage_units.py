"""Each stage on small texts written for the test, without Prefect."""
from __future__ import annotations

import bz2
import gzip
import json
from datetime import datetime, timezone

import numpy as np
import pytest

from tasks.dedupe import dedupe
from tasks.entities import EntityResolver
from tasks.ingest import Ingester, discover
from tasks.records import Article, Mention, SourceRecord, content_hash
from tasks.segment import Segmenter, parse_article
from tasks.summarise import select_sentences
from tasks.tag import Tagger


def test_content_hash_ignores_whitespace_layout_but_not_words():
    assert content_hash("A  cat\nsat.") == content_hash("A cat sat.")
    assert content_hash("A cat sat.") != content_hash("A dog sat.")
    assert len(content_hash("x")) == 20


def test_jsonl_reader_maps_fields_and_rejects_bad_lines(tmp_path):
    path = tmp_path / "export.jsonl.gz"
    lines = [
        json.dumps({"headline": "Dam opens", "body": "The dam opened today.", "link": "https://x.org/a",
                    "date": "2021-05-01 12:00", "author": "Ann Lee and Bo Chen"}),
        "",
        "[1, 2",
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "t", "text": "   "}),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    out = Ingester()([str(path)])
    assert len(out.items) == 1
    rec = out.items[0]
    assert (rec.title, rec.text, rec.url) == ("Dam opens", "The dam opened today.", "https://x.org/a")
    assert rec.published_at.isoformat() == "2021-05-01T12:00:00+00:00"
    assert rec.authors == ["Ann Lee", "Bo Chen"]
    assert [(r.location, r.reason) for r in out.rejects] == [
        ("line 3", "malformed_json"), ("line 4", "not_an_object"), ("line 5", "empty_text")
    ]


def test_text_reader_decodes_legacy_encodings_and_rejects_empty(tmp_path):
    latin = tmp_path / "old.txt.bz2"
    french = (
        "Le café a fermé à Montréal après trente années de service. Les habitués étaient déçus, "
        "mais le propriétaire a expliqué que les coûts avaient trop augmenté cette année."
    )
    latin.write_bytes(bz2.compress(french.encode("cp1252")))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    out = Ingester()([str(latin), str(empty)])
    assert [r.text for r in out.items] == [french]
    assert out.items[0].is_dump
    assert [(r.source_uri.endswith("empty.txt"), r.reason) for r in out.rejects] == [(True, "empty_file")]


def test_discover_expands_folders_and_globs_and_rejects_missing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.jsonl").write_text("{}")
    files, rejects = discover([str(tmp_path / "a"), str(tmp_path / "a" / "*.txt"), str(tmp_path / "nope")])
    assert [f.rsplit("/", 1)[-1] for f in files] == ["x.txt", "y.jsonl"]  # no double listing
    assert [(r.reason) for r in rejects] == ["not_found"]


def test_unknown_format_is_rejected_not_guessed(tmp_path):
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK\x03\x04")
    out = Ingester()([str(path)])
    assert out.items == [] and [r.reason for r in out.rejects] == ["unsupported_format"]


def test_parse_article_structure_pieces():
    st = parse_article([
        "Floods close schools across the north",
        "By Maria Gomez",
        "LONDON, Nov 7 (Reuters) - Heavy rain closed dozens of schools on Tuesday.",
        "Photo: Reuters",
        "Advertisement",
        "Officials said the water would recede by the weekend.",
    ])
    assert st.title == "Floods close schools across the north"
    assert st.byline == "By Maria Gomez"
    assert st.dateline == "LONDON, Nov 7 (Reuters)"
    assert st.body == "Heavy rain closed dozens of schools on Tuesday.\nOfficials said the water would recede by the weekend."
    assert st.captions == ["Photo: Reuters"] and st.boilerplate_removed == 1
    assert not st.is_truncated
    assert [st.body[a:b] for a, b in st.paragraphs] == st.body.split("\n")


def test_inline_kicker_and_deck_are_split_from_the_body():
    st = parse_article([
        "EXCLUSIVE: Ministers weighed a rescue plan for weeks before the collapse "
        "The government drew up plans to nationalise the lender in March. Talks stalled in"
    ])
    assert st.kicker == "EXCLUSIVE"
    assert st.deck == "Ministers weighed a rescue plan for weeks before the collapse"
    assert st.body.startswith("The government drew up plans")
    assert (st.is_truncated, st.truncation_reason) == (True, "ends_mid_sentence")


def test_segmenter_splits_a_dump_on_layout_cues_without_a_model():
    dump = (
        "The port reopened on Monday after a week of strikes.\n"
        "Dock workers accepted a pay offer late on Sunday, the union said, ending a stoppage that had "
        "left hundreds of ships waiting outside the harbour and cost the\n"
        "ALERT: Wildfire forces evacuations in the hills "
        "Firefighters battled a blaze that spread overnight. Residents left their homes.\n"
    )
    rec = SourceRecord(dump, "mem://dump", "text", "file", is_dump=True)
    out = Segmenter(embedding_model=None)([rec])
    assert [a.position for a in out.items] == [0, 1]
    first, second = out.items
    assert first.is_truncated and first.body.endswith("harbour and cost the")
    assert second.kicker == "ALERT" and second.deck == "Wildfire forces evacuations in the hills"
    assert second.location == "line 3" and not second.is_truncated
    assert first.article_id == content_hash(first.body)


def test_segmenter_rejects_articles_too_short_to_use():
    rec = SourceRecord("Breaking news.", "mem://x", "jsonl", "line 1")
    out = Segmenter(embedding_model=None, min_words=5)([rec])
    assert out.items == [] and [r.reason for r in out.rejects] == ["too_short"]


def _article(body: str, **kw) -> Article:
    paras, pos = [], 0
    for line in body.split("\n"):
        paras.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Article(content_hash(body), "mem://t", "text", 0, "file", body, paragraphs=paras, **kw)


def test_tagger_sentences_have_exact_offsets_and_respect_paragraphs(nlp):
    body = "Mr. Smith went to Washington on Monday. He met the U.S. trade envoy\nThe talks ended at 3.5 p.m. on Tuesday."
    art = _article(body)
    Tagger()([art])
    texts = [s.text for s in art.sentences]
    assert all(body[s.start_char:s.end_char] == s.text for s in art.sentences)
    assert "He met the U.S. trade envoy" in texts  # a paragraph break ends a sentence
    assert [s.paragraph_idx for s in art.sentences][-1] == 1
    assert any(m.text == "Washington" and m.label == "GPE" for m in art.mentions)
    assert all(body[m.start_char:m.end_char] == m.text for m in art.mentions if m.field == "body")


def test_tagger_skips_languages_it_cannot_handle():
    art = _article("Le gouvernement a annoncé un plan de relance mardi.", language="fr")
    out = Tagger()([art])
    assert art.sentences == [] and art.skipped == {"tag": "language:fr"}
    assert out.stats["skipped_language"] == 1


def test_select_sentences_prefers_central_early_sentences_and_drops_repeats():
    e = np.eye(4, dtype=np.float32)
    topic = np.array([1, 0.2, 0, 0], np.float32) / np.linalg.norm([1, 0.2, 0, 0])
    emb = np.stack([topic, topic, e[2], topic * 0.9 + e[1] * 0.1, e[3]])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    picked = select_sentences(emb, [10] * 5, max_sentences=2)
    assert picked[0] == 0 and 1 not in picked  # sentence 1 repeats sentence 0
    assert picked == sorted(picked)
    budgeted = select_sentences(emb, [10] * 5, max_sentences=3, max_words=20)
    assert len(budgeted) == 2 and budgeted[0] == 0  # a 20-word budget holds two 10-word sentences


def test_entity_resolver_joins_short_forms_and_strips_titles():
    body = "President Donald Trump met Viktor Orban. Trump's aides said Orban agreed.\nThe U.S. and Hungary signed."
    art = _article(body)
    def m(text, label, start=None):
        start = body.index(text) if start is None else start
        return Mention(start, start + len(text), text, label, 0)
    art.mentions = [
        m("Donald Trump", "PERSON"), m("Viktor Orban", "PERSON"), m("Trump's", "ORG"),
        m("Orban", "PERSON", body.index("Orban agreed")), m("U.S.", "GPE"), m("Hungary", "GPE"),
    ]
    EntityResolver()([art])
    canon = {(mm.text, mm.canonical) for mm in art.mentions}
    assert ("Trump's", "Donald Trump") in canon and ("Orban", "Viktor Orban") in canon
    assert ("U.S.", "United States") in canon
    ents = {e.canonical: e for e in art.entities}
    assert ents["Donald Trump"].label == "PERSON" and ents["Donald Trump"].mentions == 2
    assert ents["Donald Trump"].in_lead and ents["Donald Trump"].salience > ents["Hungary"].salience


def test_dedupe_separates_new_duplicate_and_unchanged():
    a, b = _article("One two three four five."), _article("Six seven eight nine ten.")
    again = _article("One  two three four five.")
    again.location = "line 9"
    known = {b.article_id}
    result = dedupe([a, b, again], known, {(b.article_id, b.source_uri, b.location)})
    assert result.fresh == [a] and result.unchanged == 1
    assert [(d.article_id, d.location, d.kind) for d in result.duplicates] == [(a.article_id, "line 9", "exact")]
    assert a.article_id in known


@pytest.mark.parametrize("text", ["", "   \n"])
def test_segmenter_on_empty_dump_yields_nothing(text):
    rec = SourceRecord(text, "mem://e", "text", "file", is_dump=True)
    assert Segmenter(embedding_model=None)([rec]).items == []


def test_one_step_object_run_on_two_batches_at_once_keeps_each_calls_counts():
    """The thread task runner hands the same step object to two shards at once."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tasks.step import Step

    both_running = threading.Barrier(2, timeout=10)

    class Counting(Step):
        name = "counting"

        def run(self, batch):
            self.stats["seen"] += len(batch)
            both_running.wait()  # the two calls overlap from here
            for item in batch:
                if item < 0:
                    self.reject("src", str(item), "negative")
            return [i for i in batch if i >= 0]

    step = Counting()
    with ThreadPoolExecutor(2) as pool:
        small, large = pool.map(step, [[1, -1], [1, 2, 3, -4, -5]])
    assert (small.stats["seen"], small.stats["in"], small.stats["out"], len(small.rejects)) == (2, 2, 1, 1)
    assert (large.stats["seen"], large.stats["in"], large.stats["out"], len(large.rejects)) == (5, 5, 3, 2)
    assert step.stats == {} and step.rejects == []  # the shared object holds configuration only


def test_segmenter_dates_a_dumped_page_by_its_stamp_and_names_its_author():
    dump = (
        "Published 10:32 GMT, 5 May 2024\n"
        "Sarah Chen\n"
        "Science correspondent\n"
        "Researchers have identified a previously unknown species of tree frog in a remote part of the forest.\n"
        "The frog, which measures just 1.5 centimetres, was found during a survey of the forest canopy.\n"
    )
    rec = SourceRecord(dump, "mem://page", "text", "file", is_dump=True)
    (article,) = Segmenter(embedding_model=None)([rec]).items
    assert article.published_at == datetime(2024, 5, 5, tzinfo=timezone.utc)
    assert article.byline == "Sarah Chen, Science correspondent" and article.authors == ["Sarah Chen"]
    assert article.body.startswith("Researchers") and article.boilerplate_removed == 1
