"""Readers: one per source format, each yielding SourceRecord or Reject, streaming.

`reader_for(path)` picks a reader from the file name (compression suffixes ignored).
Add a format by writing `read_<format>(path) -> Iterator[SourceRecord | Reject]` and
registering its extensions in READERS.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from tasks.readers.files import COMPRESSIONS, BadFile
from tasks.readers.jsonl import read_jsonl
from tasks.readers.text import read_text_dump
from tasks.records import Reject, SourceRecord

Reader = Callable[[str], Iterator[SourceRecord | Reject]]

READERS: dict[str, tuple[str, Reader]] = {
    ".txt": ("text", read_text_dump),
    ".text": ("text", read_text_dump),
    ".jsonl": ("jsonl", read_jsonl),
    ".ndjson": ("jsonl", read_jsonl),
}


def format_of(path: str) -> str | None:
    """The source format a file name implies, or None when unknown."""
    name = path.lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    for ext, (fmt, _) in READERS.items():
        if name.endswith(ext):
            return fmt
    return None


def reader_for(path: str) -> Reader | None:
    fmt = format_of(path)
    return next((r for f, r in READERS.values() if f == fmt), None)


__all__ = ["READERS", "BadFile", "format_of", "reader_for"]
