"""Near-duplicate detection: MinHash signatures of word shingles in an LSH index.

News is republished with small edits (a new headline, a byline, a trimmed last
paragraph); such copies share most of their word 5-grams. Each body gets a MinHash
signature (datasketch); LSH finds candidates above the Jaccard threshold, and the
signatures' agreement estimates the similarity that is recorded.

Signatures of stored articles are persisted next to the warehouse tables, in
`_newsflow/minhash/part-*.parquet` (article_id, signature as uint32s: 512 bytes per
article at 128 permutations), so a run loads them instead of re-hashing every stored
body. Articles stored without one (an older warehouse, or a crash between commit and
signature write) are hashed from their stored bodies at load, and written back.
"""
from __future__ import annotations

import functools
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.records import Article

SHINGLE_WORDS = 5
COMPACT_AFTER_FILES = 64
_WORD = re.compile(r"\w+")
SIGNATURES = pa.schema([("article_id", pa.string()), ("signature", pa.list_(pa.uint32()))])


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """Distinct lower-cased word n-grams of `text` (the whole text when it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")]
    return list({" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)})


@functools.lru_cache(maxsize=4)
def _template(num_perm: int):
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1)


def signature(text: str, num_perm: int = 128) -> np.ndarray:
    """The MinHash signature (uint32, `num_perm` values) of a text's word shingles."""
    from datasketch import MinHash

    template = _template(num_perm)
    m = MinHash(num_perm=num_perm, permutations=template.permutations, scheme=template.scheme)
    m.update_batch(shingles(text))
    return m.hashvalues


class NearDuplicateIndex:
    """An LSH index of the signatures known so far: the warehouse's, then this run's.

    It lives for the whole run, so it is kept compact: signatures in one uint32 array,
    and per LSH band a dict from the band's hash to the rows sharing it (about 1.5 KB
    per article at 128 permutations; datasketch's `MinHashLSH` holds ~3.3 KB more).
    The banding (bands x rows for the threshold) is datasketch's.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._bands = [(i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b)]
        self._buckets: list[dict[int, int | list[int]]] = [{} for _ in self._bands]
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._sigs = np.zeros((1024, num_perm), dtype=np.uint32)
        self.signatures = _Signatures(self)
        self.pending: dict[str, int] = {}  # added this run, not yet persisted: id -> row

    # ---- matching ----------------------------------------------------------------------
    def _keys(self, sig: np.ndarray) -> list[int]:
        # A hash collision only adds a candidate, and candidates are verified below.
        return [hash(sig[a:b].tobytes()) for a, b in self._bands]

    def _add(self, article_id: str, sig: np.ndarray) -> int:
        row = self._rows.get(article_id)
        if row is not None:
            return row
        row = len(self._ids)
        if row == len(self._sigs):  # doubled; calloc'd rows take no memory until written
            grown = np.zeros((2 * row, self.num_perm), dtype=np.uint32)
            grown[:row] = self._sigs
            self._sigs = grown
        self._sigs[row] = sig
        self._ids.append(article_id)
        self._rows[article_id] = row
        for bucket, key in zip(self._buckets, self._keys(sig)):
            held = bucket.get(key)
            if held is None:
                bucket[key] = row
            elif isinstance(held, int):
                bucket[key] = [held, row]
            else:
                held.append(row)
        return row

    def _candidates(self, sig: np.ndarray) -> list[int]:
        rows: set[int] = set()
        for bucket, key in zip(self._buckets, self._keys(sig)):
            held = bucket.get(key)
            if held is not None:
                rows.update((held,) if isinstance(held, int) else held)
        return sorted(rows)

    def match(self, article: Article) -> tuple[str, float] | None:
        """(id of the most similar known article, estimated Jaccard) above the threshold,
        or None; a new article is added to the index either way it is not a match."""
        sig = signature(article.body, self.num_perm)
        if rows := self._candidates(sig):
            sims = (self._sigs[rows] == sig).mean(axis=1)
            best = int(np.argmax(sims))
            if sims[best] >= self.threshold:
                return self._ids[rows[best]], round(float(sims[best]), 4)
        self.pending[article.article_id] = self._add(article.article_id, sig)
        return None

    # ---- persistence -------------------------------------------------------------------
    @staticmethod
    def folder(wh) -> Path:
        return wh.root / "_newsflow" / "minhash"

    @classmethod
    def load(cls, wh, threshold: float = 0.8, num_perm: int = 128) -> NearDuplicateIndex:
        """The index of every stored article: persisted signatures, the missing ones
        computed from stored bodies (and persisted)."""
        index = cls(threshold, num_perm)
        remote = getattr(wh, "filesystem", None) is not None
        folder = None if remote else cls.folder(wh)
        # On object storage signatures are not kept: they are recomputed from stored bodies.
        for path in [] if remote else sorted(folder.glob("part-*.parquet")):
            table = pq.read_table(path)
            for aid, sig in zip(table.column("article_id").to_pylist(), table.column("signature").to_numpy()):
                if len(sig) == num_perm:  # written with another permutation count: recomputed below
                    index._add(aid, np.asarray(sig, dtype=np.uint32))
        stored = wh.stored_article_ids()
        missing = stored - index._rows.keys()
        if missing:
            for path in wh.files("articles"):
                source = wh.filesystem.open(str(path), "rb") if remote else path
                for batch in pq.ParquetFile(source).iter_batches(columns=["article_id", "body"], batch_size=512):
                    for aid, body in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
                        if aid in missing and aid not in index._rows:
                            index.pending[aid] = index._add(aid, signature(body or "", num_perm))
            index.persist(wh, stored)
        if not remote and len(list(folder.glob("part-*.parquet"))) > COMPACT_AFTER_FILES:
            index.compact(wh)
        return index

    def compact(self, wh) -> None:
        """Rewrite the signature files as one (each run adds a few small ones)."""
        with wh.lock():
            old = sorted(self.folder(wh).glob("part-*.parquet"))
            self.pending, pending = dict(self._rows), self.pending
            self.persist(wh, set(self.signatures))
            self.pending = pending
            for path in old:
                path.unlink(missing_ok=True)

    def persist(self, wh, stored_ids: set[str] | None = None) -> int:
        """Write the pending signatures of articles now stored; returns how many.

        Articles not (yet) stored stay pending, so a signature never outlives its article.
        """
        if getattr(wh, "filesystem", None) is not None:  # object storage: nothing is kept
            self.pending.clear()
            return 0
        stored_ids = wh.stored_article_ids() if stored_ids is None else stored_ids
        ready = [aid for aid in self.pending if aid in stored_ids]
        if not ready:
            return 0
        table = pa.Table.from_pylist(
            [{"article_id": aid, "signature": self._sigs[self.pending[aid]].tolist()} for aid in ready], SIGNATURES
        )
        folder = self.folder(wh)
        folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex[:16]
        tmp = folder / f".part-{name}.tmp"
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, folder / f"part-{name}.parquet")
        for aid in ready:
            del self.pending[aid]
        return len(ready)


class _Signatures(Mapping):
    """Read-only view: article id -> its signature, for the articles in an index."""

    def __init__(self, index: NearDuplicateIndex) -> None:
        self._index = index

    def __getitem__(self, article_id: str) -> np.ndarray:
        return self._index._sigs[self._index._rows[article_id]].copy()

    def __iter__(self):
        return iter(self._index._ids)

    def __len__(self) -> int:
        return len(self._index._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._index._rows
