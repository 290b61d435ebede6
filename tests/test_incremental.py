"""Incremental runs: files a run finished are not read again; changed files are."""
from __future__ import annotations

import json

import pytest

from conftest import query
from ingest_fixtures import dev_articles

pytestmark = pytest.mark.slow


def _write(path, arts):
    path.write_text("".join(json.dumps({"title": a["title"], "text": a["text"]}) + "\n" for a in arts))


def test_second_run_skips_finished_files_and_reads_changed_ones(prefect_harness, tmp_path, monkeypatch):
    from flows.enrich import enrich

    arts = [a for a in dev_articles() if 60 < len(a["text"].split()) < 160][:5]
    inbox, wh = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()
    _write(inbox / "a.jsonl", arts[:2])
    _write(inbox / "b.jsonl", arts[2:4])
    (inbox / "bad.jsonl").write_text('{"title": "no text"}\n')

    first = enrich(sources=[str(inbox)], warehouse=str(wh))
    assert (first["articles"], first["rejects"], first["files_read"], first["files_skipped"]) == (4, 1, 3, 0)
    stored = query(wh, "SELECT source_uri, records, articles, rejects FROM input_files ORDER BY source_uri")
    assert [(r[0].rsplit("/", 1)[1], *r[1:]) for r in stored] == [
        ("a.jsonl", 2, 2, 0), ("b.jsonl", 2, 2, 0), ("bad.jsonl", 1, 0, 1)]

    _write(inbox / "b.jsonl", arts[2:5])  # one article appended: the file changed
    second = enrich(sources=[str(inbox)], warehouse=str(wh))
    assert (second["files_read"], second["files_skipped"], second["articles"]) == (1, 2, 1)
    # every record is still accounted for: the skipped files' records count as unchanged
    assert second["records_in"] == first["records_in"] + 1
    assert second["records_in"] == second["articles"] + second["duplicates"] + second["rejects"]
    assert second["unchanged"] == 3 + 2  # a.jsonl's 2 + bad.jsonl's 1, then b.jsonl's 2 stored articles

    third = enrich(sources=[str(inbox)], warehouse=str(wh))
    assert (third["files_read"], third["files_skipped"], third["articles"]) == (0, 3, 0)
    assert "segment" not in third["stage_seconds"]  # nothing was read, so no model work either

    # a reader/segmenter setting that changes what a file yields makes every file count as new
    monkeypatch.setenv("NEWSFLOW_MIN_ARTICLE_WORDS", "6")
    fourth = enrich(sources=[str(inbox)], warehouse=str(wh))
    assert (fourth["files_read"], fourth["files_skipped"], fourth["articles"]) == (3, 0, 0)
    monkeypatch.delenv("NEWSFLOW_MIN_ARTICLE_WORDS")

    monkeypatch.setenv("NEWSFLOW_SKIP_FINISHED_FILES", "false")
    forced = enrich(sources=[str(inbox)], warehouse=str(wh))
    assert (forced["files_read"], forced["files_skipped"], forced["articles"]) == (3, 0, 0)
    assert query(wh, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(5, 5)]
    assert query(wh, "SELECT count(*) FROM rejects") == [(1,)]


def test_each_group_of_files_is_finished_when_its_shards_are_in(prefect_harness, tmp_path, monkeypatch):
    """Three input groups of one file each, two shards per group, two shards in flight:
    a group's shards may start before the last group's are in, and every file is still
    finished once, with its own articles and rejects."""
    from flows.enrich import enrich
    from resilience import write_inputs

    files = write_inputs(tmp_path / "in", {"a": (100, 103), "b": (103, 106), "c": (106, 109)})
    monkeypatch.setenv("NEWSFLOW_GROUP_BYTES", "1")  # every file a group of its own
    wh = tmp_path / "wh"
    first = enrich(sources=[str(tmp_path / "in")], warehouse=str(wh), shard_size=2)
    assert first["status"] == "completed"
    assert (first["records_in"], first["articles"], first["rejects"], first["duplicates"]) == (12, 9, 3, 0)
    stored = query(wh, "SELECT source_uri, records, articles, rejects FROM input_files ORDER BY source_uri")
    assert stored == [(str(files[n]), 4, 3, 1) for n in "abc"]
    assert query(wh, "SELECT source_uri, count(*) FROM rejects GROUP BY 1 ORDER BY 1") == [
        (str(files[n]), 1) for n in "abc"]
    assert query(wh, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(9, 9)]
    assert query(wh, "SELECT count(DISTINCT article_id) FROM summaries") == [(9,)]

    again = enrich(sources=[str(tmp_path / "in")], warehouse=str(wh), shard_size=2)
    assert (again["files_skipped"], again["articles"], again["records_in"]) == (3, 0, 12)
