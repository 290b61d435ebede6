"""Inbox mode: a run enriches only files that are new or changed since the last
successful run; a failed run leaves the state alone so the next run takes them again."""
from __future__ import annotations

import pytest

from conftest import query
from services import devdata_slice


def test_pending_takes_new_and_changed_files_and_waits_for_settling():
    from flows.inbox import pending

    now = 1_000 * 10**9
    done = {"a.jsonl": (10, 1), "b.jsonl": (20, 2)}
    current = {"a.jsonl": (10, 1), "b.jsonl": (25, 3), "c.jsonl": (5, 4), "d.jsonl": (7, now - 10**9)}
    ready, settling = pending(current, done, settle_seconds=60, now_ns=now)
    assert ready == ["b.jsonl", "c.jsonl"]
    assert settling == ["d.jsonl"]
    assert pending(current, done, settle_seconds=0, now_ns=now)[0] == ["b.jsonl", "c.jsonl", "d.jsonl"]


def test_missing_inbox_folder_is_a_clear_error(tmp_path):
    from flows.inbox import fingerprints

    with pytest.raises(FileNotFoundError, match="inbox folder not found"):
        fingerprints(str(tmp_path / "nope"))


@pytest.mark.slow
def test_inbox_runs_process_only_new_files(prefect_harness, tmp_path, monkeypatch):
    from flows.inbox import inbox

    box, wh = tmp_path / "inbox", tmp_path / "wh"
    devdata_slice(box, 4, "a.jsonl", start=0)
    first = inbox(folder=str(box), warehouse=str(wh), settle_seconds=0)
    assert (first["new_files"], first["articles"]) == (1, 4)

    assert inbox(folder=str(box), warehouse=str(wh), settle_seconds=0)["new_files"] == 0

    # A failed run (here: a model that is not installed) must not mark its files done.
    devdata_slice(box, 3, "b.jsonl", start=10)
    monkeypatch.setenv("NEWSFLOW_RETRIES", "0")
    with pytest.raises(Exception, match="not installed"):
        inbox(folder=str(box), warehouse=str(wh), settle_seconds=0, spacy_model="no_such_spacy_model")
    monkeypatch.delenv("NEWSFLOW_RETRIES")
    retry = inbox(folder=str(box), warehouse=str(wh), settle_seconds=0)
    assert (retry["new_files"], retry["articles"]) == (1, 3)

    # A file that grows (new size) is taken again; its old articles are recognised, not re-added.
    a = box / "a.jsonl"
    extra = devdata_slice(tmp_path / "more", 2, start=20).read_text()
    a.write_text(a.read_text() + extra)
    grown = inbox(folder=str(box), warehouse=str(wh), settle_seconds=0)
    assert (grown["new_files"], grown["articles"], grown["duplicates"]) == (1, 2, 4)

    assert query(wh, "SELECT count(*) FROM articles") == [(9,)]
    statuses = query(wh, "SELECT status, count(*) FROM runs GROUP BY ALL ORDER BY 1")
    assert statuses == [("completed", 3), ("failed", 1)]
