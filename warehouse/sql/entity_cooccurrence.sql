-- entity_cooccurrence: pairs of named entities that appear in the same article, with the
-- number of articles they share. Each pair appears once (entity_a < entity_b).
CREATE OR REPLACE VIEW entity_cooccurrence AS
SELECT
    x.canonical AS entity_a,
    x.label AS label_a,
    y.canonical AS entity_b,
    y.label AS label_b,
    count(DISTINCT x.article_id) AS articles
FROM article_entities x
JOIN article_entities y ON x.article_id = y.article_id AND x.canonical < y.canonical
WHERE x.label IN ('PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'FAC', 'EVENT')
  AND y.label IN ('PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'FAC', 'EVENT')
GROUP BY ALL;
