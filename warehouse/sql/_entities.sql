-- Entities across articles: the `entity_key` macro, `entity_articles` and `entity_dim`.
-- The leading underscore makes this file run first: views are created in file-name order
-- and entity_daily / entity_cooccurrence read these.
--
-- entity_key(canonical, label): a stable content hash of an entity (first 20 hex digits
-- of md5(lower(canonical) || chr(31) || label)); the same entity gets the same key in
-- every run and every warehouse, and 'Treasury' / 'treasury' share one.
--
-- entity_dim is a view, not a materialised table: it is always consistent with
-- article_entities (no refresh step to forget, nothing to go stale after a partial run),
-- and DuckDB aggregates millions of article_entities rows in about a second. A dashboard
-- that needs it faster can COPY it to Parquet on its own schedule.
CREATE OR REPLACE MACRO entity_key(canonical, label) AS
    substr(md5(lower(canonical) || chr(31) || label), 1, 20);

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

-- entity_dim: one row per entity across the warehouse. `canonical` is the spelling most
-- articles use; first_seen / last_seen are days as in entity_articles.
CREATE OR REPLACE VIEW entity_dim AS
SELECT
    entity_key,
    first(canonical ORDER BY n DESC, canonical) AS canonical,
    first(label) AS label,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    sum(n)::BIGINT AS articles,
    sum(mentions)::BIGINT AS mentions
FROM (
    SELECT entity_key, canonical, label, min(day) AS first_seen, max(day) AS last_seen,
           count(DISTINCT article_id) AS n, sum(mentions) AS mentions
    FROM entity_articles
    GROUP BY ALL
)
GROUP BY entity_key;
