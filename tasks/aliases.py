"""Surface-form clean-up and aliases for entity names.

Countries resolve through pycountry (ISO 3166 names and codes) plus the everyday
short names below; a few organisations every newsroom abbreviates are listed too.
Extend ALIASES to add more; keys are compared case-sensitively after clean-up
(`clean_surface`: no leading 'the', possessive or final full stop). The table holds
only names that are unambiguous in news: 'US' is a country, but 'Georgia' is not
mapped, since it is a US state as often as a country.
"""
from __future__ import annotations

import re
from functools import lru_cache

ALIASES: dict[str, str] = {
    # countries whose ISO name is not what news calls them
    "US": "United States", "U.S.": "United States", "U.S": "United States", "USA": "United States",
    "U.S.A.": "United States", "America": "United States", "United States of America": "United States",
    "the States": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Russian Federation": "Russia", "Slovak Republic": "Slovakia", "Czech Republic": "Czechia",
    "Republic of Korea": "South Korea", "Korea, Republic of": "South Korea",
    "Democratic People's Republic of Korea": "North Korea", "DPRK": "North Korea",
    "Korea, Democratic People's Republic of": "North Korea",
    "Iran, Islamic Republic of": "Iran", "Syrian Arab Republic": "Syria",
    "Viet Nam": "Vietnam", "Türkiye": "Turkey", "Holland": "Netherlands",
    "Kingdom of the Netherlands": "Netherlands", "Taiwan, Province of China": "Taiwan",
    "Venezuela, Bolivarian Republic of": "Venezuela", "Bolivia, Plurinational State of": "Bolivia",
    "Tanzania, United Republic of": "Tanzania", "Moldova, Republic of": "Moldova",
    "Lao People's Democratic Republic": "Laos", "Palestine, State of": "Palestine",
    # organisations
    "UN": "United Nations", "U.N.": "United Nations", "EU": "European Union", "E.U.": "European Union",
    "NATO": "NATO", "Nato": "NATO", "WHO": "World Health Organization", "IMF": "International Monetary Fund",
    "FBI": "Federal Bureau of Investigation", "CIA": "Central Intelligence Agency",
}

TITLES = frozenset(
    """president vice prime minister chancellor premier secretary senator sen rep representative
    governor gov mayor king queen prince princess pope sheikh emir general gen lieutenant lt
    colonel col major maj captain capt sergeant sgt admiral adm commander judge justice
    chief deputy ambassador envoy spokesman spokeswoman spokesperson minister foreign defense
    defence interior finance state leader former late acting interim mr mrs ms miss dr prof
    professor sir dame lord lady rev reverend father sister brother saint st""".split()
)
# Name particles a surname may carry or drop: "al-Sharaa" is also "Sharaa".
PARTICLES = ("al-", "el-", "Al-", "El-", "ad-", "as-", "ash-", "an-", "at-")

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_surface(text: str) -> str:
    """Mention text without possessive, surrounding quotes, line breaks or a leading 'the'."""
    text = _SPACE.sub(" ", text).strip(" \"'“”‘’.,;:()[]")
    text = _POSSESSIVE.sub("", text).strip()
    return _LEADING_THE.sub("", text) if len(text.split()) > 1 else text


# Words that may stand between titles: 'Secretary of State', 'Minister for the Interior'.
_TITLE_LINKS = frozenset({"of", "for", "the", "and", "&"})
# Demonyms ('Hungarian', 'Syrian', 'Chinese', 'British', 'Israeli') before a title.
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:an|ese|ish|i|ch|ic)$")


def strip_titles(name: str) -> str:
    """A personal name without the titles and office before it.

    'President Donald Trump' -> 'Donald Trump'; 'Gen. Mark Milley' -> 'Mark Milley';
    'US President Donald Trump', 'Hungarian Prime Minister Viktor Orban' and
    'former US Secretary of State Hillary Clinton' lose everything up to the last title
    word, as long as only titles, country names, demonyms and linking words precede it.
    The last word is always kept ('President' alone stays 'President').
    """
    tokens = name.split()
    cut = 0
    for i, tok in enumerate(tokens[:-1]):
        word = tok.rstrip(".").lower()
        if word in TITLES:
            cut = i + 1
        elif not (word in _TITLE_LINKS or _is_place_word(tok)):
            break
    return " ".join(tokens[cut:])


def _is_place_word(token: str) -> bool:
    token = token.rstrip(",")
    return bool(_DEMONYM.match(token)) or place_or_org_name(token) != token or token in ALIASES


def surname_forms(name: str) -> list[str]:
    """The short forms a full personal name is referred to by: 'al-Sharaa', 'Sharaa'."""
    tokens = name.split()
    if len(tokens) < 2:
        return []
    last = tokens[-1]
    forms = [last]
    for p in PARTICLES:
        if last.startswith(p) and len(last) > len(p) + 1:
            forms.append(last[len(p):])
    return forms


@lru_cache(maxsize=65536)
def place_or_org_name(text: str) -> str:
    """The canonical name of a country or well-known organisation, else `text` itself."""
    # clean_surface drops a final full stop: 'U.K.' arrives as 'U.K'
    for form in (text, text + "."):
        if form in ALIASES:
            return ALIASES[form]
    import pycountry

    country = None
    try:
        if len(text) in (2, 3) and text.isupper():
            country = pycountry.countries.get(alpha_2=text) or pycountry.countries.get(alpha_3=text)
        else:
            country = pycountry.countries.get(name=text) or pycountry.countries.get(official_name=text)
    except (KeyError, LookupError):
        country = None
    if country is None:
        return text
    name = getattr(country, "common_name", None) or country.name
    return ALIASES.get(name, name)
