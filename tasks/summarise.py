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
WINDOW = 12  # candidates considered per article (bench/README.md: how often a window changes a summary)


def sentence_budget(n_sentences: int, max_sentences: int, max_fraction: float | None) -> int:
    """How many sentences a summary of an `n_sentences` article may have (at least 1)."""
    budget = min(max_sentences, n_sentences)
    if max_fraction is not None and n_sentences > 1:
        budget = min(budget, max(1, math.ceil(n_sentences * max_fraction)))
    return max(budget, 1) if n_sentences else 0


def sentence_scores(embeddings: np.ndarray, positions: list[int], position_weight: float) -> np.ndarray:
    """Centrality blended with a position prior, one score in [0, 1] per row of `embeddings`.

    positions (list[int]): each row's sentence index in the article.
    """
    centroid = embeddings.mean(0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = embeddings @ centroid
    low, high = centrality.min(), centrality.max()
    # Rescaled per article, so the position weight means the same in every article.
    centrality = (centrality - low) / (high - low) if high > low else np.ones(len(embeddings))
    position = 1.0 / np.sqrt(np.asarray(positions, dtype=np.float64) + 1.0)
    return (1 - position_weight) * centrality + position_weight * position


def summary_candidates(
    n_words: list[int],
    exclude: frozenset[int] | set[int] = frozenset(),
    min_words: int = 4,
    max_sentence_words: int = 80,
    window: int | None = None,
) -> list[int]:
    """The sentences a summary may pick from, ascending: only these need embeddings.

    Fragments and run-ons (outside `min_words`..`max_sentence_words`) and `exclude`d
    sentences are candidates only when nothing else is left. window (int | None): keep
    the first `window` candidates; the position prior makes later ones all but unpickable
    (bench/README.md measures how often a window changes a summary).
    """
    n = len(n_words)
    usable = [i for i in range(n) if i not in exclude] or list(range(n))
    eligible = [i for i in usable if min_words <= n_words[i] <= max_sentence_words] or usable
    return eligible[:window] if window else eligible


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
    window: int | None = None,
) -> list[int]:
    """Indices (ascending) of the sentences that make the summary.

    embeddings (np.ndarray): unit vectors in article order, one row per sentence, or one
        row per `summary_candidates(n_words, exclude, min_words, max_sentence_words,
        window)` (the only rows read).
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
    window (int | None): pick among the first `window` candidates only.
    RETURNS (list[int]): chosen sentence indices, ascending.
    """
    n = len(n_words)
    if n == 0:
        return []
    candidates = summary_candidates(n_words, exclude, min_words, max_sentence_words, window)
    rows = embeddings if len(embeddings) == len(candidates) else embeddings[candidates]
    usable = n - len(set(exclude) & set(range(n))) or n
    budget = sentence_budget(usable, max_sentences, max_fraction)
    score = sentence_scores(rows, candidates, position_weight)
    chosen: list[int] = []  # positions in `candidates`
    words = 0
    left = set(range(len(candidates)))
    while left and len(chosen) < budget:
        order = sorted(left)
        overlap = (rows[order] @ rows[chosen].T).max(1) if chosen else np.zeros(len(order))
        mmr = {k: redundancy * score[k] - (1 - redundancy) * overlap[j] for j, k in enumerate(order)}
        best = max(mmr, key=lambda k: (mmr[k], -k))
        left.discard(best)
        if chosen and float((rows[chosen] @ rows[best]).max()) > NEAR_REPEAT:
            continue
        size = n_words[candidates[best]]
        if max_words is not None and words + size > max_words:
            if chosen or any(n_words[candidates[k]] <= max_words for k in left):
                continue  # something shorter may still fit
        chosen.append(best)
        words += size
    return sorted(candidates[k] for k in chosen)


def clip_words(text: str, max_words: int | None) -> str:
    """`text` cut to its first `max_words` words (marked with an ellipsis) if it is longer."""
    words = text.split()
    if max_words is None or len(words) <= max_words:
        return text
    return " ".join(words[:max_words]).rstrip(",;:") + " …"


class ExtractiveSummariser(Step):
    """Centrality + position + MMR over sentence embeddings (all-MiniLM-L6-v2 by default)."""

    name = "summarise"
    version = "3"  # 3: candidates window 12 (was 20), int8 embeddings from a smoothed graph
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
        window: int | None = WINDOW,
    ) -> None:
        super().__init__()
        self.window = window
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
                "window": self.window,
            },
            sort_keys=True,
        )

    def run(self, batch: list[Article]) -> list[Article]:
        todo = [a for a in batch if a.sentences]
        for a in batch:
            if not a.sentences:  # an upstream skip (e.g. language) is the reason to record
                a.skipped.setdefault(self.name, a.skipped.get("tag", "no_sentences"))
        # Only the sentences a summary may pick are embedded, all articles in one call.
        candidates = [summary_candidates(*self._constraints(a), window=self.window) for a in todo]
        texts = [a.sentences[i].text for a, idx in zip(todo, candidates) for i in idx]
        vectors = sentence_embedder(self.model, self.backend).encode(texts) if texts else None
        self.stats["sentences"] += sum(len(a.sentences) for a in todo)
        self.stats["sentences_embedded"] += len(texts)
        offset = 0
        for art, idx in zip(todo, candidates):
            picked = self.pick(art, vectors[offset : offset + len(idx)])
            offset += len(idx)
            text = clip_words(" ".join(art.sentences[i].text for i in picked), self.max_words)
            art.summaries.append(
                Summary(self.method, self.model, text, picked, len(text.split()), self.params)
            )
        self.stats["summaries"] += len(todo)
        return batch

    def _constraints(self, article: Article) -> tuple[list[int], set[int]]:
        # The last sentence of a truncated article stops mid-way: never a summary line.
        cut = {len(article.sentences) - 1} if article.is_truncated else set()
        return [len(s.text.split()) for s in article.sentences], cut

    def pick(self, article: Article, embeddings: np.ndarray) -> list[int]:
        """The summary's sentence indices for one article.

        embeddings (np.ndarray): one row per sentence, or per `summary_candidates` (window
            included) of the article.
        """
        n_words, cut = self._constraints(article)
        return select_sentences(
            embeddings, n_words, self.max_sentences, self.max_words, self.position_weight, self.redundancy,
            max_fraction=self.max_fraction, exclude=cut, window=self.window,
        )
