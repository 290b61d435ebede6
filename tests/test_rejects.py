"""Bad input lands in `rejects` with its reason, and the rest of the run completes."""
from __future__ import annotations

import gzip
import json

import pytest

from conftest import query

pytestmark = pytest.mark.slow


def test_unreadable_file_and_malformed_line_are_rejected(prefect_harness, tmp_path):
    from flows.enrich import enrich

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = {
        "title": "Council approves new bridge",
        "text": "The city council approved a new bridge over the river on Monday.\n"
        "Construction will start in the spring and take two years, the mayor said.",
        "url": "https://example.org/bridge",
        "published": "2024-03-04T10:00:00+01:00",
    }
    lines = [json.dumps(good), "{not json at all", json.dumps({"title": "no body here"})]
    (inbox / "export.jsonl").write_text("\n".join(lines) + "\n")
    (inbox / "broken.txt.gz").write_bytes(gzip.compress(b"Some text that will be cut")[:-12])
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    wh = tmp_path / "wh"

    report = enrich(sources=[str(inbox), str(tmp_path / "missing.jsonl")], warehouse=str(wh))

    assert report["status"] == "completed"
    assert report["articles"] == 1
    reasons = dict(query(wh, "SELECT location || ' ' || regexp_extract(source_uri, '[^/]+$'), reason FROM rejects"))
    assert reasons == {
        "line 2 export.jsonl": "malformed_json",
        "line 3 export.jsonl": "missing_text",
        "file broken.txt.gz": "corrupt_archive",
        "file image.txt": "binary",
        "source missing.jsonl": "not_found",
    }
    assert report["rejects"] == 5
    assert report["records_in"] == report["articles"] + report["duplicates"] + report["rejects"]
    row = query(wh, "SELECT title, url, epoch(published_at)::BIGINT FROM articles")
    assert row == [("Council approves new bridge", "https://example.org/bridge", 1709542800)]
