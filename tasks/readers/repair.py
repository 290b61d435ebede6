"""Text as scrapes and exports deliver it, repaired before anything reads it.

Scraped text often went through one wrong decode ('â€œ' for '“'), keeps HTML entities
('&#8217;', '&amp;') or carries invisible characters (soft hyphens, zero-width spaces,
no-break spaces) that split words for search and break the segmenter's punctuation cues.
"""
from __future__ import annotations

import re

import ftfy

# invisible in print, harmful to matching: soft hyphen, zero-width space, word joiner, BOM
# (not the zero-width (non-)joiners, which Persian and Indic scripts spell with)
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_NO_BREAK_SPACE = re.compile("[\u00a0\u202f]")


def repair_text(text: str) -> str:
    """`text` with mojibake undone, HTML entities decoded (unless it looks like HTML),
    control characters and invisible characters removed and no-break spaces made plain.
    Curly quotes and dashes are kept: they are the text's, and the segmenter reads them."""
    if text.isascii() and "&" not in text:
        return text  # nothing to repair: the common case, kept cheap
    fixed = ftfy.fix_text(text, uncurl_quotes=False)
    return _NO_BREAK_SPACE.sub(" ", _INVISIBLE.sub("", fixed))
