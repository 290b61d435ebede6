"""The dashboard's queries: one function per chart or table, each reading only what it shows.

Every function takes a DuckDB connection (read-only) and the filters, and returns a pandas
DataFrame. They use the curated views where one answers the question (articles_daily,
run_history, quality_by_source); charts that must honour the source filter at article level
join `article_entities` to the filtered articles. No Streamlit here: the functions are
tested and benchmarked on their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

# An article's day: its publication date when known, else its ingest date (as in the views).
DAY = "coalesce(CAST(a.published_at AS DATE), a.ingest_date)"
NAMED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")


@dataclass(frozen=True)
class Filters:
    """What the reader picked: a day range (inclusive) and sources (empty: all)."""

    start: date
    end: date
    sources: tuple[str, ...] = ()


def _articles_where(f: Filters, day: str = DAY, source: str = "a.source_uri") -> tuple[str, list]:
    sql, params = f"{day} BETWEEN ? AND ?", [f.start, f.end]
    if f.sources:
        sql += f" AND {source} IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(f.sources))
    return sql, params


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def bounds(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None, list[str]]:
    """The first and last day with articles and every source, for the filter widgets."""
    first, last = con.execute("SELECT min(day), max(day) FROM articles_daily").fetchone()
    sources = [r[0] for r in con.execute("SELECT DISTINCT source FROM articles_daily ORDER BY 1").fetchall()]
    return first, last, sources


def totals(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """Headline numbers: articles, sources, truncated, summarised, busiest day."""
    where, params = _articles_where(f)
    row = con.execute(
        f"""WITH picked AS (SELECT a.article_id, {DAY} AS day, a.source_uri, a.is_truncated
                            FROM articles a WHERE {where})
            SELECT count(*), count(DISTINCT source_uri), count(*) FILTER (WHERE is_truncated),
                   count(*) FILTER (WHERE article_id IN (SELECT article_id FROM summaries)),
                   (SELECT day FROM picked GROUP BY day ORDER BY count(*) DESC, day LIMIT 1),
                   (SELECT count(*) FROM picked GROUP BY day ORDER BY count(*) DESC, day LIMIT 1)
            FROM picked""",
        params,
    ).fetchone()
    return {"articles": row[0], "sources": row[1], "truncated": row[2], "summarised": row[3],
            "busiest_day": row[4], "busiest_day_articles": row[5] or 0}  # busiest: ties go to the earliest


def articles_per_day(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Articles per day and source (columns day, source, articles, truncated)."""
    where, params = _articles_where(f, day="d.day", source="d.source")
    return _df(
        con,
        f"""SELECT day, source, sum(articles)::BIGINT AS articles, sum(truncated)::BIGINT AS truncated
            FROM articles_daily d WHERE {where}
            GROUP BY ALL ORDER BY day, source""",
        params,
    )


def top_entities(con: duckdb.DuckDBPyConnection, f: Filters, labels: tuple[str, ...] = NAMED_LABELS,
                 limit: int = 15) -> pd.DataFrame:
    """The entities in the most filtered articles (entity, label, articles, mentions)."""
    where, params = _articles_where(f)
    return _df(
        con,
        f"""SELECT e.canonical AS entity, e.label, count(*) AS articles, sum(e.mentions)::BIGINT AS mentions
            FROM article_entities e SEMI JOIN (SELECT a.article_id FROM articles a WHERE {where}) p
                 ON e.article_id = p.article_id
            WHERE e.label IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL ORDER BY articles DESC, mentions DESC, entity LIMIT ?""",
        [*params, list(labels), limit],
    )


def rising_entities(con: duckdb.DuckDBPyConnection, f: Filters, days: int = 7,
                    labels: tuple[str, ...] = NAMED_LABELS, limit: int = 15) -> pd.DataFrame:
    """Entities in more articles in the last `days` days of the range than in the `days` before.

    Same ranking as the entity_rising view (change, then growth), over the filtered sources.
    """
    now_start = f.end - timedelta(days=days - 1)
    window = Filters(now_start - timedelta(days=days), f.end, f.sources)
    where, params = _articles_where(window)
    return _df(
        con,
        f"""WITH picked AS (SELECT a.article_id, {DAY} >= ? AS is_now FROM articles a WHERE {where}),
            counts AS (
                SELECT e.canonical AS entity, e.label,
                       count(*) FILTER (WHERE p.is_now) AS articles_now,
                       count(*) FILTER (WHERE NOT p.is_now) AS articles_before
                FROM article_entities e JOIN picked p USING (article_id)
                WHERE e.label IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY ALL)
            SELECT entity, label, articles_now, articles_before, articles_now - articles_before AS change,
                   round((articles_now + 1) / (articles_before + 1), 3) AS growth
            FROM counts WHERE articles_now > articles_before
            ORDER BY change DESC, growth DESC, entity LIMIT ?""",
        [now_start, *params, list(labels), limit],
    )


def _article_page(con: duckdb.DuckDBPyConnection, page_sql: str, params: list, order: str) -> pd.DataFrame:
    """Fetch display columns for a page of articles picked by `page_sql`, in `order` (over its columns).

    `page_sql` selects (article_id, day, source_uri, position, ...) for at most one page;
    titles, decks and summaries are then read for those articles only, never for every match.
    """
    return _df(
        con,
        f"""WITH page AS ({page_sql}),
            picked_summaries AS (
                SELECT article_id, first(summary ORDER BY method = 'extractive' DESC, method) AS summary
                FROM summaries WHERE article_id IN (SELECT article_id FROM page) GROUP BY article_id)
            SELECT p.day, p.source_uri AS source, a.title, a.kicker, a.deck, a.is_truncated, a.truncation_reason,
                   a.n_words, a.url, s.summary, p.* EXCLUDE (article_id, day, source_uri, position)
            FROM page p JOIN articles a USING (article_id) LEFT JOIN picked_summaries s USING (article_id)
            ORDER BY {order}""",
        params,
    )


def entity_articles(con: duckdb.DuckDBPyConnection, f: Filters, entity: str, label: str,
                    limit: int = 50) -> pd.DataFrame:
    """The filtered articles that mention one entity, most mentions first, with summaries."""
    where, params = _articles_where(f)
    order = "mentions DESC, day DESC, article_id"
    page = f"""SELECT a.article_id, {DAY} AS day, a.source_uri, a.position, e.mentions
               FROM article_entities e JOIN articles a ON a.article_id = e.article_id
               WHERE e.canonical = ? AND e.label = ? AND {where}
               ORDER BY {order} LIMIT ?"""
    return _article_page(con, page, [entity, label, *params, limit], "p." + order.replace(", ", ", p."))


def search_articles(con: duckdb.DuckDBPyConnection, f: Filters, text: str = "", truncated_only: bool = False,
                    bodies: bool = False, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """Filtered articles whose title, kicker, deck or summary (and body, if `bodies`) contains `text`.

    Any case; `%` and `_` match themselves. Searching bodies reads every body in the range.
    RETURNS (tuple[pd.DataFrame, int]): the newest `limit` matches and how many match in all.
    """
    where, params = _articles_where(f)
    if text.strip():
        pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        fields = ["a.title", "a.kicker", "a.deck"] + (["a.body"] if bodies else [])
        where += (" AND (" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in fields)
                  + " OR a.article_id IN (SELECT article_id FROM summaries WHERE summary ILIKE ? ESCAPE '\\'))")
        params += [pattern] * (len(fields) + 1)
    if truncated_only:
        where += " AND a.is_truncated"
    # one scan: the match count rides along as a window over the matches
    page = f"""SELECT a.article_id, {DAY} AS day, a.source_uri, a.position, count(*) OVER () AS matches
               FROM articles a WHERE {where} ORDER BY day DESC, a.source_uri, a.position LIMIT ?"""
    found = _article_page(con, page, [*params, limit], "p.day DESC, p.source_uri, p.position")
    total = int(found.pop("matches").iloc[0]) if len(found) else 0
    return found, total


def runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The latest runs from run_history, newest first."""
    return _df(
        con,
        """SELECT started_at, status, duration_s, records_in, articles, duplicates, rejects, accounted,
                  slowest_stage, run_id
           FROM run_history ORDER BY started_at DESC LIMIT ?""",
        [limit],
    )


def quality(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Truncation, duplicate and reject rates per source (quality_by_source), worst first."""
    sql, params = "SELECT * FROM quality_by_source", []
    if f.sources:
        sql += " WHERE source IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(f.sources))
    return _df(con, sql + " ORDER BY reject_rate + duplicate_rate DESC, records DESC, source LIMIT 50", params)


def reject_reasons(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The most common reject reasons (stage, reason, rejects) for the filtered sources."""
    sql, params = "SELECT stage, reason, count(*) AS rejects FROM rejects", []
    if f.sources:
        sql += " WHERE source_uri IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(f.sources))
    return _df(con, sql + " GROUP BY ALL ORDER BY rejects DESC, stage, reason LIMIT ?", [*params, limit])
