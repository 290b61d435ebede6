-- entity_daily: how often each entity was in the news, per day. The day is the article's
-- publication date (UTC) when known, else the day it was ingested. `entity` is the
-- entity's name in entity_dim; `entity_key` joins to entity_dim.
CREATE OR REPLACE VIEW entity_daily AS
SELECT
    ea.day,
    d.canonical AS entity,
    d.label,
    count(DISTINCT ea.article_id) AS articles,
    sum(ea.mentions)::BIGINT AS mentions,
    ea.entity_key
FROM entity_articles ea
JOIN entity_dim d USING (entity_key)
GROUP BY ea.day, d.canonical, d.label, ea.entity_key;
