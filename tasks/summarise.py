"""Summarise stage: an extractive summary per article from sentence embeddings.

Each sentence is scored by its centrality (cosine similarity to the article's
centroid, rescaled within the article) blended with a position prior (news states
its key facts first); sentences are then picked by maximal marginal relevance, so a
near-repeat of a chosen sentence is not chosen again, under a budget of sentences
and, optionally, words. The summary keeps the article's order.

News-specific guards: the cut-off last sentence of a truncated article is never
picked; fragments (datelines, "Advertisement") and run-on "sentences" (a table or
list the splitter could not cut) are picked only when nothing else is left; a short
article gets a summary shorter than itself (`max_fraction`).
"""
from __future__ import annotations

import json
import math

import numpy as np

from tasks.models import DEFAULT_EMBEDDING_MODEL, sentence_embedder
from tasks.records import Article, Summary
from tasks.step import Step

NEAR_REPEAT = 0.95  # cosine above which a sentence only repeats a chosen one


def sentence_budget(n_sentences: int, max_sentences: int, max_fraction: float | None) -> int:
    """How many sentences a summary of an `n_sentences` article may have (at least 1)."""
    budget = min(max_sentences, n_sentences)
    if max_fraction is not None and n_sentences > 1:
        budget = min(budget, max(1, math.ceil(n_sentences * max_fraction)))
    return max(budget, 1) if n_sentences else 0


def sentence_scores(embeddings: np.ndarray, eligible: list[int], position_weight: float) -> np.ndarray:
    """Centrality blended with a position prior, one score in [0, 1] per sentence."""
    n = len(embeddings)
    centroid = embeddings[eligible].mean(0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = embeddings @ centroid
    low, high = centrality[eligible].min(), centrality[eligible].max()
    # Rescaled per article, so the position weight means the same in every article.
    centrality = (centrality - low) / (high - low) if high > low else np.ones(n)
    position = 1.0 / np.sqrt(np.arange(n) + 1.0)
    return (1 - position_weight) * centrality + position_weight * position


def select_sentences(
    embeddings: np.ndarray,
    n_words: list[int],
    max_sentences: int = 3,
    max_words: int | None = None,
    position_weight: float = 0.95,
    redundancy: float = 0.6,
    min_words: int = 4,
    max_sentence_words: int = 80,
    max_fraction: float | None = 0.5,
    exclude: frozenset[int] | set[int] = frozenset(),
) -> list[int]:
    """Indices (ascending) of the sentences that make the summary.

    embeddings (np.ndarray): unit vectors, one row per sentence in article order.
    n_words (list[int]): words per sentence.
    max_sentences (int): sentence budget.
    max_words (int | None): word budget; a sentence that would overflow it is passed
        over. If even the best sentence alone is longer, it is still chosen (alone) and
        the caller clips its text.
    position_weight (float): weight of the position prior against centrality.
    redundancy (float): MMR's lambda: relevance against novelty.
    min_words, max_sentence_words (int): sentences outside this range are chosen only
        when no other sentence is left.
    max_fraction (float | None): at most this share of the article's sentences
        (rounded up), so a three-sentence article is not echoed whole.
    exclude (set[int]): never chosen (e.g. the cut-off last sentence of a truncated
        article), unless nothing else exists.
    RETURNS (list[int]): chosen sentence indices, ascending.
    """
    n = len(embeddings)
    if n == 0:
        return []
    usable = [i for i in range(n) if i not in exclude] or list(range(n))
    eligible = [i for i in usable if min_words <= n_words[i] <= max_sentence_words] or usable
    budget = sentence_budget(len(usable), max_sentences, max_fraction)
    score = sentence_scores(embeddings, eligible, position_weight)
    chosen: list[int] = []
    words = 0
    candidates = set(eligible)
    while candidates and len(chosen) < budget:
        overlap = (embeddings[sorted(candidates)] @ embeddings[chosen].T).max(1) if chosen else None
        mmr = {
            i: redundancy * score[i] - (1 - redundancy) * (overlap[k] if chosen else 0.0)
            for k, i in enumerate(sorted(candidates))
        }
        best = max(mmr, key=lambda i: (mmr[i], -i))
        candidates.discard(best)
        if chosen and float((embeddings[chosen] @ embeddings[best]).max()) > NEAR_REPEAT:
            continue
        if max_words is not None and words + n_words[best] > max_words:
            if chosen or any(n_words[i] <= max_words for i in candidates):
                continue  # something shorter may still fit
        chosen.append(best)
        words += n_words[best]
    return sorted(chosen)


def clip_words(text: str, max_words: int | None) -> str:
    """`text` cut to its first `max_words` words (marked with an ellipsis) if it is longer."""
    words = text.split()
    if max_words is None or len(words) <= max_words:
        return text
    return " ".join(words[:max_words]).rstrip(",;:") + " …"


class ExtractiveSummariser(Step):
    """Centrality + position + MMR over sentence embeddings (all-MiniLM-L6-v2 by default)."""

    name = "summarise"
    version = "2"
    method = "extractive"

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        max_sentences: int = 3,
        max_words: int | None = None,
        position_weight: float = 0.95,
        redundancy: float = 0.6,
        max_fraction: float | None = 0.5,
        backend: str | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.position_weight = position_weight
        self.redundancy = redundancy
        self.max_fraction = max_fraction
        self.backend = backend

    @property
    def params(self) -> str:
        return json.dumps(
            {
                "max_sentences": self.max_sentences,
                "max_words": self.max_words,
                "position_weight": self.position_weight,
                "redundancy": self.redundancy,
                "max_fraction": self.max_fraction,
            },
            sort_keys=True,
        )

    def run(self, batch: list[Article]) -> list[Article]:
        todo = [a for a in batch if a.sentences]
        for a in batch:
            if not a.sentences:  # an upstream skip (e.g. language) is the reason to record
                a.skipped.setdefault(self.name, a.skipped.get("tag", "no_sentences"))
        texts = [s.text for a in todo for s in a.sentences]
        if texts:
            vectors = sentence_embedder(self.model, self.backend).encode(texts)
        self.stats["sentences_embedded"] += len(texts)
        offset = 0
        for art in todo:
            emb = vectors[offset : offset + len(art.sentences)]
            offset += len(art.sentences)
            picked = self.pick(art, emb)
            text = clip_words(" ".join(art.sentences[i].text for i in picked), self.max_words)
            art.summaries.append(
                Summary(self.method, self.model, text, picked, len(text.split()), self.params)
            )
        self.stats["summaries"] += len(todo)
        return batch

    def pick(self, article: Article, embeddings: np.ndarray) -> list[int]:
        """The summary's sentence indices for one article, given its sentence embeddings."""
        # The last sentence of a truncated article stops mid-way: never a summary line.
        cut = {len(article.sentences) - 1} if article.is_truncated else set()
        return select_sentences(
            embeddings, [len(s.text.split()) for s in article.sentences], self.max_sentences,
            self.max_words, self.position_weight, self.redundancy, max_fraction=self.max_fraction,
            exclude=cut,
        )
