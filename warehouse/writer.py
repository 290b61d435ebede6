"""The Parquet writer: atomic, idempotent, partitioned.

Layout: ROOT/<table>/ingest_date=YYYY-MM-DD/part-<key>.parquet. A file is written
under a temporary name and renamed into place, so a reader never sees half a file.
A shard's article tables share one file key and are committed under the warehouse
lock, children first and `articles` last: an `articles` file is the shard's commit
marker, and `recover()` removes children whose marker never landed (a crash).
Rows whose key is already stored are dropped before writing, so a re-run adds none.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks.faults import checkpoint
from tasks.key_set import KeySet
from warehouse.schemas import ARTICLE_TABLES, TABLES

# Table -> the columns that identify a row; rows with a stored key are not written again.
KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "rejects": ("reject_id",),
    "duplicates": ("article_id", "source_uri", "location"),
    "runs": ("run_id",),
    "input_files": ("file_id",),
}


class Warehouse:
    """A warehouse folder: Parquet tables, a lock, and the key index of stored rows."""

    filesystem = None  # a pyarrow/fsspec filesystem for remote warehouses (warehouse/storage.py)

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).expanduser().resolve()
        self._keys: dict[str, KeySet] = {}
        self._seen_files: dict[str, set[str]] = {}

    # ---- layout -------------------------------------------------------------------
    def table_dir(self, table: str) -> Path:
        return self.root / table

    def parquet_glob(self, table: str) -> str:
        """The table's files as a glob, for DuckDB's read_parquet."""
        return (self.table_dir(table) / "ingest_date=*" / "*.parquet").as_posix()

    def files(self, table: str) -> list[Path]:
        return sorted(self.table_dir(table).glob("ingest_date=*/*.parquet"))

    def create(self) -> None:
        for table in TABLES:
            self.table_dir(table).mkdir(parents=True, exist_ok=True)
        (self.root / "_newsflow").mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive, cross-process lock for commits and catalog refreshes."""
        self.create()
        with open(self.root / "_newsflow" / "lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ---- keys -----------------------------------------------------------------------
    def stored_keys(self, table: str, cols: tuple[str, ...] | None = None) -> KeySet:
        """The values of `cols` (default: the table's key) in stored rows, as a set for
        membership tests (`(a, b) in keys`; a single column's value alone), read
        incrementally: each file once per Warehouse object."""
        cols = cols or KEYS[table]
        keys = self._keys.setdefault(f"{table}:{','.join(cols)}", KeySet())
        seen = self._seen_files.setdefault(f"{table}:{','.join(cols)}", set())
        for path in self.files(table):
            name = str(path)
            if name in seen:
                continue
            keys.update(self._rows_of(path, cols))
            seen.add(name)
        return keys

    def stored_rows(self, table: str, cols: tuple[str, ...]) -> list[tuple]:
        """The values of `cols` in every stored row of `table`, read now (no cache)."""
        return [row for path in self.files(table) for row in self._rows_of(path, cols)]

    def _rows_of(self, path: Path, cols: tuple[str, ...]) -> Iterator[tuple]:
        part = pq.read_table(path, columns=list(cols), filesystem=self.filesystem)
        return zip(*(part.column(c).to_pylist() for c in cols))

    def stored_article_ids(self) -> KeySet:
        """The ids of stored articles (`article_id in ids`)."""
        return self.stored_keys("articles")

    def stored_origins(self) -> KeySet:
        """(article_id, source_uri, location) of every stored article."""
        return self.stored_keys("articles", ("article_id", "source_uri", "location"))

    # ---- writing ----------------------------------------------------------------------
    def _write_file(self, table: str, data: pa.Table, key: str, day: date) -> Path:
        folder = self.table_dir(table) / f"ingest_date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{key}.parquet"
        tmp = folder / f".part-{key}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            pq.write_table(data, tmp, compression="zstd")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            checkpoint(f"write:{table}")
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a failed write leaves nothing; a crash leaves it to recover()
            raise
        return final

    def _new_rows(self, table: str, data: pa.Table) -> pa.Table:
        cols = KEYS[table]
        stored = self.stored_keys(table)
        if data.num_rows == 0:
            return data
        seen: set[tuple] = set()  # a key repeated within the batch is written once, too
        mask = []
        for r in zip(*(data.column(c).to_pylist() for c in cols)):
            mask.append(r not in stored and r not in seen)
            seen.add(r)
        return data.filter(pa.array(mask, pa.bool_()))

    def append(self, table: str, data: pa.Table, key: str, day: date) -> int:
        """Write the rows of `data` whose keys are not stored yet; returns rows written."""
        with self.lock():
            data = self._new_rows(table, data)
            if data.num_rows:
                self._write_file(table, data, key, day)
                self.stored_keys(table)
            return data.num_rows

    def commit_shard(self, tables: dict[str, pa.Table], key: str, day: date) -> dict[str, int]:
        """Commit one shard's article tables atomically with respect to other writers.

        Articles another run stored meanwhile are dropped from every table of the shard.
        Returns rows written per table.
        """
        with self.lock():
            articles = tables["articles"]
            fresh = self._new_rows("articles", articles)
            written = {t: 0 for t in ARTICLE_TABLES}
            if fresh.num_rows == 0:
                return written
            keep = pa.array(fresh.column("article_id").to_pylist())
            for table in ARTICLE_TABLES:  # articles last: it is the commit marker
                if table == "articles":
                    checkpoint("commit:articles")
                data = fresh if table == "articles" else tables.get(table)
                if data is None:
                    continue
                if fresh.num_rows != articles.num_rows and table != "articles":
                    data = data.filter(pc.is_in(data.column("article_id"), value_set=keep))
                if data.num_rows or table == "articles":
                    self._write_file(table, data, key, day)
                written[table] = data.num_rows
            self.stored_keys("articles")
            return written

    def recover(self) -> dict[str, int]:
        """Remove what a crashed writer left: temp files, and children of uncommitted shards."""
        removed = {"temp_files": 0, "orphan_files": 0}
        if not self.root.exists():
            return removed
        with self.lock():
            for tmp in self.root.glob("*/ingest_date=*/.part-*.tmp"):
                tmp.unlink(missing_ok=True)
                removed["temp_files"] += 1
            committed = {p.name for p in self.files("articles")}
            # a backfill shard's marker is its article_stages file (warehouse/versions.py)
            committed |= {p.name for p in self.files("article_stages") if p.name.startswith("part-bf-")}
            for table in ARTICLE_TABLES[:-1]:
                for path in self.files(table):
                    if path.name not in committed:
                        path.unlink()
                        removed["orphan_files"] += 1
        return removed
