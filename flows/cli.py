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
    missing = [s for s in sources if not any(c in s for c in "*?[") and not s.lower().startswith(("http://", "https://"))
               and not Path(s).expanduser().exists()]
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


@app.command()
def inbox(
    folder: Annotated[Path, typer.Argument(help="Drop folder to take new or changed files from")],
    warehouse: WarehouseOpt = None,
    settle_seconds: Annotated[float, typer.Option(help="Leave files modified more recently than this")] = 60.0,
) -> None:
    """Enrich only the files in FOLDER that are new or changed since the last successful inbox run."""
    if not folder.expanduser().is_dir():
        _fail(f"inbox folder not found: {folder}")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.inbox import inbox as inbox_flow

    report = inbox_flow(folder=str(folder), warehouse=_warehouse(warehouse), settle_seconds=settle_seconds)
    console.print(f"{report['new_files']} new or changed files ({report['settling_files']} still settling): "
                  f"{report['articles']} articles added")
def backfill(
    warehouse: WarehouseOpt = None,
    stage: Annotated[list[str] | None, typer.Option(help="Only this stage (tag, summarise, entities); repeatable")] = None,
    shard_size: Annotated[int | None, typer.Option(help="Articles per model-stage task")] = None,
    summary_sentences: Annotated[int | None, typer.Option(help="Sentences per summary")] = None,
    spacy_model: Annotated[str | None, typer.Option(help="spaCy pipeline name or path")] = None,
    embedding_model: Annotated[str | None, typer.Option(help="Sentence-embedding model name or path")] = None,
) -> None:
    """Re-run the model stages whose version, model or settings changed, for stored articles."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.backfill import backfill as backfill_flow

    try:
        report = backfill_flow(
            warehouse=_warehouse(warehouse), stages=stage or None, shard_size=shard_size,
            summary_sentences=summary_sentences, spacy_model=spacy_model, embedding_model=embedding_model,
        )
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"backfill {report['run_id']}: {report['status']}, {report['articles']} articles re-processed")
    console.print("rows written:", report["rows_written"] or "none")
    if report["status"] != "completed":
        raise typer.Exit(1)


def _open(warehouse: str | None):
    from warehouse.catalog import connect

    try:
        return connect(_warehouse(warehouse), read_only=True)
    except FileNotFoundError as exc:
        _fail(str(exc))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="DuckDB SQL over the warehouse tables and views (read-only)")],
    warehouse: WarehouseOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or parquet")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the result to FILE")] = None,
    max_rows: Annotated[int, typer.Option(help="Rows shown by --format table")] = 200,
) -> None:
    """Run a read-only SQL query against the warehouse and print or save the result."""
    from warehouse.query import FORMATS, QueryError, run_query, to_csv, to_json, write_result

    if format not in FORMATS:
        _fail(f"unknown format {format!r}: use {', '.join(FORMATS)}")
    if format == "parquet" and output is None:
        _fail("--format parquet needs --output FILE")
    root = _warehouse(warehouse)
    _open(root).close()  # a clear message when there is no catalog yet
    try:
        result = run_query(root, query)
        if output is not None:
            path = write_result(result, "csv" if format == "table" else format, output, root)
            err.print(f"wrote {result.num_rows} rows to {path}")
        elif format == "csv":
            sys.stdout.write(to_csv(result))
        elif format == "json":
            sys.stdout.write(to_json(result) + "\n")
        else:
            _print_table(result, max_rows)
    except QueryError as exc:
        _fail(f"query failed: {exc}", 1)


def _print_table(result, max_rows: int) -> None:
    table = Table(show_lines=False)
    for c in result.column_names:
        table.add_column(c, overflow="fold")
    for r in result.slice(0, max_rows).to_pylist():
        table.add_row(*("" if v is None else str(v) for v in r.values()))
    console.print(table)
    if result.num_rows > max_rows:
        err.print(f"{result.num_rows - max_rows} more rows not shown: use --max-rows, or --format csv/json/parquet")


@app.command()
def views(warehouse: WarehouseOpt = None) -> None:
    """List the named views: what each answers and, when the warehouse has a catalog, its columns."""
    from warehouse.catalog import CATALOG_FILE
    from warehouse.query import named_views

    root = Path(_warehouse(warehouse))
    columns: dict[str, list[str]] = {}
    if (root / CATALOG_FILE).exists():
        con = _open(str(root))
        try:
            for name, col in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns ORDER BY ordinal_position"
            ).fetchall():
                columns.setdefault(name, []).append(col)
        finally:
            con.close()
    table = Table(title="Named views (tables: articles, sentences, entities, article_entities, summaries, "
                  "rejects, duplicates, runs)", show_lines=True)
    table.add_column("view", style="bold")
    table.add_column("what it answers", overflow="fold")
    if columns:
        table.add_column("columns", overflow="fold")
    for v in named_views():
        table.add_row(v.name, v.description, *([", ".join(columns.get(v.name, ["(missing: rebuild the catalog)"]))]
                                               if columns else []))
    console.print(table)


@app.command()
def dashboard(
    warehouse: WarehouseOpt = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = 8501,
) -> None:
    """Start the dashboard (Streamlit) on http://127.0.0.1:PORT over the warehouse, read-only."""
    from warehouse.dashboard import serve

    root = _warehouse(warehouse)
    _open(root).close()
    raise typer.Exit(serve(root, port))


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
    boundary_threshold: Annotated[float | None, typer.Option(help="Cut every gap at this boundary probability instead of the whole-dump decoder (default: decoder)")] = None,
    topic_threshold: Annotated[float | None, typer.Option(help="Topic pass: with a --boundary-threshold, cut at window-similarity minima below this; with the decoder, >0 keeps only its whole-part split (0: off)")] = None,
    rejoin_threshold: Annotated[float | None, typer.Option(help="Rejoin pass: take back the decoder's cuts judged less likely than this to start an article (default: the model's; 0: off)")] = None,
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
    s = load_settings(boundary_threshold=boundary_threshold, topic_threshold=topic_threshold,
                      rejoin_threshold=rejoin_threshold)
    parts = split_dump(text, None if layout_only else s.embedding_model, s.topic_threshold,
                       s.boundary_threshold, s.boundary_model, rejoin_threshold=s.rejoin_threshold)
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


@app.command("eval-ner")
def eval_ner(
    gold: Annotated[list[Path], typer.Argument(help="CoNLL-format NER gold files", exists=True, dir_okay=False)],
    model: Annotated[str | None, typer.Option(help="spaCy pipeline name or path")] = None,
    detokenize: Annotated[bool, typer.Option(help="Rebuild natural spacing instead of space-joined tokens")] = False,
    propagated: Annotated[bool, typer.Option(help="Also count mentions the entities stage propagates")] = False,
    strip_the: Annotated[bool, typer.Option(help="Drop a leading 'the' from predicted spans (CoNLL style)")] = True,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Score the pipeline's NER against CoNLL gold: exact-match precision, recall, F1 per type."""
    from tasks.ner_eval import SPACY_TO_CONLL, evaluate_ner

    try:
        result = evaluate_ner([str(g) for g in gold], model, detokenize, propagated, strip_the=strip_the).as_dict()
    except (ValueError, RuntimeError) as exc:
        _fail(str(exc))
    if format == "json":
        console.print_json(json.dumps(result))
        return
    table = Table(title=f"NER vs gold: {result['documents']} documents, {result['tokens']} tokens")
    for col in ("type", "precision", "recall", "F1", "gold", "predicted", "correct"):
        table.add_column(col, justify="right")
    for kind, r in result["scores"].items():
        table.add_row(kind, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                      str(r["gold"]), str(r["predicted"]), str(r["correct"]))
    console.print(table)
    mapping = ", ".join(f"{k}->{v}" for k, v in SPACY_TO_CONLL.items() if v and k != v)
    console.print(f"label map: {mapping}; numeric and date labels are not scored")


if __name__ == "__main__":
    app()
