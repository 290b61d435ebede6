"""Records to Arrow tables, one function per table."""
from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from tasks.records import Article, Duplicate, Reject
from warehouse import schemas


def article_tables(articles: list[Article], run_id: str, now: datetime) -> dict[str, pa.Table]:
    """The five article tables for a batch of enriched articles."""
    arts, sents, ents, aents, sums = [], [], [], [], []
    for a in articles:
        arts.append(
            {
                "article_id": a.article_id,
                "source_uri": a.source_uri,
                "source_format": a.source_format,
                "position": a.position,
                "location": a.location,
                "url": a.url,
                "title": a.title,
                "kicker": a.kicker,
                "deck": a.deck,
                "byline": a.byline,
                "dateline": a.dateline,
                "body": a.body,
                "captions": a.captions,
                "authors": a.authors,
                "published_at": a.published_at,
                "language": a.language,
                "is_truncated": a.is_truncated,
                "truncation_reason": a.truncation_reason,
                "boundary_confidence": a.boundary_confidence,
                "boilerplate_removed": a.boilerplate_removed,
                "n_paragraphs": len(a.paragraphs),
                "n_sentences": len(a.sentences),
                "n_words": a.n_words,
                "skipped_stages": list(a.skipped.items()),
                "run_id": run_id,
                "ingested_at": now,
                "source_domain": a.source_domain,
                "site_name": a.site_name,
            }
        )
        for s in a.sentences:
            sents.append(
                {"article_id": a.article_id, "paragraph_idx": s.paragraph_idx, "sentence_idx": s.sentence_idx,
                 "start_char": s.start_char, "end_char": s.end_char, "text": s.text, "run_id": run_id}
            )
        for m in a.mentions:
            ents.append(
                {"article_id": a.article_id, "sentence_idx": m.sentence_idx, "field": m.field,
                 "start_char": m.start_char, "end_char": m.end_char, "text": m.text, "label": m.label,
                 "canonical": m.canonical, "source": m.source, "run_id": run_id}
            )
        for e in a.entities:
            aents.append(
                {"article_id": a.article_id, "canonical": e.canonical, "label": e.label, "mentions": e.mentions,
                 "first_char": e.first_char, "in_title": e.in_title, "in_deck": e.in_deck, "in_lead": e.in_lead,
                 "in_summary": e.in_summary, "salience": e.salience, "run_id": run_id,
                 "in_kicker": e.in_kicker}
            )
        for s in a.summaries:
            sums.append(
                {"article_id": a.article_id, "method": s.method, "model": s.model, "params": s.params,
                 "summary": s.summary, "sentence_idxs": s.sentence_idxs, "n_words": s.n_words, "run_id": run_id}
            )
    return {
        "articles": pa.Table.from_pylist(arts, schemas.ARTICLES),
        "sentences": pa.Table.from_pylist(sents, schemas.SENTENCES),
        "entities": pa.Table.from_pylist(ents, schemas.ENTITIES),
        "article_entities": pa.Table.from_pylist(aents, schemas.ARTICLE_ENTITIES),
        "summaries": pa.Table.from_pylist(sums, schemas.SUMMARIES),
    }


def reject_table(rejects: list[Reject], run_id: str, now: datetime) -> pa.Table:
    rows = [
        {"reject_id": r.reject_id, "source_uri": r.source_uri, "location": r.location, "stage": r.stage,
         "reason": r.reason, "sample": r.sample, "run_id": run_id, "rejected_at": now}
        for r in rejects
    ]
    return pa.Table.from_pylist(rows, schemas.REJECTS)


def duplicate_table(dups: list[Duplicate], run_id: str) -> pa.Table:
    rows = [
        {"article_id": d.article_id, "duplicate_of": d.duplicate_of, "similarity": d.similarity, "kind": d.kind,
         "source_uri": d.source_uri, "location": d.location, "run_id": run_id}
        for d in dups
    ]
    return pa.Table.from_pylist(rows, schemas.DUPLICATES)
