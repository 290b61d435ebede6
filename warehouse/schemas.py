"""The warehouse contract: one pyarrow schema per table.

Columns are added, never renamed or retyped; readers use `union_by_name`, so files
written by older versions stay queryable. Every table is partitioned by
`ingest_date` (a hive path column, not stored inside the files).
"""
from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source_uri", pa.string()),
        ("source_format", pa.string()),
        ("position", pa.int32()),
        ("location", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("kicker", pa.string()),
        ("deck", pa.string()),
        ("byline", pa.string()),
        ("dateline", pa.string()),
        ("body", pa.string()),
        ("captions", pa.list_(pa.string())),
        ("authors", pa.list_(pa.string())),
        ("published_at", TS),
        ("language", pa.string()),
        ("is_truncated", pa.bool_()),
        ("truncation_reason", pa.string()),
        ("boundary_confidence", pa.float32()),
        ("boilerplate_removed", pa.int32()),
        ("n_paragraphs", pa.int32()),
        ("n_sentences", pa.int32()),
        ("n_words", pa.int32()),
        ("skipped_stages", pa.map_(pa.string(), pa.string())),
        ("run_id", pa.string()),
        ("ingested_at", TS),
        ("source_domain", pa.string()),
        ("site_name", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("article_id", pa.string()),
        ("paragraph_idx", pa.int32()),
        ("sentence_idx", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
        ("run_id", pa.string()),
    ]
)

ENTITIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("sentence_idx", pa.int32()),
        ("field", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("canonical", pa.string()),
        ("source", pa.string()),
        ("run_id", pa.string()),
    ]
)

ARTICLE_ENTITIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("canonical", pa.string()),
        ("label", pa.string()),
        ("mentions", pa.int32()),
        ("first_char", pa.int32()),
        ("in_title", pa.bool_()),
        ("in_deck", pa.bool_()),
        ("in_lead", pa.bool_()),
        ("in_summary", pa.bool_()),
        ("salience", pa.float32()),
        ("run_id", pa.string()),
        ("in_kicker", pa.bool_()),
    ]
)

SUMMARIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("method", pa.string()),
        ("model", pa.string()),
        ("params", pa.string()),
        ("summary", pa.string()),
        ("sentence_idxs", pa.list_(pa.int32())),
        ("n_words", pa.int32()),
        ("run_id", pa.string()),
    ]
)

REJECTS = pa.schema(
    [
        ("reject_id", pa.string()),
        ("source_uri", pa.string()),
        ("location", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("sample", pa.string()),
        ("run_id", pa.string()),
        ("rejected_at", TS),
    ]
)

DUPLICATES = pa.schema(
    [
        ("article_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("similarity", pa.float32()),
        ("kind", pa.string()),
        ("source_uri", pa.string()),
        ("location", pa.string()),
        ("run_id", pa.string()),
    ]
)

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("flow_run_id", pa.string()),
        ("started_at", TS),
        ("finished_at", TS),
        ("status", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("records_in", pa.int64()),
        ("articles", pa.int64()),
        ("duplicates", pa.int64()),
        ("unchanged", pa.int64()),
        ("rejects", pa.int64()),
        ("rows_written", pa.map_(pa.string(), pa.int64())),
        ("stage_seconds", pa.map_(pa.string(), pa.float64())),
        ("versions", pa.map_(pa.string(), pa.string())),
        ("rejects_by_reason", pa.map_(pa.string(), pa.int64())),
        ("files_read", pa.int64()),
        ("files_skipped", pa.int64()),
    ]
)

# Which version, model and parameters of each model stage produced an article's current
# rows; a backfill appends new rows here (see warehouse/versions.py).
ARTICLE_STAGES = pa.schema(
    [
        ("article_id", pa.string()),
        ("stage", pa.string()),
        ("version", pa.string()),
        ("model", pa.string()),
        ("params", pa.string()),
        ("run_id", pa.string()),
        ("processed_at", TS),
    ]
)

# One row per input file a run finished: its bytes' hash, the ingest + segment
# configuration it was read with, and what became of its records. A later run skips a
# file whose (content, configuration) is already here (warehouse/manifest.py).
INPUT_FILES = pa.schema(
    [
        ("file_id", pa.string()),
        ("content_hash", pa.string()),
        ("pipeline", pa.string()),
        ("source_uri", pa.string()),
        ("size_bytes", pa.int64()),
        ("records", pa.int64()),
        ("articles", pa.int64()),
        ("rejects", pa.int64()),
        ("run_id", pa.string()),
        ("completed_at", TS),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "sentences": SENTENCES,
    "entities": ENTITIES,
    "article_entities": ARTICLE_ENTITIES,
    "summaries": SUMMARIES,
    "rejects": REJECTS,
    "duplicates": DUPLICATES,
    "runs": RUNS,
    "article_stages": ARTICLE_STAGES,
    "input_files": INPUT_FILES,
}
# Tables whose rows belong to an article and are committed with it.
ARTICLE_TABLES = ("sentences", "entities", "article_entities", "summaries", "article_stages", "articles")
