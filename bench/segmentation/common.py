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


class EmbeddingCache:
    """MiniLM line embeddings keyed by a hash of the text, kept in bench/out between runs."""

    def __init__(self, path: Path | None = None):
        path = path or _cache_path()
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            z = np.load(path)
            self.vectors = dict(zip(z["keys"].tolist(), z["vectors"]))
        self.dirty = False

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if self.key(t) not in self.vectors})
        if missing:
            from tasks.models import sentence_embedder

            for t, v in zip(missing, sentence_embedder(backend=backend()).encode(missing)):
                self.vectors[self.key(t)] = v
            self.dirty = True
        return np.stack([self.vectors[self.key(t)] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.vectors)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
            tmp.rename(self.path)
            self.dirty = False


class SeamCache:
    """Seam scores (tasks/segment/seam.py) keyed by the trimmed pair, one cache file per
    weights file (named by a hash of its bytes), kept in bench/out between runs."""

    def __init__(self, model_path: Path):
        self.model_path = Path(model_path)
        digest = hashlib.sha1(self.model_path.read_bytes()).hexdigest()[:12]
        self.path = OUT / f"seam-{digest}.npz"
        self.scores: dict[str, float] = {}
        if self.path.exists():
            z = np.load(self.path)
            self.scores = dict(zip(z["keys"].tolist(), z["scores"].tolist()))
        self.dirty = False

    @staticmethod
    def key(pair: tuple[str, str]) -> str:
        from tasks.segment.seam import seam_pair

        return hashlib.sha1("\x00".join(seam_pair(*pair)).encode()).hexdigest()

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        keys = [self.key(p) for p in pairs]
        missing = {k: p for k, p in zip(keys, pairs) if k not in self.scores}
        if missing:
            from tasks.segment.seam import seam_scorer

            for k, v in zip(missing, seam_scorer(self.model_path).score(list(missing.values()))):
                self.scores[k] = float(v)
            self.dirty = True
        return np.array([self.scores[k] for k in keys], dtype=np.float32)

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(list(self.scores)), scores=np.array(list(self.scores.values())))
            tmp.rename(self.path)
            self.dirty = False


def centroids(articles, cache: EmbeddingCache) -> np.ndarray:
    """Mean paragraph embedding per article, unit length (for one-topic grouping)."""
    from tasks.segment.features import topic_text

    rows = []
    for a in articles:
        v = cache.encode([topic_text(p) for p in a.paragraphs]).mean(0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.stack(rows)
