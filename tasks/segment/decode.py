"""Whole-dump decoding: the best set of article starts, not a threshold per gap.

Dynamic programming over the content lines of a stretch picks the segmentation that
maximises

    sum over cuts of (boundary log-odds - bias)
  + coherence * sum over segments of ||sum of the segment's unit line embeddings||
  - penalties for segments too short to be an article.

||sum of unit vectors|| is the segment's total cosine to its own centroid: it grows when
a cut separates lines about different things and barely moves when a cut splits one
coherent article, so it brings in evidence from the whole article on each side of a
gap, which local windows miss. The short-segment penalty is the article-length prior:
news articles run 3-40 paragraphs; a one-line 'article' is likelier a side paragraph,
unless the line is long enough to be a (truncated) article itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DecoderParams:
    bias: float = 0.0  # subtracted from every cut's log-odds (a higher bias: fewer cuts)
    coherence: float = 1.0  # weight of the segment-coherence term
    one_line: float = 3.0  # penalty for a one-line segment of fewer than `long_line` words
    two_lines: float = 1.0  # penalty for a two-line segment of fewer than 2 * `long_line` words
    long_line: int = 60
    center: bool = False  # subtract the stretch's mean embedding first (what all its lines share)
    max_lines: int = 300  # longest segment considered (cost: lines x max_lines)
    headless: float = 3.0  # in a dump that heads its articles: extra cost of a cut without a headline
    # ... the most a cut without a headline between prose lines may exceed the layout model's
    # log-odds by, and the most a headline may fall short of them by (None: no such bound;
    # `boundaries._headed_dump_gain`)
    layout_margin: float | None = 3.0
    headline_margin: float | None = 0.0

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def log_odds(prob: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), with p kept off 0 and 1 so a certain model gives finite gains."""
    p = np.clip(prob, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def best_cuts(
    gain: np.ndarray, emb: np.ndarray | None, words: np.ndarray, params: DecoderParams
) -> list[int]:
    """Rows (1..n-1) that start a segment in the best segmentation of rows 0..n-1.

    gain[r - 1]: the log-odds that row r starts an article (len n - 1); emb: one unit row
    per line (None: no coherence term); words: word count per row.
    """
    n = len(words)
    if n < 2:
        return []
    cut_gain = np.concatenate([[0.0], gain - params.bias])
    csum_words = np.concatenate([[0], np.cumsum(words)])
    prefix = None
    if emb is not None and params.coherence:
        if params.center:
            emb = emb - emb.mean(0)
        prefix = np.vstack([np.zeros((1, emb.shape[1]), dtype=np.float64), np.cumsum(emb.astype(np.float64), 0)])
    best = np.full(n + 1, -np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    for j in range(1, n + 1):
        lo = max(0, j - params.max_lines)
        starts = np.arange(lo, j)
        lengths = j - starts
        score = best[lo:j] + cut_gain[lo:j]
        if prefix is not None:
            score = score + params.coherence * np.linalg.norm(prefix[j] - prefix[lo:j], axis=1)
        seg_words = csum_words[j] - csum_words[lo:j]
        score = score - params.one_line * ((lengths == 1) & (seg_words < params.long_line))
        score = score - params.two_lines * ((lengths == 2) & (seg_words < 2 * params.long_line))
        k = int(np.argmax(score))
        best[j], back[j] = score[k], starts[k]
    cuts, j = [], n
    while j > 0:
        j = back[j]
        if j > 0:
            cuts.append(j)
    return sorted(cuts)
