"""Round 4 experiments: seed ensembles and decoder tuning on evaluation-shaped TRAINING dumps.

    python bench/segmentation/round4.py --seeds 7 8 9 10 11 --out-dir /tmp/r4

Builds train.py's training folds (TRAINING articles only) plus, per fold, dumps shaped like
the evaluation (20 articles, one paragraph per line, no titles, half one-topic) that are
used only to tune the decoder on out-of-fold scores. Fits one network per seed and fold
(out-of-fold scores) and on all folds, then writes one boundary_model.json per variant
(a single seed, or the average of several: `boundary_model.average_networks`), each with
its decoder either fixed (round 1's) or tuned on the evaluation-shaped dumps. Featurised
dumps are cached in bench/out/segmentation/ between runs. Measure each written model with
`run.py --model`.
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
import random
import time
from pathlib import Path

import numpy as np

import train as T
from common import OUT, ROOT, EmbeddingCache, centroids
from dumps import build_dump, load_articles, one_topic_groups, split
from tasks.segment.boundary_model import average_networks
from tasks.segment.decode import DecoderParams
from tasks.segment.features import feature_names

EVAL_LIKE_PER_FOLD = 40


def eval_like_dumps(articles, cents, n: int, seed: int):
    """Dumps shaped like the evaluation's untitled rows, from one fold's training articles."""
    rng = random.Random(seed)
    for _ in range(n):
        size = min(len(articles), 20)
        one_topic = rng.random() < 0.5
        group = one_topic_groups(articles, cents, size, rng) if one_topic else rng.sample(articles, size)
        yield build_dump(group, "none", titles=False, truncate_share=rng.choice([0.0, 0.0, 0.5]), rng=rng)


def folds_and_tuning(cache, continuation: bool, n_eval_like: int, n_train_eval_like: int = 0):
    tag = "cont" if continuation else "base"
    path = OUT / f"round4_feats_{tag}_{T.N_DUMPS_PER_FOLD}_{n_eval_like}_{n_train_eval_like}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    articles = split(load_articles(), "train")
    folds, tuning = [], []
    for f in range(T.FOLDS):
        fold = [a for a in articles if a.seed("fold") % T.FOLDS == f]
        cents = centroids(fold, cache)
        dumps = list(T.training_dumps(fold, cents, T.N_DUMPS_PER_FOLD, T.SEED + f))
        dumps += list(eval_like_dumps(fold, cents, n_train_eval_like, 2000 + f))  # for training, not tuning
        folds.append(T.featurise(dumps, cache, True, continuation=continuation))
        tuning.append(T.featurise(list(eval_like_dumps(fold, cents, n_eval_like, 1000 + f)), cache, True,
                                   continuation=continuation))
    cache.save()
    path.write_bytes(pickle.dumps((folds, tuning)))
    return folds, tuning


def fit_nets(rows, names, seeds):
    out = {}
    for s in seeds:
        T.NET_SEED = s
        out[s] = T.fit(rows, names, "mlp")
    return out


def tune(scored, grid) -> tuple[float, DecoderParams]:
    trials = []
    for vals in itertools.product(*grid.values()):
        params = DecoderParams(**dict(zip(grid, vals)), headless=3.0)
        trials.append((T.mean_pk(scored, params), vals))
    pk, vals = min(trials)
    return pk, DecoderParams(**dict(zip(grid, vals)), headless=3.0)


def _write_errors(scored, decoder, path: Path) -> None:
    """False and missed cuts of the out-of-fold tuning dumps, with the lines around them."""
    from tasks.segment.boundaries import decide, dump_lines

    out = []
    for gs, d in scored:
        lines = dump_lines(d.text)
        hyp = {b.index for b in decide(gs, decoder=decoder)}
        gold = set(d.starts) - {0}
        prob = dict(zip(gs.index, gs.prob))
        for i in sorted(hyp ^ gold):
            kind = "FALSE" if i in hyp else "MISSED"
            out.append(f"{kind} p={prob.get(i, float('nan')):.3f}\n  prev: ...{lines[i - 1].text[-90:]}\n  cur:  {lines[i].text[:140]}")
    path.write_text("\n".join(out) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9, 10, 11])
    ap.add_argument("--eval-like", type=int, default=EVAL_LIKE_PER_FOLD, help="tuning dumps per fold")
    ap.add_argument("--out-dir", default="/tmp/r4")
    ap.add_argument("--continuation", action="store_true", help="add the continuation openers (continuation.py)")
    ap.add_argument("--small-grid", action="store_true", help="tune the decoder over 4 settings, not 36")
    ap.add_argument("--train-eval-like", type=int, default=0, help="evaluation-shaped dumps per fold added to TRAINING")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    cache = EmbeddingCache()
    names = feature_names(True, continuation=args.continuation)
    folds, tuning = folds_and_tuning(cache, args.continuation, args.eval_like, args.train_eval_like)
    print(f"featurised in {time.time() - t0:.0f}s", flush=True)
    # out of fold: per seed, each fold scored by nets fitted on the other folds
    oof_logits = {s: [] for s in args.seeds}  # per seed: per fold, list of logit arrays (train dumps, tuning dumps)
    for f in range(T.FOLDS):
        rows = [r for g, fold in enumerate(folds) if g != f for r in fold]
        nets = fit_nets(rows, names, args.seeds)
        for s, net in nets.items():
            oof_logits[s].append(([net.logit(r[0]) for r in folds[f]], [net.logit(r[0]) for r in tuning[f]]))
        print(f"fold {f} fitted, {time.time() - t0:.0f}s", flush=True)
    full_nets = fit_nets([r for fold in folds for r in fold], names, args.seeds)
    print(f"full fitted, {time.time() - t0:.0f}s", flush=True)
    shipped = json.loads((ROOT / "tasks" / "segment" / "boundary_model.json").read_text())
    fixed = T.FIXED_DECODER
    variants = [(f"seed{s}", [s]) for s in args.seeds]
    variants += [(f"ens{len(args.seeds)}", list(args.seeds))]
    if len(args.seeds) >= 5:
        variants += [(f"ens3_{'_'.join(map(str, args.seeds[:3]))}", args.seeds[:3]),
                     (f"ens3_{'_'.join(map(str, args.seeds[-3:]))}", args.seeds[-3:])]
    grid = dict(bias=[0.0, 1.0, 2.0, 3.0], coherence=[0.5, 1.0, 2.0], one_line=[0.0], two_lines=[0.0, 1.0, 2.0])
    if args.small_grid:
        grid = dict(bias=[1.0, 2.0], coherence=[1.0, 2.0], one_line=[0.0], two_lines=[1.0])
    summary = {}
    for name, seeds in variants:
        scored_train, scored_tune = [], []
        for f in range(T.FOLDS):
            for which, rows, dest in ((0, folds[f], scored_train), (1, tuning[f], scored_tune)):
                for j, (_, _, gs, d) in enumerate(rows):
                    logit = np.mean([oof_logits[s][f][which][j] for s in seeds], axis=0)
                    gs.prob = 1.0 / (1.0 + np.exp(-logit))
                    gs.cue = [""] * len(logit)
                    dest.append((gs, d))
        res = {"oof_train_fixed": T.mean_pk(scored_train, fixed), "oof_evallike_fixed": T.mean_pk(scored_tune, fixed)}
        pk_t, tuned = tune(scored_tune, grid)
        res |= {"oof_evallike_tuned": pk_t, "tuned": tuned.to_dict(), "oof_train_tuned": T.mean_pk(scored_train, tuned)}
        net = full_nets[seeds[0]] if len(seeds) == 1 else average_networks([full_nets[s] for s in seeds])
        for tag, dec in (("fixed", fixed), ("tuned", tuned)):
            model = dict(shipped)
            model["full"] = net.to_dict() | {"training": {"seeds": seeds, "round": 4}}
            model["decoder"] = dec.to_dict()
            (out_dir / f"{name}_{tag}.json").write_text(json.dumps(model) + "\n")
        summary[name] = res
        if len(seeds) > 1:
            _write_errors(scored_tune, fixed, out_dir / f"{name}_false_cuts.txt")
        print(name, {k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()}, flush=True)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
