"""Plain-text dumps: one file may hold many concatenated articles."""
from __future__ import annotations

from collections.abc import Iterator

from tasks.readers.files import BadFile, decode, read_bytes
from tasks.records import Reject, SourceRecord


def read_text_dump(path: str) -> Iterator[SourceRecord | Reject]:
    """The whole file as one record flagged `is_dump`; the segmenter splits it."""
    try:
        text, encoding = decode(read_bytes(path))
    except BadFile as exc:
        yield Reject(path, "file", exc.reason, exc.detail)
        return
    if not text.strip():
        yield Reject(path, "file", "empty_file")
        return
    yield SourceRecord(text=text, source_uri=path, source_format="text", location="file", is_dump=True)
