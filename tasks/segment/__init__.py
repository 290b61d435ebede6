"""Segment stage: source records in, articles with structure and paragraphs out.

A record flagged `is_dump` may hold many articles and is split first
(`boundaries`); every article's lines are then parsed (`structure`).

Where each part lives:
- `boundaries`: a dump's lines, every gap scored, and `decide`, which says where articles
  start, in passes:
  - `layout_rules`: the dump's habits and the gaps its layout settles alone;
  - `decode`: the whole-dump decoder over the models' odds;
  - `topic_shift`: topic cuts inside the stretches left whole;
  - `rejoin`: a judge of whole segments that takes back doubtful cuts.
- The cues of a gap: `features` (assembles them), `layout` (one line's shape), `cohesion`
  (names over wide windows), `continuation` (openings that continue), `vector_cues`,
  `seam`.
- The models that weigh them: `boundary_model` (the network and its file) and
  `sequence_model` (the GRUs).
- `structure` and `run_in_deck`: title, kicker, deck, byline, dateline, captions,
  boilerplate and truncation inside one article.
"""
from __future__ import annotations

from tasks.metadata import date_in_text
from tasks.models import DEFAULT_EMBEDDING_MODEL, sentence_embedder
from tasks.records import Article, SourceRecord, content_hash
from tasks.segment import layout
from tasks.segment.boundaries import TOPIC_THRESHOLD, Line, dump_lines, find_boundaries
from tasks.segment.structure import ArticleStructure, parse_article
from tasks.step import Step

__all__ = ["Segmenter", "segment_text", "split_dump", "parse_article"]


def segment_text(
    text: str,
    embedding_model: str | None = DEFAULT_EMBEDDING_MODEL,
    topic_threshold: float = TOPIC_THRESHOLD,
    boundary_threshold: float | None = None,
    boundary_model: str | None = None,
    embedding_backend: str | None = None,
    rejoin_threshold: float | None = None,
) -> list[tuple[ArticleStructure, float, str]]:
    """Split a dump into articles: (structure, boundary confidence, location) for each.

    `embedding_model=None` uses layout cues only (no model is loaded). The thresholds
    and the weights file are those of `boundaries.find_boundaries`. The first article's
    confidence is 1.0 (nothing precedes it).
    """
    return [(parse_article([ln.text for ln in part]), conf, where) for part, conf, _, where in
            split_dump(text, embedding_model, topic_threshold, boundary_threshold, boundary_model, embedding_backend,
                       rejoin_threshold)]


def split_dump(
    text: str,
    embedding_model: str | None = DEFAULT_EMBEDDING_MODEL,
    topic_threshold: float = TOPIC_THRESHOLD,
    boundary_threshold: float | None = None,
    boundary_model: str | None = None,
    embedding_backend: str | None = None,
    rejoin_threshold: float | None = None,
) -> list[tuple[list[Line], float, str, str]]:
    """A dump's non-blank lines grouped by article: (lines, boundary confidence, cue, 'line N').

    The cue is the feature that argued most for the boundary ('start' for the first article).
    """
    lines = dump_lines(text)
    if not lines:
        return []
    # The boundary model was trained on fp32 vectors; int8 ones move some cuts by a line.
    embed = sentence_embedder(embedding_model, embedding_backend or "torch").encode if embedding_model else None
    bounds = find_boundaries(lines, embed, topic_threshold, boundary_threshold, boundary_model, rejoin_threshold)
    starts = [0] + [b.index for b in bounds]
    conf = [1.0] + [b.confidence for b in bounds]
    cues = ["start"] + [b.cue for b in bounds]
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        line_no = text.count("\n", 0, lines[start].start) + 1
        out.append((lines[start:end], conf[k], cues[k], f"line {line_no}"))
    return out


class Segmenter(Step):
    """Records to articles: dumps are split, every article is parsed into its parts."""

    name = "segment"
    # 9: an untitled dump set in short lines (wire copy, a sentence or two a line) is cut by
    # models trained on such dumps (`boundary_model_short.json`, `boundaries.in_short_lines`).
    # 8: in an untitled dump without wide gaps, a judge of whole segments takes back the
    # models' cuts that leave the same story on both sides (`rejoin`: round-ups, digests).
    # 7: a deck run into the lead split at the likeliest lead start; a name (or several) and
    # a role, desk or outlet on one line is a byline; 'Berlin —' is a lead's dateline;
    # courtesy credits are captions; in a headed dump a headline may stand over its deck, one
    # with a byline or datelined lead under it is a start, and a byline under its headline
    # and deck starts nothing new; no topic cuts inside a dump that marks its starts with
    # wide gaps, nor between short parts the models find one story; a full-stop deck over a
    # lead that names the day.
    # 6: bylines in more forms (outlet, capitals, two writers), datelines with the agency in
    # brackets, section labels as kickers, question headlines (title-like), a deck with a full stop above a
    # byline or datelined lead, Guardian-style captions; authors without the outlet; in a dump
    # that heads its articles, a byline or a dateline marks a start without a headline, and a
    # headline keeps the body flattened onto the line under it.
    # 5: in a headed dump a cut between prose lines needs layout's support and a headline gets
    # at least layout's odds; a headline may carry a byline; a line ending on "the"/"were" is
    # a fragment, not a headline; a byline goes with the article it heads. 4: separator lines
    # are layout; stamps, reading times, tags, image captions, wire credits and name-and-role
    # bylines are recognised; 3: the gap sequence model joins the network
    version = "9"

    def __init__(
        self,
        embedding_model: str | None = DEFAULT_EMBEDDING_MODEL,
        topic_threshold: float = TOPIC_THRESHOLD,
        min_words: int = 5,
        boundary_threshold: float | None = None,
        boundary_model: str | None = None,
        embedding_backend: str | None = None,
        rejoin_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.embedding_backend = embedding_backend
        self.embedding_model = embedding_model
        self.topic_threshold = topic_threshold
        self.min_words = min_words
        self.boundary_threshold = boundary_threshold
        self.boundary_model = boundary_model
        self.rejoin_threshold = rejoin_threshold

    def run(self, batch: list[SourceRecord]) -> list[Article]:
        articles: list[Article] = []
        for rec in batch:
            if rec.is_dump:
                parts = segment_text(
                    rec.text, self.embedding_model, self.topic_threshold, self.boundary_threshold,
                    self.boundary_model, self.embedding_backend, self.rejoin_threshold,
                )
                self.stats["dump_articles"] += len(parts)
            else:
                lines = rec.text.splitlines()
                parts = [(parse_article(lines, has_title=bool(rec.title)), 1.0, rec.location)]
            for position, (st, confidence, where) in enumerate(parts):
                location = rec.location if not rec.is_dump else _shift_line(where, rec.location)
                if len(st.body.split()) < self.min_words:
                    self.reject(rec.source_uri, location, "too_short", st.body or rec.text)
                    continue
                self.stats["boilerplate_removed"] += st.boilerplate_removed
                self.stats["truncated"] += st.is_truncated
                articles.append(_article(rec, st, position, location, confidence))
        return articles


def _article(rec: SourceRecord, st: ArticleStructure, position: int, location: str, confidence: float) -> Article:
    title = rec.title or st.title
    return Article(
        article_id=content_hash(st.body),
        source_uri=rec.source_uri,
        source_format=rec.source_format,
        position=position if rec.is_dump else _record_position(rec),
        location=location,
        body=st.body,
        title=title,
        kicker=st.kicker,
        deck=st.deck,
        byline=st.byline,
        dateline=st.dateline,
        captions=st.captions,
        url=rec.url,
        # a dump gives no date of its own: the article's publication stamp line, if it has one
        published_at=rec.published_at or date_in_text(*[b for b in st.boilerplate if layout.is_timestamp(b)]),
        authors=list(rec.authors) or (layout.byline_authors(st.byline) if st.byline else []),
        language=rec.language,
        is_truncated=st.is_truncated,
        truncation_reason=st.truncation_reason,
        boundary_confidence=confidence,
        boilerplate_removed=st.boilerplate_removed,
        paragraphs=st.paragraphs,
        site_name=rec.site,
    )


def _shift_line(where: str, record_location: str) -> str:
    """'line n' inside a dump chunk that starts at 'line k' of its file is 'line k+n-1'."""
    if record_location.startswith("line ") and where.startswith("line "):
        return f"line {int(record_location[5:]) + int(where[5:]) - 1}"
    return where


def _record_position(rec: SourceRecord) -> int:
    """The record's index within its source, from a location like 'line 12' or 'record 3'."""
    tail = rec.location.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
