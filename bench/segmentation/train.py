"""Train the boundary model on dumps built from the TRAINING split of the dev articles.

    python bench/segmentation/train.py            # writes tasks/segment/boundary_model.json

Dumps mix every layout the segmenter must handle (no separator, blank lines, one article
per line, mixed), with and without titles, truncated articles, dressed articles (kicker,
byline, dateline, captions, furniture), unrelated and one-topic articles. The evaluation
articles (bench/segmentation/run.py) are never seen here.
"""
from __future__ import annotations

import json
import random
import time

import numpy as np

from common import ROOT, EmbeddingCache, centroids
from dumps import build_dump, load_articles, one_topic_groups, split
from metrics import boundary_counts, pk, prf
from tasks.segment.boundaries import GapScores, decide, dump_lines
from tasks.segment.boundary_model import BoundaryModel, fit_logistic
from tasks.segment.features import ALL_FEATURES, LAYOUT_FEATURES, gap_features, topic_text

N_DUMPS = 300
SEED = 7


def training_dumps(articles, cents, n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        size = rng.randint(3, 25)
        group = one_topic_groups(articles, cents, size, rng) if rng.random() < 0.5 else rng.sample(articles, size)
        layout = rng.choice(["none", "none", "none", "blank", "blank_para", "per_line", "mixed"])
        yield build_dump(
            group, layout, titles=rng.random() < 0.5, truncate_share=rng.choice([0.0, 0.0, 0.3, 0.8]),
            decorate=layout not in ("per_line", "mixed") and rng.random() < 0.4, rng=rng,
        )


def featurise(dumps, cache, with_embeddings: bool):
    per_dump = []
    for d in dumps:
        lines = dump_lines(d.text)
        emb = cache.encode([topic_text(ln.text) for ln in lines]) if with_embeddings else None
        X, idx = gap_features([ln.text for ln in lines], [ln.blank_before for ln in lines], emb)
        gold = set(d.starts)
        per_dump.append((X, np.array([i in gold for i in idx], dtype=float), idx, d))
    return per_dump


def choose_threshold(model: BoundaryModel, per_dump) -> tuple[float, float]:
    """The probability cut with the lowest mean Pk over the training dumps."""
    best = (1.0, 0.5)
    for t in np.arange(0.2, 0.81, 0.05):
        scores = []
        for X, _, idx, d in per_dump:
            gs = GapScores(idx, X, model.predict(X), [""] * len(idx), float(t))
            scores.append(pk(d.starts, [0] + [b.index for b in decide(gs)], d.n_lines))
        best = min(best, (float(np.mean(scores)), float(t)))
    return best


def train(name: str, feature_names: list[str], per_dump) -> tuple[BoundaryModel, dict]:
    X = np.vstack([p[0] for p in per_dump])
    y = np.concatenate([p[1] for p in per_dump])
    mean, scale, coef, b = fit_logistic(X, y, l2=1e-3)
    model = BoundaryModel(tuple(feature_names), mean, scale, coef, b, 0.5)
    train_pk, t = choose_threshold(model, per_dump)
    model = BoundaryModel(tuple(feature_names), mean, scale, coef, b, t)
    tp = pr = gd = 0
    for Xd, _, idx, d in per_dump:
        gs = GapScores(idx, Xd, model.predict(Xd), [""] * len(idx), t)
        c = boundary_counts(d.starts, [b.index for b in decide(gs)])
        tp, pr, gd = tp + c[0], pr + c[1], gd + c[2]
    info = {"rows": int(len(y)), "positives": int(y.sum()), "train_pk": round(train_pk, 4),
            "train_f1": round(prf(tp, pr, gd)[2], 4)}
    print(name, info)
    return model, info


def main() -> None:
    t0 = time.time()
    cache = EmbeddingCache()
    articles = split(load_articles(), "train")
    cents = centroids(articles, cache)
    dumps = list(training_dumps(articles, cents, N_DUMPS, SEED))
    full, full_info = train("full", ALL_FEATURES, featurise(dumps, cache, True))
    layout, layout_info = train("layout", LAYOUT_FEATURES, featurise(dumps, cache, False))
    cache.save()
    out = {
        "about": "Logistic-regression boundary model; trained by bench/segmentation/train.py on "
        f"{N_DUMPS} dumps (seed {SEED}) built from the {len(articles)} training-split articles "
        "of shared/devdata/news_dev.jsonl (Wikinews, CC BY 2.5).",
        "full": full.to_dict() | {"training": full_info},
        "layout": layout.to_dict() | {"training": layout_info},
    }
    path = ROOT / "tasks" / "segment" / "boundary_model.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} in {time.time() - t0:.0f}s")
    for f, c in sorted(zip(ALL_FEATURES, full.coef), key=lambda x: -abs(x[1])):
        print(f"  {f:28s} {c:+.2f}")


if __name__ == "__main__":
    main()
