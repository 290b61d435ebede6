"""A learned cue read straight off the line embeddings: does this line open an article?

News leads have a register of their own (who did what, where and when; a full name with
its title; a date), and a sentence embedding carries it. A logistic regression over the
unit line vector (384 weights, plain numpy) gives the log-odds that a line is an article's
first body line. It matters where the layout does not mark starts (no headlines, no blank
lines); `features.gap_features` mutes it elsewhere.

The weights are fitted by bench/segmentation/vector_cues_fit.py on the training articles
(their own leads and the same leads re-opened without Wikinews' 'On Monday, ...') and ship
inside boundary_model.json under `vector_cues`. A learned same-article similarity and a
closing-line score were measured too and added nothing (bench/README.md, round 3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CUE_NAMES = ["vec_opening"]


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


@dataclass(frozen=True)
class VectorCues:
    open_coef: np.ndarray  # (dim,) over a unit line vector
    open_bias: float

    def gap_cues(self, emb: np.ndarray) -> np.ndarray:
        """CUE_NAMES for the gaps before lines 1..n-1 of `emb` (one row per line)."""
        return (unit_rows(emb[1:].astype(np.float64)) @ self.open_coef + self.open_bias)[:, None]

    def to_dict(self) -> dict:
        return {"open_coef": self.open_coef.round(5).tolist(), "open_bias": round(float(self.open_bias), 5)}

    @classmethod
    def from_dict(cls, d: dict) -> "VectorCues":
        return cls(np.asarray(d["open_coef"]), float(d["open_bias"]))
