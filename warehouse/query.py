"""Read-only analyst queries: a statement guard, result export, and the named-view index.

Reader connections are opened read-only, so no query can change the catalog. DuckDB still
lets a read-only connection write files (`COPY ... TO`, `EXPORT DATABASE`, `ATTACH` a new
database file), and it cannot forbid that while its views read Parquet files, so
`check_read_only` admits only statements that read: SELECT (with SHOW, DESCRIBE, SUMMARIZE,
FROM-first and WITH queries) and EXPLAIN. Results leave only through `write_result`, which
refuses a path inside the warehouse.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.catalog import SQL_DIR, connect

READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
FORMATS = ("table", "csv", "json", "parquet")


class QueryError(ValueError):
    """A query that cannot run: not read-only, not valid SQL, or failing in DuckDB."""


@dataclass(frozen=True)
class NamedView:
    name: str
    description: str  # the file's header comment, without the leading "name:"
    path: Path


def check_read_only(sql: str) -> None:
    """Raise QueryError unless every statement in `sql` only reads.

    sql (str): one or more SQL statements.
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from exc
    if not statements:
        raise QueryError("empty query")
    for st in statements:
        if st.type not in READ_STATEMENTS:
            kind = st.type.name.replace("_", " ")
            raise QueryError(
                f"{kind} statements are not allowed: the warehouse is read-only here. "
                "Use SELECT (or DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), and --format/--output to save results."
            )


def reader(root: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the catalog, tuned for repeated queries (dashboards, analysts).

    Parquet footers are cached across queries, so a warm query skips re-reading the metadata
    of every file it touches.
    """
    con = connect(root, read_only=True)
    con.execute("SET GLOBAL parquet_metadata_cache = true")
    return con


def run_query(root: str | os.PathLike, sql: str, params: list | None = None) -> pa.Table:
    """Run read-only `sql` against the warehouse catalog and return the last statement's result.

    root (str | PathLike): the warehouse folder.
    sql (str): SQL statements that only read (see `check_read_only`).
    params (list | None): values for `?` placeholders.
    RETURNS (pa.Table): the result.
    """
    check_read_only(sql)
    con = reader(root)
    try:
        return con.sql(sql, params=params or None).to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(_clean_error(exc)) from exc
    finally:
        con.close()


def _clean_error(exc: duckdb.Error) -> str:
    text = str(exc).strip()
    if isinstance(exc, duckdb.CatalogException):
        text += "\n(run `newsflow views` for the named views; tables: articles, sentences, entities, " \
                "article_entities, summaries, rejects, duplicates, runs)"
    return text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def to_csv(result: pa.Table) -> str:
    """The result as CSV text with a header row; lists and maps as JSON."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(result.column_names)
    for row in result.to_pylist(maps_as_pydicts="lossy"):
        w.writerow([_cell(v) for v in row.values()])
    return buf.getvalue()


def to_json(result: pa.Table) -> str:
    """The result as a JSON array of objects (dates and times as ISO strings)."""
    def default(v):
        return v.isoformat() if hasattr(v, "isoformat") else str(v)

    return json.dumps(result.to_pylist(maps_as_pydicts="lossy"), default=default, ensure_ascii=False, indent=1)


def write_result(result: pa.Table, fmt: str, output: str | os.PathLike, warehouse: str | os.PathLike) -> Path:
    """Write `result` to `output` in `fmt` (csv, json or parquet); never into the warehouse.

    Written under a temporary name and renamed, like the warehouse's own files.
    RETURNS (Path): the file written.
    """
    out = Path(output).expanduser().resolve()
    root = Path(warehouse).expanduser().resolve()
    if out == root or root in out.parents:
        raise QueryError(f"--output {output} is inside the warehouse {root}: write results elsewhere")
    if fmt not in ("csv", "json", "parquet"):
        raise QueryError(f"--output needs --format csv, json or parquet, not {fmt!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if fmt == "parquet":
        pq.write_table(result, tmp, compression="zstd")
    else:
        tmp.write_text(to_csv(result) if fmt == "csv" else to_json(result) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return out


_HEADER = re.compile(r"^\s*--\s?(.*)$")


def named_views() -> list[NamedView]:
    """The curated views in warehouse/sql with the header comment of each file."""
    views = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        if path.name.startswith("_"):  # helpers (macros), not views
            continue
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _HEADER.match(line)
            if not m:
                break
            lines.append(m.group(1).strip())
        text = " ".join(lines)
        prefix = f"{path.stem}:"
        text = text[len(prefix):].strip() if text.startswith(prefix) else text
        views.append(NamedView(path.stem, text, path))
    return views
