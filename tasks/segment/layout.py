"""Line-level cues: what a single line of a news dump looks like.

Each function looks at one stripped line and answers one question. They are the
vocabulary the boundary detector and the structure parser are written in.
"""
from __future__ import annotations

import re

# A sentence is complete when it ends in terminal punctuation, possibly followed by
# closing quotes or brackets ("...," he said." / "(AFP)." / "… ?”").
_TERMINAL = re.compile(r"""[.!?…](?:["'”’»)\]]+)?$|[.!?]["'”’»]?\s*\((?:[A-Z][\w .]*)\)$""")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*(?:\[\.\.\.\]|\[…\])?$|\[(?:\.\.\.|…)\]$")
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)

_CAPTION_PREFIX = re.compile(
    r"^(?:file\s+)?(?:photo(?:graph)?s?|image|picture|pictured|video|credit|illustration|"
    r"graphic|caption|source)\b\s*(?:[:|/–—-]|by\b|$)",
    re.IGNORECASE,
)
_AGENCY = r"(?:AFP|AP|Reuters|Getty(?: Images)?|EPA(?:-EFE)?|Bloomberg|Xinhua|PA|ANP|Shutterstock|Alamy|dpa)"
_CREDIT_ONLY = re.compile(
    rf"^\(?(?:{_AGENCY})(?:\s*(?:/|via|for)\s*[\w .&'-]+)?\)?\.?$"
    rf"|^(?:[\w.'-]+\s*){{1,4}}/\s*{_AGENCY}(?:\s+via\s+{_AGENCY})?\)?$"
)
# A short caption sentence that closes on its credit: "A man walks past a bank. (Reuters)",
# "Rescuers search the rubble. REUTERS/Jane Doe", "... (Photo: AFP)".
_CREDIT_TAIL = re.compile(
    rf"[.!?]?\s*(?:\((?:(?:photo|image|picture)s?\s*(?:by|:)\s*)?[\w .'-]*{_AGENCY}[\w ./'-]*\)"
    rf"|{_AGENCY.upper()}/[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){{0,3}})$",
    re.IGNORECASE,
)
# Teaser endings: the article goes on behind a link or a paywall.
_CONTINUE_MARKER = re.compile(
    r"^(?:continue reading\b.*|read (?:the )?(?:full|whole|rest of the) (?:story|article)\b.*|"
    r"(?:subscribe|sign in|log in) to (?:continue|read)\b.*|this (?:story|article) (?:is|has been) truncated\b.*)$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|read more(?:\b.*)?|see also\b.*|"
    r"related(?: articles?| stories| coverage)?:?.*|share(?: this)?(?: article| story)?(?: on \w+)?|"
    r"click here\b.*|sign up\b.*|subscribe\b.*|story continues below(?: advertisement)?|"
    r"continue reading\b.*|follow (?:us|me) on\b.*|most (?:read|popular)|recommended(?: stories)?|"
    r"(?:copyright|©)\b.*|all rights reserved\.?|this article (?:was|is) (?:updated|published)\b.*|"
    r"(?:print|email|tweet|facebook|whatsapp|linkedin)(?:\s*[|·•]\s*\w+)*)$",
    re.IGNORECASE,
)
# A line that only separates or ends articles: a rule of three or more marks ("-----",
# "=====", "* * *", "###") or an end mark ("-30-", "(END)", "ENDS", "End of article").
_SEPARATOR = re.compile(
    r"^(?:(?:[-=*_~#•·+]\s*){3,}|-\s*30\s*-|\(?ends?\)?|end of (?:article|story|report|text))\.?$",
    re.IGNORECASE,
)
# An all-caps label before a colon that opens a piece: "OUTRAGE: ...", "EXCLUSIVE: ...".
_KICKER = re.compile(r"^([A-Z][A-Z0-9&’'.\-]*(?: [A-Z][A-Z0-9&’'.\-]*){0,3}):\s+(\S.*)$")
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|al|bin|and|&))*(?:\s*,\s*[\w .'-]+)?$"
)
# "WASHINGTON (Reuters) - ", "LONDON, Nov 7 (AFP) — ", "NEW YORK -- "
_DATELINE = re.compile(
    r"^((?:[A-Z][A-Z.'’-]+)(?:[ ,]+[A-Z][A-Z.'’-]+)*"
    r"(?:,\s*[A-Z][a-z]{2,}\.?(?:\s+\d{1,2})?(?:,\s*\d{4})?)?"
    r"(?:\s*\([A-Za-z][\w ./&-]*\))?)\s*(?:-{1,2}|–|—)\s+(?=\S)"
)


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def ends_sentence(line: str) -> bool:
    """True when the line ends in terminal punctuation (quotes and brackets allowed after)."""
    return bool(_TERMINAL.search(line.rstrip()))


def ends_with_ellipsis(line: str) -> bool:
    return bool(_ELLIPSIS.search(line.rstrip()))


def is_caption(line: str) -> bool:
    """Photo captions and credits: 'Photo: Reuters', '(AFP)', 'File photo: ...'."""
    line = line.strip()
    if len(words(line)) > 45:
        return False
    if _CAPTION_PREFIX.match(line) or _CREDIT_ONLY.match(line):
        return True
    # a credit closing a short line marks a caption; a long paragraph is prose that cites an agency
    return len(words(line)) <= 35 and bool(_CREDIT_TAIL.search(line))


def is_continue_marker(line: str) -> bool:
    """'Continue reading', 'Subscribe to read': the text stops here, the article does not."""
    return bool(_CONTINUE_MARKER.match(line.strip()))


def is_separator(line: str) -> bool:
    """A rule or an end mark between articles ('-----', '* * *', '###', '-30-', '(END)')."""
    return bool(_SEPARATOR.match(line.strip()))


def is_boilerplate(line: str) -> bool:
    """Site furniture that is not part of any article ('Advertisement', 'Read more')."""
    line = line.strip()
    return len(line) < 120 and bool(_BOILERPLATE.match(line))


def split_kicker(line: str) -> tuple[str, str] | None:
    """('OUTRAGE', rest) when the line opens with an all-caps kicker and a colon."""
    m = _KICKER.match(line.strip())
    if not m:
        return None
    kicker = m.group(1)
    letters = [c for c in kicker if c.isalpha()]
    if len(letters) < 3:  # "US: ..." or "UK: ..." reads as a label, too short to trust
        return None
    return kicker, m.group(2)


def is_byline(line: str) -> bool:
    line = line.strip()
    return len(words(line)) <= 12 and bool(_BYLINE.match(line))


def split_dateline(paragraph: str) -> tuple[str, str] | None:
    """('WASHINGTON (Reuters)', rest) when a paragraph opens with a dateline."""
    m = _DATELINE.match(paragraph)
    if not m:
        return None
    dateline = m.group(1).strip()
    head = dateline.split("(")[0].split(",")[0].strip()
    if len(head.replace(" ", "").replace(".", "")) < 3 or len(words(head)) > 4:  # "U.S. - China" is prose
        return None
    return dateline, paragraph[m.end():]


def is_title_like(line: str, max_words: int = 20) -> bool:
    """A short line without terminal punctuation that reads as a headline or subhead."""
    line = line.strip()
    n = len(words(line))
    if n == 0 or n > max_words or ends_sentence(line) or line.endswith((":", ",", ";")):
        return False
    first = line.lstrip("\"'“‘([")[:1]
    return first.isupper() or first.isdigit()


def is_cut_off(line: str, min_words: int = 8) -> bool:
    """A prose line that stops mid-sentence: the mark of a truncated article."""
    line = line.strip()
    if ends_sentence(line) or line.endswith(":"):
        return False
    return len(words(line)) >= min_words and not is_title_like(line)
