-- summary_coverage: per ingest day and source, how many articles have a summary, how many
-- were deliberately not summarised (the stage recorded why in skipped_stages) and how many
-- are missing one with no reason given (`unexplained`: should be 0).
CREATE OR REPLACE VIEW summary_coverage AS
WITH summarised AS (
    SELECT article_id, avg(n_words) AS summary_words FROM summaries GROUP BY article_id
)
SELECT
    a.ingest_date,
    a.source_uri AS source,
    count(*) AS articles,
    count(s.article_id) AS summarised,
    count(*) FILTER (WHERE s.article_id IS NULL AND a.skipped_stages['summarise'] IS NOT NULL) AS skipped,
    count(*) FILTER (WHERE s.article_id IS NULL AND a.skipped_stages['summarise'] IS NULL) AS unexplained,
    round(count(s.article_id) / count(*), 4) AS coverage,
    round(avg(s.summary_words), 1) AS avg_summary_words
FROM articles a
LEFT JOIN summarised s USING (article_id)
GROUP BY ALL;
