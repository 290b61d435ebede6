"""The extractive summariser: budgets, news guards (truncation, fragments, short
articles) and MMR, on real MiniLM embeddings of Wikinews articles."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from conftest import DEVDATA
from tasks.records import Article, Sentence
from tasks.summarise import WINDOW, ExtractiveSummariser, clip_words, select_sentences, sentence_budget, summary_candidates


def _article(sentences: list[str], truncated: bool = False) -> Article:
    body = " ".join(sentences)
    out, pos = [], 0
    for i, s in enumerate(sentences):
        out.append(Sentence(0, i, pos, pos + len(s), s))
        pos += len(s) + 1
    return Article("a", "t", "jsonl", 0, "0", body, sentences=out, is_truncated=truncated)


@pytest.fixture
def wikinews() -> list[Article]:
    import re

    rows = [json.loads(line) for line in DEVDATA.read_text().splitlines()[:6]]
    return [_article([s for s in re.split(r"(?<=[.!?])\s+", r["text"].replace("\n", " ")) if s]) for r in rows]


def test_sentence_budget_keeps_short_articles_shorter_than_themselves():
    assert sentence_budget(30, 3, 0.5) == 3
    assert sentence_budget(3, 3, 0.5) == 2
    assert sentence_budget(2, 3, 0.5) == 1
    assert sentence_budget(1, 3, 0.5) == 1
    assert sentence_budget(3, 3, None) == 3
    assert sentence_budget(0, 3, 0.5) == 0


def test_near_repeats_are_not_picked_twice():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(6, 16))
    base[1] = base[0] + 0.01 * rng.normal(size=16)  # sentence 1 restates sentence 0
    emb = base / np.linalg.norm(base, axis=1, keepdims=True)
    picked = select_sentences(emb, [12] * 6, max_sentences=3, position_weight=0.9)
    assert 0 in picked and 1 not in picked and len(picked) == 3


def test_word_budget_and_oversized_sentences():
    emb = np.eye(4, dtype=np.float32)
    assert select_sentences(emb, [10, 10, 10, 10], 3, max_words=25) == [0, 1]
    # nothing fits: the best sentence alone, clipped later by the step
    assert select_sentences(emb, [40, 50, 60, 70], 3, max_words=20) == [0]
    assert clip_words("one two three four", 2) == "one two …"


def test_fragments_and_run_ons_only_as_a_last_resort():
    emb = np.eye(5, dtype=np.float32)
    picked = select_sentences(emb, [2, 12, 200, 12, 12], 3, max_fraction=None)
    assert picked == [1, 3, 4]
    assert select_sentences(emb[:1], [2], 3) == [0]  # the only sentence, however short


def test_summaries_on_real_news(embedder, wikinews):
    out = ExtractiveSummariser(max_sentences=3, backend="torch")(wikinews)
    for art in out.items:
        (summary,) = art.summaries
        assert 1 <= len(summary.sentence_idxs) <= 3
        assert summary.sentence_idxs == sorted(summary.sentence_idxs)
        assert summary.summary == " ".join(art.sentences[i].text for i in summary.sentence_idxs)
        assert json.loads(summary.params)["max_sentences"] == 3
    assert out.stats["sentences"] == sum(len(a.sentences) for a in wikinews)
    # only candidates are embedded: fragments, run-ons and sentences past the window are not
    expected = sum(len(summary_candidates([len(s.text.split()) for s in a.sentences], window=WINDOW)) for a in wikinews)
    assert out.stats["sentences_embedded"] == expected < out.stats["sentences"]


def test_window_rarely_changes_a_summary_and_candidate_rows_equal_full_rows(embedder, wikinews):
    windowed = ExtractiveSummariser(backend="torch")(copy.deepcopy(wikinews)).items
    full = ExtractiveSummariser(backend="torch", window=None)(copy.deepcopy(wikinews)).items
    same = [w.summaries[0].sentence_idxs == f.summaries[0].sentence_idxs for w, f in zip(windowed, full)]
    assert sum(same) >= 0.9 * len(same)
    art = max(wikinews, key=lambda a: len(a.sentences))
    n_words = [len(s.text.split()) for s in art.sentences]
    emb = embedder.encode([s.text for s in art.sentences])
    rows = emb[summary_candidates(n_words, window=5)]
    assert select_sentences(emb, n_words, window=5) == select_sentences(rows, n_words, window=5)


def test_truncated_article_never_ends_on_its_cut_sentence(embedder, wikinews):
    step = ExtractiveSummariser(max_sentences=3, backend="torch", position_weight=0.0)
    for art in wikinews:
        sents = art.sentences[:4]
        cut = _article([s.text for s in sents], truncated=True)
        (summary,) = step([cut]).items[0].summaries
        assert len(sents) - 1 not in summary.sentence_idxs


def test_word_budget_on_real_news(embedder, wikinews):
    out = ExtractiveSummariser(max_sentences=5, max_words=40, backend="torch")(wikinews)
    for art in out.items:
        assert art.summaries[0].n_words <= 41  # 40 words (+ an ellipsis when one sentence is clipped)


def test_short_article_is_not_echoed_whole(embedder):
    art = _article(["The dam broke on Tuesday night in the north.", "Rescue teams reached the village at dawn.",
                    "Officials said the cause is being investigated by engineers."])
    (summary,) = ExtractiveSummariser(backend="torch")([art]).items[0].summaries
    assert len(summary.sentence_idxs) == 2
