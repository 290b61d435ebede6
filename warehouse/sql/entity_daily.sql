-- entity_daily: how often each entity was in the news, per day. The day is the article's
-- publication date when known, else the day it was ingested.
CREATE OR REPLACE VIEW entity_daily AS
SELECT
    coalesce(CAST(a.published_at AS DATE), a.ingest_date) AS day,
    e.canonical AS entity,
    e.label,
    count(DISTINCT e.article_id) AS articles,
    sum(e.mentions) AS mentions
FROM article_entities e
JOIN articles a USING (article_id)
GROUP BY ALL;
