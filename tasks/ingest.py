"""Ingest stage: find the input files and read them into source records.

Sources are files, folders (read recursively) or glob patterns. Anything that cannot
be read becomes a reject with its reason; nothing stops the run.
"""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from tasks.readers import DEFAULT_OPTIONS, BadFile, ReadOptions, format_of, reader_for
from tasks.readers.files import is_url
from tasks.readers.repair import repair_text
from tasks.records import Reject, SourceRecord
from tasks.step import Step


def discover(sources: Iterable[str]) -> tuple[list[str], list[Reject]]:
    """Expand sources to a list of readable files and http(s) feed URLs; the rest become rejects."""
    files: list[str] = []
    rejects: list[Reject] = []
    for src in sources:
        src = str(src)
        if is_url(src):  # a feed; the feed reader fetches it
            files.append(src)
            continue
        src = os.path.expanduser(src)
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
    unique = list(dict.fromkeys(f if is_url(f) else os.path.abspath(f) for f in files))
    return unique, rejects


class Ingester(Step):
    """File paths to source records, one reader per format, their text repaired."""

    name = "ingest"
    version = "3"  # 3: text and titles repaired (mojibake, HTML entities, invisible characters)

    def __init__(self, options: ReadOptions = DEFAULT_OPTIONS) -> None:
        super().__init__()
        self.options = options

    def run(self, batch: list[str]) -> list[SourceRecord]:
        records: list[SourceRecord] = []
        for path in batch:
            reader = reader_for(path)
            if reader is None:
                self.reject(path, "file", "unsupported_format", Path(path).suffix or "(no extension)")
                continue
            try:
                for item in reader(path, self.options):
                    if isinstance(item, Reject):
                        item.stage = self.name
                        self.rejects.append(item)
                        self.stats[f"rejected_{item.reason}"] += 1
                    else:
                        records.append(self._repaired(item))
                        self.stats[f"records_{item.source_format}"] += 1
            except BadFile as exc:
                self.reject(path, "file", exc.reason, exc.detail)
            except (PermissionError, IsADirectoryError) as exc:
                self.reject(path, "file", "unreadable", str(exc))
            except Exception as exc:  # a reader bug or a library choking: lose the file, not the run
                self.reject(path, "file", "reader_error", f"{type(exc).__name__}: {exc}")
            self.stats["files"] += 1
        return records

    def _repaired(self, rec: SourceRecord) -> SourceRecord:
        """The record with its text and title repaired (`repair_text`), counted when changed."""
        text, title = repair_text(rec.text), rec.title and repair_text(rec.title)
        if text != rec.text or title != rec.title:
            rec.text, rec.title = text, title
            self.stats["records_repaired"] += 1
        return rec


__all__ = ["Ingester", "discover", "format_of"]
