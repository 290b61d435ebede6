"""WARC archives (plain or per-record gzip, e.g. Common Crawl's CC-NEWS).

HTML responses are extracted like pages. Other responses (images, PDFs, robots.txt)
are input records that hold no article: each is a reject `not_html`. Protocol
records (warcinfo, request, metadata, revisit) carry no content and are not counted
as input.
"""
from __future__ import annotations

from collections.abc import Iterator

from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.readers.pages import extract_page
from tasks.records import Reject, SourceRecord

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """One record per HTML response, read one WARC record at a time."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    responses = 0
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                responses += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                location = f"record {responses}"
                ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                if not ctype.lower().startswith(_HTML_TYPES):
                    yield Reject(path, location, "not_html", f"{ctype or 'no content type'} {uri}"[:300])
                    continue
                body = record.content_stream().read(options.max_record_bytes + 1)
                if len(body) > options.max_record_bytes:
                    yield Reject(path, location, "record_too_large", str(uri)[:300])
                    continue
                yield extract_page(body, path, location, "warc", url=uri)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        yield Reject(path, f"record {responses + 1}", "corrupt_warc", f"{type(exc).__name__}: {exc}"[:300])
        return
    if responses == 0:
        yield Reject(path, "file", "empty_file", "no response records")
