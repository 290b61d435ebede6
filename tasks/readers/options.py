"""What a reader may be told: the field mapping of exports, limits, and link following."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Field names tried in order for each part of an article; the first present wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "maintext", "story"),
    "title": ("title", "headline", "heading"),
    "url": ("url", "link", "source_url", "uri"),
    "published": ("published", "published_at", "date", "pubdate", "date_publish", "datetime", "timestamp"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "source": ("source", "site", "site_name", "sitename", "publisher", "source_domain", "domain"),
}


def merge_fields(extra: Mapping[str, list[str] | tuple[str, ...] | str] | None) -> dict[str, tuple[str, ...]]:
    """FIELDS with the user's names for each part tried first (`{"text": ["story_body"]}`).

    Unknown parts raise ValueError, so a typo in NEWSFLOW_FIELD_MAP is not silently ignored.
    """
    merged = dict(FIELDS)
    for part, names in (extra or {}).items():
        if part not in FIELDS:
            raise ValueError(f"unknown field-map part {part!r}; known: {', '.join(FIELDS)}")
        names = (names,) if isinstance(names, str) else tuple(names)
        merged[part] = names + tuple(n for n in FIELDS[part] if n not in names)
    return merged


@dataclass(frozen=True)
class ReadOptions:
    """Reader configuration; plain data, so an `Ingester` pickles cheaply."""

    fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(FIELDS))
    max_record_bytes: int = 16 * 2**20  # one JSON line, CSV field or page; larger is rejected
    follow_links: bool = False  # feeds: fetch each entry's page and extract it
    fetch_timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings) -> ReadOptions:
        """Options from newsflow's Settings (flows/settings.py)."""
        return cls(
            fields=merge_fields(settings.field_map),
            max_record_bytes=int(settings.max_record_mb * 2**20),
            follow_links=settings.follow_links,
            fetch_timeout=settings.fetch_timeout_seconds,
        )


DEFAULT_OPTIONS = ReadOptions()
