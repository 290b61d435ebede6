"""A deck run into the lead on one line, as pages like the bundled sample print it:
'OUTRAGE: The former strongman was accused ... in office Indonesia yesterday awarded ...'.

The deck has no full stop, so where it ends is read from the words either side of each
junction (`split_inline_deck`). Measured by bench/segmentation/deck_bench.py.
"""
from __future__ import annotations

import re

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
_END_CONTEXT = 200  # characters before a token that decide whether it ends a sentence
_WORD_HEAD = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"\d[\d,.]*")
_NAME_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|van|von|de|da|di|du|der|den|la|le)(?:-|$)")
# prepositions a deck does not end on, beside _FUNCTION_WORDS
_PREPOSITIONS = frozenset(
    "off near across through around along toward towards behind beyond inside outside within throughout up down out".split()
)
# function words that do follow a sentence's subject
_VERB_LIKE = frozenset("is are was were has have had will would can could may might must shall should did does do said says told tells".split())
# Capitalised words that open a lead sentence and seldom sit inside a name.
_LEAD_OPENERS = frozenset(
    """The A An In On At It He She They We I This These Those There Yesterday Today Tonight Last Earlier Later
    According After Before When While As Although Despite Following""".split()
)
# Nouns, numbers and quantities that open a lead ('Police said', 'Two children', 'More than
# 80,000'), but also end names ('Metropolitan Police', 'Tropical Depression Three'): strong
# openers after a lower-case word, weak ones after a capitalised word.
_LEAD_NOUNS = frozenset(
    """Officials Police Authorities Researchers Scientists Residents Rescuers Investigators Prosecutors
    Lawmakers Thousands Hundreds Dozens Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Twenty
    Thirty Forty Fifty More Most Some Many Several Nearly Almost About Around""".split()
)
# Words that stand before a name inside a clause, roles and attributes ('critic of president
# Vladimir Putin', 'former', 'eastern Taiwan'): a capitalised word after one continues the deck.
_ROLE_NOUNS = frozenset(
    """president minister leader chancellor premier king queen prince princess senator governor mayor judge
    general secretary chairman chairwoman chair spokesman spokeswoman spokesperson director chief founder
    coach manager captain striker player star singer actor actress rapper guitarist band author writer artist
    sergeant officer detective inspector colonel commander lawyer attorney professor doctor pope bishop
    ambassador envoy candidate nominee challenger rival opponent champion wife husband son daughter mother
    father brother sister colleague partner administrator cosmonaut astronaut activist philanthropist host
    presenter journalist reporter editor former late then fellow veteran rookie teenager eastern western
    northern southern central coastal""".split()
)


def split_inline_deck(text: str, min_words: int = 6, max_words: int = 60) -> tuple[str, str] | None:
    """Split 'deck without full stop + body' run together on one line.

    Every word boundary before the text's first sentence end, `min_words` to `max_words`
    words in, where a capitalised word follows a word that may end a deck, is a candidate
    (`_lead_start_score`); the likeliest wins, the earliest among equals. A candidate must
    leave the deck's quotes and brackets closed, and open a body whose first sentence has at
    least `min_words` words (or runs on, cut off): 'announced the death of cosmonaut | Alexei
    Leonov.' is one sentence. Returns None when there is no candidate.
    """
    tokens = list(_TOKEN.finditer(text))
    ends = _sentence_ends(text, tokens, max_words)
    best, best_score = None, 0
    for i in range(min_words, min(len(tokens) - 3, max_words + 1)):
        if ends and ends[0] < i:
            break  # a real sentence came first: that is the body's opening, not a deck
        score = _lead_start_score(tokens[i - 1].group(), [t.group() for t in tokens[i : i + 8]])
        first_end = next((k for k in ends if k >= i), None)
        if first_end is not None and first_end - i + 1 < min_words:
            continue
        if score > best_score and _closed(text[: tokens[i - 1].end()]):
            best, best_score = i, score
    if best is None:
        return None
    return text[: tokens[best - 1].end()].strip(), text[tokens[best].start():].strip()


def _sentence_ends(text: str, tokens: list[re.Match], max_words: int) -> list[int]:
    """Indexes of the tokens that end a sentence, up to the first one past `max_words` (all
    a deck's candidates need). A sentence ends where a capital follows (not 'at 8 a.m.
    local time', 'No. 11'); the end mark is read from the text just before it, so a long
    scrape on one line costs no more than its first sentences."""
    ends = []
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1].group() if k + 1 < len(tokens) else ""
        if (layout.ends_sentence(text[max(0, t.end() - _END_CONTEXT) : t.end()])
                and not nxt.lstrip("\"'“‘(")[:1].islower() and not nxt[:1].isdigit()):
            ends.append(k)
            if k > max_words:
                break
    return ends


def _lead_start_score(prev: str, words: list[str]) -> int:
    """How likely a lead sentence starts at `words[0]` after a deck ending on `prev`: 3 for
    a word that opens sentences and seldom sits inside a name ('The', 'Yesterday'), 2 for an
    opening quote, 1 for another capitalised word after a lower-case word or a number when
    a verb follows the name (a name may also sit inside the deck: '... to qualifier Hana
    Okamura in a match'), 0 where the deck cannot end or no sentence starts."""
    cur = words[0]
    prev_word = prev.strip("\"'“”‘’()[]")
    if not prev_word or prev[-1] in ",;:" or prev_word.lower() in _FUNCTION_WORDS or prev_word in _PREPOSITIONS:
        return 0
    head = cur.lstrip("\"'“‘(")
    word = _WORD_HEAD.match(head)
    if not word or not head[:1].isupper() or word.group() in _MONTHS_DAYS:
        return 0
    if word.group() in _LEAD_OPENERS:
        return 3 if prev_word[-1].isalnum() else 0
    number = bool(_NUMBER.fullmatch(prev_word))  # '2015', '6,412', '3.5'
    if not (prev_word.isalpha() and prev_word.islower()) and not number:
        return 1 if word.group() in _LEAD_NOUNS else 0  # two capitalised words: one name, as often as not
    if word.group() in _LEAD_NOUNS:
        return 3
    if cur[0] in "\"“":
        return 2
    # a role or an attribute before a name ('geologist Ram Thapa', 'eastern Taiwan'), or a
    # verb before its object ('convicted Michael Avenatti')
    if prev_word in _ROLE_NOUNS or prev_word.endswith("ed") or (len(prev_word) >= 7 and prev_word.endswith("ist")):
        return 0
    return 1 if _subject_then_verb(words) else 0


def _subject_then_verb(words: list[str]) -> bool:
    """Whether `words` open with a name that is a sentence's subject: after its capitalised
    words (and particles such as 'al-', 'de') comes a comma, a verb-like word or a time word,
    not a preposition or conjunction that carries on a clause."""
    k = 0
    while k < len(words) and (words[k][:1].isupper() or _NAME_PARTICLE.match(words[k])):
        if words[k][-1] in ",;:":
            return True  # 'Ashot Mkrtychev, 56, of Bratislava ...'
        k += 1
    if k == len(words):
        return False
    nxt = words[k].strip("\"'“”‘’()").lower()
    return nxt in _VERB_LIKE or nxt not in _FUNCTION_WORDS


def _closed(text: str) -> bool:
    """No quote or bracket left open."""
    return (text.count("“") <= text.count("”") and text.count("(") <= text.count(")")
            and text.count('"') % 2 == 0)
