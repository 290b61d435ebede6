"""The input-file manifest: which files a run finished, so later runs need not read them.

A file is finished once every article it yielded is committed and its rejects are
written; then one `input_files` row records the hash of its bytes and the *pipeline*
(the ingest and segment configuration) it was read with, with its counts. A later run
hashes each input file (far cheaper than reading and segmenting it) and skips a file
whose (content, pipeline) pair is stored, counting its records as unchanged.

- A changed file, or a changed reader or segmenter configuration, is read again; the
  content-hash article IDs keep that repeat free of duplicate rows.
- A crash before the row is written leaves the file to be read again next time.
- Feeds (URLs) change behind the same address, so they are always read.
- Model stages are not part of the key: articles already stored are never re-tagged by
  a run, whatever the stage versions; `newsflow backfill` does that.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from tasks.records import content_hash
from warehouse.schemas import INPUT_FILES
from warehouse.writer import Warehouse

_CHUNK = 1 << 20


def file_digest(path: str) -> str | None:
    """Hex blake2b digest of a local file's bytes; None for a URL or an unreadable file."""
    if not os.path.isfile(path):
        return None
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    except OSError:
        return None  # the reader will reject it with its reason
    return h.hexdigest()


def pipeline_id(*steps) -> str:
    """A short hash of the steps' names, versions and configuration (their `repr`)."""
    return content_hash(*(f"{s.name}:{s.version}:{s!r}" for s in steps), size=8)


@dataclass
class InputManifest:
    """The finished files of one warehouse for one pipeline, and the split of a file list."""

    pipeline: str
    done: dict[str, int] = field(default_factory=dict)  # file_id -> records it held
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (file_id, digest)

    @classmethod
    def load(cls, wh: Warehouse, pipeline: str) -> InputManifest:
        """The manifest as stored in `wh` (every run's finished files)."""
        return cls(pipeline, dict(wh.stored_rows("input_files", ("file_id", "records"))))

    def pending(self, files: list[str], skip: bool = True) -> tuple[list[str], int, int]:
        """(files to read, in order; number of files skipped; records the skipped ones held).

        skip (bool): leave out finished files; if False every file is read (and recorded again).
        """
        todo, skipped, records = [], 0, 0
        for path in files:
            digest = file_digest(path)
            if digest is None:
                todo.append(path)
                continue
            file_id = content_hash(digest, self.pipeline)
            if skip and file_id in self.done:
                skipped += 1
                records += self.done[file_id]
                continue
            self.ids[path] = (file_id, digest)
            todo.append(path)
        return todo, skipped, records

    def finished(self, files: list[str], n_articles: Counter, rejects: list, run_id: str, now: datetime) -> pa.Table:
        """`input_files` rows for `files`, all of whose articles and rejects are written.

        n_articles (Counter): articles each file yielded (by path), duplicates included.
        """
        n_rejects = Counter(r.source_uri for r in rejects)
        rows = []
        for path in files:
            if path not in self.ids:  # a feed, or unreadable: nothing to skip next time
                continue
            file_id, digest = self.ids.pop(path)
            rows.append({
                "file_id": file_id, "content_hash": digest, "pipeline": self.pipeline, "source_uri": path,
                "size_bytes": os.path.getsize(path), "records": n_articles[path] + n_rejects[path],
                "articles": n_articles[path], "rejects": n_rejects[path], "run_id": run_id, "completed_at": now,
            })
        return pa.Table.from_pylist(rows, INPUT_FILES)
