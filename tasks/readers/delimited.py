"""CSV / TSV exports: a header row, then one article per row."""
from __future__ import annotations

import csv
from collections.abc import Iterator

from tasks.readers.files import BadFile, head_bytes, open_text
from tasks.readers.jsonl import record_from_mapping
from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.records import Reject, SourceRecord

_DELIMITERS = ",;\t|"


def _dialect(path: str) -> type[csv.Dialect]:
    """Excel quoting with the delimiter the header uses most (`,` `;` tab `|`)."""
    if path.lower().removesuffix(".gz").removesuffix(".bz2").removesuffix(".zst").endswith(".tsv"):
        return csv.excel_tab
    header = head_bytes(path, 1 << 15).split(b"\n", 1)[0].decode("utf-8", "replace")
    delimiter = max(_DELIMITERS, key=header.count)
    if delimiter == ",":
        return csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def read_csv(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """One record per data row, mapped by header names (`options.fields`).

    A row with more or fewer cells than the header is rejected (`wrong_field_count`):
    its cells cannot be trusted to sit under the right names.
    """
    csv.field_size_limit(max(options.max_record_bytes, 1 << 17))
    try:
        fh = open_text(path)
    except BadFile as exc:
        yield Reject(path, "file", exc.reason, exc.detail)
        return
    rows = 0
    try:
        with fh:
            reader = csv.reader(fh, _dialect(path))
            header = next(reader, None)
            if header is None:
                yield Reject(path, "file", "empty_file")
                return
            header = [h.strip().lstrip("\ufeff") for h in header]
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:  # e.g. a field over the size limit
                    rows += 1
                    yield Reject(path, f"row {rows}", "malformed_csv", str(exc))
                    continue
                if not any(c.strip() for c in cells):
                    continue
                rows += 1
                location = f"row {rows}"
                if len(cells) != len(header):
                    sample = f"{len(cells)} cells, header has {len(header)}: " + ",".join(cells)[:300]
                    yield Reject(path, location, "wrong_field_count", sample)
                    continue
                yield record_from_mapping(dict(zip(header, cells)), path, "csv", location, options.fields)
    except (EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        yield Reject(path, "file", "corrupt_archive", str(exc))
        return
    if rows == 0:
        yield Reject(path, "file", "empty_file", "a header and no rows")
