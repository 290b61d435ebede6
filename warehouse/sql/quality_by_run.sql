-- quality_by_run: per flow run, what came in and how much of it was usable, as the run
-- counted it (records_in = articles + duplicates + rejects), with truncation, duplicate and
-- reject rates. `truncated` counts the run's new articles that were cut off.
CREATE OR REPLACE VIEW quality_by_run AS
WITH truncation AS (
    SELECT run_id, count(*) FILTER (WHERE is_truncated) AS truncated FROM articles GROUP BY run_id
)
SELECT
    r.run_id,
    r.ingest_date,
    r.started_at,
    r.status,
    r.records_in,
    r.articles,
    coalesce(t.truncated, 0) AS truncated,
    r.duplicates,
    r.unchanged,
    r.rejects,
    round(coalesce(t.truncated, 0) / nullif(r.articles, 0), 4) AS truncation_rate,
    round(r.duplicates / nullif(r.records_in, 0), 4) AS duplicate_rate,
    round(r.rejects / nullif(r.records_in, 0), 4) AS reject_rate
FROM runs r
LEFT JOIN truncation t USING (run_id);
