"""Name cohesion across a gap, over windows wide enough to hold most of an article.

A long article that moves through sub-stories (a digest, a round-up, a match report)
keeps coming back to its own cast, so names recur on both sides of a gap inside it;
two different articles rarely share a name that is rare in the dump. Each shared name
counts by its rarity in the dump (idf over the dump's lines), so the names every
article of a one-topic dump mentions ("Trump", "Europe") count for little. The cues
are logs, so one long list of names does not dominate.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

COHESION_FEATURES = ["names_bridge5", "names_bridge8", "cur_names_seen8", "prev_names_ahead8"]


def cohesion_cues(name_sets: list[set[str]]) -> np.ndarray:
    """One row per gap (before lines 1..n-1) of COHESION_FEATURES, from each line's names.

    names_bridgeW: idf-weighted names found both in the W lines before the gap and in the
    W lines after it; cur_names_seen8: the line after the gap's names already in the 8
    lines before; prev_names_ahead8: the line before the gap's names still in the 8
    lines after.
    """
    n = len(name_sets)
    df = Counter(x for s in name_sets for x in s)
    idf = {x: math.log(n / c) for x, c in df.items()}

    def weight(names: set[str]) -> float:
        return math.log1p(sum(idf[x] for x in names))

    rows = []
    for k in range(1, n):
        before5, after5 = set().union(*name_sets[max(0, k - 5) : k]), set().union(*name_sets[k : k + 5])
        before8, after8 = set().union(*name_sets[max(0, k - 8) : k]), set().union(*name_sets[k : k + 8])
        rows.append([
            weight(before5 & after5),
            weight(before8 & after8),
            weight(name_sets[k] & before8),
            weight(name_sets[k - 1] & after8),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(COHESION_FEATURES))
