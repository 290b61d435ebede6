"""Giving freed memory back to the operating system between shards.

glibc's malloc keeps the memory a stage frees (torch activations, spaCy docs, parsed
records) inside the process, and the heap fragments as tensors of ever new shapes come
and go: the process's resident memory then creeps up shard after shard though the live
data is bounded. `malloc_trim` returns the free pages; elsewhere (macOS, musl) this is
a no-op.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS (glibc `malloc_trim(0)`); True if any were."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
