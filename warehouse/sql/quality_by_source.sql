-- quality_by_source: per input source, what came in and how much of it was usable: records
-- = articles + duplicates + rejects, with truncation, duplicate and reject rates. Counts
-- are over every run; `last_ingest_date` says when the source was last read.
CREATE OR REPLACE VIEW quality_by_source AS
WITH per_source AS (
    SELECT source_uri AS source, count(*) AS articles, count(*) FILTER (WHERE is_truncated) AS truncated,
           0 AS duplicates, 0 AS rejects, max(ingest_date) AS last_ingest_date
    FROM articles GROUP BY ALL
    UNION ALL
    SELECT source_uri, 0, 0, count(*), 0, max(ingest_date) FROM duplicates GROUP BY ALL
    UNION ALL
    SELECT source_uri, 0, 0, 0, count(*), max(ingest_date) FROM rejects GROUP BY ALL
),
totals AS (
    SELECT source, sum(articles)::BIGINT AS articles, sum(truncated)::BIGINT AS truncated,
           sum(duplicates)::BIGINT AS duplicates, sum(rejects)::BIGINT AS rejects, max(last_ingest_date) AS last_ingest_date
    FROM per_source GROUP BY source
)
SELECT
    source,
    articles + duplicates + rejects AS records,
    articles,
    truncated,
    duplicates,
    rejects,
    round(truncated / nullif(articles, 0), 4) AS truncation_rate,
    round(duplicates / nullif(articles + duplicates + rejects, 0), 4) AS duplicate_rate,
    round(rejects / nullif(articles + duplicates + rejects, 0), 4) AS reject_rate,
    last_ingest_date
FROM totals;
