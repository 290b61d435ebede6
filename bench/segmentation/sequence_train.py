"""Fit the gap sequence model (`tasks/segment/sequence_model.py`) and the decoder that reads it.

    python bench/segmentation/sequence_train.py [--extra 200] [--nets 3] [--epochs 12]

Training dumps: train.py's 3 folds x 120 dumps of the TRAINING articles, plus `--extra`
more per fold (other seeds, same articles and layouts); the evaluation articles are never
seen. The GRUs read each gap's cues (the boundary network's, plus `cohesion.py`'s) and each
line's similarity band. At run time the segmenter averages their log-odds with the
boundary network's; their shares (`--weights`) and the decoder are chosen on that average,
out of fold: each fold's 120 dumps scored by a network and GRUs fitted on the other folds (the
network on their 120 dumps each, as train.py fits it). Then `--nets` GRUs (seeds 0..) are
fitted on every dump; their weights go beside the boundary model file, which gains
`sequence` and the new `decoder`. ~10 min on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch

import train as T
from common import ROOT, EmbeddingCache, centroids
from tasks.segment.boundary_model import BoundaryModel
from tasks.segment.decode import DecoderParams, log_odds
from tasks.segment.features import feature_names
from tasks.segment.sequence_model import BAND, sequence_inputs

MODEL = ROOT / "tasks" / "segment" / "boundary_model.json"
SEQUENCE_FILE = "boundary_sequence.npz"
PROJECT, HIDDEN, HEAD = 64, 32, 32
BATCH, LR, WEIGHT_DECAY, DROPOUT = 8, 2e-3, 1e-3, 0.1
EXTRA_SEED = 1000
SEQUENCE_ABOUT = ("sequence: bidirectional GRUs over every gap's cues ({file}), fitted by "
                  "bench/segmentation/sequence_train.py on the same training articles; their log-odds are averaged "
                  "with full's by `weight`, and the decoder was re-tuned on that average.")
# out-of-fold Pk is also reported on these parts of the training dumps
OOF_PARTS = {
    "untitled, no blank lines": lambda d: not d.titled and "\n\n" not in d.text,
    "titled": lambda d: d.titled,
    "blank lines": lambda d: "\n\n" in d.text,
}


class GapGRU(torch.nn.Module):
    """The training-time form of one net of `GapSequenceModel` (same parameter names)."""

    def __init__(self, inputs: int):
        super().__init__()
        self.inp = torch.nn.Sequential(torch.nn.Linear(inputs, PROJECT), torch.nn.ReLU(), torch.nn.Dropout(DROPOUT))
        self.gru = torch.nn.GRU(PROJECT, HIDDEN, batch_first=True, bidirectional=True)
        self.out = torch.nn.Sequential(torch.nn.Linear(PROJECT + 2 * HIDDEN, HEAD), torch.nn.ReLU(), torch.nn.Linear(HEAD, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        g, _ = self.gru(h)
        return self.out(torch.cat([h, g], -1)).squeeze(-1)


def fit_gru(rows, mean, scale, epochs: int, seed: int) -> GapGRU:
    """One net over (inputs, labels) rows; label 0 of each dump (its first line) is not scored."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = GapGRU(len(mean))
    opt = torch.optim.AdamW(net.parameters(), LR, weight_decay=WEIGHT_DECAY)
    for _ in range(epochs):
        # batches of similar length (little padding), in random order
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][1]) + rng.random() * 20)
        batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
        rng.shuffle(batches)
        net.train()
        for b in batches:
            longest = max(len(rows[i][1]) for i in b)
            x, y, mask = torch.zeros(len(b), longest, len(mean)), torch.zeros(len(b), longest), torch.zeros(len(b), longest)
            for r, i in enumerate(b):
                n = len(rows[i][1])
                x[r, :n] = torch.from_numpy((rows[i][0] - mean) / scale)
                y[r, :n] = torch.from_numpy(rows[i][1])
                mask[r, 1:n] = 1
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(x), y, reduction="none")
            loss = (loss * mask).sum() / mask.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net.eval()


def gru_logits(nets, mean, scale, inputs: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        x = torch.from_numpy((inputs - mean) / scale)[None].float()
        return np.mean([net(x)[0].numpy() for net in nets], axis=0)[1:]


def oof_parts(scored, decoder: DecoderParams) -> dict[str, float]:
    """Out-of-fold Pk on each of OOF_PARTS."""
    return {name: round(T.mean_pk([(gs, d) for gs, d in scored if keep(d)], decoder), 4) for name, keep in OOF_PARTS.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", type=int, default=200, help="dumps per fold beyond train.py's 120")
    ap.add_argument("--nets", type=int, default=3, help="GRUs averaged (seeds 0..)")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--weights", type=float, nargs="+", default=[0.5],
                    help="shares of the sequence model in the averaged log-odds (several: the best out of fold)")
    ap.add_argument("--band", type=int, default=BAND, help="neighbours each side whose similarity a row holds")
    ap.add_argument("--continuation", action="store_true", help="the GRUs also read the continuation openers")
    ap.add_argument("--digests", action="store_true", help="as train.py's --digests (give both the same)")
    ap.add_argument("--wire", type=float, default=T.WIRE_SHARE, help="as train.py's --wire (give both the same)")
    ap.add_argument("--model", default=str(MODEL), help="the boundary model file whose network it joins")
    ap.add_argument("--out", default=str(MODEL), help="where the model file goes (the weights go beside it)")
    args = ap.parse_args()
    T.WIRE_SHARE = args.wire
    t0 = time.time()
    torch.set_num_threads(2)
    base = json.loads(Path(args.model).read_text())
    network = BoundaryModel.from_dict(base["full"])
    cues = feature_names(True, continuation=args.continuation, cohesion=True)
    cols = [cues.index(f) for f in network.features]
    cache = EmbeddingCache()
    articles = T.training_articles(digests=args.digests)
    folds = []  # per fold: (X, labels, GapScores, dump) per dump, train.py's 120 first
    for f in range(T.FOLDS):
        fold = [a for a in articles if a.seed("fold") % T.FOLDS == f]
        cents = centroids(fold, cache)
        dumps = list(T.training_dumps(fold, cents, T.N_DUMPS_PER_FOLD, T.SEED + f))
        dumps += list(T.training_dumps(fold, cents, args.extra, EXTRA_SEED + f))
        folds.append(T.featurise(dumps, cache, True, continuation=args.continuation, cohesion=True))
    cache.save()
    seq = [[(sequence_inputs(X, gs.embeddings, args.band), np.concatenate([[0.0], y]).astype(np.float32)) for X, y, gs, _ in fold]
           for fold in folds]
    allrows = np.vstack([r[0] for fold in seq for r in fold])
    mean, scale = allrows.mean(0), allrows.std(0) + 1e-6
    print(f"featurised {sum(map(len, folds))} dumps in {time.time() - t0:.0f}s", flush=True)

    # out of fold: the network as train.py fits it, the GRUs on every other-fold dump
    first = [[(X[:, cols], y, gs, d) for X, y, gs, d in fold[: T.N_DUMPS_PER_FOLD]] for fold in folds]
    scored = T.out_of_fold(first, list(network.features), "mlp")  # sets each GapScores' prob
    net_logit = [log_odds(gs.prob) for gs, _ in scored]
    base_decoder = DecoderParams(**base["decoder"])
    print(f"network alone: out of fold Pk {T.mean_pk(scored, base_decoder):.4f} {oof_parts(scored, base_decoder)}",
          flush=True)
    seq_logit = []
    for f in range(T.FOLDS):
        nets = [fit_gru([r for g in range(T.FOLDS) if g != f for r in seq[g]], mean, scale, args.epochs, f)]
        seq_logit += [gru_logits(nets, mean, scale, inputs) for inputs, _ in seq[f][: T.N_DUMPS_PER_FOLD]]
    # the share of the sequence model and the decoder's cut bias, coherence weight and
    # short-segment penalty on the out-of-fold scores; `headless` stays the base model's
    # (set in round 2: tuning picks 1 on the training dumps and loses titled precision)
    trials = []
    for weight in args.weights:
        for (gs, _), zn, zs in zip(scored, net_logit, seq_logit):
            gs.prob = 1 / (1 + np.exp(-((1 - weight) * zn + weight * zs)))
        tuned = T.tune_decoder(scored, "split")
        decoder = DecoderParams(**{**tuned.__dict__, "headless": base_decoder.headless})
        trials.append((T.mean_pk(scored, decoder), weight, decoder))
        print(f"weight {weight}: out of fold Pk {trials[-1][0]:.4f} {oof_parts(scored, decoder)} {decoder}", flush=True)
    oof_pk, weight, decoder = min(trials, key=lambda t: t[0])
    oof = {"out_of_fold_pk_network": base["full"]["training"].get("out_of_fold_pk_decoder"),
           "out_of_fold_pk_with_sequence": round(oof_pk, 4)}
    print(f"out of fold {oof} weight {weight} {decoder} ({time.time() - t0:.0f}s)", flush=True)

    nets = [fit_gru([r for fold in seq for r in fold], mean, scale, args.epochs, s) for s in range(args.nets)]
    weights = {"features": np.array(cues), "mean": mean.astype(np.float32), "scale": scale.astype(np.float32),
               "nets": np.array(args.nets), "band": np.array(args.band)}
    for i, net in enumerate(nets):
        weights |= {f"{i}.{k}": v.numpy() for k, v in net.state_dict().items()}
    out = Path(args.out)
    np.savez_compressed(out.parent / SEQUENCE_FILE, **weights)
    base["sequence"] = {"file": SEQUENCE_FILE, "weight": weight, "training": oof | {
        "dumps": sum(map(len, folds)), "nets": args.nets, "epochs": args.epochs}}
    note = SEQUENCE_ABOUT.format(file=SEQUENCE_FILE)
    base["about"] = base["about"].split(" " + SEQUENCE_ABOUT.split(" ")[0])[0] + " " + note
    base["decoder"] = decoder.to_dict()
    base["version"] = 5
    out.write_text(json.dumps(base) + "\n")
    print(f"wrote {out} and {SEQUENCE_FILE} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
