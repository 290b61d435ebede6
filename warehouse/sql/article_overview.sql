-- article_overview: one row per article with its extractive summary and its three most
-- salient entities; the quickest way to see what landed.
CREATE OR REPLACE VIEW article_overview AS
SELECT
    a.article_id,
    a.ingest_date,
    a.source_uri,
    a.position,
    a.title,
    a.kicker,
    a.deck,
    left(a.body, 100) AS opening,
    a.is_truncated,
    a.n_words,
    s.summary,
    (
        SELECT list(e.canonical ORDER BY e.salience DESC, e.first_char)[1:3]
        FROM article_entities e
        WHERE e.article_id = a.article_id AND e.label IN ('PERSON', 'ORG', 'GPE', 'LOC')
    ) AS top_entities
FROM articles a
LEFT JOIN summaries s ON s.article_id = a.article_id AND s.method = 'extractive';
