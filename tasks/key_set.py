"""A compact set of row keys, for state that grows with the warehouse and lives for a run.

The writer checks every new row against the keys already stored, and the dedupe stage
checks every article id against those stored and seen so far. As Python sets of strings
or tuples these cost ~150-250 bytes a key (a warehouse of a million articles: a quarter
of a gigabyte, twice over). A `KeySet` holds a 16-byte BLAKE2b digest of each key in
one sorted array, plus a small buffer of recent additions merged in as it fills: ~16
bytes a key. A false match needs two keys with the same 128-bit digest.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

_DIGEST = np.dtype("S16")
_MIN_BUFFER = 4096


def key_digest(key) -> bytes:
    """The digest of a key: a tuple of values, or one value (the same as its 1-tuple)."""
    if not isinstance(key, tuple):
        key = (key,)
    # repr keeps types apart: None is not "None", 1 is not "1"
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).digest()


class KeySet:
    """A set of keys that answers membership, not iteration: `key in s`, `s.add(key)`.

    One writer at a time (the warehouse's lock, or the flow's own thread); reads may run
    beside a write."""

    def __init__(self, keys: Iterable = ()) -> None:
        self._sorted = np.empty(0, dtype=_DIGEST)
        self._recent: set[bytes] = set()
        self.update(keys)

    def add(self, key) -> None:
        self._recent.add(key_digest(key))
        if len(self._recent) >= max(_MIN_BUFFER, len(self._sorted) // 8):
            self._merge()

    def update(self, keys: Iterable) -> None:
        for key in keys:
            self.add(key)

    def __contains__(self, key) -> bool:
        digest = key_digest(key)
        if digest in self._recent:
            return True
        at = int(self._sorted.searchsorted(digest))
        # compared as numpy S16 values, not as the bytes numpy gives back: those lose
        # trailing zero bytes
        return at < len(self._sorted) and bool(self._sorted[at : at + 1] == digest)

    def __len__(self) -> int:
        self._merge()
        return len(self._sorted)

    def copy(self) -> KeySet:
        out = KeySet()
        out._sorted, out._recent = self._sorted.copy(), set(self._recent)
        return out

    def _merge(self) -> None:
        if not self._recent:
            return
        fresh = np.array(sorted(self._recent), dtype=_DIGEST)
        # The merged array first, then the buffer emptied: a reader on another thread
        # finds every key in one or the other throughout (writers take turns outside).
        self._sorted = np.union1d(self._sorted, fresh)  # sorted, each digest once
        self._recent = set()
