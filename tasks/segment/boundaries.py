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
from tasks.segment.features import SEAM_FEATURES, feature_names, gap_features, names, topic_text
from tasks.segment.layout_rules import (
    DATELINE_CONFIDENCE,
    HEADLINE_CONFIDENCE,
    HEADLINE_HABIT_CUT,
    LAYOUT_COLUMN,
    LAYOUT_RULES,
    LINE_RULE_CONFIDENCE,
    headline_habit,
    marks_starts_with_gaps,
    signed_headlines,
    unheaded_datelines,
    whole_article_rows,
)
from tasks.segment.rejoin import Rejoiner, SegmentView, rejoin
from tasks.segment.seam import seam_scorer
from tasks.segment.sequence_model import load_sequence_model, sequence_inputs
from tasks.segment.topic_shift import stretch_cuts

SEPARATOR_BLANKS = 2  # blank lines a separator line counts as (see dump_lines)
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
    short_lines: bool = False  # scored by the model file's short-line bundle (`in_short_lines`)


def boundary_scores(
    lines: list[Line],
    embeddings: np.ndarray | None = None,
    model_path: str | None = None,
    seam: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
    short_lines: bool = True,
) -> GapScores:
    """Score every candidate gap of a dump.

    `embeddings` (one unit row per line) switch on the topic-shift cues; without them the
    layout-only model is used. A model that reads seam scores gets them from `seam` if
    given (a cache, in the benchmark), else from the seam scorer its weights file names.
    With embeddings, a model file that names a gap sequence model (`sequence_model`)
    gets the weighted mean of the network's and the sequence model's log-odds; one that
    names a short-line bundle (`short_lines`) hands it a dump without headlines whose
    median line is short (`in_short_lines`), unless `short_lines` is False (the training
    scripts, which fit one bundle on the cuts of its own models).
    """
    models = load_models(model_path)
    X, idx, names = _cue_rows(lines, embeddings, models, model_path, seam)
    scores = scores_from_features(lines, X, idx, embeddings)
    short = models["short_lines"] if embeddings is not None and short_lines else None
    if short is not None and in_short_lines(scores, short.max_median_words):
        short_models = load_models(str(short.path))
        if not _same_cues(short_models, models):
            X, idx, names = _cue_rows(lines, embeddings, short_models, str(short.path), seam)
            scores = scores_from_features(lines, X, idx, embeddings)
        models, scores.short_lines = short_models, True
    own_model = models["full" if embeddings is not None else "layout"]
    sequence = models["sequence"] if embeddings is not None else None
    gru = load_sequence_model(sequence[0]) if sequence else None
    own = X[:, [names.index(f) for f in own_model.features]]
    logit = own_model.logit(own)
    if gru is not None and idx:
        rows = sequence_inputs(X[:, [names.index(f) for f in gru.features]], scores.embeddings, gru.band)
        logit = (1 - sequence[1]) * logit + sequence[1] * gru.logit(rows)
    scores.prob = 1.0 / (1.0 + np.exp(-logit))
    if embeddings is not None and idx:  # the decoder weighs some cuts against layout alone
        lay = models["layout"]
        scores.layout_prob = lay.predict(X[:, [names.index(f) for f in lay.features]])
    scores.cue = [own_model.features[j] for j in own_model.contributions(own).argmax(1)] if idx else []
    scores.threshold = own_model.threshold
    scores.decoder = models.get("decoder")
    scores.rejoin = models.get("rejoin") if embeddings is not None else None
    return scores


def in_short_lines(scores: GapScores, max_median_words: float) -> bool:
    """Whether a dump is set in short lines without headlines: wire copy and most news sites
    break after a sentence or two (a median line of 16-33 words in the bench's training
    dumps of that kind, 31 and up in its paragraph dumps), so its gaps look unlike those of
    paragraphs. A dump that heads its articles is left to the models its headlines were
    tuned with."""
    if scores.words is None or not len(scores.words):
        return False
    return float(np.median(scores.words)) <= max_median_words and not headline_habit(scores).any()


def _inputs(models: dict, embeddings: bool = True) -> tuple:
    """What a bundle's models read beyond the layout and topic cues: (learned vector cues,
    continuation openers, name cohesion, seam scores); without embeddings, the layout model's."""
    model = models["full" if embeddings else "layout"]
    gru = load_sequence_model(models["sequence"][0]) if models["sequence"] and embeddings else None
    wanted = set(model.features) | set(gru.features if gru else ())  # the cues either model reads
    return (models.get("vector_cues") if embeddings else None, CONTINUATION_FEATURES[0] in wanted,
            COHESION_FEATURES[0] in wanted, SEAM_FEATURES[0] in model.features)


def _same_cues(a: dict, b: dict) -> bool:
    """Whether two bundles read the same feature rows (with embeddings), so one computation
    serves both; learned vector cues differ with their weights, so a bundle with them never does."""
    (cues_a, *rest_a), (cues_b, *rest_b) = _inputs(a), _inputs(b)
    return cues_a is None and cues_b is None and rest_a == rest_b


def _cue_rows(
    lines: list[Line], embeddings: np.ndarray | None, models: dict, model_path: str | None,
    seam: Callable[[list[tuple[str, str]]], np.ndarray] | None,
) -> tuple[np.ndarray, list[int], list[str]]:
    """(feature rows, their lines, column names): every cue the bundle's models read."""
    cues, continuation, cohesion, wants_seam = _inputs(models, embeddings is not None)
    if not wants_seam:
        seam = None
    elif seam is None:
        if models["seam"] is None:
            raise RuntimeError(f"boundary model {model_path or 'bundled'!r} reads seam scores but names no seam file")
        seam = seam_scorer(models["seam"]).score
    X, idx = gap_features(
        [ln.text for ln in lines], [ln.blank_before for ln in lines], embeddings, cues, continuation, seam, cohesion
    )
    return X, idx, feature_names(embeddings is not None, cues is not None, continuation, seam is not None, cohesion)


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
       start without a headline needs HEADLINE_HABIT_CUT, and pass 2 is skipped.
       With a decoder (and embeddings), only the layout rules other than headlines are hard
       cuts; the decoder picks the rest (`_decode`), headlines included: the network reads
       a title-like line together with the topic cues, so a subhead that continues the
       story is not cut.
    2. Topic shift inside each stretch left between hard boundaries (cue 'topic_shift'):
       window similarity (up to 3 lines before, 2 after, never reaching past the stretch)
       is cut at local minima below `topic_threshold`; and the stretch is split where its
       two parts' mean embeddings are least alike, if different enough (see
       `topic_shift.part_cuts`). Restricting both to the stretch keeps a neighbouring article from
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
    headline = headline_habit(scores, decks=use_decoder)
    habit = bool(headline.any())
    whole, per_line = whole_article_rows(scores, habit)
    hard: dict[int, Boundary] = {}
    for k, (i, p, cue) in enumerate(zip(scores.index, scores.prob, scores.cue)):
        conf, why = float(p), cue
        if whole[k + 1]:  # candidate k starts row k + 1
            if LINE_RULE_CONFIDENCE > conf:
                conf, why = LINE_RULE_CONFIDENCE, "article_per_line" if per_line else "whole_article_line"
        if headline[k] and HEADLINE_CONFIDENCE > conf and not use_decoder:
            conf, why = HEADLINE_CONFIDENCE, "headline"
        for rule, rule_conf in LAYOUT_RULES:
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
        if conf >= (max(cut, HEADLINE_HABIT_CUT) if habit and why != "headline" else cut):
            hard[k] = Boundary(i, round(conf, 3), why)
    if habit:
        for k in unheaded_datelines(scores, headline):
            hard.setdefault(k, Boundary(scores.index[k], DATELINE_CONFIDENCE, "cur_dateline"))
        for k in signed_headlines(scores, headline):
            hard.setdefault(k, Boundary(scores.index[k], DATELINE_CONFIDENCE, "headline_signed"))
    found = _decode(scores, hard, decoder, headline if habit else None) if use_decoder else dict(hard)
    # a dump that marks its starts with wide gaps (two or more) has said where its articles
    # are: a topic cut inside one of its stretches splits an article
    separated = marks_starts_with_gaps(scores)
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
    dump's headline habit and `whole_article_rows`, when the caller has them."""
    col = LAYOUT_COLUMN
    if shape is None:
        habit = bool(headline_habit(scores).any())
        shape = (habit, *whole_article_rows(scores, habit))
    habit, whole, per_line = shape
    f = scores.features
    if scores.embeddings is None or habit or per_line or marks_starts_with_gaps(scores):
        return None
    ruled = whole[1:] | np.any([f[:, col[rule]] > 0 for rule, _ in LAYOUT_RULES], axis=0)
    return [k + 1 for k in sorted(found)], {k + 1 for k in found if ruled[k]}


def _topic_pass(scores: GapScores, found: dict[int, Boundary], topic_threshold: float, windows: bool = True) -> None:
    """Adds topic-shift cuts inside the stretches between the cuts in `found` (see `decide`);
    `windows` False: whole-part splits only (after the decoder, whose coherence term already
    weighs the windows)."""
    # content rows: 0 is the first line, row k + 1 starts at candidate k
    edges = [0] + [k + 1 for k in sorted(found)] + [len(scores.index) + 1]
    for a, b in zip(edges, edges[1:]):
        for row, limit, s in stretch_cuts(scores.embeddings, scores.words, scores.prob, a, b, topic_threshold, windows):
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
