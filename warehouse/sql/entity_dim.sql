-- entity_dim: one row per entity across the warehouse. `canonical` is the spelling most
-- articles use; first_seen / last_seen are days as in entity_articles.
--
-- entity_dim is a view, not a materialised table: it is always consistent with
-- article_entities (no refresh step to forget, nothing to go stale after a partial run),
-- and DuckDB aggregates millions of article_entities rows in about a second. A dashboard
-- that needs it faster can COPY it to Parquet on its own schedule.
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
