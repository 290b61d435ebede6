"""The abstractive backend with a tiny seq2seq model built here (random weights, real
BART classes and a real fast tokenizer): loading from a folder, batched deterministic
beam search, length bounds, map-reduce over long articles, and a real flow run that
stores extractive and abstractive summaries side by side."""
from __future__ import annotations

import json

import pytest

from conftest import DEVDATA, query
from tiny_models import build_tiny_bart

CORPUS = [json.loads(line)["text"] for line in DEVDATA.read_text().splitlines()[:40]]


@pytest.fixture(scope="session")
def tiny_seq2seq(tmp_path_factory):
    """A folder holding a 2-layer BART with random weights and a word-level tokenizer."""
    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"), CORPUS)


def _articles(texts):
    from tasks.records import Article, content_hash

    return [Article(content_hash(t), "test", "jsonl", i, str(i), t) for i, t in enumerate(texts)]


def test_generation_is_deterministic_bounded_and_batched(tiny_seq2seq):
    from tasks.abstractive import AbstractiveSummariser

    step = AbstractiveSummariser(tiny_seq2seq, min_tokens=3, max_tokens=12, num_beams=2, batch_size=3)
    texts = [" ".join(t.split()[:30]) for t in CORPUS[:5]]  # fits the 64-token window
    first = step(_articles(texts))
    again = AbstractiveSummariser(tiny_seq2seq, min_tokens=3, max_tokens=12, num_beams=2, batch_size=5)(
        _articles(texts)
    )
    got = [a.summaries[0] for a in first.items]
    assert [s.summary for s in got] == [a.summaries[0].summary for a in again.items]  # batching changes nothing
    for s in got:
        assert s.method == "abstractive" and s.model == tiny_seq2seq and s.sentence_idxs == []
        assert 1 <= s.n_words <= 12  # word-level tokenizer: a token is a word
        assert json.loads(s.params)["num_beams"] == 2
    assert first.stats["chunks"] == 5  # every input fit: no chunking


def test_long_article_is_chunked_then_reduced(tiny_seq2seq):
    from tasks.abstractive import AbstractiveSummariser

    long_text = " ".join(CORPUS[:3])  # several hundred words, the window is 64 tokens
    step = AbstractiveSummariser(tiny_seq2seq, min_tokens=2, max_tokens=8, num_beams=2)
    out = step(_articles([long_text]))
    assert out.stats["chunks"] > 3  # chunks, then the chunks' summaries
    summary = out.items[0].summaries[0]
    assert 1 <= summary.n_words <= 8 * 4  # one final summary (or at most a few joined pieces)


def test_missing_model_is_a_clear_error(tmp_path):
    from tasks.abstractive import AbstractiveSummariser

    with pytest.raises(RuntimeError, match="not found"):
        AbstractiveSummariser(str(tmp_path / "no-such-model"))(_articles(["Some text here."]))


@pytest.mark.slow
def test_flow_stores_both_methods(prefect_harness, tiny_seq2seq, tmp_path, monkeypatch):
    from flows.enrich import enrich

    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"title": f"t{i}", "text": t}) + "\n" for i, t in enumerate(CORPUS[:4])))
    monkeypatch.setenv("NEWSFLOW_SUMMARY_METHODS", '["extractive", "abstractive"]')
    monkeypatch.setenv("NEWSFLOW_ABSTRACTIVE_MODEL", tiny_seq2seq)
    monkeypatch.setenv("NEWSFLOW_ABSTRACTIVE_MAX_TOKENS", "16")
    monkeypatch.setenv("NEWSFLOW_ABSTRACTIVE_NUM_BEAMS", "2")
    wh = tmp_path / "wh"
    report = enrich(sources=[str(src)], warehouse=str(wh))
    assert report["articles"] == 4
    rows = query(wh, "SELECT method, model, count(*), min(n_words), max(n_words) FROM summaries GROUP BY ALL ORDER BY 1")
    assert [(r[0], r[2]) for r in rows] == [("abstractive", 4), ("extractive", 4)]
    assert rows[0][1] == tiny_seq2seq and 1 <= rows[0][3] and rows[0][4] <= 16
    assert query(wh, "SELECT count(DISTINCT article_id) FROM summaries") == [(4,)]
    assert report["versions"]["stage:summarise-abstractive"] == "1"
    again = enrich(sources=[str(src)], warehouse=str(wh))
    assert again["articles"] == 0
    assert query(wh, "SELECT count(*) FROM summaries") == [(8,)]
