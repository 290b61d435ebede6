"""Parquet exports: one article per row, read one record batch at a time."""
from __future__ import annotations

from collections.abc import Iterator

from tasks.readers.files import COMPRESSIONS
from tasks.readers.jsonl import record_from_mapping
from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.records import Reject, SourceRecord

BATCH_ROWS = 1024


def read_parquet(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """One record per row, mapped by column names; only mapped columns are read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.lower().endswith(COMPRESSIONS):
        yield Reject(path, "file", "unsupported_format", "compressed Parquet: Parquet compresses its own pages")
        return
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        yield Reject(path, "file", "corrupt_parquet", str(exc)[:300])
        return
    wanted = {name for names in options.fields.values() for name in names}
    columns = [c for c in pf.schema_arrow.names if c in wanted]
    if pf.metadata.num_rows == 0:
        yield Reject(path, "file", "empty_file", "no rows")
        return
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            for obj in batch.to_pylist():
                row += 1
                yield record_from_mapping(obj, path, "parquet", f"row {row}", options.fields)
    except (pa.ArrowException, OSError) as exc:
        unread = pf.metadata.num_rows - row
        yield Reject(path, f"row {row + 1}", "corrupt_parquet", f"{unread} rows unreadable from here: {str(exc)[:300]}")
