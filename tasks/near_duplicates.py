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
from collections.abc import Container, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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

    It lives for the whole run and grows with the warehouse, so it is kept compact:
    signatures in one uint32 array (512 bytes an article at 128 permutations), and the
    LSH bands' keys (one uint64 per band) with their rows in one array sorted by key,
    plus a small dict of recent additions merged in as it fills (~110 bytes an article
    for the bands, against ~620 as a dict per band and ~3,300 in datasketch's
    `MinHashLSH`). The banding (bands x rows for the threshold) is datasketch's.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._band_rows = lsh.r
        self._span = lsh.b * lsh.r  # the signature values the bands cover
        # A random odd multiplier per (band, value): a band's key is a hash of its values,
        # and bands hash differently, so all bands share one sorted array.
        rng = np.random.default_rng(20240601)
        self._mult = (rng.integers(1, 2**63, size=(lsh.b, lsh.r), dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
        self._keys = np.empty(0, dtype=np.uint64)  # band keys, sorted
        self._key_rows = np.empty(0, dtype=np.int32)  # the row of each key
        self._recent: dict[int, list[int]] = {}  # band key -> rows, not yet merged
        self._recent_count = 0
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._sigs = np.zeros((1024, num_perm), dtype=np.uint32)
        self.signatures = _Signatures(self)
        self.pending: dict[str, int] = {}  # added this run, not yet persisted: id -> row

    # ---- matching ----------------------------------------------------------------------
    def _band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 keys of n signatures. A collision only adds a candidate,
        and candidates are verified on the whole signature."""
        bands = sigs[:, : self._span].reshape(len(sigs), *self._mult.shape).astype(np.uint64)
        h = (bands * self._mult).sum(axis=2, dtype=np.uint64)  # wraps modulo 2**64
        h ^= h >> np.uint64(31)
        return h * np.uint64(0x9E3779B97F4A7C15)

    def _add_rows(self, article_ids: list[str], sigs: np.ndarray) -> list[int]:
        """Add signatures of ids not held yet; the rows of all of them, in order."""
        rows, new = [], []
        for aid in article_ids:
            row = self._rows.get(aid)
            if row is None:
                row = self._rows[aid] = len(self._ids)
                self._ids.append(aid)
                new.append(len(rows))
            rows.append(row)
        if not new:
            return rows
        first, last = rows[new[0]], rows[new[-1]] + 1
        if last > len(self._sigs):  # doubled; calloc'd rows take no memory until written
            grown = np.zeros((max(2 * len(self._sigs), last), self.num_perm), dtype=np.uint32)
            grown[:first] = self._sigs[:first]
            self._sigs = grown
        self._sigs[first:last] = sigs[new]
        keys = self._band_keys(sigs[new])
        if len(new) > 64:  # a bulk load: straight into the sorted array
            self._merge(keys.ravel(), np.repeat(np.arange(first, last, dtype=np.int32), keys.shape[1]))
            return rows
        for row, row_keys in zip(range(first, last), keys.tolist()):
            for key in row_keys:
                self._recent.setdefault(key, []).append(row)
        self._recent_count += len(new)
        if self._recent_count >= max(1024, len(self._ids) // 8):
            self._merge()
        return rows

    def _merge(self, keys: np.ndarray | None = None, rows: np.ndarray | None = None) -> None:
        """Fold the recent additions (and `keys`/`rows`) into the sorted array."""
        parts_k, parts_r = [self._keys], [self._key_rows]
        if self._recent:
            pairs = [(k, r) for k, held in self._recent.items() for r in held]
            parts_k.append(np.fromiter((k for k, _ in pairs), np.uint64, len(pairs)))
            parts_r.append(np.fromiter((r for _, r in pairs), np.int32, len(pairs)))
            self._recent, self._recent_count = {}, 0
        if keys is not None:
            parts_k.append(keys)
            parts_r.append(rows)
        all_keys, all_rows = np.concatenate(parts_k), np.concatenate(parts_r)
        order = np.argsort(all_keys, kind="stable")
        self._keys, self._key_rows = all_keys[order], all_rows[order]

    def _candidates(self, sig: np.ndarray) -> list[int]:
        keys = self._band_keys(sig[None, :])[0]
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        rows = {int(r) for a, b in zip(lo.tolist(), hi.tolist()) if b > a for r in self._key_rows[a:b]}
        for key in keys.tolist():
            rows.update(self._recent.get(key, ()))
        return sorted(rows)

    def match(self, article: Article) -> tuple[str, float] | None:
        """(id of the most similar known article, estimated Jaccard) above the threshold,
        or None; a new article is added to the index either way it is not a match. The
        article's own `minhash` is used when it has one (the annotate stage's)."""
        sig, article.minhash = article.minhash, None  # the index keeps its own copy
        if sig is None or len(sig) != self.num_perm:
            sig = signature(article.body, self.num_perm)
        if rows := self._candidates(sig):
            sims = (self._sigs[rows] == sig).mean(axis=1)
            best = int(np.argmax(sims))
            if sims[best] >= self.threshold:
                return self._ids[rows[best]], round(float(sims[best]), 4)
        (self.pending[article.article_id],) = self._add_rows([article.article_id], sig[None, :])
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
            sigs = table.column("signature")
            lengths = pc.list_value_length(sigs).to_numpy(zero_copy_only=False)
            keep = np.flatnonzero(lengths == num_perm)  # another permutation count: recomputed below
            if len(keep):
                values = pc.list_flatten(sigs.take(keep)).to_numpy().astype(np.uint32, copy=False)
                ids = table.column("article_id").take(keep).to_pylist()
                index._add_rows(ids, values.reshape(len(keep), num_perm))
        stored = wh.stored_article_ids()
        if len(stored) > sum(aid in stored for aid in index._ids):  # stored articles with no signature
            for path in wh.files("articles"):
                source = wh.filesystem.open(str(path), "rb") if remote else path
                for batch in pq.ParquetFile(source).iter_batches(columns=["article_id", "body"], batch_size=512):
                    missing = [(aid, body) for aid, body in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist())
                               if aid not in index._rows]
                    if missing:
                        sigs = np.stack([signature(body or "", num_perm) for _, body in missing])
                        rows = index._add_rows([aid for aid, _ in missing], sigs)
                        index.pending.update(zip((aid for aid, _ in missing), rows))
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

    def persist(self, wh, stored_ids: Container[str] | None = None) -> int:
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
