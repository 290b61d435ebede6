"""The summary encoder alone: sentences/s and cosine to torch fp32, per runtime variant.

    python bench/embeddings/encoders.py [DATA.jsonl] [--articles 60] [--rounds 3]

Embeds the summary candidates of the first N articles (the stage's own batching) with:
torch fp32; the shipped int8 ONNX graph; the same int8 recipe on a graph first fused by
`onnxruntime.transformers.optimizer` (built into a temporary folder); and the shipped int8
graph with ONNX Runtime's intra-op spinning on. Rounds interleave the variants in one
process; medians are reported. bench/README.md "Embeddings, third round" has the results.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "summarise"))

from run import load_jsonl, to_articles  # noqa: E402

from tasks.models import DEFAULT_EMBEDDING_MODEL, SentenceEmbedder, embedding_model_path, onnx_hidden  # noqa: E402
from tasks.onnx_export import fp32_matmuls, onnx_encoder  # noqa: E402
from tasks.summarise import WINDOW, summary_candidates  # noqa: E402


def _fused_int8(fp32: Path, folder: Path) -> str:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    fused, target = folder / "fused.onnx", folder / "fused.int8.onnx"
    optimize_model(str(fp32), model_type="bert", num_heads=12, hidden_size=384, opt_level=1).save_model_to_file(str(fused))
    keep = fp32_matmuls(onnx.load(str(fused)).graph)
    quantize_dynamic(str(fused), str(target), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=keep, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return str(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, nargs="?", default=ROOT / "bench" / "out" / "wikinews_title.jsonl")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    texts = []
    for art in to_articles(load_jsonl(args.data, args.articles)):
        sents = [s.text for s in art.sentences]
        texts += [sents[i] for i in summary_candidates([len(t.split()) for t in sents], set(), window=WINDOW)]
    embedder = SentenceEmbedder(DEFAULT_EMBEDDING_MODEL, backend="torch")
    path = embedding_model_path(embedder.name)
    int8 = onnx_encoder(path, embedder._inputs, quantise=True)
    with tempfile.TemporaryDirectory() as tmp:
        variants = {
            "torch fp32": embedder._hidden,
            "onnx-int8 (shipped)": onnx_hidden(int8, embedder._inputs),
            "onnx-int8, fused graph": onnx_hidden(
                _fused_int8(onnx_encoder(path, embedder._inputs, quantise=False), Path(tmp)), embedder._inputs
            ),
            "onnx-int8, spinning": onnx_hidden(int8, embedder._inputs, spinning=True),
        }
        rates: dict[str, list[float]] = {name: [] for name in variants}
        vectors = {}
        for name, hidden in variants.items():  # warm-up
            embedder._hidden = hidden
            embedder.encode(texts[:64])
        for r in range(args.rounds):
            for name, hidden in variants.items():
                embedder._hidden = hidden
                started = time.perf_counter()
                vectors[name] = embedder.encode(texts)
                rates[name].append(len(texts) / (time.perf_counter() - started))
            print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.1f}" for n, v in rates.items()), flush=True)
    print(f"\n{len(texts)} summary candidates of {args.articles} articles\n")
    print("| encoder | sentences/s (median) | min / mean cosine to torch fp32 |\n|---|---:|---:|")
    for name in variants:
        cos = (vectors[name] * vectors["torch fp32"]).sum(1)
        print(f"| {name} | {statistics.median(rates[name]):.1f} | {cos.min():.3f} / {cos.mean():.4f} |")


if __name__ == "__main__":
    main()
