"""Learned cues read straight off the line embeddings (three linear models, plain numpy).

Raw cosine treats every embedding dimension alike; which dimensions tell 'same story' from
'same topic, different story' is learned from articles instead:

- `same_article`: log-odds that two windows of lines belong to one article, from their unit
  mean vectors u, v as [u * v, |u - v|] (symmetric in the two windows). Trained on gaps
  inside articles against article ends followed by another article's start, half of those a
  nearest neighbour by topic (the hard case: two stories on one subject).
- `opening`: log-odds that a line opens an article (news leads name who, what, where, when).
- `closing`: log-odds that a line closes one.

The weights are fitted by bench/segmentation/vector_cues_fit.py on the training articles and
ship inside boundary_model.json under `vector_cues`; standardisation is folded into them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CUE_NAMES = ["vec_same_w1", "vec_same_w3", "vec_opening", "vec_closing"]


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def pair_features(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """[u * v, |u - v|] for the unit means u, v of two windows (rows: pairs)."""
    u, v = _unit(before), _unit(after)
    return np.hstack([u * v, np.abs(u - v)])


@dataclass(frozen=True)
class VectorCues:
    same_coef: np.ndarray  # (2 * dim,) over pair_features
    same_bias: float
    open_coef: np.ndarray  # (dim,) over a unit line vector
    open_bias: float
    close_coef: np.ndarray
    close_bias: float

    def same_article(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Log-odds per row that windows `before` and `after` (summed or mean vectors) share an article."""
        return pair_features(before, after) @ self.same_coef + self.same_bias

    def gap_cues(self, emb: np.ndarray) -> np.ndarray:
        """CUE_NAMES for the gaps before lines 1..n-1 of `emb` (one row per line)."""
        n = len(emb)
        emb = _unit(emb.astype(np.float64))
        prefix = np.vstack([np.zeros((1, emb.shape[1])), np.cumsum(emb, 0)])
        gaps = np.arange(1, n)
        cols = []
        for w in (1, 3):
            before = prefix[gaps] - prefix[np.maximum(0, gaps - w)]
            after = prefix[np.minimum(n, gaps + w)] - prefix[gaps]
            cols.append(self.same_article(before, after))
        cols.append(emb[1:] @ self.open_coef + self.open_bias)
        cols.append(emb[:-1] @ self.close_coef + self.close_bias)
        return np.stack(cols, axis=1)

    def to_dict(self) -> dict:
        return {k: (v.round(5).tolist() if isinstance(v, np.ndarray) else round(float(v), 5)) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, d: dict) -> "VectorCues":
        return cls(**{k: (np.asarray(v) if isinstance(v, list) else float(v)) for k, v in d.items()})
