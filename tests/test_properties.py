"""Property-based tests (hypothesis) on arbitrary text: the segmenter and the writer.

Segmenter accounting, precisely: every non-whitespace character of the input ends up in
exactly one of body, title, kicker, deck, byline, dateline, captions or the removed
boilerplate lines; the only characters allowed to vanish are the separators the parser
consumes — the colon after a kicker and the dash(es) after a dateline. Checked as
multisets, per article and for a whole dump.
"""
from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date, datetime, timezone

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.segment import parse_article, segment_text
from warehouse.schemas import ARTICLES, REJECTS
from warehouse.writer import Warehouse

# Lines that look like news furniture, mixed with arbitrary text, so the parser's
# kicker/deck/byline/dateline/caption/boilerplate paths all get exercised.
NEWSY = st.sampled_from([
    "OUTRAGE: Council votes to close the library", "By Jane Smith", "By Ana de la Cruz, Reuters",
    "WASHINGTON (Reuters) - The senate voted on Tuesday.", "LONDON, Nov 7 (AFP) — Prices rose.",
    "Photo: Reuters", "(AFP)", "Advertisement", "Read more: how it happened", "Share this article",
    "Ministers agree on a new budget", "The mayor said the bridge would open in May.",
    "It was not clear when the", "He added that …", "EXCLUSIVE: Inside the deal", "“Quote,” he said.",
])
LINE = st.one_of(NEWSY, st.text(max_size=80), st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
SEPARATORS = set(":-–—")


def _nonspace(*parts) -> Counter:
    return Counter(c for p in parts if p for c in p if not c.isspace())


def _accounted(st_) -> Counter:
    return _nonspace(st_.body, st_.title, st_.kicker, st_.deck, st_.byline, st_.dateline, *st_.captions,
                     *st_.boilerplate)


def _check_structure(st_) -> None:
    body = st_.body
    pos = 0
    for s, e in st_.paragraphs:  # in order, inside the body, no overlap, no empty paragraph
        assert pos <= s < e <= len(body)
        assert body[s:e] == body[s:e].strip() and "\n" not in body[s:e]
        pos = e
    assert "\n".join(body[s:e] for s, e in st_.paragraphs) == body


def _check_loss(given_chars: Counter, got: Counter, structures) -> None:
    assert not got - given_chars, "the parser invented characters"
    lost = given_chars - got
    assert set(lost) <= SEPARATORS, lost
    allowed = sum((1 if s.kicker else 0) + (2 if s.dateline else 0) for s in structures)
    assert sum(lost.values()) <= allowed, (lost, allowed)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, max_size=12), has_title=st.booleans())
def test_parse_article_accounts_for_every_character(lines, has_title):
    lines = [piece for ln in lines for piece in ln.splitlines()]  # lines, as a reader gives them
    structure = parse_article(lines, has_title=has_title)
    _check_structure(structure)
    _check_loss(_nonspace(*lines), _accounted(structure), [structure])


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, max_size=30), gaps=st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n", " \n"]),
                                                         max_size=30))
def test_segment_text_splits_a_dump_without_losing_text(lines, gaps):
    text = "".join(ln + (gaps[i] if i < len(gaps) else "\n") for i, ln in enumerate(lines))
    parts = segment_text(text, embedding_model=None)
    for structure, confidence, location in parts:
        _check_structure(structure)
        assert 0.0 <= confidence <= 1.0 and location.startswith("line ")
    _check_loss(_nonspace(text), sum((_accounted(s) for s, _, _ in parts), Counter()), [s for s, _, _ in parts])


# ---- the writer ---------------------------------------------------------------------------
TEXT = st.text(max_size=60)
ROW = st.fixed_dictionaries({"article_id": st.sampled_from("abcdefgh"), "body": TEXT, "title": st.none() | TEXT,
                             "captions": st.lists(TEXT, max_size=3)})


def _articles(rows: list[dict]) -> pa.Table:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return pa.Table.from_pylist(
        [{**r, "source_uri": "s", "position": i, "run_id": "r", "ingested_at": now} for i, r in enumerate(rows)],
        ARTICLES,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(ROW, max_size=6), min_size=1, max_size=4))
def test_commits_store_each_article_once_and_round_trip_text(batches):
    with tempfile.TemporaryDirectory() as root:
        wh = Warehouse(root)
        first_seen: dict[str, dict] = {}
        for k, rows in enumerate(batches):
            table = _articles(rows)
            wh.commit_shard({"articles": table}, f"k{k}", date(2026, 1, 1))
            wh.commit_shard({"articles": table}, f"k{k}", date(2026, 1, 1))  # a retry: same key
            for r in rows:
                first_seen.setdefault(r["article_id"], r)
        reread = Warehouse(root)  # a fresh process sees the same store
        stored = pa.concat_tables([pa.parquet.read_table(p) for p in reread.files("articles")]) if reread.files(
            "articles") else _articles([])
        got = {r["article_id"]: r for r in stored.to_pylist()}
        assert stored.num_rows == len(got) == len(first_seen)
        for aid, r in first_seen.items():
            assert (got[aid]["body"], got[aid]["title"], got[aid]["captions"]) == (r["body"], r["title"], r["captions"])
        assert not list(reread.root.rglob("*.tmp")) and reread.recover() == {"temp_files": 0, "orphan_files": 0}


@settings(max_examples=60, deadline=None)
@given(reasons=st.lists(st.tuples(st.sampled_from(["a.jsonl", "b.txt"]), st.sampled_from(["line 1", "line 2"]), TEXT),
                        max_size=8))
def test_appends_are_idempotent_even_within_one_batch(reasons):
    from tasks.records import Reject

    rejects = [Reject(src, loc, "malformed_json", sample) for src, loc, sample in reasons]
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = [{"reject_id": r.reject_id, "source_uri": r.source_uri, "location": r.location, "stage": "ingest",
             "reason": r.reason, "sample": r.sample, "run_id": "r", "rejected_at": now} for r in rejects]
    with tempfile.TemporaryDirectory() as root:
        wh = Warehouse(root)
        first = wh.append("rejects", pa.Table.from_pylist(rows, REJECTS), "run1", date(2026, 1, 1))
        again = wh.append("rejects", pa.Table.from_pylist(rows, REJECTS), "run2", date(2026, 1, 1))
        assert first == len({r.reject_id for r in rejects}) and again == 0
