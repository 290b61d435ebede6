"""Fit the rejoin pass (`tasks/segment/rejoin.py`): a judge of the boundary models' cuts.

    python bench/segmentation/rejoin_train.py [--dumps 400] [--no-digests] [--units 8] [--validate] [--base PATH] [--out PATH]

Training dumps: untitled dumps (paragraphs, wire paragraphs, one sentence per line; some
truncated; unrelated or one-topic) of the supplement's articles and the hand-written
round-ups in digests/, which the bundled boundary models never saw, so their cuts here
are the kind they make at run time. Each cut the decoder made (not a layout rule's) is a
row of `rejoin.REJOIN_FEATURES` against its neighbouring cuts, labelled by whether an
article starts there. A logistic model is fitted on them; the threshold is the one whose
greedy rejoin gives these dumps the lowest Pk. The evaluation articles are never seen.
The model file written is the bundled one plus `rejoin` (its sequence weights copied
beside it when it goes elsewhere).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np

from common import ROOT, EmbeddingCache, centroids
from dumps import build_dump, load_digests, one_topic_groups
from metrics import pk
from supplement import load_supplement
from tasks.segment.boundaries import boundary_scores, decide, dump_lines, rejoin_cuts, rejoin_view
from tasks.segment.boundary_model import BoundaryModel, fit_logistic, fit_mlp
from tasks.segment.features import topic_text
from tasks.segment.rejoin import REJOIN_FEATURES, Rejoiner, rejoin

MODEL = ROOT / "tasks" / "segment" / "boundary_model.json"
SEED = 11
THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


def training_dumps(articles, cents, n: int, rng: random.Random):
    for _ in range(n):
        size = rng.randint(5, 25)
        group = one_topic_groups(articles, cents, size, rng) if rng.random() < 0.5 else rng.sample(articles, size)
        layout = rng.choice(["none", "none", "none", "wire", "sentences"])
        yield build_dump(group, layout, titles=False, truncate_share=rng.choice([0.0, 0.0, 0.3, 0.5]), rng=rng)


def judged(dump, cache, model_path: str | None = None):
    """(view, cuts, fixed, n, row -> line) of one dump as the models of `model_path` (None:
    the bundled ones) cut it, or None where the rejoin pass would not run (a dump with a
    headline habit or wide gaps)."""
    lines = dump_lines(dump.text)
    # the bundle's own models, not the short-line file it may hand some dumps to: each file's judge is fitted on its own cuts
    scores = boundary_scores(lines, cache.encode([topic_text(ln.text) for ln in lines]), model_path, short_lines=False)
    scores.rejoin = None  # the cuts as the models and the decoder leave them (the base may have a judge)
    candidate = {i: k for k, i in enumerate(scores.index)}
    judged = rejoin_cuts(scores, {candidate[b.index]: b for b in decide(scores, decoder=scores.decoder)})
    if judged is None:
        return None
    line_of = [0] + list(scores.index)
    return rejoin_view(scores), *judged, len(line_of), line_of


def judged_dumps(articles, n: int, seed: int, cache, model_path: str | None):
    """`judged` for `n` training dumps of `articles` (those the pass would not run on left out)."""
    rng = random.Random(seed)
    out = []
    for d in training_dumps(articles, centroids(articles, cache), n, rng):
        if (j := judged(d, cache, model_path)) is not None:
            out.append((d, *j))
    return out


def dump_pk(dump, line_of, cuts) -> float:
    return pk(dump.starts, [0] + [line_of[r] for r in cuts], dump.n_lines)


def mean_pk(cases, judge: Rejoiner | None = None) -> float:
    """Mean Pk of the dumps as cut, or with `judge`'s rejoin pass."""
    return float(np.mean([dump_pk(d, lo, rejoin(v, cuts, fx, n, judge) if judge else cuts)
                          for d, v, cuts, fx, n, lo in cases]))


def fit(cases, units: int = 0, verbose: bool = False) -> tuple[Rejoiner, dict]:
    """The judge fitted on the cases' judged cuts, with the threshold that gives them the lowest Pk."""
    X, y = [], []
    for d, view, cuts, fixed, n, line_of in cases:
        rows = view.features(cuts, n)
        starts = set(d.starts)
        for i, c in enumerate(cuts):
            if c not in fixed:
                X.append(rows[i])
                y.append(float(line_of[c] in starts))
    X, y = np.array(X), np.array(y)
    if units:
        model = dataclasses.replace(fit_mlp(X, y, units=units), features=REJOIN_FEATURES)
    else:
        mean, scale, coef, intercept = fit_logistic(X, y)
        model = BoundaryModel(REJOIN_FEATURES, mean, scale, coef, float(intercept), 0.5)
    before = mean_pk(cases)
    trials = [(mean_pk(cases, Rejoiner(model, t)), t) for t in THRESHOLDS]
    best_pk, threshold = min(trials)
    if verbose:
        print(f"{len(cases)} dumps, {len(y)} judged cuts, {int((y == 0).sum())} false", flush=True)
        if not units:
            print("weights:", {f: round(float(w), 2) for f, w in zip(REJOIN_FEATURES, coef)}, flush=True)
        for pk_t, t in trials:
            print(f"threshold {t}: Pk {pk_t:.4f} (without the pass {before:.4f})", flush=True)
    counts = {"cuts": len(y), "false_cuts": int((y == 0).sum()), "pk_without": round(before, 4), "pk_with": round(best_pk, 4)}
    return Rejoiner(model, threshold), counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dumps", type=int, default=400)
    ap.add_argument("--no-digests", action="store_true", help="the supplement's articles alone (what the round-ups add)")
    ap.add_argument("--units", type=int, default=0, help="a one-hidden-layer network of this many units (0: logistic)")
    ap.add_argument("--validate", action="store_true", help="fit on half the dumps, measure on the other half; write nothing")
    ap.add_argument("--base", default=str(MODEL), help="the boundary model file the judge joins")
    ap.add_argument("--out", default=str(MODEL))
    args = ap.parse_args()
    t0 = time.time()
    cache = EmbeddingCache()
    articles = load_supplement() + ([] if args.no_digests else load_digests())
    if args.validate:  # fitted on half the articles' dumps, measured on the other half's, both ways
        halves = [[a for a in articles if a.seed("rejoin") % 2 == h] for h in (0, 1)]
        sets = [judged_dumps(half, args.dumps // 2, SEED + h, cache, args.base) for h, half in enumerate(halves)]
        cache.save()
        for a, b in ((sets[0], sets[1]), (sets[1], sets[0])):
            judge, _ = fit(a, args.units)
            print(f"held-out half: Pk {mean_pk(b):.4f} without the pass, {mean_pk(b, judge):.4f} with it "
                  f"(threshold {judge.threshold})", flush=True)
        return
    cases = judged_dumps(articles, args.dumps, SEED, cache, args.base)
    cache.save()
    judge, counts = fit(cases, args.units, verbose=True)
    threshold = judge.threshold
    base = json.loads(Path(args.base).read_text())
    base["rejoin"] = judge.to_dict() | {"training": {"dumps": len(cases), **counts}}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.parent != Path(args.base).parent:  # the files the model file names go beside it
        if base.get("sequence"):
            shutil.copy(Path(args.base).parent / base["sequence"]["file"], out.parent)
        if base.get("short_lines"):  # and the short-line file with its own sequence weights
            short = Path(args.base).parent / base["short_lines"]["file"]
            shutil.copy(short, out.parent)
            shutil.copy(short.parent / json.loads(short.read_text())["sequence"]["file"], out.parent)
    out.write_text(json.dumps(base) + "\n")
    print(f"wrote {out} (threshold {threshold}) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
