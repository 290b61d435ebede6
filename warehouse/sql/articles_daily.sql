-- articles_daily: how many articles arrived per day and per source, and how many of them
-- were truncated. `day` is the publication date when known, else the ingest date (the same
-- rule as entity_daily); `source` is the input the articles came from (source_uri). Filter
-- on `ingest_date` (the partition column) to read only the files of those days.
CREATE OR REPLACE VIEW articles_daily AS
SELECT
    coalesce(CAST(published_at AS DATE), ingest_date) AS day,
    ingest_date,
    source_uri AS source,
    source_format,
    count(*) AS articles,
    count(*) FILTER (WHERE is_truncated) AS truncated,
    sum(n_words) AS words
FROM articles
GROUP BY ALL;
