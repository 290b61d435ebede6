"""Opening source files: decompression, decoding and the checks every reader shares."""
from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Iterator
from typing import BinaryIO

COMPRESSIONS = (".gz", ".bz2", ".zst")


class BadFile(Exception):
    """A file no reader can use; `reason` is a short machine-friendly tag."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def open_binary(path: str) -> BinaryIO:
    """Open a file for reading bytes, decompressing by suffix."""
    lower = path.lower()
    if lower.endswith(".gz"):
        return gzip.open(path, "rb")
    if lower.endswith(".bz2"):
        return bz2.open(path, "rb")
    if lower.endswith(".zst"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
        return io.BufferedReader(raw)  # line iteration needs a buffered stream
    return open(path, "rb")


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """All (decompressed) bytes of a file; a damaged archive raises BadFile."""
    try:
        with open_binary(path) as fh:
            return fh.read() if limit is None else fh.read(limit)
    except (EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise BadFile("corrupt_archive", str(exc)) from exc
    except Exception as exc:  # zstandard raises its own ZstdError
        raise BadFile("corrupt_archive", str(exc)) from exc


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 when valid, else the encoding charset-normalizer finds.

    Returns (text, encoding). Binary data raises BadFile('binary').
    """
    if b"\x00" in data[:8192]:
        raise BadFile("binary", "NUL bytes in the first 8 KiB")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BadFile("undecodable", "no text encoding fits")
    return str(best), best.encoding


def iter_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) for each line of a (decompressed) file, streaming."""
    try:
        with open_binary(path) as fh:
            for no, raw in enumerate(fh, 1):
                yield no, raw
    except (EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise BadFile("corrupt_archive", str(exc)) from exc
