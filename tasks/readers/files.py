"""Opening source files: decompression, decoding and the checks every reader shares."""
from __future__ import annotations

import bz2
import codecs
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


def read_document(source: str, limit: int, timeout: float = 20.0) -> bytes:
    """The bytes of one whole document (a page, a feed): a file, or an http(s) URL.

    Raises BadFile: `record_too_large` over `limit` bytes, `empty_file` when blank,
    or the reason the file or URL could not be read.
    """
    data = fetch(source, timeout, limit)[0] if is_url(source) else read_bytes(source, limit + 1)
    if len(data) > limit:
        raise BadFile("record_too_large", f"over {limit} bytes")
    if not data.strip():
        raise BadFile("empty_file")
    return data


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 when valid, else the encoding charset-normalizer finds.

    Returns (text, encoding). Binary data raises BadFile('binary').
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    if b"\x00" in data[:8192]:
        raise BadFile("binary", "NUL bytes in the first 8 KiB")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = _best_match(data)
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


def iter_bounded_lines(path: str, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Like `iter_lines`, but a line longer than `max_bytes` is skipped in chunks and
    yielded as (line number, None), so memory stays flat on a 100 MB single line."""
    try:
        with open_binary(path) as fh:
            no = 0
            while True:
                raw = fh.readline(max_bytes + 1)
                if not raw:
                    return
                no += 1
                if len(raw) <= max_bytes or raw.endswith(b"\n"):
                    yield no, raw
                    continue
                while raw and not raw.endswith(b"\n"):  # drain the rest of the long line
                    raw = fh.readline(1 << 20)
                yield no, None
    except (EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise BadFile("corrupt_archive", str(exc)) from exc


def detect_encoding(sample: bytes) -> str:
    """The text encoding of a file from its first bytes: UTF-8 when they decode as such
    (a multi-byte character cut at the end of the sample is allowed), else what
    charset-normalizer finds. Binary data raises BadFile('binary')."""
    if not sample:
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample[:8192]:
        raise BadFile("binary", "NUL bytes in the first 8 KiB")
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return "utf-8-sig"
    return _best_match(sample).encoding


# Where charset-normalizer finds several encodings equally plausible (short text with a
# few accents fits cp1250, cp1252 and cp1257 alike), the one most used on the web wins.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "cp1251", "shift_jis", "gb18030", "euc_kr")


def _best_match(data: bytes):
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise BadFile("undecodable", "no text encoding fits")
    tied = {m.encoding for m in matches
            if abs(m.chaos - best.chaos) < 1e-3 and abs(m.coherence - best.coherence) < 1e-3}
    preferred = next((e for e in _PREFERRED if e in tied and e != best.encoding), None)
    return next(m for m in matches if m.encoding == preferred) if preferred else best


def open_text(path: str, sample_bytes: int = 1 << 16) -> io.TextIOWrapper:
    """A streaming text reader over a (decompressed) file, its encoding detected from
    the first `sample_bytes`; bytes that do not fit it later become U+FFFD."""
    encoding = detect_encoding(head_bytes(path, sample_bytes))
    stream = open_binary(path)
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def head_bytes(path: str, size: int = 4096) -> bytes:
    """The first `size` decompressed bytes of a file (b'' when it cannot be read)."""
    try:
        with open_binary(path) as fh:
            return fh.read(size)
    except Exception:  # a damaged file: the reader will say why
        return b""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float = 20.0, max_bytes: int = 32 * 2**20) -> tuple[bytes, str]:
    """GET an http(s) URL: (body, final URL). Failure raises BadFile('fetch_failed')."""
    import urllib.error
    import urllib.request

    if not is_url(url):
        raise BadFile("fetch_failed", f"not an http(s) URL: {url[:200]}")
    request = urllib.request.Request(url, headers={"User-Agent": "newsflow/0.1 (+https://github.com/newsflow)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            body = resp.read(max_bytes + 1)
            final = resp.geturl()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise BadFile("fetch_failed", f"{url[:200]}: {exc}") from exc
    if len(body) > max_bytes:
        raise BadFile("too_large", f"{url[:200]}: over {max_bytes} bytes")
    return body, final
