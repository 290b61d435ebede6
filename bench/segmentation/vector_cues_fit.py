"""Fit `tasks.segment.vector_cues.VectorCues` on training articles (used by train.py).

    python bench/segmentation/vector_cues_fit.py     # cross-validated AUCs on the training split only

Pairs for `same_article`: every gap inside an article (windows of 1 and 3 lines each side)
against the last lines of one article and the first of another, half the other drawn from
the article's 10 nearest neighbours by topic. Openings: each article's first body line,
also in its reopened form (day lead dropped, other datelines, bylines: `DevArticle.reopened`)
so the model does not learn only Wikinews' 'On Monday, ...'; closings: each last line.
"""
from __future__ import annotations

import random

import numpy as np

from common import EmbeddingCache, centroids
from tasks.segment.features import topic_text
from tasks.segment.vector_cues import VectorCues, _unit, pair_features

L2_SAME, L2_OPEN, L2_CLOSE = 0.1, 0.1, 0.3  # chosen on training folds (AUC); weaker L2 overfits 384-768 weights
WINDOWS = (1, 3)


def _lines(a, cache: EmbeddingCache, title: bool) -> np.ndarray:
    texts = ([a.title] if title else []) + list(a.paragraphs)
    return _unit(cache.encode([topic_text(t) for t in texts]).astype(np.float64))


def _logistic(X: np.ndarray, y: np.ndarray, penalty: np.ndarray, iters: int = 1500, lr: float = 0.05):
    """Class-balanced logistic regression, L2 `penalty` per weight, full-batch Adam."""
    w, b = np.zeros(X.shape[1]), 0.0
    sw = np.where(y > 0, (y == 0).sum() / max(1, (y == 1).sum()), 1.0)
    sw = sw / sw.mean()
    m, v, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for t in range(1, iters + 1):
        g = (1.0 / (1.0 + np.exp(-(X @ w + b))) - y) * sw
        gw, gb = X.T @ g / len(y) + penalty * w, float(g.mean())
        m, v = 0.9 * m + 0.1 * gw, 0.999 * v + 0.001 * gw**2
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb**2
        step = lr / (1 + t / 500)
        w = w - step * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        b = b - step * (mb / (1 - 0.9**t)) / (np.sqrt(vb / (1 - 0.999**t)) + 1e-8)
    return w, b


def _fit_same(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Same-article weights over pair_features: plain cosine (unpenalised) plus penalised
    per-dimension corrections, so strong L2 falls back to cosine, not to nothing."""
    d = X.shape[1] // 2
    cos = X[:, :d].sum(1, keepdims=True)
    root = np.sqrt(d)
    w, b = _logistic(np.hstack([5 * cos, 5 * root * X[:, :d], root * X[:, d:]]), y, np.r_[0.0, np.full(2 * d, L2_SAME)])
    return np.r_[5 * w[0] + 5 * root * w[1 : d + 1], root * w[d + 1 :]], b


def _fit_line(X: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weights over a unit line vector (components scaled to about 1 while fitting)."""
    w, b = _logistic(20 * X, y, np.full(X.shape[1], l2))
    return 20 * w, b


def training_rows(articles, cache: EmbeddingCache, seed: int = 0):
    """(pair X, y), (opening X, y), (closing X, y) from `articles`."""
    rng = random.Random(seed)
    cents = centroids(articles, cache)
    pairs, same = [], []
    line_x, is_open, is_close = [], [], []
    embs = {a.id: (_lines(a, cache, False), _lines(a, cache, True)) for a in articles}
    for i, a in enumerate(articles):
        plain, titled = embs[a.id]
        for lines in (plain, titled):
            for j in range(1, len(lines)):
                for w in WINDOWS:
                    pairs.append(pair_features(lines[max(0, j - w) : j].sum(0, keepdims=True), lines[j : j + w].sum(0, keepdims=True)))
                    same.append(1.0)
        near = [int(k) for k in np.argsort(-(cents @ cents[i]))[1:11]]
        partners = rng.sample(near, 2) + rng.sample([k for k in range(len(articles)) if k != i], 2)
        for k in partners:
            for w in WINDOWS:
                after = embs[articles[k].id][rng.random() < 0.5][:w]
                pairs.append(pair_features(plain[-w:].sum(0, keepdims=True), after.sum(0, keepdims=True)))
                same.append(0.0)
        lead = _unit(cache.encode([topic_text(a.reopened().paragraphs[0])]).astype(np.float64))
        line_x += [plain, lead]
        is_open += [[1.0] + [0.0] * (len(plain) - 1), [1.0]]
        is_close += [[0.0] * (len(plain) - 1) + [1.0], [0.0]]
    L = np.vstack(line_x)
    return (np.vstack(pairs), np.array(same)), (L, np.concatenate(is_open)), (L, np.concatenate(is_close))


def fit_vector_cues(articles, cache: EmbeddingCache, keep=("same", "opening", "closing"), seed: int = 0) -> VectorCues:
    """VectorCues fitted on `articles` (never evaluation articles); cues not in `keep` get
    zero weights (they read 0: an ablation)."""
    (Xp, yp), (Xo, yo), (Xc, yc) = training_rows(articles, cache, seed)
    fits = [_fit_same(Xp, yp), _fit_line(Xo, yo, L2_OPEN), _fit_line(Xc, yc, L2_CLOSE)]
    for i, name in enumerate(("same", "opening", "closing")):
        if name not in keep:
            fits[i] = (np.zeros_like(fits[i][0]), 0.0)
    return VectorCues(*fits[0], *fits[1], *fits[2])


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(score)
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    pos = y == 1
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum()))


def main() -> None:
    from dumps import load_articles, split

    cache = EmbeddingCache()
    articles = split(load_articles(), "train")
    for f in range(3):
        fit_on = [a for a in articles if a.seed("fold") % 3 != f]
        held = [a for a in articles if a.seed("fold") % 3 == f]
        cues = fit_vector_cues(fit_on, cache)
        (Xp, yp), (Xo, yo), (Xc, yc) = training_rows(held, cache, seed=1)
        d = Xp.shape[1] // 2
        print(f"fold {f}: same-article AUC {_auc(Xp @ cues.same_coef + cues.same_bias, yp):.3f} "
              f"(cosine {_auc(Xp[:, :d].sum(1), yp):.3f}), opening {_auc(Xo @ cues.open_coef, yo):.3f}, "
              f"closing {_auc(Xc @ cues.close_coef, yc):.3f}", flush=True)


if __name__ == "__main__":
    main()
