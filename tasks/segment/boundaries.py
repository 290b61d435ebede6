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

from tasks.segment import layout
from tasks.segment.boundary_model import load_models
from tasks.segment.decode import DecoderParams, best_cuts, log_odds
from tasks.segment.cohesion import COHESION_FEATURES
from tasks.segment.continuation import CONTINUATION_FEATURES
from tasks.segment.features import LAYOUT_FEATURES, SEAM_FEATURES, feature_names, gap_features, names, topic_text
from tasks.segment.rejoin import Rejoiner, SegmentView, rejoin
from tasks.segment.seam import seam_scorer
from tasks.segment.sequence_model import load_sequence_model, sequence_inputs

SEPARATOR_BLANKS = 2  # blank lines a separator line counts as (see dump_lines)
# a layout feature's column in any model's feature rows (layout columns come first in every model)
LAYOUT_COLUMN = {f: j for j, f in enumerate(LAYOUT_FEATURES)}
TOPIC_THRESHOLD = 0.15  # window cosine below which a topic shift inside a layout stretch is cut


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
    """The non-blank lines of a dump with their offsets and preceding blank-line counts.

    A separator line (`layout.is_separator`: a rule or an end mark) is layout, not text: it
    is left out and counts as SEPARATOR_BLANKS blank lines, so the gap it marks is wider than
    any the dump leaves between paragraphs (a hard cut, `blank_rare`). A writer's name and
    role on two lines make one byline line (`layout.name_and_role`).
    """
    out, pos, blanks = [], 0, 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped and layout.is_separator(stripped):
            blanks += SEPARATOR_BLANKS
        elif stripped and out and not blanks and (byline := layout.name_and_role(out[-1].text, stripped)):
            out[-1].text = byline
        elif stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(stripped, pos + lead, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw)
    return out


def _furniture(text: str) -> bool:
    return layout.is_caption(text) or layout.is_boilerplate(text)


@dataclass(slots=True)
class GapScores:
    index: list[int]  # line each candidate boundary would start
    features: np.ndarray  # one row per candidate (see `features`)
    prob: np.ndarray  # boundary probability per candidate
    cue: list[str]  # the feature that pushed each candidate most towards a boundary
    threshold: float  # the cut the model was trained with
    embeddings: np.ndarray | None = None  # content lines' embeddings: the first line's, then one per candidate
    words: np.ndarray | None = None  # content lines' word counts, in the same order
    decoder: DecoderParams | None = None  # whole-dump decoding settings trained with the model
    layout_prob: np.ndarray | None = None  # the layout-only model's probability per candidate
    opens_with_byline: bool = False  # the first content line is a byline, not a headline
    names: list[set[str]] | None = None  # content lines' names (`features.names`), same order; with embeddings
    rejoin: Rejoiner | None = None  # the judge of the models' cuts (`rejoin`), with embeddings


def boundary_scores(
    lines: list[Line],
    embeddings: np.ndarray | None = None,
    model_path: str | None = None,
    seam: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
) -> GapScores:
    """Score every candidate gap of a dump.

    `embeddings` (one unit row per line) switch on the topic-shift cues; without them the
    layout-only model is used. A model that reads seam scores gets them from `seam` if
    given (a cache, in the benchmark), else from the seam scorer its weights file names.
    With embeddings, a model file that names a gap sequence model (`sequence_model`)
    gets the weighted mean of the network's and the sequence model's log-odds.
    """
    models = load_models(model_path)
    model = models["full" if embeddings is not None else "layout"]
    cues = models.get("vector_cues") if embeddings is not None else None
    sequence = models["sequence"] if embeddings is not None else None
    gru = load_sequence_model(sequence[0]) if sequence else None
    wanted = set(model.features) | set(gru.features if gru else ())  # the cues either model reads
    continuation = CONTINUATION_FEATURES[0] in wanted
    cohesion = COHESION_FEATURES[0] in wanted
    if SEAM_FEATURES[0] not in model.features:
        seam = None
    elif seam is None:
        if models["seam"] is None:
            raise RuntimeError(f"boundary model {model_path or 'bundled'!r} reads seam scores but names no seam file")
        seam = seam_scorer(models["seam"]).score
    X, idx = gap_features(
        [ln.text for ln in lines], [ln.blank_before for ln in lines], embeddings, cues, continuation, seam, cohesion
    )
    names = feature_names(embeddings is not None, cues is not None, continuation, seam is not None, cohesion)
    scores = scores_from_features(lines, X, idx, embeddings)
    own = X[:, [names.index(f) for f in model.features]]
    logit = model.logit(own)
    if gru is not None and idx:
        rows = sequence_inputs(X[:, [names.index(f) for f in gru.features]], scores.embeddings, gru.band)
        logit = (1 - sequence[1]) * logit + sequence[1] * gru.logit(rows)
    scores.prob = 1.0 / (1.0 + np.exp(-logit))
    if embeddings is not None and idx:  # the decoder weighs some cuts against layout alone
        lay = models["layout"]
        scores.layout_prob = lay.predict(X[:, [names.index(f) for f in lay.features]])
    scores.cue = [model.features[j] for j in model.contributions(own).argmax(1)] if idx else []
    scores.threshold = model.threshold
    scores.decoder = models.get("decoder")
    scores.rejoin = models.get("rejoin") if embeddings is not None else None
    return scores


def scores_from_features(lines: list[Line], X: np.ndarray, idx: list[int], embeddings: np.ndarray | None) -> GapScores:
    """GapScores for computed features, before any model has scored them (probabilities 0)."""
    content, n_words, byline, row_names = None, None, False, None
    if idx:
        rows = [next(i for i in range(idx[0]) if not _furniture(lines[i].text))] + idx
        n_words = np.array([len(layout.words(lines[i].text)) for i in rows])
        content = embeddings[rows] if embeddings is not None else None
        byline = layout.is_byline(lines[rows[0]].text)
        row_names = [names(lines[i].text) for i in rows] if embeddings is not None else None
    return GapScores(idx, X, np.zeros(len(idx)), [""] * len(idx), 0.5, content, n_words, opens_with_byline=byline,
                     names=row_names)


def find_boundaries(
    lines: list[Line],
    embed: Callable[[list[str]], np.ndarray] | None = None,
    topic_threshold: float = TOPIC_THRESHOLD,
    boundary_threshold: float | None = None,
    model_path: str | None = None,
    rejoin_threshold: float | None = None,
) -> list[Boundary]:
    """All article starts after the first, in line order.

    With embeddings and boundary_threshold None, the whole-dump decoder trained with the
    model (`decode.best_cuts`) picks the cuts between the layout-rule ones.
    boundary_threshold: per-gap thresholding instead: confidence at or above which a gap
    is a boundary; layout rules and the model both give one.
    topic_threshold: inside the stretches between those boundaries, a local minimum of
    window similarity below it is cut too (0 turns the topic pass off; after the decoder
    only its whole-part split runs). See `decide`.
    rejoin_threshold: the rejoin pass takes back the decoder's cuts its judge gives odds of a
    start under this (None: the model file's; 0 turns the pass off).
    """
    emb = embed([topic_text(ln.text) for ln in lines]) if embed is not None and len(lines) > 1 else None
    scores = boundary_scores(lines, emb, model_path)
    decoder = scores.decoder if boundary_threshold is None else None
    return with_their_tops(lines, decide(scores, topic_threshold, boundary_threshold, decoder, rejoin_threshold))


def _heads_article(text: str) -> bool:
    return layout.opens_article(text) or layout.is_byline(text)


def with_their_tops(lines: list[Line], found: list[Boundary]) -> list[Boundary]:
    """Boundaries moved back over the lines that head an article: furniture (a publication
    stamp, a reading time: `layout.opens_article`), which the models skip, and a byline,
    which a cue on the lead (a kicker, a dateline) passes by; so they go with their own
    article and not to the foot of the one before. A boundary left with nothing but such
    lines above it, back to the previous one, is that same start and is dropped; so is a start
    at a byline with no more than a headline and a deck (_TOP_TITLE_LINES title-like lines)
    above it, back to the previous one."""
    out, previous = [], 0
    for b in found:
        start = b.index
        while start - 1 > previous and _heads_article(lines[start - 1].text):
            start -= 1
        above = [ln.text for ln in lines[previous:start] if not (_heads_article(ln.text) or _furniture(ln.text))]
        if not above or (layout.is_byline(lines[start].text) and len(above) <= _TOP_TITLE_LINES
                         and all(map(layout.is_title_like, above))):
            if out and b.confidence > out[-1].confidence:
                out[-1] = Boundary(out[-1].index, b.confidence, b.cue)
            continue
        out.append(Boundary(start, b.confidence, b.cue))
        previous = start
    return out


_TOP_TITLE_LINES = 2  # a headline and its deck

# Layout rules that settle a boundary on their own, with their confidence (a feature column each).
# A line cut off mid-sentence and a headline-like line are left to the model: on real
# articles (lists, subheads) they fire inside articles more often than at their starts.
_LAYOUT_RULES = (("cur_kicker", 0.95), ("blank_rare", 0.8))
# Lines this long are whole articles, not paragraphs (news paragraphs run 20-90 words):
# a dump whose typical line is this long has one article per line ...
_ARTICLE_PER_LINE_WORDS = 120
# ... and, in a dump of paragraphs, a line this many times the typical one (and 80 words at
# least) that stops mid-sentence is a truncated article of its own (a scrape that flattened
# some articles); a long paragraph that ends its sentence is left to the other cues.
_WHOLE_ARTICLE_RATIO, _WHOLE_ARTICLE_MIN_WORDS = 3.0, 80
_LINE_RULE_CONFIDENCE = 0.8
# A headline (short title-like line followed by prose) is a hard boundary only in a dump that
# shows the habit: it opens with one, or has one every dozen lines, and has at least three.
# Subheads inside articles (rare, clustered in a few long pieces) don't make such a habit.
_HEADLINE_MIN, _HEADLINE_EVERY, _HEADLINE_CONFIDENCE = 3, 12, 0.9
_HEADLINE_HABIT_CUT = 0.8
# ... and there a dateline with no head above it starts an article (`_unheaded_datelines`),
# as does a headline with a byline or a datelined lead under it or under its deck, a line of
# up to _SIGNED_DECK_MAX_WORDS words (`_signed_headlines`)
_DATELINE_CONFIDENCE = 0.9
_SIGNED_DECK_MAX_WORDS = 45
# Topic pass, whole parts: mean-embedding cosine under which two adjacent parts of a stretch
# are different articles (0.3: best on the bench's real news, Pk and precision both), and
# the least a part must hold to be an article (2 lines, or one line this long).
_PART_SIM_MAX, _PART_MIN_LINES, _PART_MIN_WORDS = 0.3, 2, 50
# ... and where the models give a part cut almost no chance, both parts must hold this many
# words: the mean of two short wire paragraphs (a story's decision, then its reactions) is
# too noisy to overrule them (55: flat on the bench from 55 to 80; the largest that keeps a
# true start in four short articles, `test_layouts_with_topic_cues`)
_PART_DOUBT_PROB, _PART_DOUBT_WORDS = 0.01, 55


def _whole_article_rows(scores: GapScores, col: dict[str, int], headed: bool) -> tuple[np.ndarray, bool]:
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
    title_row = np.concatenate([f[:1, col["prev_title_like"]] > 0, f[:, col["cur_title_like"]] > 0])
    under_title = np.concatenate([[False], f[:, col["prev_title_like"]] > 0]) & headed
    typical = float(np.median(scores.words[~title_row] if (~title_row).any() else scores.words))
    per_line = typical >= _ARTICLE_PER_LINE_WORDS
    if per_line and title_row.mean() < 1 / 3:
        under_title[:] = False  # a few short lines among article-long ones are cut-off articles, not headlines
    cut_off = np.append(f[:, col["prev_cut_off"]] > 0, False)
    long = scores.words >= max(_WHOLE_ARTICLE_MIN_WORDS, _WHOLE_ARTICLE_RATIO * typical)
    return (per_line | (cut_off & long)) & ~under_title, per_line


def _unheaded_datelines(scores: GapScores, headline: np.ndarray, col: dict[str, int]) -> list[int]:
    """Candidates whose line opens with a dateline with no start just above it (a headline, a
    byline, a line the models take for a start, or a deck under one), in a dump that heads its
    articles: a brief or a wire story that came without its headline. The models, trained on
    dumps that head every article or none, give such a start little (a dateline there has
    always followed a headline)."""
    f = scores.features
    dateline = f[:, col["cur_dateline"]] > 0
    near = headline | (f[:, col["cur_byline"]] > 0) | (scores.prob >= 0.5)
    above = np.zeros_like(near)
    above[1:] |= near[:-1]
    above[2:] |= near[:-2]  # a headline, then a deck or its byline
    return [int(k) for k in np.flatnonzero(dateline & ~above & (f[:, col["prev_title_like"]] == 0))]


def _signed_headlines(scores: GapScores, headline: np.ndarray, col: dict[str, int]) -> list[int]:
    """Headlines (in a dump that heads its articles) with a byline or a datelined lead right
    under them or under their deck: an article's top, which a subhead never has. The models
    were trained on headlines over their body, and give a headline over a deck and a byline
    little more than even odds."""
    f = scores.features
    signed = (f[:, col["cur_byline"]] > 0) | (f[:, col["cur_dateline"]] > 0)
    below = np.zeros_like(signed)
    below[:-1] |= signed[1:]
    if scores.words is not None:  # under a deck (content row k + 2 is candidate k + 1's line)
        # a title-like line between may be the headline itself, under a short last line of
        # the article before: then the models must find the upper line a likely start, or
        # the likelier of the two
        title_between = f[1:-1, col["cur_title_like"]] > 0
        upper_first = (scores.prob[:-2] >= 0.5) | (scores.prob[:-2] >= scores.prob[1:-1])
        below[:-2] |= signed[2:] & (scores.words[2:-1] <= _SIGNED_DECK_MAX_WORDS) & (~title_between | upper_first)
    return [int(k) for k in np.flatnonzero(headline & below)]


def _headline_habit(scores: GapScores, col: dict[str, int], decks: bool = True) -> np.ndarray:
    """Per candidate: it starts a headline in a dump that uses headlines (all False otherwise).
    `decks`: a title-like line over another, then prose, is a headline over its deck too."""
    f = scores.features
    # a headline is followed by prose or by its byline; a byline after a headline, or a line
    # right under another title-like one (a deck, a headline under its kicker), is part of
    # the same article's top, not a new start
    title = f[:, col["cur_title_like"]] > 0
    headed = (f[:, col["cur_title_then_prose"]] > 0) | (title & (f[:, col["next_byline"]] > 0))
    top = (f[:, col["cur_byline"]] == 0) & (f[:, col["prev_title_like"]] == 0)
    heads = headed & top
    if not len(heads):
        return heads
    opens = (f[0, col["prev_title_like"]] > 0 and not scores.opens_with_byline
             and (f[0, col["cur_title_like"]] == 0 or f[0, col["cur_byline"]] > 0))
    n_heads = int(heads.sum()) + int(opens)
    habit = n_heads >= _HEADLINE_MIN and (opens or n_heads * _HEADLINE_EVERY >= len(heads) + 1)
    if not habit:
        return np.zeros_like(heads)
    # in such a dump a headline may also stand over its deck; these do not make the habit
    # (two short lines before prose are as often a cut-off fragment and a one-line article)
    if decks:
        heads[:-1] |= title[:-1] & headed[1:] & top[:-1]
    return heads


def decide(
    scores: GapScores,
    topic_threshold: float = TOPIC_THRESHOLD,
    boundary_threshold: float | None = None,
    decoder: DecoderParams | None = None,
    rejoin_threshold: float | None = None,
) -> list[Boundary]:
    """Boundaries from scored gaps, in two passes.

    1. Hard decisions: a gap whose confidence reaches the cut, the confidence being the
       model's probability or, when a layout rule fires (kicker, unusually wide blank gap,
       lines long enough to be whole articles, a headline in a dump that heads its
       articles), that rule's confidence if higher. In a dump that heads its articles, a
       start without a headline needs _HEADLINE_HABIT_CUT, and pass 2 is skipped.
       With a decoder (and embeddings), only the layout rules other than headlines are hard
       cuts; the decoder picks the rest (`_decode`), headlines included: the network reads
       a title-like line together with the topic cues, so a subhead that continues the
       story is not cut.
    2. Topic shift inside each stretch left between hard boundaries (cue 'topic_shift'):
       window similarity (up to 3 lines before, 2 after, never reaching past the stretch)
       is cut at local minima below `topic_threshold`; and the stretch is split where its
       two parts' mean embeddings are least alike, if under _PART_SIM_MAX (see
       `_part_cuts`). Restricting both to the stretch keeps a neighbouring article from
       diluting the contrast. `topic_threshold` 0 turns the whole pass off; so does a
       dump that marks its starts with wide gaps (blank lines, separator lines).
    3. With the decoder, in a dump that marks its starts neither with headlines nor with
       wide gaps, the rejoin pass (`rejoin`) takes back the models' cuts that its judge,
       reading the whole segments either side, gives odds of a start under
       `rejoin_threshold` (None: the model file's).
    """
    cut = scores.threshold if boundary_threshold is None else boundary_threshold
    col = LAYOUT_COLUMN
    # the decoder weighs the model with the segments' coherence (it needs embeddings); in a
    # dump that heads its articles a headline is evidence for the model and the decoder, not
    # a cut of its own (subheads look like headlines), and a start without one costs more
    use_decoder = decoder is not None and scores.embeddings is not None
    # a headline over its deck is evidence the decoder weighs; as a cut of its own (no
    # decoder) it would also cut above every headline under a short closing line
    headline = _headline_habit(scores, col, decks=use_decoder)
    habit = bool(headline.any())
    whole, per_line = _whole_article_rows(scores, col, habit)
    hard: dict[int, Boundary] = {}
    for k, (i, p, cue) in enumerate(zip(scores.index, scores.prob, scores.cue)):
        conf, why = float(p), cue
        if whole[k + 1]:  # candidate k starts row k + 1
            if _LINE_RULE_CONFIDENCE > conf:
                conf, why = _LINE_RULE_CONFIDENCE, "article_per_line" if per_line else "whole_article_line"
        if headline[k] and _HEADLINE_CONFIDENCE > conf and not use_decoder:
            conf, why = _HEADLINE_CONFIDENCE, "headline"
        for rule, rule_conf in _LAYOUT_RULES:
            if scores.features[k, col[rule]] > 0 and rule_conf > conf:
                conf, why = rule_conf, rule
        # in a dump that heads its articles, a start without a headline needs more evidence
        if use_decoder:
            if conf > p:  # a layout rule fired: forced; the model's own view goes to the decoder
                hard[k] = Boundary(i, round(conf, 3), why)
            continue
        f = scores.features[k]
        if habit and conf == p and f[col["prev_title_like"]] > 0 and f[col["cur_title_like"]] == 0:
            continue  # by the model alone, prose under a headline starts nothing: the headline does
        if conf >= (max(cut, _HEADLINE_HABIT_CUT) if habit and why != "headline" else cut):
            hard[k] = Boundary(i, round(conf, 3), why)
    if habit:
        for k in _unheaded_datelines(scores, headline, col):
            hard.setdefault(k, Boundary(scores.index[k], _DATELINE_CONFIDENCE, "cur_dateline"))
        for k in _signed_headlines(scores, headline, col):
            hard.setdefault(k, Boundary(scores.index[k], _DATELINE_CONFIDENCE, "headline_signed"))
    found = _decode(scores, hard, decoder, headline if habit else None) if use_decoder else dict(hard)
    # a dump that marks its starts with wide gaps (two or more) has said where its articles
    # are: a topic cut inside one of its stretches splits an article
    separated = _marks_starts_with_gaps(scores)
    if scores.embeddings is not None and topic_threshold > 0 and not habit and not separated:
        _topic_pass(scores, found, topic_threshold, windows=not use_decoder)
    judge = scores.rejoin
    if judge is not None and rejoin_threshold is not None:
        judge = Rejoiner(judge.model, rejoin_threshold)
    judged = rejoin_cuts(scores, found, (habit, whole, per_line)) if use_decoder and judge is not None else None
    if judged is not None:
        kept = rejoin(rejoin_view(scores), *judged, len(scores.index) + 1, judge)
        found = {r - 1: found[r - 1] for r in kept}
    return [found[k] for k in sorted(found)]


def rejoin_view(scores: GapScores) -> SegmentView:
    """The dump's content rows as the rejoin pass judges them (scores with embeddings)."""
    return SegmentView(scores.embeddings, scores.names, log_odds(scores.prob))


def rejoin_cuts(
    scores: GapScores, found: dict[int, Boundary], shape: tuple[bool, np.ndarray, bool] | None = None
) -> tuple[list[int], set[int]] | None:
    """The rejoin pass's input: the rows the cuts in `found` start (candidate k: row k + 1),
    and those a layout rule settles (a kicker, a wide gap, a whole article on its line),
    which it leaves alone. None where it does not run: a dump that heads its articles, marks
    them with wide gaps or holds one per line has said where they start. `shape`: the
    dump's headline habit and `_whole_article_rows`, when the caller has them."""
    col = LAYOUT_COLUMN
    if shape is None:
        habit = bool(_headline_habit(scores, col).any())
        shape = (habit, *_whole_article_rows(scores, col, habit))
    habit, whole, per_line = shape
    f = scores.features
    if scores.embeddings is None or habit or per_line or _marks_starts_with_gaps(scores):
        return None
    ruled = whole[1:] | np.any([f[:, col[rule]] > 0 for rule, _ in _LAYOUT_RULES], axis=0)
    return [k + 1 for k in sorted(found)], {k + 1 for k in found if ruled[k]}


def _marks_starts_with_gaps(scores: GapScores) -> bool:
    """Whether the dump marks its starts with wide gaps (blank lines, separator lines): two or more."""
    return int((scores.features[:, LAYOUT_COLUMN["blank_rare"]] > 0).sum()) >= 2


def _topic_pass(scores: GapScores, found: dict[int, Boundary], topic_threshold: float, windows: bool = True) -> None:
    """Adds topic-shift cuts inside the stretches between the cuts in `found` (see `decide`);
    `windows` False: whole-part splits only (after the decoder, whose coherence term already
    weighs the windows)."""
    # content rows: 0 is the first line, row k + 1 starts at candidate k
    edges = [0] + [k + 1 for k in sorted(found)] + [len(scores.index) + 1]
    for a, b in zip(edges, edges[1:]):
        window_cuts = _segment_topic_cuts(scores.embeddings, a, b, topic_threshold) if windows else []
        cuts = [(r, topic_threshold, s) for r, s in _article_sized_cuts(window_cuts, scores.words, a, b)]
        cuts += [(r, _PART_SIM_MAX, s) for r, s in _part_cuts(scores.embeddings, scores.words, a, b, scores.prob)]
        for row, limit, s in cuts:
            k = row - 1
            conf = max(float(scores.prob[k]), min(0.99, 0.5 + (limit - s) / (2 * limit)))
            if k not in found or conf > found[k].confidence:
                found[k] = Boundary(scores.index[k], round(conf, 3), "topic_shift")


def _decode(
    scores: GapScores, hard: dict[int, Boundary], params: DecoderParams, headline: np.ndarray | None = None
) -> dict[int, Boundary]:
    """Layout-rule cuts as given; between them, the decoder's best segmentation. `headline`
    (a dump that heads its articles): candidates that start a headline; the models' odds are
    held to what layout shows (`_headed_dump_gain`), and the others cost `params.headless`
    more log-odds."""
    gain = log_odds(scores.prob)
    if headline is not None:
        # a byline or a dateline marks a start as well as a headline does (a brief, a wire
        # story without its headline): no extra cost there
        f, col = scores.features, LAYOUT_COLUMN
        marked = headline | (f[:, col["cur_byline"]] > 0) | (f[:, col["cur_dateline"]] > 0)
        gain = _headed_dump_gain(scores, gain, headline, params) - params.headless * ~marked
    found = dict(hard)
    edges = [0] + [k + 1 for k in sorted(hard)] + [len(scores.index) + 1]
    for a, b in zip(edges, edges[1:]):
        emb = scores.embeddings[a:b] if scores.embeddings is not None else None
        for r in best_cuts(gain[a : b - 1], emb, scores.words[a:b], params):
            k = a + r - 1
            found[k] = Boundary(scores.index[k], round(float(scores.prob[k]), 3), scores.cue[k])
    return found


def _headed_dump_gain(scores: GapScores, gain: np.ndarray, headline: np.ndarray, params: DecoderParams) -> np.ndarray:
    """The models' log-odds in a dump that heads its articles, held to what its layout shows.

    There an article without a headline shows on layout (a line that is a whole article, a
    truncation), so between two prose lines with no headline the topic models alone (short
    paragraphs, a story that turns to its background) may be no likelier than the layout
    model, plus `params.layout_margin`. Next to a title-like line this cap is off: subheads
    are the topic models' call, and the headline flag misses a headline under a short cut-off
    line. A headline, in turn, is no less likely than the layout model finds it, less
    `params.headline_margin`: neighbours on one topic or a few short pieces leave the topic
    models little contrast. None turns either off; so does a dump scored without embeddings.
    """
    if scores.layout_prob is None:
        return gain
    layout_gain = log_odds(scores.layout_prob)
    if params.headline_margin is not None:
        gain = np.where(headline, np.maximum(gain, layout_gain - params.headline_margin), gain)
    if params.layout_margin is not None:
        f, col = scores.features, LAYOUT_COLUMN
        prose = (f[:, col["cur_title_like"]] == 0) & (f[:, col["prev_title_like"]] == 0) & ~headline
        gain = np.where(prose, np.minimum(gain, layout_gain + params.layout_margin), gain)
    return gain


def _segment_topic_cuts(emb: np.ndarray, a: int, b: int, threshold: float, before: int = 3, after: int = 2):
    """(row, similarity) of local minima below threshold among rows a+1..b-1 of emb."""
    sims = {}
    for r in range(a + 1, b):
        x = emb[max(a, r - before) : r].mean(0)
        y = emb[r : min(b, r + after)].mean(0)
        denom = float(np.linalg.norm(x) * np.linalg.norm(y)) or 1.0
        sims[r] = float(x @ y) / denom
    for r, s in sims.items():
        if s < threshold and s <= sims.get(r - 1, 1.0) and s <= sims.get(r + 1, 1.0):
            yield r, s



def _article_sized(words: np.ndarray, lo: int, hi: int) -> bool:
    """Whether rows lo..hi-1 can be an article on their own: 2+ lines, or one long line."""
    return hi - lo >= _PART_MIN_LINES or int(words[lo:hi].sum()) >= _PART_MIN_WORDS


def _article_sized_cuts(cuts, words: np.ndarray, a: int, b: int):
    """The topic cuts, in order, that leave every part article-sized: a one-line 'article'
    between two topic cuts is far likelier a paragraph on a side topic."""
    last = a
    for r, s in sorted(cuts):
        if _article_sized(words, last, r) and _article_sized(words, r, b):
            yield r, s
            last = r


def _part_cuts(emb: np.ndarray, words: np.ndarray, a: int, b: int, prob: np.ndarray | None = None):
    """(row, similarity) of cuts that split rows a..b-1 into parts about different things.

    Divisive: the row where the mean embeddings of the two parts (each long enough to be
    an article) are least alike is cut when that similarity is under _PART_SIM_MAX, and
    both parts are tried again. Whole parts are compared, not windows: a sub-topic of a long
    article still shares its story with the rest, two unrelated articles share nothing.
    Where the models give the cut almost no chance (`prob`, per candidate, under
    _PART_DOUBT_PROB), both parts need _PART_DOUBT_WORDS words.
    """
    best, best_r = 1.0, None
    for r in range(a + 1, b):
        doubted = prob is not None and prob[r - 1] < _PART_DOUBT_PROB
        if doubted and min(int(words[a:r].sum()), int(words[r:b].sum())) < _PART_DOUBT_WORDS:
            continue
        if _article_sized(words, a, r) and _article_sized(words, r, b):
            x, y = emb[a:r].mean(0), emb[r:b].mean(0)
            sim = float(x @ y) / (float(np.linalg.norm(x) * np.linalg.norm(y)) or 1.0)
            if sim < best:
                best, best_r = sim, r
    if best_r is not None and best < _PART_SIM_MAX:
        yield best_r, best
        yield from _part_cuts(emb, words, a, best_r, prob)
        yield from _part_cuts(emb, words, best_r, b, prob)
