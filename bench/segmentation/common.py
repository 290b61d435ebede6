"""Shared pieces of the segmentation benchmark: an on-disk embedding cache and dump scoring."""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "segmentation"


def backend() -> str:
    """The segmenter's embedding backend: torch fp32 (settings `segment_embedding_backend`), or
    NEWSFLOW_EMBEDDING_BACKEND to measure another (the stages' default is not the segmenter's)."""
    return os.environ.get("NEWSFLOW_EMBEDDING_BACKEND") or "torch"


def _cache_path() -> Path:
    """One cache per embedding backend (torch: embeddings.npz)."""
    return OUT / ("embeddings.npz" if backend() == "torch" else f"embeddings-{backend()}.npz")


class KeyedCache:
    """Values keyed by a hash of what they were computed from, kept in one npz file in
    bench/out between runs (written to a temporary name, then renamed into place).
    Subclasses name the array the values are stored under (`field`)."""

    field = "values"

    def __init__(self, path: Path):
        self.path = path
        self.values: dict[str, np.ndarray] = {}
        if path.exists():
            z = np.load(path)
            self.values = dict(zip(z["keys"].tolist(), z[self.field]))
        self.dirty = False

    def lookup(self, keyed: dict, compute) -> None:
        """Fills in the keys of `keyed` (key: input) not cached yet, with `compute(inputs)`."""
        missing = {k: x for k, x in keyed.items() if k not in self.values}
        if missing:
            self.values.update(zip(missing, compute(list(missing.values()))))
            self.dirty = True

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.values)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(keys), **{self.field: np.stack([self.values[k] for k in keys])})
            tmp.rename(self.path)
            self.dirty = False


class EmbeddingCache(KeyedCache):
    """MiniLM line embeddings keyed by a hash of the text."""

    field = "vectors"

    def __init__(self, path: Path | None = None):
        super().__init__(path or _cache_path())

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        def embed(missing: list[str]) -> np.ndarray:
            from tasks.models import sentence_embedder

            return sentence_embedder(backend=backend()).encode(missing)

        self.lookup({self.key(t): t for t in sorted(set(texts))}, embed)
        return np.stack([self.values[self.key(t)] for t in texts]) if texts else np.zeros((0, 384), np.float32)


class SeamCache(KeyedCache):
    """Seam scores (tasks/segment/seam.py) keyed by the trimmed pair, one cache file per
    weights file (named by a hash of its bytes)."""

    field = "scores"

    def __init__(self, model_path: Path):
        self.model_path = Path(model_path)
        digest = hashlib.sha1(self.model_path.read_bytes()).hexdigest()[:12]
        super().__init__(OUT / f"seam-{digest}.npz")

    @staticmethod
    def key(pair: tuple[str, str]) -> str:
        from tasks.segment.seam import seam_pair

        return hashlib.sha1("\x00".join(seam_pair(*pair)).encode()).hexdigest()

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        def scores(missing: list[tuple[str, str]]) -> np.ndarray:
            from tasks.segment.seam import seam_scorer

            return seam_scorer(self.model_path).score(missing)

        keys = [self.key(p) for p in pairs]
        self.lookup(dict(zip(keys, pairs)), scores)
        return np.array([self.values[k] for k in keys], dtype=np.float32)


def centroids(articles, cache: EmbeddingCache) -> np.ndarray:
    """Mean paragraph embedding per article, unit length (for one-topic grouping)."""
    from tasks.segment.features import topic_text

    rows = []
    for a in articles:
        v = cache.encode([topic_text(p) for p in a.paragraphs]).mean(0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.stack(rows)
