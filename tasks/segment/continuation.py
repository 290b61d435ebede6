"""Line openings that continue the text before them: an article does not start this way.

A news article opens by naming who and what; a paragraph that opens on a pronoun ("He
said ...", "On Tuesday, they ..."), on a connective ("However,", "Meanwhile,") or on a
demonstrative ("This comes after ...") refers back to something already said, so the gap
before it is unlikely to be an article boundary. Plain regular expressions over one line,
general to news in English (none of them is tied to one outlet's style).
"""
from __future__ import annotations

import re

CONTINUATION_FEATURES = ["cur_pronoun_open", "cur_connective_open", "cur_pronoun_attribution"]

_LEAD_QUOTE = r"[\"“‘'(\[]?\s*"
# a personal pronoun among the first four words ("He said", "On Tuesday, she ...")
_PRONOUN_OPEN = re.compile(
    rf"^{_LEAD_QUOTE}(?:[\w’'-]+,?\s+){{0,3}}(?:he|she|they|him|her|his|their|them|it)\b(?!['’]s\b)", re.IGNORECASE
)
_CONNECTIVE_OPEN = re.compile(
    rf"^{_LEAD_QUOTE}(?:However|But|And|Meanwhile|Also|In addition|Additionally|Still|Yet|Instead|Moreover|"
    r"Furthermore|Nevertheless|Nonetheless|Despite (?:this|that|the move)|Later|Since then|As a result|Even so|"
    r"At the same time|Though|Then|Afterwards|After that|Similarly|Likewise|In response|By contrast|In contrast|"
    r"Otherwise|Indeed|Besides|These|That|Those|Such|Both|This(?! (?:week|weekend|month|year|morning|afternoon|evening|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|season|summer|winter|spring|autumn|fall)\b))\b"
)
# an attribution to someone named before ("..., he said.", "she told reporters")
_PRONOUN_ATTRIBUTION = re.compile(
    r"\b(?:he|she|they)\s+(?:said|says|added|adds|told|noted|explained|stated|claimed|argued|wrote|continued)\b"
    r"|\b(?:said|says|added|adds)\s+(?:he|she|they)\b",
    re.IGNORECASE,
)


def continuation_cues(line: str) -> tuple[bool, bool, bool]:
    """CONTINUATION_FEATURES of one line: (pronoun among its first words, opens on a
    connective or demonstrative, attributes a quote to a pronoun)."""
    return (
        bool(_PRONOUN_OPEN.match(line)),
        bool(_CONNECTIVE_OPEN.match(line)),
        bool(_PRONOUN_ATTRIBUTION.search(line)),
    )
