"""Fit the seam scorer (tasks/segment/seam.py) on the supplement's articles.

    python bench/segmentation/seam_train.py [--epochs 3] [--out bench/out/segmentation/seam_model.npz]

Pairs of lines either side of a gap: every two consecutive paragraphs of an article
(and its title before its first paragraph) continue (label 0); the last paragraph of one
article (sometimes cut off mid-sentence) before the first line of another (its first
paragraph, sometimes with a non-Wikinews opening, sometimes its title) is a seam (label
1); half the other articles are picked among the ten that share the most content words,
so the pair is about the same thing and only the way it joins tells. The articles are
the supplement's (`supplement.py`), which neither the boundary model's training nor the
evaluation uses, so the seam score is out of sample in both. Reported: ROC AUC of the
seam score, and of plain cosine between the two lines' embeddings, on pairs built the
same way from the boundary model's TRAINING articles.
"""
from __future__ import annotations

import argparse
import random
import time

import numpy as np

from common import OUT, EmbeddingCache
from dumps import load_articles, split
from metrics import auc
from supplement import load_supplement
from tasks.segment.features import content_words, topic_text
from tasks.segment.seam import LowRankAdapters, encode_pairs, seam_pair

RANK, ALPHA = 8, 16
NEGATIVES_PER_ARTICLE = 4


def neighbours(articles, k: int = 10) -> list[list[int]]:
    """The k articles sharing the most content words with each (a cheap topical neighbourhood)."""
    words = [content_words(" ".join(a.paragraphs)) for a in articles]
    out = []
    for i, w in enumerate(words):
        sims = [(len(w & v) / (len(w | v) or 1), j) for j, v in enumerate(words) if j != i]
        out.append([j for _, j in sorted(sims, reverse=True)[:k]])
    return out


def seam_pairs(articles, seed: int, title_share: float = 0.1) -> list[tuple[str, str, int, str]]:
    """(line before, line after, 1 if a new article starts, kind) for every gap described above;
    `title_share` of the seams end on the next article's title, and three times that share
    of articles (at most all) give a title + first paragraph pair that continues."""
    rng = random.Random(seed)
    near = neighbours(articles)
    pairs = []
    for i, a in enumerate(articles):
        paras = a.paragraphs
        pairs += [(p, q, 0, "within") for p, q in zip(paras, paras[1:])]
        if rng.random() < 3 * title_share:
            pairs.append((a.title, paras[0], 0, "title"))
        for _ in range(NEGATIVES_PER_ARTICLE):
            hard = rng.random() < 0.5
            b = articles[rng.choice(near[i])] if hard else articles[rng.choice([j for j in range(len(articles)) if j != i])]
            end = a.truncated()[-1] if rng.random() < 0.3 else paras[-1]
            r = rng.random()
            start = b.title if r < title_share else (b.reopened().paragraphs[0] if r < title_share + 0.3 else b.paragraphs[0])
            pairs.append((end, start, 1, "seam, same topic" if hard else "seam"))
    return pairs


def main() -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    from tasks.models import DEFAULT_EMBEDDING_MODEL, embedding_model_path

    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--title-share", type=float, default=0.1, help="share of seams that end on a title (see seam_pairs)")
    ap.add_argument("--out", default=str(OUT / "seam_model.npz"))
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    t0 = time.time()
    train = seam_pairs(load_supplement(), args.seed, args.title_share)
    val = seam_pairs(split(load_articles(), "train"), args.seed + 1, args.title_share)
    print(f"{len(train)} training pairs ({sum(p[2] for p in train)} seams), {len(val)} validation pairs", flush=True)
    path = embedding_model_path(DEFAULT_EMBEDDING_MODEL)
    tok = AutoTokenizer.from_pretrained(str(path))
    model = AutoModel.from_pretrained(str(path))
    for p in model.parameters():
        p.requires_grad = False
    lora = LowRankAdapters(model, RANK, ALPHA, args.seed)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    torch.nn.init.zeros_(head.weight)
    torch.nn.init.zeros_(head.bias)
    params = lora.tensors() + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    n_pos = sum(p[2] for p in train)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(train) - n_pos) / n_pos))
    steps = args.epochs * ((len(train) + 31) // 32)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 30) * max(0.0, 1 - s / steps))

    def logits(batch, grad: bool):
        with torch.set_grad_enabled(grad):
            return head(encode_pairs(tok, model, [seam_pair(p, q) for p, q, *_ in batch])).squeeze(-1)

    def evaluate(pairs) -> np.ndarray:
        model.eval()
        return np.concatenate([logits(pairs[s : s + 64], False).numpy() for s in range(0, len(pairs), 64)])

    rng = random.Random(args.seed)
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = train[:]
        rng.shuffle(order)
        total = 0.0
        for s in range(0, len(order), 32):
            batch = order[s : s + 32]
            loss = loss_fn(logits(batch, True), torch.tensor([float(p[2]) for p in batch]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(batch)
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {total / (s + len(batch)):.4f} {time.time() - t0:.0f}s", flush=True)
        v = evaluate(val)
        y = np.array([p[2] for p in val])
        hard = np.array([p[3] != "seam" for p in val])
        print(f"epoch {epoch}: validation AUC {auc(v, y):.4f}, same-topic seams vs within {auc(v[hard], y[hard]):.4f}", flush=True)
    cache = EmbeddingCache()
    ea = cache.encode([topic_text(p[0]) for p in val])
    eb = cache.encode([topic_text(p[1]) for p in val])
    cos = -(ea * eb).sum(1)
    cache.save()
    print(f"cosine: validation AUC {auc(cos, y):.4f}, same-topic seams vs within {auc(cos[hard], y[hard]):.4f}")
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, base=np.array(DEFAULT_EMBEDDING_MODEL), head_w=head.weight.detach().numpy()[0],
             head_b=head.bias.detach().numpy()[0], **lora.arrays())
    print(f"wrote {args.out} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
