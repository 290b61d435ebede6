"""Segmentation metrics over lines: Pk, WindowDiff and exact-boundary precision/recall/F1; ROC AUC of a cue."""
from __future__ import annotations

import numpy as np


def _labels(starts: list[int], n: int) -> list[int]:
    cuts = sorted(set(starts) | {0})
    out, seg = [], -1
    cut_set = set(cuts)
    for i in range(n):
        if i in cut_set:
            seg += 1
        out.append(seg)
    return out


def window_size(ref_starts: list[int], n: int) -> int:
    """Half the mean reference segment length (the usual choice), at least 1."""
    return max(1, round(n / (2 * max(1, len(set(ref_starts) | {0})))))


def pk(ref: list[int], hyp: list[int], n: int, k: int | None = None) -> float:
    """Pk (Beeferman et al. 1999): how often a window of k lines disagrees on 'same article?'."""
    k = k or window_size(ref, n)
    if n <= k:
        return 0.0
    r, h = _labels(ref, n), _labels(hyp, n)
    errors = sum((r[i] == r[i + k]) != (h[i] == h[i + k]) for i in range(n - k))
    return errors / (n - k)


def window_diff(ref: list[int], hyp: list[int], n: int, k: int | None = None) -> float:
    """WindowDiff (Pevzner & Hearst 2002): windows whose boundary counts differ."""
    k = k or window_size(ref, n)
    if n <= k:
        return 0.0
    r, h = _labels(ref, n), _labels(hyp, n)
    errors = sum((r[i + k] - r[i]) != (h[i + k] - h[i]) for i in range(n - k))
    return errors / (n - k)


def boundary_counts(ref: list[int], hyp: list[int]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) over boundaries after the first line."""
    r = {s for s in ref if s > 0}
    h = {s for s in hyp if s > 0}
    return len(r & h), len(h), len(r)


def bootstrap_interval(values: list[float], level: float = 0.95, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of `values` (one per dump), resampling dumps.

    Dumps that share articles are not independent, so this is a lower bound on the
    uncertainty: it says how much the mean moves with the draw of dumps, not of articles."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return float(v.mean()), float(v.mean())
    means = np.random.default_rng(seed).choice(v, size=(draws, len(v))).mean(1)
    tail = (1 - level) / 2 * 100
    return float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC of `scores` for `labels` == 1, by ranks (tied scores share their mean rank)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for v in np.unique(scores):
        tie = scores == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    pos = labels == 1
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum()))
