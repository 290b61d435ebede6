-- entity_cooccurrence: pairs of named entities that appear in the same article, with the
-- number of articles they share. Each pair appears once: (entity_a, label_a) sorts before
-- (entity_b, label_b). Names are entity_dim's; entity_key_a / entity_key_b join to it.
CREATE OR REPLACE VIEW entity_cooccurrence AS
WITH named AS (
    SELECT ea.article_id, ea.entity_key, d.canonical, d.label
    FROM entity_articles ea
    JOIN entity_dim d USING (entity_key)
    WHERE d.label IN ('PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'FAC', 'EVENT')
)
SELECT
    x.canonical AS entity_a,
    x.label AS label_a,
    y.canonical AS entity_b,
    y.label AS label_b,
    count(DISTINCT x.article_id) AS articles,
    x.entity_key AS entity_key_a,
    y.entity_key AS entity_key_b
FROM named x
JOIN named y
  ON x.article_id = y.article_id
 AND (x.canonical < y.canonical OR (x.canonical = y.canonical AND x.label < y.label))
GROUP BY ALL;
