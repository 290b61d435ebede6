"""Article boundaries in a dump of concatenated articles.

Layout cues come first (a kicker, a headline-like line, a line cut off mid-sentence,
a wide gap of blank lines); inside each layout segment a topic-shift test on sentence
embeddings finds the joins that layout cannot see. Every boundary keeps its cue and a
confidence so a user can audit or re-threshold it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tasks.segment import layout


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


def _furniture(text: str) -> bool:
    return layout.is_caption(text) or layout.is_boilerplate(text)


def layout_boundaries(lines: list[Line]) -> list[Boundary]:
    """Boundaries that the page layout alone makes certain enough."""
    gaps = [ln.blank_before for ln in lines[1:]]
    # A dump that separates paragraphs by one blank line separates articles by more.
    usual_gap = int(np.median(gaps)) if gaps else 0
    found: list[Boundary] = []
    prose_before = False
    for i, ln in enumerate(lines):
        if i == 0 or _furniture(ln.text):
            prose_before = prose_before or (i == 0 and not _furniture(ln.text))
            continue
        prev = next((p.text for p in reversed(lines[:i]) if not _furniture(p.text)), None)
        nxt = lines[i + 1].text if i + 1 < len(lines) else None
        if layout.split_kicker(ln.text):
            found.append(Boundary(i, 0.95, "kicker"))
        elif prev is not None and layout.is_cut_off(prev):
            found.append(Boundary(i, 0.9, "previous_line_cut_off"))
        elif (
            layout.is_title_like(ln.text)
            and nxt is not None
            and not layout.is_title_like(prev or "")
            and prose_before
        ):
            found.append(Boundary(i, 0.85, "headline"))
        elif ln.blank_before > max(usual_gap, 1):
            found.append(Boundary(i, 0.8, "blank_gap"))
        prose_before = True
    return found


def topic_boundaries(
    lines: list[Line],
    start: int,
    end: int,
    embeddings: np.ndarray,
    threshold: float,
    window: int = 3,
) -> list[Boundary]:
    """Topic shifts inside lines[start:end]: local minima of window similarity below threshold."""
    idx = [i for i in range(start, end) if not _furniture(lines[i].text)]
    if len(idx) < 2:
        return []
    sims = {}
    for k in range(1, len(idx)):
        before = embeddings[[idx[j] for j in range(max(0, k - window), k)]].mean(0)
        after = embeddings[[idx[j] for j in range(k, min(len(idx), k + 2))]].mean(0)
        denom = float(np.linalg.norm(before) * np.linalg.norm(after)) or 1.0
        sims[k] = float(before @ after) / denom
    found = []
    for k, s in sims.items():
        local_min = s <= sims.get(k - 1, 1.0) and s <= sims.get(k + 1, 1.0)
        if s < threshold and local_min:
            confidence = round(min(0.99, 0.5 + (threshold - s) / (2 * threshold)), 3)
            found.append(Boundary(idx[k], confidence, "topic_shift"))
    return found


def find_boundaries(
    lines: list[Line],
    embed: Callable[[list[str]], np.ndarray] | None = None,
    topic_threshold: float = 0.15,
) -> list[Boundary]:
    """All article starts after the first, in line order."""
    found = layout_boundaries(lines)
    if embed is not None and len(lines) > 1:
        cuts = [0] + [b.index for b in found] + [len(lines)]
        spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if b - a > 1]
        if spans:
            wanted = sorted({i for a, b in spans for i in range(a, b)})
            vectors = embed([lines[i].text for i in wanted])
            emb = np.zeros((len(lines), vectors.shape[1]), dtype=np.float32)
            emb[wanted] = vectors
            for a, b in spans:
                found.extend(topic_boundaries(lines, a, b, emb, topic_threshold))
    return sorted(found, key=lambda b: b.index)
