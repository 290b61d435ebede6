"""Readers: one per source format, each yielding SourceRecord or Reject, streaming.

`reader_for(path)` picks a reader from the file name (compression suffixes ignored),
or from the content when the name says nothing; an http(s) URL is read as a feed.
Add a format by writing `read_<format>(path, options) -> Iterator[SourceRecord | Reject]`
and registering its extensions in READERS (and its signature in `sniff_format`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from tasks.readers.delimited import read_csv
from tasks.readers.feeds import read_feed
from tasks.readers.files import COMPRESSIONS, BadFile, head_bytes, is_url
from tasks.readers.jsonl import read_jsonl
from tasks.readers.options import DEFAULT_OPTIONS, FIELDS, ReadOptions, merge_fields
from tasks.readers.pages import read_html
from tasks.readers.parquet import read_parquet
from tasks.readers.text import read_text_dump
from tasks.readers.warc import read_warc
from tasks.records import Reject, SourceRecord

Reader = Callable[..., Iterator[SourceRecord | Reject]]

FORMATS: dict[str, Reader] = {
    "text": read_text_dump,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "html": read_html,
    "feed": read_feed,
    "warc": read_warc,
}

READERS: dict[str, tuple[str, Reader]] = {
    ext: (fmt, FORMATS[fmt])
    for fmt, exts in {
        "text": (".txt", ".text"),
        "jsonl": (".jsonl", ".ndjson"),
        "csv": (".csv", ".tsv"),
        "parquet": (".parquet", ".pq"),
        "html": (".html", ".htm", ".xhtml"),
        "feed": (".rss", ".atom"),
        "warc": (".warc", ".warc.gz"),
    }.items()
    for ext in exts
}


def _strip_compression(name: str) -> str:
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def format_of(path: str) -> str | None:
    """The source format a file name implies, or None when unknown."""
    if is_url(path):
        return "feed"
    name = path.lower()
    if name.endswith(".warc.gz"):  # warcio reads gzipped WARCs record by record
        return "warc"
    name = _strip_compression(name)
    for ext, (fmt, _) in READERS.items():
        if name.endswith(ext):
            return fmt
    return None


# Containers and media that are never news text, even when short enough to lack NUL bytes.
_BINARY_MAGIC = (
    b"PK\x03\x04", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"7z\xbc\xaf", b"Rar!",
    b"RIFF", b"OggS", b"fLaC", b"ID3", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0", b"SQLite format",
)


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a (decompressed) file show, or None.

    Order matters: binary signatures first, then markup, then line-oriented text.
    """
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"WARC/"):
        return "warc"
    if not head.strip() or b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if start.startswith(b"<?xml") or start.startswith(b"<rss") or start.startswith(b"<feed"):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
            return "feed"
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:512]:
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    first = start.split(b"\n", 1)[0]
    if b"\n" in start and first.count(b",") + first.count(b"\t") >= 1 and len(first) < 512:
        cells = {c.strip(b' "\t').decode("utf-8", "replace") for c in first.replace(b"\t", b",").split(b",")}
        if cells & set(FIELDS["text"]):
            return "csv"
    return "text"


def reader_for(path: str) -> Reader | None:
    """The reader for a path or URL: by name, else by content; None when neither says."""
    fmt = format_of(path)
    if fmt is None:
        head = head_bytes(path)
        # nothing readable (empty, or a damaged archive): the text reader says which
        fmt = sniff_format(head) if head else "text"
    return FORMATS.get(fmt) if fmt else None


__all__ = [
    "DEFAULT_OPTIONS", "FORMATS", "READERS", "BadFile", "ReadOptions",
    "format_of", "merge_fields", "reader_for", "sniff_format",
]
