"""Structure inside one article: title, kicker, deck, byline, dateline, captions,
boilerplate, paragraphs and truncation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tasks.segment import layout
from tasks.segment.run_in_deck import split_inline_deck

# a deck with a full stop, read by what it leaves out (`_says_what_not_when`): this short,
# and the lead under it this many times longer (on Wikinews articles with no deck, 1% of
# leads pass for one; bench/README.md, round 10)
_DECK_MAX_WORDS, _DECK_LEAD_RATIO = 25, 1.3


@dataclass(slots=True)
class ArticleStructure:
    body: str
    paragraphs: list[tuple[int, int]]
    title: str | None = None
    kicker: str | None = None
    deck: str | None = None
    byline: str | None = None
    dateline: str | None = None
    captions: list[str] = field(default_factory=list)
    boilerplate_removed: int = 0
    boilerplate: list[str] = field(default_factory=list)  # the removed lines, for accounting
    is_truncated: bool = False
    truncation_reason: str | None = None


def parse_article(lines: list[str], has_title: bool = False) -> ArticleStructure:
    """Turn the stripped, non-empty lines of one article into its structure.

    `has_title` says the source gave a title already, so no line is taken as one.
    """
    lines = layout.join_name_and_role([ln.strip() for ln in lines if ln.strip()])
    title = kicker = deck = byline = dateline = None
    captions: list[str] = []
    kept: list[str] = []
    boilerplate: list[str] = []
    continued = False  # a 'Continue reading' after the last prose line
    for ln in lines:
        if layout.is_boilerplate(ln) or layout.is_continue_marker(ln):
            boilerplate.append(ln)
            continued = continued or layout.is_continue_marker(ln)
        elif layout.is_caption(ln):
            captions.append(ln)
        else:
            kept.append(ln)
            continued = False

    if kept and (kick := layout.split_kicker(kept[0])):
        kicker, kept[0] = kick
    # A headline: short, no closing full stop, and prose follows (a kicker may sit in front).
    if not has_title and len(kept) > 1 and layout.is_title_like(kept[0]) and not layout.is_byline(kept[0]):
        title = kept.pop(0)
        if kicker is None and (label := layout.split_label(title)):
            kicker, title = label
    if kept and kept[0] and kicker is None and (kick := layout.split_kicker(kept[0])):
        kicker, kept[0] = kick
    # A deck is headline-style: no closing full stop; or, full stop or not, the line between
    # the headline and the byline or the datelined lead. On its own line when the layout
    # keeps lines, else run together with the body's first sentence.
    if (kicker or title) and len(kept) > 1 and len(layout.words(kept[0])) <= 60 and not layout.is_byline(kept[0]) and (
        not layout.ends_sentence(kept[0]) or layout.is_byline(kept[1]) or layout.split_dateline(kept[1])
        or (title and _says_what_not_when(kept[0], kept[1]))
    ):
        deck = kept.pop(0)
    elif kicker and not title and kept and not layout.split_dateline(kept[0]) and (split := split_inline_deck(kept[0])):
        deck, kept[0] = split
    if kept and layout.is_byline(kept[0]):
        byline = kept.pop(0)
        if kicker is None and kept and (kick := layout.split_kicker(kept[0])):  # on the lead, under the byline
            kicker, kept[0] = kick
    if kept and (dl := layout.split_dateline(kept[0], plain_place=True)):
        dateline, kept[0] = dl

    kept = [k for k in kept if k]
    body = "\n".join(kept)
    paragraphs, pos = [], 0
    for k in kept:
        paragraphs.append((pos, pos + len(k)))
        pos += len(k) + 1
    truncated, reason = truncation(kept[-1] if kept else "")
    if continued and not truncated:
        truncated, reason = True, "continue_marker"
    return ArticleStructure(
        body=body,
        paragraphs=paragraphs,
        title=title,
        kicker=kicker,
        deck=deck,
        byline=byline,
        dateline=dateline,
        captions=captions,
        boilerplate_removed=len(boilerplate),
        boilerplate=boilerplate,
        is_truncated=truncated,
        truncation_reason=reason,
    )


def _says_what_not_when(line: str, lead: str) -> bool:
    """A full-stop line under a headline that is a deck: short, shorter than the line after
    it, and with no day in it, where the line after it says when (as leads do)."""
    n = len(layout.words(line))
    return (n <= _DECK_MAX_WORDS and n * _DECK_LEAD_RATIO <= len(layout.words(lead))
            and not layout.TIME_WORD.search(line) and bool(layout.TIME_WORD.search(lead)))


def truncation(last_paragraph: str) -> tuple[bool, str | None]:
    """Whether an article's last paragraph is cut off, and the evidence."""
    text = last_paragraph.rstrip()
    if not text:
        return False, None
    if layout.ends_with_ellipsis(text):
        return True, "ends_with_ellipsis"
    if not layout.ends_sentence(text):
        return True, "ends_mid_sentence"
    return False, None
