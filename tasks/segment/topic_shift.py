"""Topic shift inside a stretch of a dump that layout and the models left whole.

Two views of one stretch (rows a..b-1 of a dump's line embeddings): windows of a few lines
either side of each row, cut at local minima of their cosine; and whole parts, split where
their mean embeddings are least alike. A cut must leave every part article-sized: a
one-line "article" between two topic cuts is far likelier a paragraph on a side topic.
`boundaries.decide` runs both after the decoder (whole parts only; its coherence term
already weighs the windows) or without it.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Topic pass, whole parts: mean-embedding cosine under which two adjacent parts of a stretch
# are different articles (0.3: best on the bench's real news, Pk and precision both), and
# the least a part must hold to be an article (2 lines, or one line this long).
_PART_SIM_MAX, _PART_MIN_LINES, _PART_MIN_WORDS = 0.3, 2, 50
# ... and where the models give a part cut almost no chance, both parts must hold this many
# words: the mean of two short wire paragraphs (a story's decision, then its reactions) is
# too noisy to overrule them (55: flat on the bench from 55 to 80; the largest that keeps a
# true start in four short articles, `test_layouts_with_topic_cues`)
_PART_DOUBT_PROB, _PART_DOUBT_WORDS = 0.01, 55


def window_cuts(
    emb: np.ndarray, a: int, b: int, threshold: float, before: int = 3, after: int = 2
) -> Iterator[tuple[int, float]]:
    """(row, similarity) of local minima below threshold among rows a+1..b-1 of emb."""
    sims = {}
    for r in range(a + 1, b):
        x = emb[max(a, r - before) : r].mean(0)
        y = emb[r : min(b, r + after)].mean(0)
        denom = float(np.linalg.norm(x) * np.linalg.norm(y)) or 1.0
        sims[r] = float(x @ y) / denom
    for r, s in sims.items():
        if s < threshold and s <= sims.get(r - 1, 1.0) and s <= sims.get(r + 1, 1.0):
            yield r, s


def _article_sized(words: np.ndarray, lo: int, hi: int) -> bool:
    """Whether rows lo..hi-1 can be an article on their own: 2+ lines, or one long line."""
    return hi - lo >= _PART_MIN_LINES or int(words[lo:hi].sum()) >= _PART_MIN_WORDS


def _article_sized_cuts(cuts, words: np.ndarray, a: int, b: int) -> Iterator[tuple[int, float]]:
    """The topic cuts, in order, that leave every part article-sized: a one-line 'article'
    between two topic cuts is far likelier a paragraph on a side topic."""
    last = a
    for r, s in sorted(cuts):
        if _article_sized(words, last, r) and _article_sized(words, r, b):
            yield r, s
            last = r


def part_cuts(
    emb: np.ndarray, words: np.ndarray, a: int, b: int, prob: np.ndarray | None = None
) -> Iterator[tuple[int, float]]:
    """(row, similarity) of cuts that split rows a..b-1 into parts about different things.

    Divisive: the row where the mean embeddings of the two parts (each long enough to be
    an article) are least alike is cut when that similarity is under _PART_SIM_MAX, and
    both parts are tried again. Whole parts are compared, not windows: a sub-topic of a long
    article still shares its story with the rest, two unrelated articles share nothing.
    Where the models give the cut almost no chance (`prob`, per candidate, under
    _PART_DOUBT_PROB), both parts need _PART_DOUBT_WORDS words.
    """
    best, best_r = 1.0, None
    for r in range(a + 1, b):
        doubted = prob is not None and prob[r - 1] < _PART_DOUBT_PROB
        if doubted and min(int(words[a:r].sum()), int(words[r:b].sum())) < _PART_DOUBT_WORDS:
            continue
        if _article_sized(words, a, r) and _article_sized(words, r, b):
            x, y = emb[a:r].mean(0), emb[r:b].mean(0)
            sim = float(x @ y) / (float(np.linalg.norm(x) * np.linalg.norm(y)) or 1.0)
            if sim < best:
                best, best_r = sim, r
    if best_r is not None and best < _PART_SIM_MAX:
        yield best_r, best
        yield from part_cuts(emb, words, a, best_r, prob)
        yield from part_cuts(emb, words, best_r, b, prob)


def stretch_cuts(
    emb: np.ndarray, words: np.ndarray, prob: np.ndarray, a: int, b: int, threshold: float, windows: bool = True
) -> list[tuple[int, float, float]]:
    """(row, limit, similarity) of the topic cuts in rows a..b-1: window minima under
    `threshold` that leave article-sized parts (if `windows`), then whole-part splits under
    _PART_SIM_MAX; `limit` is the bar each cleared, from which a confidence is derived."""
    found = window_cuts(emb, a, b, threshold) if windows else []
    cuts = [(r, threshold, s) for r, s in _article_sized_cuts(found, words, a, b)]
    return cuts + [(r, _PART_SIM_MAX, s) for r, s in part_cuts(emb, words, a, b, prob)]
