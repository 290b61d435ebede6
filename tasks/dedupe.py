"""Dedupe stage: each article is new, a duplicate, or already stored from this very source.

Exact duplicates share a content hash (the article_id). An article already in the
warehouse from the same source and location is `unchanged` (a re-run); from anywhere
else it is a duplicate and is recorded, not enriched again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tasks.records import Article, Duplicate


@dataclass
class DedupeResult:
    fresh: list[Article] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    unchanged: int = 0


def dedupe(articles: list[Article], known_ids: set[str], known_origins: set[tuple]) -> DedupeResult:
    """Split a batch; adds the fresh articles' ids to `known_ids` for later batches."""
    out = DedupeResult()
    for art in articles:
        if art.article_id in known_ids:
            if (art.article_id, art.source_uri, art.location) in known_origins:
                out.unchanged += 1
            else:
                out.duplicates.append(
                    Duplicate(art.article_id, art.article_id, 1.0, "exact", art.source_uri, art.location)
                )
            continue
        known_ids.add(art.article_id)
        out.fresh.append(art)
    return out
