"""Plain-text dumps: one file may hold many concatenated articles."""
from __future__ import annotations

from collections.abc import Iterator

from tasks.readers.files import BadFile, decode, head_bytes, iter_bounded_lines
from tasks.readers.options import DEFAULT_OPTIONS, ReadOptions
from tasks.records import Reject, SourceRecord


def read_text_dump(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[SourceRecord | Reject]:
    """The file as records flagged `is_dump`, which the segmenter splits into articles.

    A file up to `options.max_record_bytes` is one record. A larger one is cut into
    chunks of about that size at blank lines (where articles end), so memory stays
    flat; each chunk's location is its first line. A single line over the limit is
    rejected as `record_too_large`.
    """
    limit = options.max_record_bytes
    chunk: list[bytes] = []
    size, start, seen = 0, 1, False

    def flush() -> Iterator[SourceRecord | Reject]:
        data = b"".join(chunk)
        if not data.strip():
            return
        try:
            text, _ = decode(data)
        except BadFile as exc:
            yield Reject(path, "file" if start == 1 else f"line {start}", exc.reason, exc.detail)
            return
        yield SourceRecord(text=text, source_uri=path, source_format="text",
                           location="file" if start == 1 else f"line {start}", is_dump=True)

    if b"\x00" in head_bytes(path, 8192):
        yield Reject(path, "file", "binary", "NUL bytes in the first 8 KiB")
        return
    try:
        for no, raw in iter_bounded_lines(path, limit):
            if raw is None:
                seen = True
                yield Reject(path, f"line {no}", "record_too_large", f"a single line over {limit} bytes")
                continue
            if size >= limit and (not raw.strip() or size >= 2 * limit):
                yield from flush()
                chunk, size, start = [], 0, no
            chunk.append(raw)
            size += len(raw)
            seen = seen or bool(raw.strip())
    except BadFile as exc:
        yield Reject(path, "file", exc.reason, exc.detail)
        return
    if not seen:
        yield Reject(path, "file", "empty_file")
        return
    yield from flush()
