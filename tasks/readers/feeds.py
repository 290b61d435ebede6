"""RSS and Atom feeds (feedparser), from a file or an http(s) URL.

Each entry becomes a record from its full content, else its summary; with
`follow_links` the entry's page is fetched and extracted like any HTML page, the
feed's own text kept as the fallback when the page yields none. XML is checked with
defusedxml before feedparser sees it: a feed that declares entities (billion laughs,
external entities) is rejected, never expanded.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from tasks.readers.files import BadFile, fetch, is_url, read_document
from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.records import Reject, SourceRecord

_TAGS = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"(?i)</(p|div|h[1-6]|li|blockquote)>|<br\s*/?>")


def check_xml_safe(data: bytes) -> str | None:
    """None when `data` declares no entities; else the reason to refuse it.

    Well-formedness is not required here: feedparser copes with broken feeds.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        for _ in iterparse(io.BytesIO(data), events=("start",), forbid_dtd=False,
                           forbid_entities=True, forbid_external=True):
            pass
    except DefusedXmlException as exc:
        return f"{type(exc).__name__}: {exc}"
    except (ParseError, ValueError):
        return None
    return None


def html_to_text(fragment: str) -> str:
    """Paragraph-preserving plain text from an entry's HTML content."""
    import html

    text = _BLOCK_END.sub("\n", fragment)
    text = html.unescape(_TAGS.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _entry_text(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value", "").strip():
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def _entry_time(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if parsed := entry.get(key):
            return datetime(*parsed[:6], tzinfo=timezone.utc)  # feedparser gives UTC
    return None


def _authors(entry) -> list[str]:
    names = [a.get("name", "").strip() for a in entry.get("authors") or [] if a.get("name")]
    return names or ([entry["author"].strip()] if entry.get("author") else [])


def read_feed(source: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """One record per feed entry; a feed that cannot be parsed is one reject."""
    import feedparser

    try:
        data = read_document(source, options.max_record_bytes, options.fetch_timeout)
    except BadFile as exc:
        yield Reject(source, "file", exc.reason, exc.detail)
        return
    if unsafe := check_xml_safe(data):
        yield Reject(source, "file", "unsafe_xml", unsafe[:300])
        return
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        why = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}" if parsed.bozo else "no entries"
        yield Reject(source, "file", "malformed_feed" if parsed.bozo else "empty_feed", why[:300])
        return
    site = parsed.feed.get("title") or None
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    for no, entry in enumerate(parsed.entries, 1):
        location = f"entry {no}"
        link = entry.get("link")
        record = None
        if options.follow_links and link and is_url(link):
            record = _follow(link, source, location, options)
        text = _entry_text(entry)
        if isinstance(record, SourceRecord):
            record.title = record.title or entry.get("title")
            record.published_at = record.published_at or _entry_time(entry)
            record.authors = record.authors or _authors(entry)
            yield record
            continue
        if not text.strip():
            yield record or Reject(source, location, "empty_text", entry.get("title", "")[:300])
            continue
        yield SourceRecord(
            text=text, source_uri=source, source_format="feed", location=location,
            title=(entry.get("title") or "").strip() or None, url=link,
            published_at=_entry_time(entry), authors=_authors(entry),
            language=language, site=site,
        )


def _follow(link: str, source: str, location: str, options: ReadOptions) -> SourceRecord | Reject:
    from tasks.readers.pages import extract_page

    try:
        body, final = fetch(link, options.fetch_timeout, options.max_record_bytes)
    except BadFile as exc:
        return Reject(source, location, exc.reason, exc.detail)
    return extract_page(body, source, location, "feed", url=final)
