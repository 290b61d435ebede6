"""Line-level cues: what a single line of a news dump looks like.

Each function looks at one stripped line and answers one question. They are the
vocabulary the boundary detector and the structure parser are written in.
"""
from __future__ import annotations

import re

# A sentence is complete when it ends in terminal punctuation, possibly followed by
# closing quotes or brackets ("...," he said." / "(AFP)." / "… ?”").
_TERMINAL = re.compile(r"""[.!?…](?:[\s\u2009\u00a0]?["'”’»)\]]+)*$|[.!?]["'”’»]?\s*\((?:[A-Z][\w .]*)\)$""")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*(?:\[\.\.\.\]|\[…\])?$|\[(?:\.\.\.|…)\]$")
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)

_CAPTION_PREFIX = re.compile(
    r"^(?:file\s+)?(?:photo(?:graph)?s?|image|picture|pictured|video|credit|illustration|"
    r"graphic|caption|source)\b\s*(?:[:|/–—-]|by\b|$)"
    # web scrapes: "Image copyright Getty Images", "Image caption Crowds ...", "Media caption ..."
    r"|^(?:image|media|video|photo)\s*(?:copyright|caption|source|credit)\b"
    # "Photo courtesy of the family", "Courtesy of NASA"
    r"|^(?:(?:photo|image|picture)s?\s+)?courtesy\s+(?:of\s+)?\S"
    # the wire's credit line at an article's end: "Reporting by ...; Editing by ..."
    r"|^\(?(?:additional |further )?(?:reporting|writing|editing|compiled|edited|produced)\s+by\s+[A-Z]",
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
    rf"|{_AGENCY.upper()}/[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){{0,3}}"
    # "Crowds outside the court. Photograph: Jane Doe/Reuters"
    rf"|(?:^|[.!?)]\s+)(?:photograph|photo|picture|illustration)s?\s*:\s*[A-Z][\w .,&'’/-]{{1,60}})$",
    re.IGNORECASE,
)
# Teaser endings: the article goes on behind a link or a paywall.
_CONTINUE_MARKER = re.compile(
    r"^(?:continue reading\b.*|read (?:the )?(?:full|whole|rest of the) (?:story|article)\b.*|"
    r"(?:subscribe|sign in|log in) to (?:continue|read)\b.*|this (?:story|article) (?:is|has been) truncated\b.*)$",
    re.IGNORECASE,
)
# reading aids at the top of a page: "5 min read", "Reading time: 4 minutes", "Listen to this article"
_READING = r"\d+\s*-?\s*min(?:ute)?s?\.?\s+read|(?:estimated\s+)?reading time\b.*|listen to (?:this )?(?:article|story)\b.*"
_BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|read more(?:\b.*)?|see also\b.*|"
    r"related(?: articles?| stories| coverage)?:?.*|share(?: this)?(?: article| story)?(?: on \w+)?|"
    r"click here\b.*|sign up\b.*|subscribe\b.*|story continues below(?: advertisement)?|"
    r"continue reading\b.*|follow (?:us|me) on\b.*|most (?:read|popular)|recommended(?: stories)?|"
    r"(?:copyright\b|©).*|all rights reserved\.?|this article (?:was|is) (?:updated|published)\b.*|"
    r"(?:print|email|tweet|facebook|whatsapp|linkedin)(?:\s*[|·•]\s*\w+)*|"
    rf"{_READING}|(?:topics?|tags?|filed under|related topics|categories)\s*:.*)$",  # and tags: "Topics: ..."
    re.IGNORECASE,
)
_READING_TIME = re.compile(rf"^(?:{_READING})$", re.IGNORECASE)
# A publication stamp on a line of its own: "Published 10:32 GMT, 5 May 2024", "Updated: 2
# hours ago", "May 5, 2024 10:32 AM EDT", "2024-05-05". The words before the date are optional;
# the rest of the line may hold only dates, times, zones and their punctuation.
_STAMP_PREFIX = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified|created)(?: on| at)?|last update)\s*:?\s*",
    re.IGNORECASE,
)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_STAMP_TOKEN = (rf"(?:{_MONTH}|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?|"
                r"\d{1,4}(?:st|nd|rd|th)?|\d{4}-\d{2}-\d{2}(?:t[\d:.]+z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
                r"\d{1,2}[:.]\d{2}(?::\d{2})?|[ap]\.?m\.?|gmt|utc|bst|cet|cest|[ecmp][sd]?t|[+-]\d{2}:?\d{2}|"
                r"ago|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|yesterday|today|just now|on|at|[,|·•-])")
_STAMP = re.compile(rf"^(?:{_STAMP_TOKEN}\s*)+$", re.IGNORECASE)
_STAMP_DATE = re.compile(rf"{_MONTH}\s*\d|\d\s*{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}}|\d[/.]\d{{1,2}}[/.]\d|\bago\b",
                         re.IGNORECASE)
# A line that only separates or ends articles: a rule of three or more marks ("-----",
# "=====", "* * *", "###") or an end mark ("-30-", "(END)", "ENDS", "End of article").
_SEPARATOR = re.compile(
    r"^(?:(?:[-=*_~#•·+]\s*){3,}|-\s*30\s*-|\(?ends?\)?|end of (?:article|story|report|text))\.?$",
    re.IGNORECASE,
)
# Words a headline never ends on but a line cut off mid-sentence often does (particles, which
# end headlines such as "sworn in" and "called off", are not here)
_DANGLING = frozenset(
    "the a an and or nor but of to for with at by from than that which who whose whom his her its their our your my "
    "is are was were be been being has have had will would shall should can could may might must "
    "after before about into onto during against without within between among through towards toward upon "
    "despite including".split()
)
# An all-caps label before a colon that opens a piece: "OUTRAGE: ...", "EXCLUSIVE: ...".
_KICKER = re.compile(r"^([^\W\d_][\w&’'.\-]*(?: [\w&’'.\-]+){0,3}):\s+(\S.*)$")  # capitals: `split_kicker`
# A section label before a colon or a bar on a headline: "Analysis: ...", "Opinion | ..."
_LABEL = re.compile(
    r"^(analysis|opinion|comment|editorial|exclusive|explainer|breaking(?: news)?|live(?: updates)?|watch|"
    r"update|review|interview|factbox|fact check|obituary|podcast|video|in pictures|profile|q&a|"
    r"world|politics|business|sport|sports|technology|science|health|culture|entertainment)\s*[:|]\s+(\S.*)$",
    re.IGNORECASE,
)
# "By Anna Smith", "BY ANNA SMITH", "by Anna Smith and Tom Brown", then maybe the outlet or a
# place: ", Reuters", " | Reuters", " - Reuters", " in London"
_BYLINE = re.compile(
    r"^by\s+[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|al|bin|and|&))*"
    r"(?:\s*(?:,|\||–|—|-)\s*[\w .,&'’-]+|\s+in\s+[A-Z][\w .'’-]+)?$",
    re.IGNORECASE,
)
# what follows the names in a byline and is not a name: the outlet or a desk
_OUTLET = re.compile(rf"^(?:{_AGENCY}|Associated Press|Agence France-Presse|CNN|BBC(?: News)?|Staff|Staff Writers?|"
                     r"Special to .*|The [A-Z].*|.* (?:Inc|Corp|Co|Ltd|LLC|plc|PLC|AG|GmbH|SA|NV)\.?)$")
_NAME_ROLE_SEP = re.compile(r",\s+|\s+[|–—]\s+|\s+-\s+")
_AUTHOR_NAME = re.compile(r"^[A-Z][\w.'’-]+(?: (?:de|la|van|von|der|al|bin|[A-Z][\w.'’-]+)){1,3}$")
_ROLE = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|columnist|journalist|contributor|analyst|producer|critic|"
    r"bureau chief|service|desk|team|bureau|wire|press release|news release)s?$",
    re.IGNORECASE,
)
# "WASHINGTON (Reuters) - ", "LONDON, Nov 7 (AFP) — ", "NEW YORK -- "
_DATELINE = re.compile(
    r"^((?:[A-Z][A-Z.'’-]+)(?:[ ,]+[A-Z][A-Z.'’-]+)*"
    r"(?:,\s*[A-Z][a-z]{2,}\.?(?:\s+\d{1,2})?(?:,\s*\d{4})?)?"
    r"(?:\s*\([A-Za-z][\w ./&-]*\))?)\s*(?:-{1,2}|–|—)\s+(?=\S)"
)
# ... the agency's parentheses make a place in plain case, or no place, a dateline too
_AGENCY_DATELINE = re.compile(
    r"^((?:[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?:,\s*[\w .]{2,25}?)?\s*)?"
    rf"\((?:{_AGENCY}|CNN|BBC|UPI|IANS|PTI|ANI|Yonhap|Kyodo|[A-Z][\w]+ News)\))\s*(?:-{{1,2}}|–|—)\s+(?=\S)"
)

# when a story happened, as a lead says it (a deck or headline seldom does)
TIME_WORD = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|"
    r"this (?:week|morning|afternoon|evening)|last (?:week|night))\b"
)
_PLAIN_PLACE_DATELINE = re.compile(
    r"^([A-Z][a-z’'.-]+(?: [A-Z][a-z’'.-]+){0,2}(?:, [A-Z][a-z’'.-]+(?: [A-Z][a-z’'.-]+){0,2})?)\s+[–—]\s+(?=[A-Z“\"])"
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
    """Site furniture that is not part of any article's text: 'Advertisement', 'Read more',
    '5 min read', 'Topics: ...', and publication stamps (`is_timestamp`)."""
    line = line.strip()
    return len(line) < 120 and (bool(_BOILERPLATE.match(line)) or is_timestamp(line))


def opens_article(line: str) -> bool:
    """Furniture that sits at the top of an article, not the bottom of the one before: a
    publication stamp or a reading time."""
    line = line.strip()
    return is_timestamp(line) or bool(_READING_TIME.match(line))


def is_timestamp(line: str) -> bool:
    """A publication stamp on a line of its own ('Published 10:32 GMT, 5 May 2024', 'Updated:
    2 hours ago', 'May 5, 2024'): an optional 'Published'/'Updated' and then only a date
    (with a month, or in figures) or a relative time, times and zones."""
    line = line.strip()
    if len(line) > 80:
        return False
    rest = _STAMP_PREFIX.sub("", line, count=1)
    prefixed = rest != line
    if not rest:
        return False
    return bool(_STAMP.match(rest)) and (bool(_STAMP_DATE.search(rest)) or (prefixed and any(c.isdigit() for c in rest)))


def split_label(headline: str) -> tuple[str, str] | None:
    """('Analysis', rest) when a headline opens with a section label and a colon or a bar:
    'Analysis: ...', 'Opinion | ...', 'Exclusive: ...'. Only known labels: a colon in a
    headline more often follows a speaker ('Trump: ...')."""
    m = _LABEL.match(headline.strip())
    return (m.group(1), m.group(2)) if m else None


def is_question_headline(line: str, max_words: int = 15) -> bool:
    """A short question on a line of its own, not quoted, with no sentence before it: a
    headline ('Will the bank raise rates again?') or a subhead."""
    line = line.strip().rstrip("\"'”’")
    return (line.endswith("?") and 0 < len(words(line)) <= max_words and line[:1].isupper()
            and not re.search(r"[.!?]\s", line[:-1]))


def split_kicker(line: str) -> tuple[str, str] | None:
    """('OUTRAGE', rest) when the line opens with an all-caps kicker and a colon."""
    m = _KICKER.match(line.strip())
    if not m:
        return None
    kicker = m.group(1)
    if kicker != kicker.upper():
        return None
    letters = [c for c in kicker if c.isalpha()]
    if len(letters) < 3:  # "US: ..." or "UK: ..." reads as a label, too short to trust
        return None
    return kicker, m.group(2)


def is_byline(line: str) -> bool:
    """'By Anna Smith', 'By Anna Smith, Reuters', or a name and the writer's role or outlet
    ('Sarah Chen, Science correspondent', as `name_and_role` writes a two-line byline;
    'Sarah Chen | Science Editor'; 'Sarah Chen — Reuters')."""
    line = line.strip()
    if len(words(line)) > 12:
        return False
    if _BYLINE.match(line) and line[3:].lstrip()[:1].isupper():  # "by the river" is prose
        return True
    parts = _NAME_ROLE_SEP.split(line, maxsplit=1)
    if len(parts) == 2 and is_author_name(parts[0]):
        return is_role(parts[1]) or bool(_OUTLET.match(parts[1]))
    # several writers, then their outlet: 'Anna Smith and Tom Brown | The Daily Courier'
    names, sep, rest = line.partition(" | ")
    writers = re.split(r"\s*,\s*|\s+(?:and|&)\s+", names)
    return bool(sep) and len(writers) > 1 and all(map(is_author_name, writers)) and (
        is_role(rest) or bool(_OUTLET.match(rest)))


def name_and_role(name: str, role: str) -> str | None:
    """A writer's name and role from two lines ('Sarah Chen' / 'Science correspondent') as one
    byline line ('Sarah Chen, Science correspondent'); None unless they are a name and a role."""
    return f"{name.strip()}, {role.strip()}" if is_role(role) and is_author_name(name) else None


def join_name_and_role(lines: list[str]) -> list[str]:
    """Lines with each two-line byline joined into one (`name_and_role`)."""
    out: list[str] = []
    for line in lines:
        if out and (joined := name_and_role(out[-1], line)):
            out[-1] = joined
        else:
            out.append(line)
    return out


def is_author_name(line: str) -> bool:
    """A line that is only a person's name ('Sarah Chen', 'Ana de la Cruz')."""
    return bool(_AUTHOR_NAME.match(line.strip()))


def is_role(line: str) -> bool:
    """A writer's role on a line of its own ('Science correspondent', 'Staff Writer')."""
    line = line.strip()
    return len(words(line)) <= 6 and bool(_ROLE.search(line)) and not ends_sentence(line)


def byline_authors(byline: str) -> list[str]:
    """The writers named in a byline, without the outlet, place or role: 'By Anna Smith and
    Tom Brown | Reuters' gives ['Anna Smith', 'Tom Brown']; 'Sarah Chen, Science
    correspondent' gives ['Sarah Chen']."""
    text = re.sub(r"^by\s+", "", byline.strip(), flags=re.IGNORECASE)
    text = re.split(r"\s*(?:\||\s[–—-]\s)\s*|\s+in\s+(?=[A-Z])", text)[0]  # the outlet or the place after it
    parts = [p.strip() for p in re.split(r"\s*,\s*|\s+(?:and|&)\s+", text, flags=re.IGNORECASE) if p.strip()]
    names = [p.title() if p.isupper() else p for p in parts if not (_OUTLET.match(p) or is_role(p))]
    return names[:1] if len(names) > 1 and not all(is_author_name(n) for n in names) else names


def split_dateline(paragraph: str, plain_place: bool = False) -> tuple[str, str] | None:
    """('WASHINGTON (Reuters)', rest) when a paragraph opens with a dateline: a place in
    capitals, maybe a date and the agency ('LONDON, Nov 7 (Reuters) -'), a place in plain
    case with the agency ('London, 7 November (AFP) -'), or the agency alone ('(CNN) -').
    `plain_place`: also a place in plain case before a long dash and a capital ('Berlin —
    Plant scientists ...'), for an article's lead, where a name in that shape is rare
    ('James Watson — the Nobel laureate ...' goes on in lower case)."""
    m = _DATELINE.match(paragraph)
    if not m:
        m = _AGENCY_DATELINE.match(paragraph) or (_PLAIN_PLACE_DATELINE.match(paragraph) if plain_place else None)
        return (m.group(1).strip(), paragraph[m.end():]) if m else None
    dateline = m.group(1).strip()
    head = dateline.split("(")[0].split(",")[0].strip()
    if len(head.replace(" ", "").replace(".", "")) < 3 or len(words(head)) > 4:  # "U.S. - China" is prose
        return None
    return dateline, paragraph[m.end():]


def is_title_like(line: str, max_words: int = 20) -> bool:
    """A short line without terminal punctuation that reads as a headline or subhead (not a
    fragment that stops on an article, a conjunction, an auxiliary or a preposition, as a line
    cut off mid-sentence does), or a short question that does (`is_question_headline`)."""
    line = line.strip()
    w = words(line)
    n = len(w)
    if is_question_headline(line, max_words):
        return True
    if n == 0 or n > max_words or ends_sentence(line) or line.endswith((":", ",", ";")):
        return False
    if n > 1 and w[-1] in _DANGLING:
        return False
    first = line.lstrip("\"'“‘([")[:1]
    return first.isupper() or first.isdigit()


def is_cut_off(line: str, min_words: int = 8) -> bool:
    """A prose line that stops mid-sentence: the mark of a truncated article."""
    line = line.strip()
    if ends_sentence(line) or line.endswith(":"):
        return False
    return len(words(line)) >= min_words and not is_title_like(line)
