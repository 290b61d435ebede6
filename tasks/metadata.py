"""Article metadata the sources do not reliably give: language, source domain, and a
publication date found in the text when the metadata has none; and the MinHash
signature the dedupe stage matches near duplicates by.

The `annotate` stage runs per part of an input group, next to segmenting (on the Dask
workers), so the flow's own process, which dedupes every article in turn, only looks
signatures up (bench/README.md, pipeline, twelfth round).

Language comes from py3langid (its model ships inside the package; nothing is
downloaded). The text decides over a source's language tag, which is often a
site-wide default; the tag is kept when the text is too short to judge.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from tasks.models import load_once
from tasks.near_duplicates import signature
from tasks.records import Article
from tasks.step import Step

MIN_LANGUAGE_CHARS = 40  # below this the identifier guesses
MIN_LANGUAGE_PROB = 0.5

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Dates that carry a year: 'March 4, 2024', '4 March 2024', '2024-03-04' (optionally with a time).
_TEXT_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)\b"
)
_DATE_WINDOW = 400  # a dateline or date stamp sits at the top of an article


def _identifier():
    # Loaded once per process under the models' lock: the annotate stage runs on two
    # threads at once when the next group is read ahead, and both loaded it (~100 MB each).
    return load_once("langid", "py3langid", _load_identifier)


def _load_identifier(_name: str):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when the text is too short or unclear."""
    sample = text[:4000]
    if len(sample.strip()) < MIN_LANGUAGE_CHARS:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= MIN_LANGUAGE_PROB else None


def normalise_language(tag: str | None) -> str | None:
    """'en-US', 'EN', 'en_GB' -> 'en'; None for empty tags."""
    if not tag:
        return None
    code = re.split(r"[-_]", str(tag).strip().lower())[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def domain_of(value: str | None) -> str | None:
    """The host of a URL or bare domain ('https://www.bbc.co.uk/x' -> 'bbc.co.uk'), else None."""
    if not value:
        return None
    value = value.strip()
    if "://" not in value:
        if " " in value or "." not in value:
            return None  # a publisher name, not a domain
        value = "//" + value
    try:
        host = (urlsplit(value).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    host = host.removeprefix("www.")
    return host if "." in host else None


def date_in_text(*texts: str | None, now: datetime | None = None) -> datetime | None:
    """The first full date (with a year) at the top of the given texts, in UTC.

    Dates in the future or before 1990 are ignored: they are events, not publication.
    """
    from dateutil import parser

    now = now or datetime.now(timezone.utc)
    for text in texts:
        if not text:
            continue
        for match in _TEXT_DATE.finditer(text[:_DATE_WINDOW]):
            try:
                dt = parser.parse(match.group(0).replace(".", ""), fuzzy=True)
            except (ValueError, OverflowError):
                continue
            dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
            if datetime(1990, 1, 1, tzinfo=timezone.utc) <= dt <= now + timedelta(days=1):
                return dt
    return None


def annotate(article: Article) -> Article:
    """Fill language, source_domain and (when missing) published_at, in place."""
    detected = detect_language(f"{article.title or ''}\n{article.body}")
    article.language = detected or normalise_language(article.language)
    article.source_domain = article.source_domain or domain_of(article.url) or domain_of(article.site_name) \
        or domain_of(article.source_uri)
    if article.published_at is None:
        article.published_at = date_in_text(article.dateline, article.body)
    elif article.published_at.tzinfo is None:
        article.published_at = article.published_at.replace(tzinfo=timezone.utc)
    else:
        article.published_at = article.published_at.astimezone(timezone.utc)
    return article


def annotate_all(articles: list[Article]) -> list[Article]:
    for article in articles:
        annotate(article)
    return articles


class Annotator(Step):
    """Articles in, the same articles with language, source domain, publication date and
    (with `minhash_permutations`) a MinHash signature of their body filled in."""

    name = "annotate"
    version = "1"

    def __init__(self, minhash_permutations: int | None = None) -> None:
        super().__init__()
        self.minhash_permutations = minhash_permutations

    def run(self, batch: list[Article]) -> list[Article]:
        for article in annotate_all(batch):
            if self.minhash_permutations:
                article.minhash = signature(article.body, self.minhash_permutations)
        return batch
