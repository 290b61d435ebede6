"""Summarise stage: an extractive summary per article from sentence embeddings.

Sentences are scored by centrality (cosine similarity to the article's centroid)
blended with a position prior (news states its key facts first), then picked by
maximal marginal relevance so near-duplicates are not picked twice, and returned in
their original order.
"""
from __future__ import annotations

import json

import numpy as np

from tasks.models import DEFAULT_EMBEDDING_MODEL, sentence_embedder
from tasks.records import Article, Summary
from tasks.step import Step


def select_sentences(
    embeddings: np.ndarray,
    n_words: list[int],
    max_sentences: int = 3,
    max_words: int | None = None,
    position_weight: float = 0.3,
    redundancy: float = 0.7,
    min_words: int = 4,
) -> list[int]:
    """Indices (ascending) of the sentences that make the summary.

    `embeddings` are unit vectors, one row per sentence in article order.
    """
    n = len(embeddings)
    if n == 0:
        return []
    eligible = [i for i in range(n) if n_words[i] >= min_words] or list(range(n))
    if len(eligible) <= max_sentences and max_words is None:
        return eligible
    centroid = embeddings[eligible].mean(0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = embeddings @ centroid
    position = 1.0 / np.sqrt(np.arange(n) + 1.0)
    score = (1 - position_weight) * centrality + position_weight * position
    chosen: list[int] = []
    words = 0
    candidates = set(eligible)
    while candidates and len(chosen) < max_sentences:
        def mmr(i: int) -> float:
            overlap = max((float(embeddings[i] @ embeddings[j]) for j in chosen), default=0.0)
            return redundancy * score[i] - (1 - redundancy) * overlap

        best = max(candidates, key=mmr)
        candidates.discard(best)
        if chosen and max(float(embeddings[best] @ embeddings[j]) for j in chosen) > 0.95:
            continue  # a near-repeat adds nothing
        if max_words is not None and chosen and words + n_words[best] > max_words:
            continue
        chosen.append(best)
        words += n_words[best]
    return sorted(chosen)


class ExtractiveSummariser(Step):
    """Centrality + position + MMR over all-MiniLM-L6-v2 sentence embeddings."""

    name = "summarise"
    version = "1"
    method = "extractive"

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        max_sentences: int = 3,
        max_words: int | None = None,
        position_weight: float = 0.3,
        redundancy: float = 0.7,
    ) -> None:
        super().__init__()
        self.model = model
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.position_weight = position_weight
        self.redundancy = redundancy

    @property
    def params(self) -> str:
        return json.dumps(
            {
                "max_sentences": self.max_sentences,
                "max_words": self.max_words,
                "position_weight": self.position_weight,
                "redundancy": self.redundancy,
            },
            sort_keys=True,
        )

    def run(self, batch: list[Article]) -> list[Article]:
        todo = [a for a in batch if a.sentences]
        for a in batch:
            if not a.sentences:  # an upstream skip (e.g. language) is the reason to record
                a.skipped.setdefault(self.name, a.skipped.get("tag", "no_sentences"))
        texts = [s.text for a in todo for s in a.sentences]
        vectors = sentence_embedder(self.model).encode(texts) if texts else None
        self.stats["sentences_embedded"] += len(texts)
        offset = 0
        for art in todo:
            emb = vectors[offset : offset + len(art.sentences)]
            offset += len(art.sentences)
            sizes = [len(s.text.split()) for s in art.sentences]
            picked = select_sentences(
                emb, sizes, self.max_sentences, self.max_words, self.position_weight, self.redundancy
            )
            text = " ".join(art.sentences[i].text for i in picked)
            art.summaries.append(
                Summary(self.method, self.model, text, picked, len(text.split()), self.params)
            )
        self.stats["summaries"] += len(todo)
        return batch
