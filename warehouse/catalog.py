"""The DuckDB catalog: one view per table over its Parquet files, plus curated views.

The catalog is rebuilt in a temporary file and renamed over `catalog.duckdb`, so a
writer never waits for readers (who hold the old file open, read-only) and a reader
never sees a half-built catalog.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from tasks.faults import checkpoint
from warehouse.schemas import TABLES
from warehouse.versions import current_views_sql, history_name
from warehouse.writer import Warehouse

CATALOG_FILE = "catalog.duckdb"
SQL_DIR = Path(__file__).parent / "sql"


def _duck_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "VARCHAR"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_float32(t):
        return "FLOAT"
    if pa.types.is_float64(t):
        return "DOUBLE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ"
    if pa.types.is_list(t):
        return _duck_type(t.value_type) + "[]"
    if pa.types.is_map(t):
        return f"MAP({_duck_type(t.key_type)}, {_duck_type(t.item_type)})"
    raise TypeError(f"no DuckDB type for {t}")


def table_view_sql(wh: Warehouse, table: str, name: str | None = None) -> str:
    """A view `name` (default: the table's name) over the table's files, or an empty typed
    view while it has none."""
    schema, view = TABLES[table], name or table
    if wh.files(table):
        glob = wh.parquet_glob(table).replace("'", "''")
        return (
            f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet('{glob}', "
            "hive_partitioning = true, union_by_name = true, hive_types = {'ingest_date': DATE})"
        )
    cols = ", ".join(f"CAST(NULL AS {_duck_type(f.type)}) AS {f.name}" for f in schema)
    return f"CREATE OR REPLACE VIEW {view} AS SELECT {cols}, CAST(NULL AS DATE) AS ingest_date WHERE false"


def curated_views() -> list[tuple[str, str]]:
    """(name, SQL) for every file in warehouse/sql, helpers (`_*.sql`) first, then by name."""
    paths = sorted(SQL_DIR.glob("*.sql"), key=lambda p: (not p.name.startswith("_"), p.name))
    return [(p.stem, p.read_text()) for p in paths]


def create_views(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> None:
    """Create every table view and curated view of `wh` on the connection `con`.

    A view may read another curated view: one that fails because its dependency does not
    exist yet is retried once the others are in, so files need no naming order.
    """
    for table in TABLES:
        con.execute(table_view_sql(wh, table, history_name(table)))
    for sql in current_views_sql():  # stage tables: current rows over their history
        con.execute(sql)
    pending = curated_views()
    while pending:
        failed = []
        for name, sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException as exc:
                failed.append((name, sql, exc))
            except duckdb.Error as exc:
                raise RuntimeError(f"curated view {name}.sql failed: {exc}") from exc
        if len(failed) == len(pending):
            name, _, exc = failed[0]
            raise RuntimeError(f"curated view {name}.sql failed: {exc}") from exc
        pending = [(name, sql) for name, sql, _ in failed]


def _build_catalog(wh: Warehouse, path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        if wh.filesystem is not None:  # views over s3:// bind through fsspec, not httpfs
            con.register_filesystem(wh.filesystem)
        create_views(con, wh)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def refresh_catalog(wh: Warehouse) -> Path | str:
    """Rebuild ROOT/catalog.duckdb from the files present now; returns its path."""
    if getattr(wh, "remote", False):
        from warehouse.storage import refresh_remote_catalog

        with wh.lock():
            return refresh_remote_catalog(wh, lambda path: _build_catalog(wh, path))
    final = wh.root / CATALOG_FILE
    with wh.lock():
        tmp = wh.root / "_newsflow" / f"catalog.{os.getpid()}.tmp.duckdb"
        tmp.unlink(missing_ok=True)
        _build_catalog(wh, tmp)
        checkpoint("catalog")
        os.replace(tmp, final)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return final


def connect(root: str | os.PathLike, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse catalog; read-only unless asked otherwise.

    For an object-storage warehouse (s3://...) the views are built in memory over the
    remote files (see warehouse/storage.py).
    """
    from warehouse.storage import connect_remote, is_remote

    if is_remote(root):
        return connect_remote(str(root))
    path = Path(root).expanduser() / CATALOG_FILE
    if not path.exists():
        raise FileNotFoundError(f"no warehouse catalog at {path}: run `newsflow run` first")
    return duckdb.connect(str(path), read_only=read_only)
