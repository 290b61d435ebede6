"""Train the boundary model on dumps built from the TRAINING articles only.

    python bench/segmentation/train.py            # writes tasks/segment/boundary_model.json
    python bench/segmentation/sequence_train.py   # then adds the gap sequence model to it (round 6)

Training articles: the training split of news_dev.jsonl (with --supplement, also the
supplement's flat articles cut into paragraphs, `supplement.py`: measured worse on the
held-out evaluation, see bench/README.md); some get a non-Wikinews opening
(`DevArticle.reopened`) or crossheads (`DevArticle.with_subheads`). Dumps mix every layout the segmenter must handle (no separator, blank lines, one article
per line, mixed), with and without titles, truncated articles, dressed articles (kicker,
byline, dateline, captions, furniture), unrelated and one-topic articles. The evaluation
articles (bench/segmentation/run.py) are never seen here.

The training articles are split into 3 folds and every dump is built within one fold.
The decoder's settings (cut bias, coherence weight, short-segment penalty, cost of a cut
without a headline in a headed dump) are chosen on
out-of-fold scores (each fold's dumps scored by a network fitted on the other folds), so
they are tuned on articles the scoring model has not seen, as at run time; the shipped
network is then fitted on all folds. `--seam PATH` adds the seam score of a scorer fitted
by `seam_train.py` (round 5, not shipped). That scorer is fitted on the supplement's
articles, so with `--supplement` its scores on those are in sample and the network would
learn to trust them too much.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from pathlib import Path

import numpy as np

from common import ROOT, EmbeddingCache, SeamCache, centroids
from dumps import build_dump, load_articles, load_digests, one_topic_groups, split
from supplement import load_supplement
from metrics import pk
from tasks.segment.boundaries import GapScores, decide, dump_lines, scores_from_features
from tasks.segment.boundary_model import BoundaryModel, average_networks, fit_logistic, fit_mlp
from tasks.segment.decode import DecoderParams
from tasks.segment.features import LAYOUT_FEATURES, feature_names, gap_features, topic_text
from vector_cues_fit import fit_vector_cues

N_DUMPS_PER_FOLD = 120
FOLDS = 3
SEED = 7
UNITS, L2, ITERS = 16, 1e-3, 1500
NET_SEED = SEED  # the network's initial weights (--net-seed: how much a retrain alone moves the results)
N_NETS = 1  # networks averaged (--nets: seeds NET_SEED, NET_SEED + 1, ...), to take out that retrain noise
DECODER_GRID = dict(bias=[-1.0, 0.0, 1.0, 2.0], coherence=[0.0, 1.0, 2.0], one_line=[0.0, 3.0])
HEADLESS_GRID = [0.0, 1.0, 2.0, 3.0, 5.0, 8.0]  # tuned after the others, on the same out-of-fold scores
FIXED_DECODER = DecoderParams(bias=1.0, coherence=1.0, one_line=0.0, two_lines=1.0, headless=3.0)
REOPEN_SHARE, SUBHEAD_SHARE = 0.0, 0.0  # 0.4, 0.3 measured worse on the held-out evaluation (bench/README.md)
WIRE_SHARE = 0.0  # of dumps whose paragraphs are re-broken as wire copy's (`DevArticle.wire_lines`; --wire)


def training_articles(supplement: bool = False, digests: bool = False):
    """The training split of news_dev, with the paragraphed supplement and the round-ups if asked."""
    return split(load_articles(), "train") + (load_supplement() if supplement else []) + (load_digests() if digests else [])


def training_dumps(articles, cents, n: int, seed: int):
    rng = random.Random(seed)
    wire = random.Random(seed + 1000)  # its own draws, so that --wire 0 builds the dumps it always built
    for _ in range(n):
        size = min(len(articles), rng.randint(3, 25))
        group = one_topic_groups(articles, cents, size, rng) if rng.random() < 0.5 else rng.sample(articles, size)
        layout = rng.choice(["none", "none", "none", "blank", "blank_para", "per_line", "mixed"])
        layout = "wire" if layout == "none" and wire.random() < WIRE_SHARE else layout
        yield build_dump(
            group, layout, titles=rng.random() < 0.5, truncate_share=rng.choice([0.0, 0.0, 0.3, 0.8]),
            decorate=layout not in ("per_line", "mixed") and rng.random() < 0.4, rng=rng,
            reopen_share=REOPEN_SHARE, subhead_share=SUBHEAD_SHARE,
        )


def featurise(dumps, cache, with_embeddings: bool, cues=None, continuation: bool = False, seams=None, cohesion: bool = False):
    """Per dump: (features, labels, GapScores without probabilities, dump)."""
    per_dump = []
    for d in dumps:
        lines = dump_lines(d.text)
        emb = cache.encode([topic_text(ln.text) for ln in lines]) if with_embeddings else None
        X, idx = gap_features([ln.text for ln in lines], [ln.blank_before for ln in lines], emb, cues, continuation,
                              seams.score if seams else None, cohesion)
        gold = set(d.starts)
        per_dump.append((X, np.array([i in gold for i in idx], dtype=float), scores_from_features(lines, X, idx, emb), d))
    return per_dump


def fit(rows, names: list[str], kind: str) -> BoundaryModel:
    X = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    if kind == "logistic":
        mean, scale, coef, b = fit_logistic(X, y, l2=1e-3)
        return BoundaryModel(tuple(names), mean, scale, coef, b, 0.5)
    m = average_networks([fit_mlp(X, y, units=UNITS, l2=L2, iters=ITERS, seed=NET_SEED + i) for i in range(N_NETS)])
    return BoundaryModel(tuple(names), m.mean, m.scale, m.coef, m.intercept, 0.5, m.hidden, m.hidden_bias)


def mean_pk(scored, decoder=None, threshold=0.5) -> float:
    out = []
    for gs, d in scored:
        gs.threshold = threshold
        out.append(pk(d.starts, [0] + [b.index for b in decide(gs, decoder=decoder)], d.n_lines))
    return float(np.mean(out))


def out_of_fold(folds, names, kind):
    """Every fold's dumps scored by a model fitted on the other folds."""
    scored = []
    for f in range(len(folds)):
        model = fit([r for g, fold in enumerate(folds) if g != f for r in fold], names, kind)
        for X, _, gs, d in folds[f]:
            gs.prob = model.predict(X)
            gs.cue = [""] * len(gs.prob)
            scored.append((gs, d))
    return scored


def tune_decoder(scored, how: str) -> DecoderParams:
    """Decoder settings on out-of-fold scores. joint: all four on every dump (round 2);
    split: cut bias, coherence and short-segment penalty on the untitled paragraph dumps
    (no blank lines: the layout the decoder decides alone), `headless` on the titled ones;
    fixed: the shipped round-1 settings plus headless 3 (FIXED_DECODER)."""
    if how == "fixed":
        return FIXED_DECODER
    plain = [(gs, d) for gs, d in scored if not d.titled and "\n\n" not in d.text] if how == "split" else scored
    titled = [(gs, d) for gs, d in scored if d.titled] if how == "split" else scored
    trials = []
    for vals in itertools.product(*DECODER_GRID.values()):
        trials.append((mean_pk(plain, DecoderParams(**dict(zip(DECODER_GRID, vals)))), vals))
    best = dict(zip(DECODER_GRID, min(trials)[1]))
    headless = min((mean_pk(titled, DecoderParams(**best, headless=h)), h) for h in HEADLESS_GRID)[1]
    return DecoderParams(**best, headless=headless)


def train(name: str, names: list[str], folds, kind: str, tuning: str | None) -> tuple[BoundaryModel, dict]:
    scored = out_of_fold(folds, names, kind)
    oof_pk, t = min((mean_pk(scored, None, float(t)), round(float(t), 2)) for t in np.arange(0.2, 0.81, 0.05))
    info = {"rows": int(sum(len(r[1]) for fold in folds for r in fold)), "out_of_fold_pk_threshold": round(oof_pk, 4)}
    decoder = None
    if tuning:
        decoder = tune_decoder(scored, tuning)
        info["out_of_fold_pk_decoder"] = round(mean_pk(scored, decoder), 4)
    model = fit([r for fold in folds for r in fold], names, kind)
    model = BoundaryModel(tuple(names), model.mean, model.scale, model.coef, model.intercept, t,
                          model.hidden, model.hidden_bias)
    print(name, info, decoder)
    return model, info | ({"decoder": decoder.to_dict()} if decoder else {})


def main() -> None:
    global REOPEN_SHARE, SUBHEAD_SHARE, WIRE_SHARE, NET_SEED, N_NETS
    ap = argparse.ArgumentParser()
    ap.add_argument("--supplement", action="store_true", help="add the paragraphed flat supplement (see bench/README.md)")
    ap.add_argument("--digests", action="store_true", help="add the hand-written round-ups in digests/ (round 11)")
    ap.add_argument("--reopen", type=float, default=REOPEN_SHARE, help="share of articles with non-Wikinews openings")
    ap.add_argument("--subheads", type=float, default=SUBHEAD_SHARE, help="share of articles with crossheads")
    ap.add_argument("--wire", type=float, default=WIRE_SHARE,
                    help="share of the no-separator dumps written in wire-copy paragraphs of one or two sentences")
    ap.add_argument("--vector-cues", action="store_true", help="the learned opening-line cue (vector_cues.py), cross-fitted per fold")
    ap.add_argument("--continuation", action="store_true", help="the continuation openers (continuation.py) as cues")
    ap.add_argument("--cohesion", action="store_true", help="wide-window name cohesion (cohesion.py) as cues")
    ap.add_argument("--seam", default=None,
                    help="a seam scorer's weights (seam_train.py) whose score the network reads (round 5); "
                    "the model file names it, so it must sit beside --out")
    ap.add_argument("--net-seed", type=int, default=SEED, help="initial weights of the network")
    ap.add_argument("--nets", type=int, default=N_NETS, help="networks averaged into the shipped one (seeds from --net-seed)")
    ap.add_argument("--decoder-tuning", choices=["joint", "split", "fixed"], default="joint", help="see tune_decoder")
    ap.add_argument("--out", default=str(ROOT / "tasks" / "segment" / "boundary_model.json"))
    args = ap.parse_args()
    REOPEN_SHARE, SUBHEAD_SHARE, WIRE_SHARE, NET_SEED, N_NETS = args.reopen, args.subheads, args.wire, args.net_seed, args.nets
    t0 = time.time()
    cache = EmbeddingCache()
    articles = training_articles(args.supplement, args.digests)
    dumps = []
    for f in range(FOLDS):
        fold = [a for a in articles if a.seed("fold") % FOLDS == f]
        dumps.append(list(training_dumps(fold, centroids(fold, cache), N_DUMPS_PER_FOLD, SEED + f)))
    # cues for a fold's dumps are fitted on the other folds' articles, as the evaluation's are
    # fitted on articles it never sees; the shipped cues on all training articles
    cues = [fit_vector_cues([a for a in articles if a.seed("fold") % FOLDS != f], cache) if args.vector_cues else None
            for f in range(FOLDS)]
    names = feature_names(True, args.vector_cues, args.continuation, bool(args.seam), args.cohesion)
    seams = SeamCache(Path(args.seam)) if args.seam else None
    full_folds = [featurise(ds, cache, True, c, args.continuation, seams, args.cohesion) for ds, c in zip(dumps, cues)]
    if seams:
        seams.save()
    full, full_info = train("full", names, full_folds, "mlp", args.decoder_tuning)
    layout, layout_info = train("layout", LAYOUT_FEATURES, [featurise(ds, cache, False) for ds in dumps], "logistic", None)
    cache.save()
    out = {
        "about": f"Boundary models trained by bench/segmentation/train.py on {FOLDS} x {N_DUMPS_PER_FOLD} dumps "
        f"(seed {SEED}) built from {len(articles)} training articles: the training split of shared/devdata/news_dev.jsonl "
        f"{'and the paragraphed news_dev_supplement_flat.jsonl ' if args.supplement else ''}(Wikinews, CC BY 2.5)"
        f"{', and the hand-written round-ups of bench/segmentation/digests' if args.digests else ''}; "
        f"{REOPEN_SHARE:.0%} of articles with non-Wikinews openings, {SUBHEAD_SHARE:.0%} with crossheads. full: "
        f"{'the average of ' + str(N_NETS) + ' ' if N_NETS > 1 else 'a '}one-hidden-layer ReLU network{'s' if N_NETS > 1 else ''} over layout + topic cues"
        f"{' + the seam score' if args.seam else ''}; "
        "layout: logistic regression over layout cues; decoder: whole-dump decoding settings, "
        "chosen on out-of-fold scores.",
        "version": 4,
        "full": full.to_dict() | {"training": full_info},
        "layout": layout.to_dict() | {"training": layout_info},
        "decoder": full_info["decoder"],
    }
    if args.seam:
        out["seam"] = Path(args.seam).name
    if args.vector_cues:
        out["vector_cues"] = fit_vector_cues(articles, cache).to_dict()
    path = Path(args.out)
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path} ({path.stat().st_size // 1024} kB) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
