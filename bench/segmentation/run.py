"""Evaluate article-boundary detection on dumps built from the EVALUATION split.

    python bench/segmentation/run.py [--dumps 100] [--layout-only] [--errors 3]

Prints one row per condition: Pk with a 95% bootstrap interval over the dumps, WindowDiff
(units: non-blank lines, k = half the mean article length), exact-boundary
precision/recall/F1, and seconds per dump (features +
model; embeddings come from the cache that prepare.py fills, seam scores from theirs, so a
first run with a new seam file also counts its scoring). Results also go to
bench/out/segmentation/results.json. `--errors N` also lists, per condition, the N
articles that hold the most false cuts and the N whose starts were missed most often.
"""
from __future__ import annotations

import argparse
import bisect
import json
import random
import time
from collections import Counter

import numpy as np

from common import OUT, EmbeddingCache, SeamCache, centroids
from dumps import build_dump, load_articles, one_topic_groups, split
from metrics import bootstrap_interval, boundary_counts, pk, prf, window_diff
from supplement import load_supplement
from tasks.segment.boundary_model import load_models
from tasks.segment.boundaries import TOPIC_THRESHOLD, boundary_scores, decide, dump_lines, with_their_tops
from tasks.segment.features import topic_text

# name: (topic, layout, titles, truncate_share, decorate, articles per dump (or a range), target Pk)
CONDITIONS = {
    "unrelated, titles": ("unrelated", "none", True, 0.0, False, 20, 0.02),
    "unrelated, no titles": ("unrelated", "none", False, 0.0, False, 20, 0.04),
    "one topic, no titles": ("one_topic", "none", False, 0.0, False, 20, 0.08),
    "one topic, titles": ("one_topic", "none", True, 0.0, False, 20, None),
    "unrelated, no titles, 50% truncated": ("unrelated", "none", False, 0.5, False, 20, None),
    "unrelated, no titles, blank line between articles": ("unrelated", "blank", False, 0.0, False, 20, None),
    "unrelated, no titles, blank lines everywhere": ("unrelated", "blank_para", False, 0.0, False, 20, None),
    "unrelated, no titles, separator line between articles": ("unrelated", "rule", False, 0.0, False, 20, None),
    "unrelated, titles, one sentence per line": ("unrelated", "sentences", True, 0.0, False, 20, None),
    "unrelated, no titles, one sentence per line": ("unrelated", "sentences", False, 0.0, False, 20, None),
    "unrelated, one article per line, no titles": ("unrelated", "per_line", False, 0.0, False, 20, None),
    "unrelated, one article per line, 50% truncated": ("unrelated", "per_line", False, 0.5, False, 20, None),
    "unrelated, titles, each body on one line": ("unrelated", "body_per_line", True, 0.0, False, 20, None),
    "unrelated, titles, each body on one line, 50% truncated": ("unrelated", "body_per_line", True, 0.5, False, 20, None),
    "unrelated, titles, kicker/byline/dateline/captions": ("unrelated", "none", True, 0.0, True, 20, None),
    "unrelated, 80% titled, kicker/byline/dateline/captions": ("unrelated", "none", 0.8, 0.0, True, 20, None),
    "unrelated, titles, dressed as scraped web pages": ("unrelated", "none", True, 0.0, "web", 20, None),
    "unrelated, no titles, dressed as scraped web pages": ("unrelated", "none", False, 0.0, "web", 20, None),
    "unrelated, titles, wire paragraphs": ("unrelated", "wire", True, 0.0, False, 20, None),
    "unrelated, no titles, wire paragraphs": ("unrelated", "wire", False, 0.0, False, 20, None),
    # small dumps like the bundled sample: a few articles, short paragraphs, many cut off
    "a few articles, titles, wire paragraphs, 50% truncated": ("unrelated", "wire", True, 0.5, False, (3, 6), None),
    "a few articles, no titles, wire paragraphs, 50% truncated": ("unrelated", "wire", False, 0.5, False, (3, 6), None),
    "a few articles, titles, 50% truncated": ("unrelated", "none", True, 0.5, False, (3, 6), None),
}


def condition_dumps(name: str, articles, cents, n_dumps: int):
    """(articles, dump) for each of a condition's `n_dumps` dumps: the same every run."""
    topic, layout, titles, trunc, dec, size, _ = CONDITIONS[name]
    rng = random.Random(sum(map(ord, name)))  # fixed per condition
    for _ in range(n_dumps):
        n = rng.randint(*size) if isinstance(size, tuple) else size
        group = one_topic_groups(articles, cents, n, rng) if topic == "one_topic" else rng.sample(articles, n)
        yield group, build_dump(group, layout, titles, trunc, dec, rng)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dumps", type=int, default=100, help="dumps per condition (20 in rounds 1-6; 100 since round 7)")
    ap.add_argument("--layout-only", action="store_true", help="no embeddings (layout model)")
    ap.add_argument("--topic-threshold", type=float, default=TOPIC_THRESHOLD)
    ap.add_argument("--threshold", type=float, default=None, help="boundary probability cut (per-gap thresholding)")
    ap.add_argument("--model", default=None, help="a boundary_model.json to measure (default: the bundled one)")
    ap.add_argument("--only", nargs="+", default=None, help="run only the conditions whose name contains one of these")
    ap.add_argument("--no-decoder", action="store_true", help="per-gap thresholding, not whole-dump decoding")
    ap.add_argument("--articles", choices=["eval", "supplement"], default="eval",
                    help="the held-out evaluation articles, or the supplement's (paragraphed; a validation set "
                    "for choosing between models, which no shipped model is fitted on)")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="per condition, the N articles with the most false cuts and the N most often missed")
    args = ap.parse_args()
    cache = EmbeddingCache()
    seam_file = None if args.layout_only else load_models(args.model)["seam"]
    seams = SeamCache(seam_file) if seam_file else None  # a model that reads seam scores: cached like the embeddings
    articles = split(load_articles(), "eval") if args.articles == "eval" else load_supplement()
    cents = centroids(articles, cache)
    results = {}
    print(f"{len(articles)} {args.articles} articles, {args.dumps} dumps per condition")
    print("| condition | Pk | Pk 95% interval | WindowDiff | P | R | F1 | target Pk | s/dump |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (*_, target) in CONDITIONS.items():
        if args.only and not any(o in name for o in args.only):
            continue
        pks, wds, counts, secs = [], [], np.zeros(3, int), []
        false_cuts, missed = Counter(), Counter()  # by article id
        for group, d in condition_dumps(name, articles, cents, args.dumps):
            lines = dump_lines(d.text)
            emb = None if args.layout_only else cache.encode([topic_text(ln.text) for ln in lines])
            t0 = time.perf_counter()
            scores = boundary_scores(lines, emb, args.model, seams.score if seams else None)
            decoder = None if args.no_decoder or args.threshold is not None else scores.decoder
            found = with_their_tops(lines, decide(scores, args.topic_threshold, args.threshold, decoder))
            hyp = [0] + [b.index for b in found]
            secs.append(time.perf_counter() - t0)
            pks.append(pk(d.starts, hyp, d.n_lines))
            wds.append(window_diff(d.starts, hyp, d.n_lines))
            counts += boundary_counts(d.starts, hyp)
            false_cuts.update(group[bisect.bisect_right(d.starts, i) - 1].id for i in set(hyp) - set(d.starts))
            missed.update(group[d.starts.index(i)].id for i in set(d.starts) - set(hyp))
        p, r, f = prf(*counts)
        lo, hi = bootstrap_interval(pks)
        results[name] = {"pk": float(np.mean(pks)), "pk_interval": [lo, hi], "windowdiff": float(np.mean(wds)),
                         "precision": p, "recall": r, "f1": f, "target_pk": target, "dumps": args.dumps,
                         "false_cuts_by_article": dict(false_cuts.most_common()), "missed_by_article": dict(missed.most_common())}
        tgt = "" if target is None else f"<= {target} {'met' if np.mean(pks) <= target else 'NOT met'}"
        print(f"| {name} | {np.mean(pks):.3f} | {lo:.3f}-{hi:.3f} | {np.mean(wds):.3f} | {p:.3f} | {r:.3f} | {f:.3f} | {tgt} "
              f"| {np.mean(secs):.3f} |", flush=True)
        if args.errors:
            print(f"|   false cuts inside: {false_cuts.most_common(args.errors)}; starts missed: "
                  f"{missed.most_common(args.errors)} |", flush=True)
    cache.save()
    if seams:
        seams.save()
    OUT.mkdir(parents=True, exist_ok=True)
    stem = "results_layout_only" if args.layout_only else "results"
    stem += "" if args.articles == "eval" else f"_{args.articles}"
    (OUT / f"{stem}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
