"""Ingest stage: find the input files and read them into source records.

Sources are files, folders (read recursively) or glob patterns. Anything that cannot
be read becomes a reject with its reason; nothing stops the run.
"""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from tasks.readers import BadFile, format_of, reader_for
from tasks.records import Reject, SourceRecord
from tasks.step import Step


def discover(sources: Iterable[str]) -> tuple[list[str], list[Reject]]:
    """Expand sources to a sorted list of readable files; the rest become rejects."""
    files: list[str] = []
    rejects: list[Reject] = []
    for src in sources:
        src = os.path.expanduser(str(src))
        if any(ch in src for ch in "*?["):
            matches = sorted(glob.glob(src, recursive=True))
            if not matches:
                rejects.append(Reject(src, "source", "no_match", "glob matched no file"))
            files.extend(m for m in matches if os.path.isfile(m))
        elif os.path.isdir(src):
            found = sorted(str(p) for p in Path(src).rglob("*") if p.is_file() and not p.name.startswith("."))
            files.extend(found)
        elif os.path.isfile(src):
            files.append(src)
        else:
            rejects.append(Reject(src, "source", "not_found", "no such file or folder"))
    unique = list(dict.fromkeys(os.path.abspath(f) for f in files))
    return unique, rejects


class Ingester(Step):
    """File paths to source records, one reader per format."""

    name = "ingest"
    version = "1"

    def run(self, batch: list[str]) -> list[SourceRecord]:
        records: list[SourceRecord] = []
        for path in batch:
            reader = reader_for(path)
            if reader is None:
                self.reject(path, "file", "unsupported_format", Path(path).suffix or "(no extension)")
                continue
            try:
                for item in reader(path):
                    if isinstance(item, Reject):
                        item.stage = self.name
                        self.rejects.append(item)
                        self.stats[f"rejected_{item.reason}"] += 1
                    else:
                        records.append(item)
                        self.stats[f"records_{item.source_format}"] += 1
            except BadFile as exc:
                self.reject(path, "file", exc.reason, exc.detail)
            except (PermissionError, IsADirectoryError) as exc:
                self.reject(path, "file", "unreadable", str(exc))
            self.stats["files"] += 1
        return records


__all__ = ["Ingester", "discover", "format_of"]
