"""Embedding backends: the ONNX Runtime ones agree with PyTorch fp32, long texts are
embedded window by window, and every backend is one model per process."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from conftest import DEVDATA


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    rows = [json.loads(line) for line in DEVDATA.read_text().splitlines()[:6]]
    return [s for r in rows for s in re.split(r"(?<=[.!?])\s+", r["text"].replace("\n", " ")) if s]


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_backends_match_torch(embedder, sentences, backend, tmp_path_factory):
    from tasks.models import sentence_embedder

    ref = sentence_embedder(backend="torch").encode(sentences)
    got = sentence_embedder(backend=backend).encode(sentences)
    cos = (ref * got).sum(1)
    assert got.shape == ref.shape
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    # int8 without smoothing reaches a mean of ~0.9956 on such sentences; smoothed, ~0.9988.
    assert cos.min() > (0.999 if backend == "onnx" else 0.985), cos.min()
    assert cos.mean() > (0.9999 if backend == "onnx" else 0.997), cos.mean()


def test_smoothing_keeps_the_fp32_model_exact_and_flattens_its_outliers(sentences):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from tasks.models import embedding_model_path
    from tasks.smoothquant import smooth

    path = str(embedding_model_path("all-MiniLM-L6-v2"))
    tokenizer = AutoTokenizer.from_pretrained(path)
    batch = tokenizer(sentences[:16], padding=True, truncation=True, return_tensors="pt")
    plain, smoothed = (AutoModel.from_pretrained(path).eval() for _ in range(2))
    assert smooth(smoothed, tokenizer) == 6 * 3  # per layer: q/k/v input, attention output, ffn input

    peaks: dict[str, list[float]] = {"plain": [], "smoothed": []}

    def spread(name):
        def hook(module, args):  # the ffn input as the int8 MatMul sees it (after the division)
            x = args[0].abs().reshape(-1, args[0].shape[-1]).amax(0)
            peaks[name].append(float(x.max() / x.median()))
        return hook

    with torch.inference_mode():
        for name, model in (("plain", plain), ("smoothed", smoothed)):
            handle = model.encoder.layer[2].intermediate.dense.register_forward_pre_hook(spread(name))
            out = model(**batch).last_hidden_state
            handle.remove()
            if name == "plain":
                expected = out
    torch.testing.assert_close(out, expected, atol=2e-4, rtol=1e-4)
    assert peaks["plain"][0] > 8 and peaks["smoothed"][0] < peaks["plain"][0] / 2, peaks


def test_int8_graph_keeps_the_feed_forward_outputs_in_fp32(embedder):
    import onnx

    from tasks.models import embedding_model_path
    from tasks.onnx_export import fp32_matmuls, onnx_encoder

    path, names = embedding_model_path("all-MiniLM-L6-v2"), list(embedder.tokenizer.model_input_names)
    graph = onnx.load(str(onnx_encoder(path, names, quantise=True))).graph
    ops = {n.name: n.op_type for n in graph.node}
    kept = fp32_matmuls(onnx.load(str(onnx_encoder(path, names, quantise=False))).graph)
    assert len(kept) == 6 and all(ops[name] == "MatMul" for name in kept)  # one per layer, not quantised
    assert sum(op == "MatMulInteger" for op in ops.values()) == 6 * 5  # q, k, v, attention out, ffn in


def test_long_text_uses_every_window(sentences):
    from tasks.models import sentence_embedder

    e = sentence_embedder(backend="torch")
    head = " ".join(sentences[:12])
    tail = " ".join(sentences[-12:])
    assert len(e.tokenizer(head + " " + tail).input_ids) > 256
    text = head + " " + tail
    cut = e.tokenizer.decode(e.tokenizer(text, add_special_tokens=False).input_ids[:250])
    whole, truncated, last = e.encode([text, cut, tail])
    # the tail past the 256-token window counts: closer to the tail than the cut text is
    assert whole @ last > truncated @ last + 0.02
    assert e.encode([""]).shape == (1, e.dim)
    assert e.encode([]).shape == (0, e.dim)


def test_unknown_backend_is_a_clear_error():
    from tasks.models import SentenceEmbedder

    with pytest.raises(ValueError, match="unknown embedding backend"):
        SentenceEmbedder("all-MiniLM-L6-v2", "tensorrt")


def test_batches_are_bounded_in_padded_tokens_with_the_same_vectors(sentences, monkeypatch):
    """A batch is bounded in padded tokens (so in attention memory), not only in count,
    also for text that packs many tokens into few characters (figures, codes); the vectors
    do not depend on the batching, nor on how many texts are tokenised at once."""
    from tasks import models
    from tasks.models import SentenceEmbedder, sentence_embedder

    dense = " ".join(f"{n * 7919 % 100003:,}.{n % 97:02d}%" for n in range(60))  # ~25 chars per 10 tokens
    texts = sentences[:40] + [" ".join(sentences[40:52])] * 3 + [dense, dense[:300]]
    embedder = SentenceEmbedder(sentence_embedder().name, "torch", batch_tokens=1024)
    hidden, shapes = embedder._hidden, []
    embedder._hidden = lambda feed: shapes.append(feed["input_ids"].shape) or hidden(feed)
    got = embedder.encode(texts)
    assert all(rows == 1 or rows * width <= 1024 for rows, width in shapes), shapes
    assert sum(rows for rows, _ in shapes) > len(texts)  # the ~250-token texts and `dense` took 2+ windows
    assert any(rows < 32 for rows, _ in shapes[:-1])  # the long ones were split off
    one_by_one = SentenceEmbedder(sentence_embedder().name, "torch", batch_size=1).encode(texts)
    np.testing.assert_allclose(got, one_by_one, atol=1e-5)
    monkeypatch.setattr(models, "_TOKENISE_SLICE", 7)
    np.testing.assert_allclose(embedder.encode(texts), one_by_one, atol=1e-5)
