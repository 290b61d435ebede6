-- entity_rising: entities gaining attention: articles mentioning each entity in the latest
-- 7 days of data (ending on the newest article day) against the 7 days before.
-- Only entities in more articles now than before; `rank` 1 gained the most articles, ties
-- broken by growth = (articles_now + 1) / (articles_before + 1). For another window, filter
-- entity_daily yourself (see warehouse/README.md).
CREATE OR REPLACE VIEW entity_rising AS
WITH bounds AS (
    -- the newest day with articles; from articles_daily, which is far cheaper than entity_daily
    SELECT max(day) AS period_end, max(day) - 6 AS period_start, max(day) - 13 AS previous_start
    FROM articles_daily
),
counts AS (
    SELECT
        d.entity,
        d.label,
        b.period_start,
        b.period_end,
        coalesce(sum(d.articles) FILTER (WHERE d.day >= b.period_start), 0) AS articles_now,
        coalesce(sum(d.articles) FILTER (WHERE d.day < b.period_start), 0) AS articles_before,
        coalesce(sum(d.mentions) FILTER (WHERE d.day >= b.period_start), 0) AS mentions_now,
        coalesce(sum(d.mentions) FILTER (WHERE d.day < b.period_start), 0) AS mentions_before
    FROM entity_daily d, bounds b
    WHERE d.day BETWEEN b.previous_start AND b.period_end
    GROUP BY ALL
)
SELECT
    row_number() OVER (ORDER BY articles_now - articles_before DESC,
                       (articles_now + 1) / (articles_before + 1) DESC, entity) AS rank,
    entity,
    label,
    period_start,
    period_end,
    articles_now,
    articles_before,
    articles_now - articles_before AS change,
    round((articles_now + 1) / (articles_before + 1), 3) AS growth,
    mentions_now,
    mentions_before
FROM counts
WHERE articles_now > articles_before;
