"""Dedupe stage: each article is new, a duplicate, or already stored from this very source.

Exact duplicates share a content hash (the article_id). An article already in the
warehouse from the same source and location is `unchanged` (a re-run); from anywhere
else it is a duplicate and is recorded, not enriched again. With a near-duplicate
index, an article whose word shingles mostly match a known one (MinHash LSH, see
`tasks.near_duplicates`) is a `near` duplicate of it, with the estimated similarity.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tasks.key_set import KeySet
from tasks.near_duplicates import NearDuplicateIndex
from tasks.records import Article, Duplicate


@dataclass
class DedupeResult:
    fresh: list[Article] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    unchanged: int = 0


def dedupe(
    articles: list[Article], known_ids: KeySet | set[str], known_origins: KeySet | set[tuple],
    near: NearDuplicateIndex | None = None,
) -> DedupeResult:
    """Split a batch; adds the fresh articles' ids to `known_ids` (and `near`) for later batches."""
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
        if near is not None and (hit := near.match(art)):
            original, similarity = hit
            out.duplicates.append(Duplicate(art.article_id, original, similarity, "near", art.source_uri, art.location))
            continue
        known_ids.add(art.article_id)
        out.fresh.append(art)
    return out
