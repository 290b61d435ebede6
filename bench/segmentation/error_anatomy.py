"""How much of a condition's Pk a few articles hold, and where inside them the false cuts fall.

    python bench/segmentation/error_anatomy.py [--only "one topic, no titles"] [--articles ID ...] [--top 3]

For each condition run.py measures (the same dumps: same seeds, same articles), the dumps
are cut by the bundled segmenter and Pk is reported three ways: as cut; with every cut
inside the named articles taken back (an oracle that knows they are one article each);
and with their starts given as well. Then, per named article, the rows inside it where
cuts fell, how often, and the line there (its length and first words). Without
`--articles`, the `--top` articles holding the most false cuts in each condition are named.
It answers "would fixing these articles meet the target?" before anyone tries.
"""
from __future__ import annotations

import argparse
import bisect
from collections import Counter

import numpy as np

from common import EmbeddingCache, centroids
from dumps import load_articles, split
from metrics import pk
from run import condition_dumps
from tasks.segment.boundaries import TOPIC_THRESHOLD, boundary_scores, decide, dump_lines, with_their_tops
from tasks.segment.features import topic_text


def cut_dumps(name: str, articles, cents, cache, n_dumps: int):
    """(dump, group, lines, cut lines) for run.py's dumps of condition `name`."""
    for group, d in condition_dumps(name, articles, cents, n_dumps):
        lines = dump_lines(d.text)
        scores = boundary_scores(lines, cache.encode([topic_text(ln.text) for ln in lines]))
        hyp = [0] + [b.index for b in with_their_tops(lines, decide(scores, TOPIC_THRESHOLD, None, scores.decoder))]
        yield d, group, lines, hyp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="+", default=["one topic, no titles", "unrelated, no titles"])
    ap.add_argument("--articles", nargs="+", default=None, help="article ids (default: the --top worst per condition)")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--dumps", type=int, default=100)
    args = ap.parse_args()
    cache = EmbeddingCache()
    articles = split(load_articles(), "eval")
    cents = centroids(articles, cache)
    for name in args.only:
        runs = list(cut_dumps(name, articles, cents, cache, args.dumps))
        named = set(args.articles or [])
        if not named:
            false = Counter(g[bisect.bisect_right(d.starts, h) - 1].id for d, g, _, hyp in runs for h in set(hyp) - set(d.starts))
            named = {a for a, _ in false.most_common(args.top)}
        as_cut, no_inner, starts_given = [], [], []
        where, seen = Counter(), Counter()
        for d, group, lines, hyp in runs:
            spans = {}
            for i, a in enumerate(group):
                if a.id in named:
                    spans[a.id] = (d.starts[i], d.starts[i + 1] if i + 1 < len(group) else d.n_lines)
                    seen[a.id] += 1
            inner = {h for h in hyp for a, (s, e) in spans.items() if s < h < e}
            for h in inner:
                a, (s, _) = next((a, se) for a, se in spans.items() if se[0] < h < se[1])
                where[(a, h - s, len(lines[h].text), lines[h].text[:70])] += 1
            kept = [h for h in hyp if h not in inner]
            as_cut.append(pk(d.starts, hyp, d.n_lines))
            no_inner.append(pk(d.starts, kept, d.n_lines))
            starts_given.append(pk(d.starts, sorted(set(kept) | {s for s, _ in spans.values()}), d.n_lines))
        print(f"\n## {name}: {len(runs)} dumps; articles {sorted(named)}, in {dict(seen)} dumps")
        print(f"Pk as cut {np.mean(as_cut):.3f}; their inner cuts taken back {np.mean(no_inner):.3f}; "
              f"their starts given too {np.mean(starts_given):.3f}")
        for (a, row, chars, text), count in sorted(where.items()):
            if count >= max(2, seen[a] // 10):  # the cuts that recur, not one dump's accident
                print(f"  {a} row {row:3d} cut {count:3d}/{seen[a]}  {chars:5d} chars  {text}")


if __name__ == "__main__":
    main()
