"""Rule-based corrections to a statistical sentence splitter, for news text.

spaCy's `senter` is right almost always on news, but a few patterns trip it (measured in
tests/test_sentences.py): a split after a title abbreviation or inside a decimal; no split
after a sentence that ends on an abbreviation ('...in the U.S. It employs...'), before a
title abbreviation ('...voted no. Sen. Doe...') or before a quote glued to the full stop
('...chanted.“Never!”'). Each rule fixes one of these and nothing else.
"""
from __future__ import annotations

import re

_TITLES = (
    "Mr|Mrs|Ms|Mx|Dr|Gen|Sen|Rep|Gov|Lt|Col|Maj|Sgt|Capt|Cpl|Adm|Cmdr|Prof|Rev|Hon|Pres|Supt|Insp|"
    "St|Mt|Ft|No|Nos|Messrs|Mme|vs|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|Corp|Inc|Co|Ltd|Jr|Sr"
)
# Words that are abbreviations only before something: a split right after them is wrong.
_NEVER_FINAL = re.compile(r"(?:^|[\s(“\"‘])(?:Mr|Mrs|Ms|Mx|Dr|Gen|Sen|Rep|Gov|Lt|Col|Maj|Sgt|Capt|Cpl|Adm|Cmdr|"
                          r"Prof|Rev|Hon|Supt|Insp|St|Mt|Ft|No|Nos|Messrs|Mme|vs|[A-Z])\.$")
_MONTH_BEFORE_DAY = re.compile(r"(?:^|\s)(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.$")
_OPENERS = "It|He|She|They|We|I|The|This|That|These|Those|There|But|And|In|On|At|A|An|His|Her|Their|Its|Our"
_MISSED_SPLITS = [
    # a lower-case word and a full stop, then a titled name: "voted no. Sen. Jane Doe"
    re.compile(rf"(?<=\b[a-z]{{2}}\.)\s+(?=(?:{_TITLES})\.\s+[A-Z])"),
    # an abbreviation ends the sentence and a pronoun or article opens the next: "the U.S. It"
    re.compile(rf"(?<=\b[A-Z]\.[A-Z]\.)\s+(?=(?:{_OPENERS})\s)"),
    # a quote opened right after the full stop, without a space: 'chanted.“Never!”'
    re.compile(r"(?<=[a-z][.!?])(?=[“‘][A-Z])"),
]


def correct_spans(text: str, spans: list[tuple[int, int]], breaks: set[int]) -> list[tuple[int, int]]:
    """Merge wrong splits and add missed ones; `breaks` are offsets no merge may cross.

    `spans` are (start, end) character offsets into `text`, in order, whitespace-stripped.
    """
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and not any(merged[-1][1] <= b <= s for b in breaks) and _wrong_split(text, merged[-1], (s, e)):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    out = []
    for s, e in merged:
        cuts = sorted({m.start() + s for rx in _MISSED_SPLITS for m in rx.finditer(text[s:e])} - {s})
        for c in cuts + [e]:
            piece_end = c
            while piece_end > s and text[piece_end - 1].isspace():
                piece_end -= 1
            if piece_end > s:
                out.append((s, piece_end))
            s = c
            while s < e and text[s].isspace():
                s += 1
    return out


def _wrong_split(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    before, after = text[left[0] : left[1]], text[right[0] : right[1]]
    if _NEVER_FINAL.search(before) and after[:1].isalnum():
        # "Gen. Smith", "J. Smith", "No. 3" — but not a sentence that really ends on a capital
        # letter ("...Plan B. The"): then the next word is a sentence opener.
        return not re.match(rf"(?:{_OPENERS})\b", after) or not re.search(r"(?:^|\s)[A-Z]\.$", before)
    if _MONTH_BEFORE_DAY.search(before) and after[:1].isdigit():
        return True  # "Jan. 15"
    return bool(re.search(r"\d\.$", before) and after[:1].isdigit() and left[1] == right[0] - 0)  # "3.|5"
