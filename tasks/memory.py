"""glibc malloc set up for long runs of model stages, and freed memory given back.

glibc's malloc keeps the memory a stage frees (torch activations, spaCy docs, parsed
records) inside the process, and the heap fragments as tensors of ever new shapes come
and go: the process's resident memory then creeps up shard after shard though the live
data is bounded. `configure_allocator` (once, when `tasks` is imported) keeps few heaps
and maps large blocks on their own; `malloc_trim` (after each stage) returns the free
pages. Elsewhere (macOS, musl) both are no-ops.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os


M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # mallopt parameters (glibc malloc.h)
MMAP_THRESHOLD = 1 << 20
ARENA_MAX = 2


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim, libc.mallopt  # glibc only
        return libc
    except (OSError, AttributeError):
        return None


@functools.cache
def configure_allocator() -> bool:
    """Set glibc malloc up for a long run of model stages; once per process, early.

    - Allocations of 1 MiB and more (activation buffers) get mappings of their own. glibc
      raises its mmap threshold (up to 32 MiB) each time such a block is freed, after which
      activation buffers come from the heap and fragment it; a fixed threshold gives each
      one back to the OS the moment it is freed.
    - At most `ARENA_MAX` heaps (arenas) for all threads, unless `MALLOC_ARENA_MAX` is set.
      glibc gives threads up to 8 per core; each thread's stage (tagger, encoder, the
      next group's reading, Prefect's own) then fragments a heap of its own, and the
      peak grows with the run. Two keep the two model stages apart: on 5k articles the
      highs stayed ~60 MB lower and flat, at the same speed (bench/README.md, memory,
      eleventh round). It binds threads that allocate after it, so call it before the
      task runner starts its threads.
    False off glibc.
    """
    libc = _libc()
    if libc is None:
        return False
    if "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(M_ARENA_MAX, ARENA_MAX)
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS (glibc `malloc_trim(0)`); True if any were."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False

