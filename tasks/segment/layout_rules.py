"""What a dump's layout settles on its own, before any model is asked.

A dump shows habits: it heads its articles (a headline every dozen lines), marks their
starts with wide gaps, or holds one article per line. Within such a habit some gaps are
settled by layout alone (a kicker, a wide gap, a line that is a whole article, a dateline
with no head above it, a headline signed by a byline), each with a fixed confidence.
`boundaries.decide` makes these hard cuts and leaves the rest to the models and the decoder.
Every function reads a dump's `GapScores` (layout columns: `LAYOUT_COLUMN`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tasks.segment.features import LAYOUT_FEATURES

if TYPE_CHECKING:
    from tasks.segment.boundaries import GapScores

# a layout feature's column in any model's feature rows (layout columns come first in every model)
LAYOUT_COLUMN = {f: j for j, f in enumerate(LAYOUT_FEATURES)}

# Layout rules that settle a boundary on their own, with their confidence (a feature column each).
# A line cut off mid-sentence and a headline-like line are left to the model: on real
# articles (lists, subheads) they fire inside articles more often than at their starts.
LAYOUT_RULES = (("cur_kicker", 0.95), ("blank_rare", 0.8))
# Lines this long are whole articles, not paragraphs (news paragraphs run 20-90 words):
# a dump whose typical line is this long has one article per line ...
_ARTICLE_PER_LINE_WORDS = 120
# ... and, in a dump of paragraphs, a line this many times the typical one (and 80 words at
# least) that stops mid-sentence is a truncated article of its own (a scrape that flattened
# some articles); a long paragraph that ends its sentence is left to the other cues.
_WHOLE_ARTICLE_RATIO, _WHOLE_ARTICLE_MIN_WORDS = 3.0, 80
LINE_RULE_CONFIDENCE = 0.8
# A headline (short title-like line followed by prose) is a hard boundary only in a dump that
# shows the habit: it opens with one, or has one every dozen lines, and has at least three.
# Subheads inside articles (rare, clustered in a few long pieces) don't make such a habit.
_HEADLINE_MIN, _HEADLINE_EVERY, HEADLINE_CONFIDENCE = 3, 12, 0.9
HEADLINE_HABIT_CUT = 0.8
# ... and there a dateline with no head above it starts an article (`unheaded_datelines`),
# as does a headline with a byline or a datelined lead under it or under its deck, a line of
# up to _SIGNED_DECK_MAX_WORDS words (`signed_headlines`)
DATELINE_CONFIDENCE = 0.9
_SIGNED_DECK_MAX_WORDS = 45


def whole_article_rows(scores: GapScores, headed: bool) -> tuple[np.ndarray, bool]:
    """Per content row: it is a whole article on a line of its own; and whether the dump has
    one article per line (its typical prose line is article-long). A row is one in such a
    dump, or when it is many times the typical line and cut off (a scrape that flattened
    some articles); but, in a dump that heads its articles (`headed`), never right under a
    headline, whose body it is (elsewhere a short title-like line may be a cut-off article).
    Title-like lines are left out of the typical line: a dump of headlines each over its
    article on one line is a dump of one article per line."""
    rows = np.zeros(len(scores.index) + 1, dtype=bool)
    if scores.words is None:
        return rows, False
    f = scores.features
    title_row = np.concatenate([f[:1, LAYOUT_COLUMN["prev_title_like"]] > 0, f[:, LAYOUT_COLUMN["cur_title_like"]] > 0])
    under_title = np.concatenate([[False], f[:, LAYOUT_COLUMN["prev_title_like"]] > 0]) & headed
    typical = float(np.median(scores.words[~title_row] if (~title_row).any() else scores.words))
    per_line = typical >= _ARTICLE_PER_LINE_WORDS
    if per_line and title_row.mean() < 1 / 3:
        under_title[:] = False  # a few short lines among article-long ones are cut-off articles, not headlines
    cut_off = np.append(f[:, LAYOUT_COLUMN["prev_cut_off"]] > 0, False)
    long = scores.words >= max(_WHOLE_ARTICLE_MIN_WORDS, _WHOLE_ARTICLE_RATIO * typical)
    return (per_line | (cut_off & long)) & ~under_title, per_line


def unheaded_datelines(scores: GapScores, headline: np.ndarray) -> list[int]:
    """Candidates whose line opens with a dateline with no start just above it (a headline, a
    byline, a line the models take for a start, or a deck under one), in a dump that heads its
    articles: a brief or a wire story that came without its headline. The models, trained on
    dumps that head every article or none, give such a start little (a dateline there has
    always followed a headline)."""
    f = scores.features
    dateline = f[:, LAYOUT_COLUMN["cur_dateline"]] > 0
    near = headline | (f[:, LAYOUT_COLUMN["cur_byline"]] > 0) | (scores.prob >= 0.5)
    above = np.zeros_like(near)
    above[1:] |= near[:-1]
    above[2:] |= near[:-2]  # a headline, then a deck or its byline
    return [int(k) for k in np.flatnonzero(dateline & ~above & (f[:, LAYOUT_COLUMN["prev_title_like"]] == 0))]


def signed_headlines(scores: GapScores, headline: np.ndarray) -> list[int]:
    """Headlines (in a dump that heads its articles) with a byline or a datelined lead right
    under them or under their deck: an article's top, which a subhead never has. The models
    were trained on headlines over their body, and give a headline over a deck and a byline
    little more than even odds."""
    f = scores.features
    signed = (f[:, LAYOUT_COLUMN["cur_byline"]] > 0) | (f[:, LAYOUT_COLUMN["cur_dateline"]] > 0)
    below = np.zeros_like(signed)
    below[:-1] |= signed[1:]
    if scores.words is not None:  # under a deck (content row k + 2 is candidate k + 1's line)
        # a title-like line between may be the headline itself, under a short last line of
        # the article before: then the models must find the upper line a likely start, or
        # the likelier of the two
        title_between = f[1:-1, LAYOUT_COLUMN["cur_title_like"]] > 0
        upper_first = (scores.prob[:-2] >= 0.5) | (scores.prob[:-2] >= scores.prob[1:-1])
        below[:-2] |= signed[2:] & (scores.words[2:-1] <= _SIGNED_DECK_MAX_WORDS) & (~title_between | upper_first)
    return [int(k) for k in np.flatnonzero(headline & below)]


def headline_habit(scores: GapScores, decks: bool = True) -> np.ndarray:
    """Per candidate: it starts a headline in a dump that uses headlines (all False otherwise).
    `decks`: a title-like line over another, then prose, is a headline over its deck too."""
    f = scores.features
    # a headline is followed by prose or by its byline; a byline after a headline, or a line
    # right under another title-like one (a deck, a headline under its kicker), is part of
    # the same article's top, not a new start
    title = f[:, LAYOUT_COLUMN["cur_title_like"]] > 0
    headed = (f[:, LAYOUT_COLUMN["cur_title_then_prose"]] > 0) | (title & (f[:, LAYOUT_COLUMN["next_byline"]] > 0))
    top = (f[:, LAYOUT_COLUMN["cur_byline"]] == 0) & (f[:, LAYOUT_COLUMN["prev_title_like"]] == 0)
    heads = headed & top
    if not len(heads):
        return heads
    opens = (f[0, LAYOUT_COLUMN["prev_title_like"]] > 0 and not scores.opens_with_byline
             and (f[0, LAYOUT_COLUMN["cur_title_like"]] == 0 or f[0, LAYOUT_COLUMN["cur_byline"]] > 0))
    n_heads = int(heads.sum()) + int(opens)
    habit = n_heads >= _HEADLINE_MIN and (opens or n_heads * _HEADLINE_EVERY >= len(heads) + 1)
    if not habit:
        return np.zeros_like(heads)
    # in such a dump a headline may also stand over its deck; these do not make the habit
    # (two short lines before prose are as often a cut-off fragment and a one-line article)
    if decks:
        heads[:-1] |= title[:-1] & headed[1:] & top[:-1]
    return heads




def marks_starts_with_gaps(scores: GapScores) -> bool:
    """Whether the dump marks its starts with wide gaps (blank lines, separator lines): two or more."""
    return int((scores.features[:, LAYOUT_COLUMN["blank_rare"]] > 0).sum()) >= 2
