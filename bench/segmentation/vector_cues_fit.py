"""Fit `tasks.segment.vector_cues.VectorCues` (the opening-line cue) on training articles.

    python bench/segmentation/vector_cues_fit.py     # cross-validated AUC on the training split only

Positives: each article's first body line, and the same lead re-opened (`DevArticle.reopened`:
the day lead dropped, other datelines, bylines) so the model does not learn only Wikinews'
'On Monday, ...'; negatives: every other body line. train.py fits it per fold (cross-fitting).
"""
from __future__ import annotations

import numpy as np

from common import EmbeddingCache
from metrics import auc
from tasks.segment.features import topic_text
from tasks.segment.vector_cues import VectorCues, unit_rows

L2 = 0.1  # chosen on the training folds (AUC 0.83-0.84; 0.01: 0.83, 1.0: 0.82)


def _logistic(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 1500, lr: float = 0.05):
    """Class-balanced L2 logistic regression, full-batch Adam."""
    w, b = np.zeros(X.shape[1]), 0.0
    sw = np.where(y > 0, (y == 0).sum() / max(1, (y == 1).sum()), 1.0)
    sw = sw / sw.mean()
    m, v, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for t in range(1, iters + 1):
        g = (1.0 / (1.0 + np.exp(-(X @ w + b))) - y) * sw
        gw, gb = X.T @ g / len(y) + l2 * w, float(g.mean())
        m, v = 0.9 * m + 0.1 * gw, 0.999 * v + 0.001 * gw**2
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb**2
        step = lr / (1 + t / 500)
        w = w - step * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        b = b - step * (mb / (1 - 0.9**t)) / (np.sqrt(vb / (1 - 0.999**t)) + 1e-8)
    return w, b


def training_rows(articles, cache: EmbeddingCache) -> tuple[np.ndarray, np.ndarray]:
    """(unit line vectors, 1 for an article's first body line) from `articles`."""
    texts, y = [], []
    for a in articles:
        texts += list(a.paragraphs) + [a.reopened().paragraphs[0]]
        y += [1.0] + [0.0] * (len(a.paragraphs) - 1) + [1.0]
    return unit_rows(cache.encode([topic_text(t) for t in texts]).astype(np.float64)), np.array(y)


def fit_vector_cues(articles, cache: EmbeddingCache) -> VectorCues:
    """The opening cue fitted on `articles` (never evaluation articles)."""
    X, y = training_rows(articles, cache)
    w, b = _logistic(20 * X, y, L2)  # components scaled to about 1 while fitting
    return VectorCues(20 * w, b)


def main() -> None:
    from dumps import load_articles, split

    cache = EmbeddingCache()
    articles = split(load_articles(), "train")
    for f in range(3):
        cues = fit_vector_cues([a for a in articles if a.seed("fold") % 3 != f], cache)
        X, y = training_rows([a for a in articles if a.seed("fold") % 3 == f], cache)
        print(f"fold {f}: opening-line AUC {auc(cues.gap_cues(np.vstack([X[:1], X]))[:, 0], y):.3f}", flush=True)


if __name__ == "__main__":
    main()
