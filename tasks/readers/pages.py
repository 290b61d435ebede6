"""HTML pages: the main text and its metadata through trafilatura, boilerplate gone."""
from __future__ import annotations

from collections.abc import Iterator

from tasks.readers.files import BadFile, decode, read_document
from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.records import Reject, SourceRecord

MIN_PAGE_WORDS = 8
# Ask htmldate for the full timestamp and the original (not last-modified) date.
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": True}


def extract_page(
    html: bytes | str, source_uri: str, location: str, source_format: str, url: str | None = None,
) -> SourceRecord | Reject:
    """One HTML document to a SourceRecord (text, title, authors, date, site, language),
    or a Reject `no_article_text` when trafilatura finds no main text."""
    import trafilatura

    from tasks.readers.jsonl import parse_datetime

    if isinstance(html, bytes):
        try:
            html, _ = decode(html)
        except BadFile as exc:
            return Reject(source_uri, location, exc.reason, exc.detail)
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura/lxml fail on some broken trees; the page is unusable
        return Reject(source_uri, location, "unparseable_html", f"{type(exc).__name__}: {exc}"[:300])
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_PAGE_WORDS:  # trafilatura's fallbacks return menus of empty pages
        return Reject(source_uri, location, "no_article_text", (text or html)[:300])
    title = (doc.title or "").strip() or None
    if title and text.startswith(title):  # trafilatura repeats the headline as the first line
        text = text[len(title):].lstrip()
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return SourceRecord(
        text=text,
        source_uri=source_uri,
        source_format=source_format,
        location=location,
        title=title,
        url=doc.url or url,
        published_at=parse_datetime(doc.date),
        authors=authors,
        language=doc.language,
        site=(doc.sitename or doc.hostname or None),
    )


def read_html(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """One page per file; its URL comes from the page (canonical link) when it names one."""
    try:
        data = read_document(path, options.max_record_bytes)
    except BadFile as exc:
        yield Reject(path, "file", exc.reason, exc.detail)
        return
    yield extract_page(data, path, "file", "html")
