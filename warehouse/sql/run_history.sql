-- run_history: every flow run with its duration, status, accounting and the stage that
-- took longest; newest first is `ORDER BY started_at DESC`. `accounted` is false when
-- records_in != articles + duplicates + rejects (something went missing: investigate).
CREATE OR REPLACE VIEW run_history AS
SELECT
    run_id,
    flow_run_id,
    ingest_date,
    status,
    started_at,
    finished_at,
    round(epoch(finished_at) - epoch(started_at), 3) AS duration_s,
    len(sources) AS n_sources,
    sources,
    records_in,
    articles,
    duplicates,
    unchanged,
    rejects,
    records_in = articles + duplicates + rejects AS accounted,
    round(articles / nullif(epoch(finished_at) - epoch(started_at), 0), 2) AS articles_per_s,
    (SELECT s.key FROM (SELECT unnest(map_entries(stage_seconds)) AS s) ORDER BY s.value DESC LIMIT 1)
        AS slowest_stage,
    stage_seconds,
    rows_written,
    versions['newsflow'] AS newsflow_version
FROM runs;
