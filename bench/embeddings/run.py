"""The summariser's embedding work: how fast, and whether the summaries stay the same.

    python bench/embeddings/run.py [DATA.jsonl] [--articles 287] [--rounds 3]

DATA.jsonl: `{id, article, reference}` rows (bench/summarise/wikinews.py makes them
from ../shared/devdata). Articles are split by the flow's spaCy splitter. Each
configuration embeds what it needs for every article's extractive summary:

- `baseline`: PyTorch fp32, batches of 32 in article order, every sentence (the issue's
  "about 100 sentences/s");
- `torch`: PyTorch fp32 with length-sorted batches, every sentence;
- `onnx-int8`: ONNX Runtime int8 (feed-forward outputs fp32), every sentence;
- `newsflow`: what the summarise stage does by default: the default backend, only the
  summary candidates (eligible sentences, the first `window` of them).

Speed is the stage's rate: the articles' sentences divided by the seconds spent
embedding, so skipping a sentence counts as speed; the encoder's own rate (sentences
actually embedded per second) is shown beside it. Rounds interleave the configurations
in one process, so a noisy CPU hits all alike; medians are reported. Equivalence against
the baseline: the share of articles whose summary picks exactly the same sentences, and
ROUGE-1/2/Lsum against the references.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "summarise"))

import numpy as np  # noqa: E402
from run import load_jsonl, rouge, to_articles  # noqa: E402

from tasks.models import default_embedding_backend, sentence_embedder  # noqa: E402
from tasks.summarise import WINDOW, ExtractiveSummariser, summary_candidates  # noqa: E402


def unsorted_encode(embedder, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Mean-pooled unit vectors, batches in input order (padding to each batch's longest)."""
    out = []
    for start in range(0, len(texts), batch_size):
        enc = embedder.tokenizer(texts[start : start + batch_size], padding=True, truncation=True,
                                 max_length=embedder.max_length, return_tensors="np")
        enc = {k: v.astype(np.int64) for k, v in enc.items()}
        hidden = embedder._hidden(enc)
        mask = enc["attention_mask"][..., None].astype(np.float32)
        vec = (hidden * mask).sum(1) / mask.sum(1)
        out.append(vec / np.linalg.norm(vec, axis=1, keepdims=True))
    return np.concatenate(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, nargs="?", default=Path("wikinews_title.jsonl"))
    parser.add_argument("--articles", type=int, default=287)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rows = load_jsonl(args.data, args.articles)
    arts = to_articles(rows)
    texts = [s.text for a in arts for s in a.sentences]
    shipped = ExtractiveSummariser()  # the stage's defaults: window, backend
    full = ExtractiveSummariser(window=None)
    cand = [summary_candidates(*shipped._constraints(a), window=shipped.window) for a in arts]
    cand_texts = [a.sentences[i].text for a, idx in zip(arts, cand) for i in idx]
    torch_e = sentence_embedder(backend="torch")
    configs = {  # name: (embed function, texts, summariser reading the vectors)
        "baseline": (lambda t: unsorted_encode(torch_e, t), texts, full),
        "torch": (torch_e.encode, texts, full),
        "onnx-int8": (sentence_embedder(backend="onnx-int8").encode, texts, full),
        "newsflow": (sentence_embedder(backend=shipped.backend).encode, cand_texts, shipped),
    }
    for fn, _, _ in configs.values():
        fn(texts[:64])  # warm-up: one-off allocations and graph loading
    seconds: dict[str, list[float]] = {name: [] for name in configs}
    vectors = {}
    for r in range(args.rounds):
        for name, (fn, batch, _) in configs.items():
            started = time.perf_counter()
            vectors[name] = fn(batch)
            seconds[name].append(time.perf_counter() - started)
        print(f"round {r + 1}: " + ", ".join(f"{n} {len(texts) / seconds[n][-1]:.1f}" for n in configs), flush=True)

    picks = {}
    for name, (_, batch, step) in configs.items():
        offset, picks[name] = 0, []
        for a, idx in zip(arts, cand):
            n = len(idx) if batch is cand_texts else len(a.sentences)
            picks[name].append(step.pick(a, vectors[name][offset : offset + n]))
            offset += n
    refs = [r["reference"] for r in rows]
    base = len(texts) / statistics.median(seconds["baseline"])
    print(f"\n{len(arts)} articles, {len(texts)} sentences ({len(cand_texts)} summary candidates, "
          f"window {WINDOW}), {args.rounds} interleaved rounds; default backend {default_embedding_backend()}\n")
    print("| configuration | stage sentences/s | speed-up | encoder sentences/s | same summary sentences | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (_, batch, _) in configs.items():
        med = statistics.median(seconds[name])
        same = np.mean([p == q for p, q in zip(picks[name], picks["baseline"])])
        score = rouge([[a.sentences[i].text for i in p] for a, p in zip(arts, picks[name])], refs)
        print(f"| {name} | {len(texts) / med:.1f} | {len(texts) / med / base:.2f}x | {len(batch) / med:.1f} | "
              f"{100 * same:.1f}% | {score['rouge1']:.2f} | {score['rouge2']:.2f} | {score['rougeLsum']:.2f} |")


if __name__ == "__main__":
    main()
