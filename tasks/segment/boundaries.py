"""Article boundaries in a dump of concatenated articles.

Every gap before a prose line is a candidate. Its cues (`features`: layout, truncation,
kicker/byline/dateline, shared names and words, and topic shift between sentence
embeddings of neighbouring windows) are weighed by a small trained model
(`boundary_model`) into a probability; gaps at or above the threshold are boundaries.
Each boundary keeps that probability as its confidence and names its strongest cue, so a
user can audit or re-threshold it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tasks.segment.boundary_model import load_models
from tasks.segment.features import ALL_FEATURES, gap_features, topic_text


@dataclass(slots=True)
class Line:
    text: str
    start: int  # character offset in the dump
    blank_before: int  # blank lines between this line and the previous one


@dataclass(slots=True)
class Boundary:
    index: int  # a new article starts at lines[index]
    confidence: float
    cue: str


def dump_lines(text: str) -> list[Line]:
    """The non-blank lines of a dump with their offsets and preceding blank-line counts."""
    out, pos, blanks = [], 0, 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(stripped, pos + lead, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw)
    return out


@dataclass(slots=True)
class GapScores:
    index: list[int]  # line each candidate boundary would start
    features: np.ndarray  # one row per candidate (see `features`)
    prob: np.ndarray  # boundary probability per candidate
    cue: list[str]  # the feature that pushed each candidate most towards a boundary
    threshold: float  # the cut the model was trained with


def boundary_scores(
    lines: list[Line],
    embeddings: np.ndarray | None = None,
    model_path: str | None = None,
) -> GapScores:
    """Score every candidate gap of a dump.

    `embeddings` (one unit row per line) switch on the topic-shift cues; without them the
    layout-only model is used.
    """
    model = load_models(model_path)["full" if embeddings is not None else "layout"]
    X, idx = gap_features([ln.text for ln in lines], [ln.blank_before for ln in lines], embeddings)
    probs = model.predict(X)
    cues = [model.features[j] for j in model.contributions(X).argmax(1)] if idx else []
    return GapScores(idx, X, probs, cues, model.threshold)


def find_boundaries(
    lines: list[Line],
    embed: Callable[[list[str]], np.ndarray] | None = None,
    topic_threshold: float = 0.0,
    boundary_threshold: float | None = None,
    model_path: str | None = None,
) -> list[Boundary]:
    """All article starts after the first, in line order.

    boundary_threshold: probability at or above which a gap is a boundary (None: the
    threshold the model was trained with). topic_threshold: a gap after a complete
    sentence whose window similarity (2 and 3 lines a side) is below it is cut whatever the
    other cues say (0 turns this override off).
    """
    emb = embed([topic_text(ln.text) for ln in lines]) if embed is not None and len(lines) > 1 else None
    return decide(boundary_scores(lines, emb, model_path), topic_threshold, boundary_threshold)


def decide(scores: GapScores, topic_threshold: float = 0.0, boundary_threshold: float | None = None) -> list[Boundary]:
    """Boundaries from scored gaps (see `find_boundaries` for the thresholds)."""
    cut = scores.threshold if boundary_threshold is None else boundary_threshold
    found = []
    topic = scores.features.shape[1] == len(ALL_FEATURES) and topic_threshold > 0
    if topic:
        cols = [ALL_FEATURES.index(f) for f in ("sim_window2", "sim_window3", "prev_ends_sentence")]
    for k, (i, p, cue) in enumerate(zip(scores.index, scores.prob, scores.cue)):
        if p >= cut:
            found.append(Boundary(i, round(float(p), 3), cue))
        elif topic:
            w2, w3, ends = scores.features[k, cols]
            if ends and max(w2, w3) < topic_threshold:
                found.append(Boundary(i, round(float(p), 3), "topic_override"))
    return found
