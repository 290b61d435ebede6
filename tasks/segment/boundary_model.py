"""A small logistic-regression model that weighs boundary cues into a probability.

The weights (`boundary_model.json`, a few kB) are trained by
`bench/segmentation/train.py` on dumps generated from the training split of the dev
articles. The file holds two models: `full` (layout + entity + topic-shift cues) and
`layout` (no embeddings, for `--layout-only` runs), the decoder's settings, and may name
a gap sequence model (`sequence_model`) whose log-odds are averaged with `full`'s.
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
    """Logistic regression, or with `hidden` weights a one-hidden-layer ReLU network
    (then `coef` are the output weights over the hidden units)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # the probability cut chosen on the training dumps
    hidden: np.ndarray | None = None  # (features, units) input weights of the network
    hidden_bias: np.ndarray | None = None

    def _z(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.scale

    def logit(self, X: np.ndarray) -> np.ndarray:
        """Boundary log-odds per row of features."""
        if len(X) == 0:
            return np.zeros(0)
        Z = self._z(X)
        if self.hidden is None:
            return Z @ self.coef + self.intercept
        return np.maximum(Z @ self.hidden + self.hidden_bias, 0.0) @ self.coef + self.intercept

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's share of the logit, per row (gradient x input for the network)."""
        Z = self._z(X)
        if self.hidden is None:
            return Z * self.coef
        active = (Z @ self.hidden + self.hidden_bias) > 0
        return Z * ((active * self.coef) @ self.hidden.T)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Boundary probability per row of features."""
        return 1.0 / (1.0 + np.exp(-self.logit(X)))

    def to_dict(self) -> dict:
        d = {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
            "threshold": round(float(self.threshold), 4),
        }
        if self.hidden is not None:
            d |= {"hidden": self.hidden.round(6).tolist(), "hidden_bias": self.hidden_bias.round(6).tolist()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "BoundaryModel":
        return cls(
            tuple(d["features"]),
            np.asarray(d["mean"]),
            np.asarray(d["scale"]),
            np.asarray(d["coef"]),
            float(d["intercept"]),
            float(d["threshold"]),
            np.asarray(d["hidden"]) if "hidden" in d else None,
            np.asarray(d["hidden_bias"]) if "hidden_bias" in d else None,
        )


@lru_cache(maxsize=4)
def load_models(path: str | None = None) -> dict:
    """The `full` and `layout` models from a weights file (the bundled one by default), and
    under `decoder` the whole-dump decoding settings trained with them, under `vector_cues`
    the learned embedding cues the full model reads, under `seam` the seam scorer's
    weights file it reads (a path beside the weights file; None if absent) and under
    `sequence` (path, weight) of the gap sequence model whose log-odds it averages with
    the full model's (None if absent), and under `short_lines` the file for dumps in short
    lines (`ShortLines`; None if absent)."""
    from tasks.segment.decode import DecoderParams
    from tasks.segment.rejoin import Rejoiner
    from tasks.segment.vector_cues import VectorCues

    p = Path(path) if path else DEFAULT_MODEL_PATH
    try:
        raw = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"boundary model {str(p)!r} cannot be read: {exc}") from exc
    models: dict = {name: BoundaryModel.from_dict(raw[name]) for name in ("full", "layout")}
    models["decoder"] = DecoderParams(**raw["decoder"]) if raw.get("decoder") else None
    models["vector_cues"] = VectorCues.from_dict(raw["vector_cues"]) if raw.get("vector_cues") else None
    models["seam"] = p.parent / raw["seam"] if raw.get("seam") else None
    sequence = raw.get("sequence")
    models["sequence"] = (p.parent / sequence["file"], float(sequence["weight"])) if sequence else None
    models["rejoin"] = Rejoiner.from_dict(raw["rejoin"]) if raw.get("rejoin") else None
    short = raw.get("short_lines")
    models["short_lines"] = ShortLines(p.parent / short["file"], float(short["max_median_words"])) if short else None
    if short and not models["short_lines"].path.is_file():  # fail at load, not on the first short-line dump
        raise RuntimeError(f"boundary model {str(p)!r} names a short-line model file that is not there: "
                           f"{str(models['short_lines'].path)!r}")
    return models


@dataclass(frozen=True)
class ShortLines:
    """A second model file for dumps in short lines (`boundaries.in_short_lines`): its path
    and the median words per line at or under which a dump without headlines goes to it."""

    path: Path
    max_median_words: float


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


def fit_mlp(
    X: np.ndarray, y: np.ndarray, units: int = 16, l2: float = 1e-3, iters: int = 1500, lr: float = 0.01, seed: int = 0
) -> BoundaryModel:
    """Standardise X and fit a one-hidden-layer ReLU network (log loss, L2, full-batch Adam).

    Small on purpose (a few hundred weights): it adds the interactions a linear model
    cannot weigh (a cut-off line matters when the next one opens a story; a title-like
    line matters in a dump without headlines) without memorising the training articles.
    """
    rng = np.random.default_rng(seed)
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    params = [
        rng.normal(0, np.sqrt(2 / Z.shape[1]), (Z.shape[1], units)),
        np.zeros(units),
        rng.normal(0, np.sqrt(1 / units), units),
        np.zeros(1),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, iters + 1):
        W1, b1, w2, b2 = params
        pre = Z @ W1 + b1
        h = np.maximum(pre, 0.0)
        p = 1.0 / (1.0 + np.exp(-(h @ w2 + b2[0])))
        g = (p - y) / len(y)
        gh = np.outer(g, w2) * (pre > 0)
        grads = [Z.T @ gh + l2 * W1, gh.sum(0), h.T @ g + l2 * w2, np.array([g.sum()])]
        for i, gr in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr**2
            params[i] = params[i] - lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    W1, b1, w2, b2 = params
    return BoundaryModel(("",) * Z.shape[1], mean, scale, w2, float(b2[0]), 0.5, W1, b1)


def average_networks(nets: list[BoundaryModel]) -> BoundaryModel:
    """One network whose log-odds are the mean of `nets`' (same features and standardisation).

    The mean of K one-hidden-layer networks is itself one: their hidden units side by side,
    the output weights divided by K. Averaging networks fitted from different initial
    weights takes out most of what a single retrain's seed moves.
    """
    first = nets[0]
    if any(n.hidden is None for n in nets):
        raise ValueError("only networks (with hidden weights) can be averaged")
    if any(not (np.allclose(n.mean, first.mean) and np.allclose(n.scale, first.scale)) for n in nets):
        raise ValueError("networks to average must share their input standardisation")
    k = len(nets)
    return BoundaryModel(
        first.features,
        first.mean,
        first.scale,
        np.concatenate([n.coef for n in nets]) / k,
        float(np.mean([n.intercept for n in nets])),
        first.threshold,
        np.hstack([n.hidden for n in nets]),
        np.concatenate([n.hidden_bias for n in nets]),
    )

