-- entity_top_daily: the ten entities in the most articles on each day, per entity label
-- (PERSON, ORG, GPE, ...), ranked by articles, then mentions. Built on entity_daily.
CREATE OR REPLACE VIEW entity_top_daily AS
SELECT
    day,
    label,
    row_number() OVER (PARTITION BY day, label ORDER BY articles DESC, mentions DESC, entity) AS rank,
    entity,
    articles,
    mentions
FROM entity_daily
QUALIFY rank <= 10;
