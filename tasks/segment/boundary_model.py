"""A small logistic-regression model that weighs boundary cues into a probability.

The weights (`boundary_model.json`, a few kB) are trained by
`bench/segmentation/train.py` on dumps generated from the training split of the dev
articles. The file holds two models: `full` (layout + entity + topic-shift cues) and
`layout` (no embeddings, for `--layout-only` runs).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT_MODEL_PATH = Path(__file__).with_name("boundary_model.json")


@dataclass(frozen=True)
class BoundaryModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # the probability cut chosen on the training dumps

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's share of the logit, per row."""
        return ((X - self.mean) / self.scale) * self.coef

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Boundary probability per row of features."""
        if len(X) == 0:
            return np.zeros(0)
        logit = self.contributions(X).sum(1) + self.intercept
        return 1.0 / (1.0 + np.exp(-logit))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
            "threshold": round(float(self.threshold), 4),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "BoundaryModel":
        return cls(
            tuple(d["features"]),
            np.asarray(d["mean"]),
            np.asarray(d["scale"]),
            np.asarray(d["coef"]),
            float(d["intercept"]),
            float(d["threshold"]),
        )


@lru_cache(maxsize=4)
def load_models(path: str | None = None) -> dict[str, BoundaryModel]:
    """The `full` and `layout` models from a weights file (the bundled one by default)."""
    p = Path(path) if path else DEFAULT_MODEL_PATH
    try:
        raw = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"boundary model {str(p)!r} cannot be read: {exc}") from exc
    return {name: BoundaryModel.from_dict(raw[name]) for name in ("full", "layout")}


def fit_logistic(
    X: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 3000, lr: float = 0.5, pos_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardise X and fit L2-regularised logistic regression by full-batch gradient descent.

    Returns (mean, scale, coef, intercept). Plain numpy: a few thousand rows, a few dozen features.
    """
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w = np.zeros(Z.shape[1])
    b = 0.0
    sample_w = np.where(y > 0, pos_weight, 1.0)
    sample_w = sample_w / sample_w.mean()
    # Adam: robust to the badly scaled binary features without tuning a step size.
    m_w = v_w = np.zeros_like(w)
    m_b = v_b = 0.0
    for t in range(1, iters + 1):
        p = 1.0 / (1.0 + np.exp(-(Z @ w + b)))
        g = (p - y) * sample_w
        gw = Z.T @ g / len(y) + l2 * w
        gb = float(g.mean())
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw**2
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb**2
        step = lr * 0.1 / (1 + t / 500)
        w = w - step * (m_w / (1 - 0.9**t)) / (np.sqrt(v_w / (1 - 0.999**t)) + 1e-8)
        b = b - step * (m_b / (1 - 0.9**t)) / (np.sqrt(v_b / (1 - 0.999**t)) + 1e-8)
    return mean, scale, w, b
