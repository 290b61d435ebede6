"""Structure inside one article: title, kicker, deck, byline, dateline, captions,
boilerplate, paragraphs and truncation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.segment import layout

# Words that cannot end a deck: a deck is a complete headline-style clause, so it does
# not stop on an article, preposition, conjunction or auxiliary.
_FUNCTION_WORDS = frozenset(
    """a an the this that these those his her its their our your my of in on at to for from by
    with without about over under after before since during into onto upon as than and or but nor
    so yet if while when where who whom whose which what is are was were be been being has have
    had do does did will would can could may might must shall should not no said says told tells
    according including against between among amid via per like""".split()
)
_MONTHS_DAYS = frozenset(
    """January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday""".split()
)
_TOKEN = re.compile(r"\S+")


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


def split_inline_deck(text: str, min_words: int = 6, max_words: int = 60) -> tuple[str, str] | None:
    """Split 'deck without full stop + body' run together on one line.

    The deck ends where a lower-case content word is followed by a capitalised word that
    starts the body ('...during his time in office Indonesia yesterday awarded...').
    Returns None when no such junction lies between `min_words` and `max_words`.
    """
    tokens = list(_TOKEN.finditer(text))
    for i in range(min_words, min(len(tokens) - 3, max_words + 1)):
        prev, cur = tokens[i - 1].group(), tokens[i].group()
        prev_word = prev.strip("\"'“”‘’()[],")
        if not prev_word.isalpha() or not prev_word.islower() or prev_word in _FUNCTION_WORDS:
            continue
        if prev[-1] in ",;:":  # a comma keeps the clause going
            continue
        head = cur.lstrip("\"'“‘(")
        if not head[:1].isupper() or head.strip(",.;:’'s") in _MONTHS_DAYS:
            continue
        if layout.ends_sentence(text[: tokens[i - 1].end()]):
            return None  # a real sentence came first: that is the body's opening, not a deck
        return text[: tokens[i - 1].end()].strip(), text[tokens[i].start():].strip()
    return None


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
    ):
        deck = kept.pop(0)
    elif kicker and not title and kept and not layout.split_dateline(kept[0]) and (split := split_inline_deck(kept[0])):
        deck, kept[0] = split
    if kept and layout.is_byline(kept[0]):
        byline = kept.pop(0)
        if kicker is None and kept and (kick := layout.split_kicker(kept[0])):  # on the lead, under the byline
            kicker, kept[0] = kick
    if kept and (dl := layout.split_dateline(kept[0])):
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
