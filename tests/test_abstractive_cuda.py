"""The abstractive backend on a GPU: `device=auto` resolves to CUDA, and generation there
gives the summaries the CPU gives (beam search is deterministic). Skipped where no GPU is
visible. Needs neither Prefect nor the dev data, so it runs on a bare GPU machine:

    python -m pytest --noconftest -p no:cacheprovider tests/test_abstractive_cuda.py
"""
from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device visible")

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "news_dump.txt"


@pytest.fixture(scope="module")
def texts():
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines() if len(line.split()) > 12]
    assert len(lines) >= 6
    return lines


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory, texts):
    from tiny_models import build_tiny_bart

    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart-cuda"), texts)


def _articles(texts):
    from tasks.records import Article, content_hash

    return [Article(content_hash(t), "test", "jsonl", i, str(i), t) for i, t in enumerate(texts)]


def _summaries(model, device, texts, **kw):
    from tasks.abstractive import AbstractiveSummariser

    step = AbstractiveSummariser(model, min_tokens=3, max_tokens=12, num_beams=3, device=device, **kw)
    return step, [a.summaries[0].summary for a in step(_articles(texts)).items]


def test_auto_runs_on_cuda_and_matches_cpu(tiny_bart, texts):
    from tasks.models import seq2seq_model

    short = [" ".join(t.split()[:30]) for t in texts[:6]]  # inside the 64-token window
    step, on_gpu = _summaries(tiny_bart, "auto", short, batch_size=4)
    assert step.resolved_device() == "cuda"
    assert seq2seq_model(tiny_bart, "auto")[1].device.type == "cuda"
    _, on_cpu = _summaries(tiny_bart, "cpu", short, batch_size=4)
    assert on_gpu == on_cpu
    assert all(s.strip() for s in on_gpu)


def test_long_article_is_chunked_on_cuda(tiny_bart, texts):
    long_text = " ".join(texts)  # several hundred words against a 64-token window
    _, on_gpu = _summaries(tiny_bart, "cuda", [long_text])
    _, on_cpu = _summaries(tiny_bart, "cpu", [long_text])
    assert on_gpu == on_cpu and on_gpu[0].strip()
