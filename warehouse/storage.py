"""Where a warehouse lives: a local folder, or a prefix on object storage (S3 and friends).

`open_warehouse("s3://bucket/news")` returns an `ObjectStoreWarehouse`: the same tables,
keys and commit order as the local `Warehouse`, written through fsspec (s3fs). What
changes on object storage:

- A file is one PUT, and a PUT is atomic: readers see the whole object or none, so no
  temporary name is needed (and there is no rename to do it with).
- There is no `flock`. The lock below only serialises writers inside one process, so
  the guarantee is **one writing flow run per warehouse prefix at a time** (the
  deployments in deploy/prefect.yaml hold a concurrency limit of 1 for exactly this).
  Two concurrent runs would not corrupt a file, but could both store an article that
  neither had seen; the content-hash keys keep such a repeat detectable.
- `catalog.duckdb` is built locally and uploaded beside the tables; `connect()` on a
  remote warehouse builds the views in memory over the s3:// globs instead, reading
  through the same fsspec filesystem, so DuckDB needs no httpfs extension download.

Credentials and endpoint come from the usual AWS settings (`AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL` for MinIO or another S3-compatible server),
or fsspec's `FSSPEC_S3_*` variables.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.schemas import ARTICLE_TABLES
from warehouse.writer import Warehouse

_process_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def is_remote(root: str | os.PathLike) -> bool:
    """True for a URL with a scheme other than file:// (s3://, gs://, memory://, ...)."""
    text = str(root)
    return "://" in text and not text.startswith("file://")


def open_warehouse(root: str | os.PathLike) -> Warehouse:
    """The warehouse at `root`: a local folder, or an object-storage URL such as s3://bucket/prefix."""
    return ObjectStoreWarehouse(str(root)) if is_remote(root) else Warehouse(root)


class ObjectStoreWarehouse(Warehouse):
    """A warehouse under an object-storage prefix, written and read through fsspec."""

    remote = True

    def __init__(self, url: str) -> None:
        from fsspec.core import url_to_fs

        self.filesystem, path = url_to_fs(url)
        self.protocol = url.split("://", 1)[0]
        self.path = path.rstrip("/")
        self.root = f"{self.protocol}://{self.path}"
        self._keys = {}
        self._seen_files = {}

    def table_dir(self, table: str) -> str:
        return f"{self.path}/{table}"

    def parquet_glob(self, table: str) -> str:
        """The table's files as a URL glob, for DuckDB's read_parquet."""
        return f"{self.root}/{table}/ingest_date=*/*.parquet"

    def files(self, table: str) -> list[str]:
        self.filesystem.invalidate_cache(self.table_dir(table))
        return sorted(self.filesystem.glob(f"{self.table_dir(table)}/ingest_date=*/*.parquet"))

    def create(self) -> None:
        # Object stores have no folders; make sure the bucket is reachable now, not mid-run.
        bucket = self.path.split("/", 1)[0]
        if not self.filesystem.exists(bucket):
            raise FileNotFoundError(f"bucket {bucket!r} not found at {self.protocol}://")

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Serialise writers within this process; across processes, one writer per prefix."""
        with _locks_guard:
            lock = _process_locks.setdefault(self.root, threading.RLock())
        with lock:
            yield

    def _write_file(self, table: str, data: pa.Table, key: str, day: date) -> str:
        final = f"{self.table_dir(table)}/ingest_date={day.isoformat()}/part-{key}.parquet"
        # One PUT on close: the object appears whole or not at all.
        with self.filesystem.open(final, "wb") as fh:
            pq.write_table(data, fh, compression="zstd")
        return final

    def recover(self) -> dict[str, int]:
        """Remove children of shards whose `articles` file never landed (a crashed run)."""
        removed = {"temp_files": 0, "orphan_files": 0}
        with self.lock():
            committed = {p.rsplit("/", 1)[-1] for p in self.files("articles")}
            for table in ARTICLE_TABLES[:-1]:
                for path in self.files(table):
                    if path.rsplit("/", 1)[-1] not in committed:
                        self.filesystem.rm(path)
                        removed["orphan_files"] += 1
        return removed

    # ---- small state files (inbox bookkeeping) ----------------------------------------
    def read_text(self, name: str) -> str | None:
        path = f"{self.path}/_newsflow/{name}"
        self.filesystem.invalidate_cache(path)
        if not self.filesystem.exists(path):
            return None
        with self.filesystem.open(path, "rb") as fh:
            return fh.read().decode("utf-8")

    def write_text(self, name: str, text: str) -> None:
        with self.filesystem.open(f"{self.path}/_newsflow/{name}", "wb") as fh:
            fh.write(text.encode("utf-8"))


def read_state(wh: Warehouse, name: str) -> str | None:
    """Text of the warehouse state file `_newsflow/<name>`, or None if there is none."""
    if isinstance(wh, ObjectStoreWarehouse):
        return wh.read_text(name)
    path = Path(wh.root) / "_newsflow" / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def write_state(wh: Warehouse, name: str, text: str) -> None:
    """Replace the warehouse state file `_newsflow/<name>` atomically (temp name, then rename)."""
    if isinstance(wh, ObjectStoreWarehouse):
        wh.write_text(name, text)
        return
    folder = Path(wh.root) / "_newsflow"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / name)


def refresh_remote_catalog(wh: ObjectStoreWarehouse, build) -> str:
    """Build catalog.duckdb locally with `build(path)` and upload it beside the tables."""
    with tempfile.TemporaryDirectory(prefix="newsflow-catalog-") as tmp:
        local = Path(tmp) / "catalog.duckdb"
        build(local)
        target = f"{wh.path}/catalog.duckdb"
        wh.filesystem.put_file(str(local), target)
    return f"{wh.root}/catalog.duckdb"


def connect_remote(url: str):
    """An in-memory DuckDB connection with every warehouse view over the remote tables."""
    import duckdb

    from warehouse.catalog import create_views

    wh = ObjectStoreWarehouse(url)
    con = duckdb.connect()
    con.register_filesystem(wh.filesystem)
    create_views(con, wh)
    return con


__all__ = ["ObjectStoreWarehouse", "open_warehouse", "is_remote", "read_state", "write_state"]
