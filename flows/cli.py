"""The `newsflow` command line."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="newsflow: raw news in, a Parquet + DuckDB warehouse out.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

WarehouseOpt = Annotated[
    str | None,
    typer.Option("--warehouse", "-w", help="Warehouse folder [env: NEWSFLOW_WAREHOUSE]", show_default=False),
]


def _warehouse(value: str | None) -> str:
    from flows.settings import load_settings

    return load_settings(warehouse=value).warehouse


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def run(
    sources: Annotated[list[str], typer.Argument(help="Files, folders or globs to ingest")],
    warehouse: WarehouseOpt = None,
    shard_size: Annotated[int | None, typer.Option(help="Articles per model-stage task")] = None,
    summary_sentences: Annotated[int | None, typer.Option(help="Sentences per summary")] = None,
    spacy_model: Annotated[str | None, typer.Option(help="spaCy pipeline name or path")] = None,
) -> None:
    """Run the enrich flow over SOURCES and write the results into the warehouse."""
    missing = [s for s in sources if not any(c in s for c in "*?[") and not Path(s).expanduser().exists()]
    if missing:
        _fail(f"source not found: {', '.join(missing)}")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.enrich import enrich

    report = enrich(
        sources=list(sources), warehouse=_warehouse(warehouse), shard_size=shard_size,
        summary_sentences=summary_sentences, spacy_model=spacy_model,
    )
    table = Table(title=f"run {report['run_id']}: {report['status']}")
    for col in ("records in", "articles", "duplicates", "rejects"):
        table.add_column(col, justify="right")
    table.add_row(*(str(report[k]) for k in ("records_in", "articles", "duplicates", "rejects")))
    console.print(table)
    console.print("rows written:", report["rows_written"] or "none")
    if report["status"] != "completed":
        raise typer.Exit(1)


def _open(warehouse: str | None):
    from warehouse.catalog import connect

    try:
        return connect(_warehouse(warehouse), read_only=True)
    except FileNotFoundError as exc:
        _fail(str(exc))


def _print_result(cur, fmt: str) -> None:
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if fmt == "json":
        console.print_json(json.dumps([dict(zip(cols, r)) for r in rows], default=str))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        table = Table(show_lines=False)
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        console.print(table)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A DuckDB SQL query over the warehouse views")],
    warehouse: WarehouseOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
) -> None:
    """Run a read-only SQL query against the warehouse catalog and print the result."""
    import duckdb

    if format not in ("table", "csv", "json"):
        _fail(f"unknown format {format!r}: use table, csv or json")
    con = _open(warehouse)
    try:
        _print_result(con.execute(query), format)
    except duckdb.Error as exc:
        _fail(f"query failed: {exc}", 1)
    finally:
        con.close()


@app.command()
def show(warehouse: WarehouseOpt = None, limit: Annotated[int, typer.Option(help="Articles to show")] = 20) -> None:
    """Show what landed: articles with kicker, truncation and summary; top entities."""
    con = _open(warehouse)
    try:
        rows = con.execute(
            """SELECT position, coalesce(kicker, ''), coalesce(title, opening || '…'),
                      is_truncated, n_words, summary, array_to_string(top_entities, ', ')
               FROM article_overview ORDER BY ingest_date DESC, source_uri, position LIMIT ?""",
            [limit],
        ).fetchall()
        table = Table(title="Articles", show_lines=True)
        for col in ("#", "kicker", "title / opening", "truncated", "words", "summary", "top entities"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(str(r[0]), r[1], r[2], "yes" if r[3] else "no", str(r[4]), r[5] or "", r[6] or "")
        console.print(table)
        ents = con.execute(
            """SELECT canonical, label, count(DISTINCT article_id) AS articles, sum(mentions) AS mentions
               FROM article_entities WHERE label IN ('PERSON', 'ORG', 'GPE', 'LOC')
               GROUP BY ALL ORDER BY mentions DESC, articles DESC LIMIT 15"""
        ).fetchall()
        et = Table(title="Top entities")
        for col in ("entity", "label", "articles", "mentions"):
            et.add_column(col)
        for r in ents:
            et.add_row(*(str(v) for v in r))
        console.print(et)
    finally:
        con.close()


@app.command()
def segment(
    path: Annotated[Path, typer.Argument(help="A text dump to split into articles ('-' reads stdin)", dir_okay=False)],
    layout_only: Annotated[bool, typer.Option(help="Use layout cues only (no embedding model)")] = False,
    boundary_threshold: Annotated[float | None, typer.Option(help="Boundary probability cut (default: the model's)")] = None,
    topic_threshold: Annotated[float | None, typer.Option(help="Cut at window-similarity minima below this, inside layout stretches (0: off)")] = None,
    body: Annotated[bool, typer.Option(help="Print each body in full with its paragraph offsets")] = False,
) -> None:
    """Split a text dump into articles and print their structure as JSON (for debugging)."""
    from flows.settings import load_settings
    from tasks.segment import parse_article, split_dump

    if str(path) == "-":
        text = sys.stdin.read()
    elif not path.is_file():
        _fail(f"not a file: {path}")
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    s = load_settings(boundary_threshold=boundary_threshold, topic_threshold=topic_threshold)
    parts = split_dump(text, None if layout_only else s.embedding_model, s.topic_threshold,
                       s.boundary_threshold, s.boundary_model)
    out = []
    for lines, confidence, cue, location in parts:
        st = parse_article([ln.text for ln in lines])
        row = {"location": location, "boundary_confidence": confidence, "boundary_cue": cue, "title": st.title,
               "kicker": st.kicker, "deck": st.deck, "byline": st.byline, "dateline": st.dateline,
               "captions": st.captions, "boilerplate_removed": st.boilerplate_removed,
               "paragraphs": len(st.paragraphs), "is_truncated": st.is_truncated,
               "truncation_reason": st.truncation_reason}
        if body:
            row |= {"body": st.body, "paragraph_offsets": st.paragraphs}
        else:
            row |= {"body_start": st.body[:80], "body_end": st.body[-60:]}
        out.append(row)
    console.print_json(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    app()
