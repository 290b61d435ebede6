-- entity_articles: one row per entity per committed article, with the article's day
-- (publication date in UTC when known, else the ingest date) and the entity's key.
CREATE OR REPLACE VIEW entity_articles AS
SELECT
    entity_key(e.canonical, e.label) AS entity_key,
    e.article_id,
    coalesce(CAST(timezone('UTC', a.published_at) AS DATE), a.ingest_date) AS day,
    e.canonical,
    e.label,
    e.mentions,
    e.salience
FROM article_entities e
JOIN articles a USING (article_id);
