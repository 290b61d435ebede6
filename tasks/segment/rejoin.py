"""A second look at the cuts the models chose, with the whole segments either side in view.

The boundary models read a gap through windows of a few lines. A round-up (a monthly
campaign chronicle, a week in review) moves between sub-stories whose first paragraphs
read like leads, and there a window sees what a new article looks like. What gives it
away is the segments the cut leaves: the same cast on both sides, the same subject in
their mean embeddings, a next part that is short. A logistic model over those (trained
by bench/segmentation/rejoin_train.py on dumps the boundary models never saw) judges
each cut; the least likely cut under the threshold is removed, its neighbours are judged
again against the merged segment, until every cut left passes.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from tasks.segment.boundary_model import BoundaryModel

REJOIN_FEATURES = (
    "cut_log_odds",
    "segment_cosine",
    "segment_cosine_centred",
    "edge_cosine",
    "names_shared_share",
    "names_shared_idf",
    "opening_names_seen",
    "log_rows_before",
    "log_rows_after",
)


@dataclass(frozen=True)
class Rejoiner:
    """The cut judge and the probability under which a cut is taken back."""

    model: BoundaryModel
    threshold: float

    @classmethod
    def from_dict(cls, d: dict) -> "Rejoiner":
        return cls(BoundaryModel.from_dict(d["model"]), float(d["threshold"]))

    def to_dict(self) -> dict:
        return {"model": self.model.to_dict(), "threshold": self.threshold}


class SegmentView:
    """A dump's content rows as the judge sees them: unit embeddings, names per row and
    their rarity in the dump, and each row's log-odds of starting an article."""

    def __init__(self, embeddings: np.ndarray, names: list[set[str]], log_odds: np.ndarray):
        self.emb = embeddings.astype(np.float64)
        self.prefix = np.vstack([np.zeros((1, self.emb.shape[1])), np.cumsum(self.emb, 0)])
        self.center = self.emb.mean(0)
        self.names = names
        df = Counter(x for s in names for x in s)
        self.idf = {x: math.log(len(names) / c) for x, c in df.items()}
        self.log_odds = log_odds  # [r - 1]: row r starts an article

    def _mean(self, a: int, b: int) -> np.ndarray:
        return (self.prefix[b] - self.prefix[a]) / (b - a)

    def cut_features(self, a: int, c: int, b: int) -> list[float]:
        """REJOIN_FEATURES of a cut before row c between segments [a, c) and [c, b)."""
        ma, mb = self._mean(a, c), self._mean(c, b)
        ea, eb = self._mean(max(a, c - 2), c), self._mean(c, min(b, c + 2))
        before, after = set().union(*self.names[a:c]), set().union(*self.names[c:b])
        shared = before & after
        return [
            float(self.log_odds[c - 1]),
            _cosine(ma, mb),
            _cosine(ma - self.center, mb - self.center),
            _cosine(ea, eb),
            len(shared) / max(1, min(len(before), len(after))),
            math.log1p(sum(self.idf[x] for x in shared)),
            math.log1p(sum(self.idf[x] for x in self.names[c] & before)),
            math.log(c - a),
            math.log(b - c),
        ]

    def features(self, cuts: list[int], n: int) -> np.ndarray:
        """One row per cut (sorted rows in 1..n-1), each against its neighbouring cuts."""
        edges = [0, *cuts, n]
        return np.array([self.cut_features(edges[i], edges[i + 1], edges[i + 2]) for i in range(len(cuts))])


def _cosine(u: np.ndarray, v: np.ndarray) -> float:
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    return float(u @ v / (nu * nv)) if nu > 0 and nv > 0 else 0.0


def rejoin(view: SegmentView, cuts: list[int], fixed: set[int], n: int, judge: Rejoiner) -> list[int]:
    """The cuts (rows 1..n-1) left once the judge has taken back those it doubts, least
    likely first; cuts in `fixed` (layout rules) stay and are never judged."""
    cuts = sorted(cuts)
    p = [float(q) for q in judge.model.predict(view.features(cuts, n))] if cuts else []
    p = [None if c in fixed else q for c, q in zip(cuts, p)]
    while (doubted := [(q, i) for i, q in enumerate(p) if q is not None and q < judge.threshold]):
        _, i = min(doubted)
        del cuts[i], p[i]
        # only the cuts either side border the merged segment: the others keep their odds
        edges = [0, *cuts, n]
        for j in (i - 1, i):
            if 0 <= j < len(cuts) and p[j] is not None:
                p[j] = float(judge.model.predict(np.array([view.cut_features(edges[j], edges[j + 1], edges[j + 2])]))[0])
    return cuts
