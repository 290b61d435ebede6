"""The newsflow dashboard (Streamlit). Start it with `newsflow dashboard --warehouse DIR`.

Reads the catalog read-only. Every query result is cached per (catalog version, filters),
so moving between widgets re-runs only the queries whose inputs changed; a new catalog
(a flow run finished) is picked up on the next interaction.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date, timedelta
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from warehouse.catalog import CATALOG_FILE
from warehouse.dashboard import queries as q
from warehouse.query import reader

PAGE = 25  # article cards per list: enough to read, few enough to render fast
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|$<>~"})


def md(text) -> str:
    """Text shown literally inside Markdown (no links, emphasis or LaTeX from article text)."""
    return "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text).translate(_MD_SPECIAL)


def warehouse_root() -> Path:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=os.environ.get("NEWSFLOW_WAREHOUSE", "warehouse-data"))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return Path(args.warehouse).expanduser().resolve()


def catalog_version(root: Path) -> int:
    """Changes whenever a writer renames a new catalog into place."""
    st_ = (root / CATALOG_FILE).stat()
    return st_.st_mtime_ns ^ st_.st_ino


@st.cache_resource(max_entries=1)
def _connection(root: str, version: int):
    return reader(root)


@st.cache_data(max_entries=512, show_spinner=False)
def cached(query: str, root: str, version: int, *args):
    """queries.<query>(connection, *args), cached; each call gets its own cursor (thread-safe)."""
    cur = _connection(root, version).cursor()
    try:
        return getattr(q, query)(cur, *args)
    finally:
        cur.close()


def main() -> None:
    st.set_page_config(page_title="newsflow", page_icon="📰", layout="wide")
    root = warehouse_root()
    if not (root / CATALOG_FILE).exists():
        st.error(f"No warehouse catalog at {root / CATALOG_FILE}: run `newsflow run` first.")
        return
    version = catalog_version(root)

    def run(query: str, *args):
        return cached(query, str(root), version, *args)

    first, last, sources = run("bounds")
    st.title("newsflow")
    st.caption(f"Warehouse: {md(root)}")
    if first is None:
        st.info("The warehouse has no articles yet.")
        return

    with st.sidebar:
        st.header("Filters")
        picked = st.date_input("Days", value=(first, last), min_value=first, max_value=last, key="days")
        start, end = (picked[0], picked[-1]) if isinstance(picked, (tuple, list)) and picked else (first, last)
        chosen = st.multiselect("Sources", sources, placeholder="All sources", key="sources")
        labels = st.multiselect("Entity labels", q.NAMED_LABELS, default=["PERSON", "ORG", "GPE", "LOC"],
                                key="labels")
        days = st.number_input("Rising: period length (days)", min_value=1, max_value=90, value=7, key="rising_days")
    f = q.Filters(start, end, tuple(chosen))
    labels = tuple(labels) or q.NAMED_LABELS

    totals = run("totals", f)
    cols = st.columns(5)
    cols[0].metric("Articles", f"{totals['articles']:,}")
    cols[1].metric("Sources", totals["sources"])
    cols[2].metric("Truncated", f"{totals['truncated']:,}")
    cols[3].metric("Summarised", f"{totals['summarised']:,}")
    cols[4].metric(f"Busiest day ({totals['busiest_day'] or '–'})", f"{totals['busiest_day_articles']:,}")

    st.subheader("Articles over time")
    daily = run("articles_per_day", f)
    if daily.empty:
        st.info("No articles in this selection.")
    else:
        top_sources = daily.groupby("source")["articles"].sum().nlargest(8).index
        daily = daily.assign(source=daily["source"].where(daily["source"].isin(top_sources), "other sources"))
        chart = alt.Chart(daily).mark_bar().encode(
            x=alt.X("yearmonthdate(day):T", title="day"),
            y=alt.Y("sum(articles):Q", title="articles", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("source:N", legend=alt.Legend(orient="bottom", labelLimit=400)),
            tooltip=[alt.Tooltip("yearmonthdate(day):T", title="day"), "source:N",
                     alt.Tooltip("sum(articles):Q", title="articles")],
        )
        st.altair_chart(chart, width="stretch")

    left, right = st.columns(2)
    with left:
        st.subheader("Top entities")
        top = run("top_entities", f, labels)
        st.table(top.set_index(pd.RangeIndex(1, len(top) + 1)))
    with right:
        st.subheader("Rising entities")
        st.caption(f"Articles in the {days} days up to {end} against the {days} days before.")
        rising = run("rising_entities", f, int(days), labels)
        if rising.empty:
            st.info("No entity is rising in this selection.")
        else:
            st.table(rising.set_index(pd.RangeIndex(1, len(rising) + 1)))

    st.subheader("Drill down: articles about an entity")
    choices = list(dict.fromkeys(zip(top.entity, top.label))) + [
        e for e in zip(rising.entity, rising.label) if e not in set(zip(top.entity, top.label))]
    entity = st.selectbox("Entity", choices, format_func=lambda e: f"{e[0]} ({e[1]})", index=None,
                          placeholder="Pick an entity from the tables above", key="entity")
    if entity:
        show_articles(run("entity_articles", f, entity[0], entity[1], PAGE), mentions=True)

    st.subheader("Articles")
    c1, c2 = st.columns([3, 1])
    text = c1.text_input("Search titles, kickers, decks and summaries", key="search")
    truncated_only = c2.checkbox("Truncated only", key="truncated_only")
    bodies = c2.checkbox("Search bodies too (slower)", key="search_bodies")
    found, total = run("search_articles", f, text, truncated_only, bodies, PAGE)
    st.caption(f"{total:,} matching article{'' if total == 1 else 's'}"
               + (f", newest {len(found)} shown" if total > len(found) else ""))
    show_articles(found)

    st.subheader("Pipeline health")
    st.markdown("**Runs** (newest first)")
    st.table(run("runs").round({"duration_s": 1}))
    h1, h2 = st.columns([2, 1])
    with h1:
        st.markdown("**Quality per source**")
        st.table(percent(run("quality", f), ["truncation_rate", "duplicate_rate", "reject_rate"]))
    with h2:
        st.markdown("**Reject reasons**")
        st.table(run("reject_reasons", f))


def percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rates in [0, 1] as percentages for display ("" where undefined)."""
    return frame.assign(**{c: frame[c].map(lambda v: "" if pd.isna(v) else f"{v:.1%}") for c in columns})


def show_articles(frame: pd.DataFrame, mentions: bool = False) -> None:
    """Article cards: kicker, title, deck, truncation, summary."""
    frame = frame.astype(object).where(frame.notna(), None)
    for row in frame.itertuples(index=False):
        with st.container(border=True):
            meta = [f"**{md(row.kicker)}**" if row.kicker else "", md(row.day.date() if hasattr(row.day, "date")
                    else row.day), md(row.source)]
            if mentions:
                meta.append(f"{row.mentions} mentions")
            st.caption(" · ".join(m for m in meta if m))
            st.markdown(f"##### {md(row.title) or '(untitled)'}")
            if row.deck:
                st.markdown(f"_{md(row.deck)}_")
            if row.is_truncated:
                st.markdown(f":orange-badge[truncated] {md(row.truncation_reason)}")
            summary = md(row.summary)
            st.markdown(summary if summary else ":gray[no summary]")


main()
