"""The records that move between stages.

Every stage takes a batch (a list) of these and returns a batch. They are plain
dataclasses so they pickle cheaply (Dask) and need no Prefect to test.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

_WS = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Unicode-normalised, whitespace-collapsed text: the basis of content hashes."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_hash(*parts: str, size: int = 10) -> str:
    """A stable hex digest of normalised text parts (20 hex chars by default)."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        h.update(normalise_for_hash(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass(slots=True)
class SourceRecord:
    """One record read from a source: a whole text dump, or one article of an export."""

    text: str
    source_uri: str
    source_format: str
    location: str
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    is_dump: bool = False  # may hold several articles; the segmenter splits it
    site: str | None = None  # publisher or site name (or domain) the source names


@dataclass(slots=True)
class Reject:
    """An input that could not become an article, and why."""

    source_uri: str
    location: str
    reason: str
    sample: str = ""
    stage: str = "ingest"

    @property
    def reject_id(self) -> str:
        return content_hash(self.source_uri, self.location, self.reason)


@dataclass(slots=True)
class Sentence:
    paragraph_idx: int
    sentence_idx: int
    start_char: int  # offsets into Article.body
    end_char: int
    text: str


@dataclass(slots=True)
class Mention:
    """One entity mention. `field` says which text the offsets point into."""

    start_char: int
    end_char: int
    text: str
    label: str
    sentence_idx: int | None = None
    field: str = "body"  # body | title | kicker | deck
    source: str = "model"  # model: spaCy found it; propagated: a later repeat of a known name
    canonical: str | None = None


@dataclass(slots=True)
class ArticleEntity:
    canonical: str
    label: str
    mentions: int
    first_char: int
    in_title: bool = False
    in_deck: bool = False
    in_kicker: bool = False
    in_lead: bool = False
    in_summary: bool = False
    salience: float = 0.0


@dataclass(slots=True)
class Summary:
    method: str
    model: str
    summary: str
    sentence_idxs: list[int]
    n_words: int
    params: str = "{}"


@dataclass(slots=True)
class Duplicate:
    """An article whose content is already known (in this run or in the warehouse)."""

    article_id: str
    duplicate_of: str
    similarity: float
    kind: str  # exact | near
    source_uri: str
    location: str


@dataclass(slots=True)
class Article:
    """One news article and everything the stages learn about it."""

    article_id: str
    source_uri: str
    source_format: str
    position: int
    location: str
    body: str
    title: str | None = None
    kicker: str | None = None
    deck: str | None = None
    byline: str | None = None
    dateline: str | None = None
    captions: list[str] = field(default_factory=list)
    url: str | None = None
    published_at: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    is_truncated: bool = False
    truncation_reason: str | None = None
    boundary_confidence: float = 1.0
    boilerplate_removed: int = 0
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[ArticleEntity] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # stage -> why it did not run
    source_domain: str | None = None  # registered host of the article's URL (or its source)
    site_name: str | None = None
    minhash: object | None = None  # MinHash signature (uint32 array) for dedupe; never stored

    @property
    def n_words(self) -> int:
        return len(self.body.split())

    def paragraph_texts(self) -> list[str]:
        return [self.body[s:e] for s, e in self.paragraphs]
