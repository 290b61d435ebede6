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


M_MMAP_THRESHOLD = -3  # mallopt parameter (glibc malloc.h)
MMAP_THRESHOLD = 1 << 20


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim, libc.mallopt  # glibc only
        return libc
    except (OSError, AttributeError):
        return None


@functools.cache
def map_large_allocations() -> bool:
    """Serve allocations of 1 MiB and more (activation buffers) from their own mappings.

    glibc raises its mmap threshold (up to 32 MiB) each time such a block is freed, after
    which activation buffers come from the heap and fragment it; a fixed threshold gives
    each one back to the OS the moment it is freed. Once per process; False off glibc.
    """
    libc = _libc()
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) if libc is not None else False


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS (glibc `malloc_trim(0)`); True if any were."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False

