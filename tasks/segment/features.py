"""Cue features for every candidate article boundary in a dump.

A candidate is the gap before a content line (captions and boilerplate are transparent:
they never start an article and never count as a neighbour). Each gap gets layout cues
(punctuation, line shape, kicker, byline, dateline, blank lines), entity and lexical
cohesion across the gap, and, when line embeddings are given, topic-shift cues (window
similarity, its depth and its z-score within the dump). `boundary_model` weighs them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from tasks.segment import layout
from tasks.segment.cohesion import COHESION_FEATURES, cohesion_cues
from tasks.segment.continuation import CONTINUATION_FEATURES, continuation_cues
from tasks.segment.vector_cues import CUE_NAMES, VectorCues

LAYOUT_FEATURES = [
    "prev_ends_sentence",
    "prev_cut_off",
    "prev_ellipsis",
    "prev_colon",
    "prev_title_like",
    "cur_title_like",
    "cur_title_then_prose",
    "cur_kicker",
    "cur_byline",
    "next_byline",
    "cur_dateline",
    "cur_lowercase_start",
    "cur_quote_start",
    "cur_time_word",
    "blank_rare",
    "blank_any",
    "blank_missing",
    "title_missing",
    "log_words_prev",
    "log_words_cur",
    "log_words_dump",
    "names_seen_before",
    "names_shared_windows",
    "content_shared_windows",
    "cur_new_full_name",
]
TOPIC_FEATURES = [
    "sim_adjacent",
    "sim_window2",
    "sim_window3",
    "sim_depth",
    "sim_z",
    "sim_local_min",
    "sim_window2_x_ends",
    "sim_window5",
    "sim_depth3",
    "sim_cur_to_before",
    "sim_prev_to_after",
    "sim_cross_max",
    "sim_skip",
]
# the seam scorer's log-odds that the line after the gap opens a new article (`seam.py`)
SEAM_FEATURES = ["seam_new_article"]
# learned cues over the vectors themselves, when the model ships them (`vector_cues`),
# openings that continue the previous line, the seam score and wide-window name cohesion
# (`cohesion`), when the model reads them: columns in this order
ALL_FEATURES = LAYOUT_FEATURES + TOPIC_FEATURES + CUE_NAMES + CONTINUATION_FEATURES + SEAM_FEATURES + COHESION_FEATURES

_NAME = re.compile(r"(?<![\w’'])(?:[A-Z][a-z’'-]+|[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)+)")
_WORD = re.compile(r"[a-z]{4,}")
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]{2,}\b")
# Capitalised words that are not names: sentence openers, pronouns, calendar words.
_NOT_NAMES = frozenset(
    """The A An In On At For From By With And But Or So If As It Its This That These Those He She They
    We I You His Her Their Our My Your There Here When Where While After Before Since During Although
    However Also According Meanwhile Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Mr Mrs Ms Dr""".split()
)
_STOP = frozenset(
    """that this with from have were been will would said says about their there which what when
    they them than then into over also more most some such only other after before year years
    being where while these those could should just like made make many much very told"""
    .split()
)
_WINDOW = 3
_TOPIC_WORDS = 80


def topic_text(line: str) -> str:
    """What of a line is embedded for topic cues: its opening words.

    A whole article on one line states its topic up front; the cap keeps one-article-per-line
    dumps as cheap to embed as paragraph-per-line ones.
    """
    parts = line.split()
    return line if len(parts) <= _TOPIC_WORDS else " ".join(parts[:_TOPIC_WORDS])


def names(text: str) -> set[str]:
    """Capitalised tokens that are not the first word of a sentence: a cheap proxy for entities."""
    out = set()
    for m in _NAME.finditer(text):
        head = text[: m.start()].rstrip()
        if not head or head[-1] in ".!?:“\"‘'(—–-":
            continue  # sentence-initial: capitalised by grammar, not because it is a name
        tok = m.group().rstrip("’'")
        if tok not in _NOT_NAMES:
            out.add(tok.lower())
    return out


def content_words(text: str) -> set[str]:
    """Lower-case content words, cut to 6 letters (a crude stem)."""
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denom if denom else 0.0


def content_indices(texts: list[str]) -> list[int]:
    """Indices of lines that can belong to an article's prose (not captions, not boilerplate)."""
    return [i for i, t in enumerate(texts) if not (layout.is_caption(t) or layout.is_boilerplate(t))]


def gap_features(
    texts: list[str],
    blank_before: list[int],
    embeddings: np.ndarray | None = None,
    cues: VectorCues | None = None,
    continuation: bool = False,
    seam: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
    cohesion: bool = False,
) -> tuple[np.ndarray, list[int]]:
    """Features of every candidate boundary: (matrix, line index each row would start).

    `texts` are a dump's non-blank lines, `blank_before` the blank lines before each.
    Without `embeddings` only LAYOUT_FEATURES are computed; with them TOPIC_FEATURES too,
    with `cues` as well the learned CUE_NAMES, with `continuation` the
    CONTINUATION_FEATURES of the line after each gap, and with `seam` (log-odds per
    (line before, line after) pair, `SeamScorer.score`; not called, and 0, in a dump that
    marks its starts with blank lines) SEAM_FEATURES, with `cohesion` the wide-window
    COHESION_FEATURES; `feature_names` gives the columns.
    """
    idx = content_indices(texts)
    n = len(idx)
    names_ = feature_names(embeddings is not None, cues is not None, continuation, seam is not None, cohesion)
    if n < 2:
        return np.zeros((0, len(names_)), dtype=np.float32), []
    lines = [texts[i] for i in idx]
    # blank lines before a content line, counting those around skipped furniture
    blanks, prev = [], -1
    for i in idx:
        blanks.append(max(blank_before[prev + 1 : i + 1]))
        prev = i
    usual_gap = int(np.median(blanks[1:]))
    n_words = [len(layout.words(t)) for t in lines]
    dump_words = float(np.median(n_words))
    name_sets = [names(t) for t in lines]
    word_sets = [content_words(t) for t in lines]
    title_like = [layout.is_title_like(t) for t in lines]
    # Dump-level habits: a dump that marks some article starts with blank lines or
    # headlines marks them all, so a gap without the mark is unlikely to be a start.
    uses_blanks = any(b > usual_gap for b in blanks[1:])
    heads = [title_like[k] and k + 1 < n and not title_like[k + 1] for k in range(n)]
    uses_titles = sum(heads) >= max(2, 0.05 * n)

    rows = []
    for k in range(1, n):
        prev_t, cur_t = lines[k - 1], lines[k]
        nxt_t = lines[k + 1] if k + 1 < n else ""
        before = set().union(*name_sets[max(0, k - _WINDOW) : k])
        after = set().union(*name_sets[k : k + _WINDOW])
        cur_names = name_sets[k]
        full = _FULL_NAME.findall(cur_t)
        seen_surnames = {w for s in name_sets[max(0, k - 2 * _WINDOW) : k] for w in s}
        new_full = any(f.split()[-1].lower() not in seen_surnames for f in full)
        rows.append([
            layout.ends_sentence(prev_t),
            layout.is_cut_off(prev_t),
            layout.ends_with_ellipsis(prev_t),
            prev_t.endswith(":"),
            title_like[k - 1],
            title_like[k],
            title_like[k] and bool(nxt_t) and not title_like[k + 1],
            layout.split_kicker(cur_t) is not None,
            layout.is_byline(cur_t),
            layout.is_byline(nxt_t) if nxt_t else False,
            layout.split_dateline(cur_t) is not None,
            cur_t[:1].islower(),
            cur_t[:1] in "\"“‘'",
            bool(layout.TIME_WORD.search(cur_t[:200])),
            blanks[k] > usual_gap,
            blanks[k] > 0,
            uses_blanks and blanks[k] <= usual_gap,
            uses_titles and not heads[k] and not title_like[k - 1],
            math.log1p(n_words[k - 1]),
            math.log1p(n_words[k]),
            math.log1p(dump_words),
            len(cur_names & before) / len(cur_names) if cur_names else 0.5,
            _overlap(before, after),
            _overlap(set().union(*word_sets[max(0, k - _WINDOW) : k]), set().union(*word_sets[k : k + _WINDOW])),
            new_full,
        ])
    X = np.asarray(rows, dtype=np.float32)
    if embeddings is not None:
        X = np.hstack([X, _topic_features(embeddings[idx], X[:, 0])])
        if cues is not None:
            C = cues.gap_cues(embeddings[idx])
            if uses_titles or uses_blanks:
                # the dump marks its starts itself; a paragraph that reads like a lead (a new
                # person, a date) inside an article would only add false cuts there
                C[:] = 0.0
            X = np.hstack([X, C.astype(np.float32)])
    if continuation and embeddings is not None:
        X = np.hstack([X, np.asarray([continuation_cues(t) for t in lines[1:]], dtype=np.float32)])
    if seam is not None and embeddings is not None:
        # a dump that marks its starts with blank lines has the stronger cue; there a lead-like
        # paragraph inside an article would only add false cuts (bench/README.md, segmentation round 5)
        S = np.zeros(n - 1, dtype=np.float32) if uses_blanks else np.asarray(seam(list(zip(lines[:-1], lines[1:]))))
        X = np.hstack([X, S.astype(np.float32)[:, None]])
    if cohesion and embeddings is not None:
        X = np.hstack([X, cohesion_cues(name_sets)])
    return X, idx[1:]


def feature_names(
    embeddings: bool, cues: bool = False, continuation: bool = False, seam: bool = False, cohesion: bool = False
) -> list[str]:
    """The columns `gap_features` computes: layout cues first, then whichever of the topic,
    learned-vector, continuation, seam and cohesion cues are asked for (all but layout only
    with embeddings)."""
    if not embeddings:
        return list(LAYOUT_FEATURES)
    return (LAYOUT_FEATURES + TOPIC_FEATURES + (CUE_NAMES if cues else []) + (CONTINUATION_FEATURES if continuation else [])
            + (SEAM_FEATURES if seam else []) + (COHESION_FEATURES if cohesion else []))


def _rowwise_cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    denom = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.where(denom > 0, (a * b).sum(1) / np.where(denom > 0, denom, 1.0), 0.0)


def _valley_depth(curve: np.ndarray, reach: int = 3) -> np.ndarray:
    """TextTiling depth: how far the curve climbs within `reach` on both sides of each point."""
    m = len(curve)
    padded = np.concatenate([np.full(reach, -np.inf), curve, np.full(reach, -np.inf)])
    left = np.max([padded[reach - d : reach - d + m] for d in range(reach + 1)], axis=0)
    right = np.max([padded[reach + d : reach + d + m] for d in range(reach + 1)], axis=0)
    return left + right - 2 * curve


def _topic_features(emb: np.ndarray, prev_ends: np.ndarray) -> np.ndarray:
    """Topic-shift cues for the gaps before lines 1..n-1, vectorised over the gaps."""
    n = len(emb)
    emb = emb.astype(np.float64)
    prefix = np.vstack([np.zeros((1, emb.shape[1])), np.cumsum(emb, 0)])
    gaps = np.arange(1, n)

    def before(w: int) -> np.ndarray:  # sum of up to w lines before each gap (a mean, for cosines)
        return prefix[gaps] - prefix[np.maximum(0, gaps - w)]

    def after(w: int) -> np.ndarray:
        return prefix[np.minimum(n, gaps + w)] - prefix[gaps]

    adjacent = _rowwise_cos(emb[:-1], emb[1:])
    w2, w3, w5 = (_rowwise_cos(before(w), after(w)) for w in (2, 3, 5))
    depth = _valley_depth(w2)
    padded = np.concatenate([[np.inf], w2, [np.inf]])
    local_min = (w2 <= padded[:-2]) & (w2 <= padded[2:])
    spread = float(w2.std()) or 1.0
    z = (w2 - float(w2.mean())) / spread
    # the line after the gap against what came before, and the line before against what follows:
    # an article's opening or closing paragraph may stray from its neighbour but not from its story
    cur_to_before = _rowwise_cos(emb[1:], before(5))
    prev_to_after = _rowwise_cos(emb[:-1], after(5))
    # the closest pair of lines across the gap (3 each side): a shared story shows somewhere
    cross_max = np.full(n - 1, -1.0)
    for i in range(1, 4):
        for j in range(3):
            ok = (gaps - i >= 0) & (gaps + j < n)
            sims = (emb[np.maximum(gaps - i, 0)] * emb[np.minimum(gaps + j, n - 1)]).sum(1)
            cross_max = np.where(ok, np.maximum(cross_max, sims), cross_max)
    skip = (emb[np.maximum(gaps - 2, 0)] * emb[gaps]).sum(1)
    return np.stack(
        [adjacent, w2, w3, depth, z, local_min, w2 * prev_ends, w5, _valley_depth(w3), cur_to_before, prev_to_after,
         cross_max, skip],
        axis=1,
    ).astype(np.float32)
