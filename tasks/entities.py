"""Entities stage: resolve an article's mentions into canonical entities and rank them.

Within one article a short form joins the full personal name it abbreviates
('Kirby' -> 'John Kirby', 'Sharaa' -> 'Ahmed al-Sharaa'), titles and possessives go,
countries and well-known organisations take one name (`tasks.aliases`), case variants
of one name take its capitalised spelling ('treasury' -> 'Treasury'), and each entity
gets the majority label of its full-form mentions. Later repeats of a resolved surname that
the model missed are added as `propagated` mentions; the model's own mentions are
never dropped or altered, so they stay equal to bare spaCy's.

Across articles an entity is (canonical, label); `entity_key` hashes it, and the
catalog's `entity_dim`, `entity_daily` and `entity_cooccurrence` views group by it.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from tasks.aliases import clean_surface, place_or_org_name, strip_titles, surname_forms
from tasks.records import Article, ArticleEntity, Mention
from tasks.step import Step

# Labels that name things; numeric labels (DATE, CARDINAL, MONEY, ...) stay mentions only.
NAMED_LABELS = frozenset(
    "PERSON ORG GPE LOC NORP FAC EVENT PRODUCT WORK_OF_ART LAW LANGUAGE".split()
)
# Labels the small model gives a surname by mistake; places are not among them.
_SURNAME_CONFUSIONS = frozenset("PERSON ORG NORP WORK_OF_ART PRODUCT FAC EVENT".split())


def _name_key(text: str) -> str:
    return text.casefold()


def resolve_article(article: Article) -> None:
    """Set `canonical` on every named mention and fill `article.entities`."""
    named = [m for m in article.mentions if m.label in NAMED_LABELS]
    # Full personal names, in reading order (head fields first).
    full_names: list[str] = []
    introduced: dict[str, tuple[int, int]] = {}  # full name -> where it first appears
    for m in named:
        if m.label == "PERSON":
            name = strip_titles(clean_surface(m.text))
            if len(name.split()) >= 2:
                introduced[name] = min(introduced.get(name, _position(m)), _position(m))
                if name not in full_names:
                    full_names.append(name)
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in full_names:
        for form in surname_forms(name):
            by_surname[_name_key(form)].append(name)
        # a shorter full form ('Donald Trump') also matches a longer one's tail
    for form, names in by_surname.items():
        by_surname[form] = _distinct_people(names)
    for m in named:
        m.canonical = _canonical(m, full_names, by_surname, introduced)
    _unify_case(named)
    _propagate(article, by_surname)
    article.entities = _aggregate(article)


def _position(m: Mention) -> tuple[int, int]:
    """Reading order: headline fields before the body, then by offset."""
    return (m.field == "body", m.start_char)


def _distinct_people(names: list[str]) -> list[str]:
    """The longest form of each person: 'Donald Trump' folds into 'Donald J. Trump'."""
    longest = sorted(set(names), key=len, reverse=True)
    return [n for i, n in enumerate(longest) if not any(_abbreviates(n, f) for f in longest[:i])]


def _canonical(
    m: Mention, full_names: list[str], by_surname: dict[str, list[str]], introduced: dict[str, tuple[int, int]]
) -> str:
    surface = clean_surface(m.text)
    if m.label == "PERSON" or m.label in _SURNAME_CONFUSIONS:
        name = strip_titles(surface) if m.label == "PERSON" else surface
        # the longest full form that ends with this name ('Trump' and 'Donald Trump')
        longer = [f for f in full_names if f != name and _abbreviates(name, f)]
        if len(name.split()) >= 2 and longer:
            return max(longer, key=len)
        if len(name.split()) == 1 and (cands := by_surname.get(_name_key(name))):
            # two people share the surname ('George Bush', 'Laura Bush'): the one named last before
            before = [c for c in cands if introduced[c] < _position(m)]
            return max(before, key=introduced.get) if before else min(cands, key=introduced.get)
        if m.label == "PERSON":
            return name
    if m.label in ("GPE", "LOC", "ORG", "NORP"):
        return place_or_org_name(surface)
    return surface


def _abbreviates(name: str, full: str) -> bool:
    """'Donald Trump' abbreviates 'Donald J. Trump' and 'President-elect Donald Trump'."""
    if full.endswith(" " + name) or full.endswith("-" + name):
        return True
    a, b = name.split(), full.split()
    return len(a) >= 2 and len(b) > len(a) and a[0] == b[0] and a[-1] == b[-1]


def _unify_case(mentions: list[Mention]) -> None:
    """One spelling per entity: 'treasury' and 'Treasury' become the capitalised, commoner one."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        if m.canonical:
            groups[_name_key(m.canonical)][m.canonical] += 1
    best = {
        key: max(spellings, key=lambda s: (s[:1].isupper(), spellings[s], sum(c.isupper() for c in s)))
        for key, spellings in groups.items()
        if len(spellings) > 1
    }
    for m in mentions:
        if m.canonical and (key := _name_key(m.canonical)) in best:
            m.canonical = best[key]


def _propagate(article: Article, by_surname: dict[str, list[str]]) -> None:
    """Add mentions for later repeats of a resolved surname that the model missed."""
    if not by_surname:
        return
    taken = [(m.start_char, m.end_char) for m in article.mentions if m.field == "body"]
    starts = [s.start_char for s in article.sentences]
    added = []
    for form in sorted({f for names in by_surname.values() for n in names for f in surname_forms(n)}, key=len, reverse=True):
        people = by_surname[_name_key(form)]
        if len(people) > 1:  # whose surname a bare repeat is, the model's context would have to say
            continue
        canonical = people[0]
        for hit in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", article.body):
            a, b = hit.span()
            if any(a < e and s < b for s, e in taken):
                continue
            idx = max((i for i, s in enumerate(starts) if s <= a), default=None)
            added.append(Mention(a, b, form, "PERSON", idx, "body", "propagated", canonical))
            taken.append((a, b))
    article.mentions.extend(sorted(added, key=lambda m: m.start_char))


def _aggregate(article: Article) -> list[ArticleEntity]:
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in article.mentions:
        if m.canonical and m.label in NAMED_LABELS:
            groups[m.canonical].append(m)
    lead_end = _lead_end(article)
    summary_idxs = {i for s in article.summaries for i in s.sentence_idxs}
    summary_text = " ".join(s.summary for s in article.summaries if not s.sentence_idxs)
    out = []
    for canonical, ms in groups.items():
        key = _name_key(canonical)
        full = [m.label for m in ms if m.source == "model" and _name_key(clean_surface(m.text)).endswith(key)]
        label = Counter(full or [m.label for m in ms]).most_common(1)[0][0]
        first = min((m.start_char for m in ms if m.field == "body"), default=-1)
        ent = ArticleEntity(
            canonical=canonical,
            label=label,
            mentions=len(ms),
            first_char=first,
            in_title=any(m.field == "title" for m in ms),
            in_kicker=any(m.field == "kicker" for m in ms),
            in_deck=any(m.field == "deck" for m in ms),
            in_lead=0 <= first < lead_end,
            in_summary=any(m.field == "body" and m.sentence_idx in summary_idxs for m in ms)
            or (bool(summary_text) and any(
                re.search(rf"(?<!\w){re.escape(clean_surface(m.text))}(?!\w)", summary_text) for m in ms
            )),
        )
        out.append(ent)
    most = max((e.mentions for e in out), default=1)
    for ent in out:
        ent.salience = salience(ent, len(article.body), most)
    return sorted(out, key=lambda e: (-e.salience, e.first_char))


def _lead_end(article: Article) -> int:
    """End of the lead: the first paragraph, or the first two sentences of a one-paragraph text."""
    lead_end = article.paragraphs[0][1] if article.paragraphs else len(article.body)
    if len(article.paragraphs) <= 1 and len(article.sentences) >= 2:
        lead_end = article.sentences[1].end_char
    return lead_end


def salience(ent: ArticleEntity, body_len: int, most_mentions: int = 5) -> float:
    """How central an entity is to its article, 0..1.

    Weights: headline (title or kicker) 0.30, lead 0.20, mentions relative to the
    article's most-mentioned entity 0.20, deck 0.10, extractive summary 0.10, and how
    early the first body mention comes 0.10. An entity named in the headline and the
    lead outranks one repeated late in the body, as an editor would rank them.
    """
    early = 1.0 - (ent.first_char / body_len) if ent.first_char >= 0 and body_len else 0.0
    score = (
        0.30 * (ent.in_title or ent.in_kicker)
        + 0.10 * ent.in_deck
        + 0.20 * ent.in_lead
        + 0.10 * ent.in_summary
        + 0.20 * min(1.0, ent.mentions / max(most_mentions, 1))
        + 0.10 * early
    )
    return round(score, 4)


class EntityResolver(Step):
    """Canonical names, labels and per-article aggregates from the tagged mentions."""

    name = "entities"
    version = "2"

    def run(self, batch: list[Article]) -> list[Article]:
        for art in batch:
            if "tag" in art.skipped:
                art.skipped.setdefault(self.name, art.skipped["tag"])
                continue
            before = len(art.mentions)
            resolve_article(art)
            self.stats["propagated"] += len(art.mentions) - before
            self.stats["entities"] += len(art.entities)
        return batch


def entity_key(canonical: str, label: str) -> str:
    """The stable key of an entity across the warehouse, as the `entity_key` SQL macro computes it.

    canonical (str): the canonical name; case does not matter ('Treasury' = 'treasury').
    label (str): the entity's label (PERSON, ORG, GPE, ...).
    RETURNS (str): 20 hex digits of md5(lower(canonical) + U+001F + label).
    """
    import hashlib

    return hashlib.md5(f"{canonical.lower()}\x1f{label}".encode()).hexdigest()[:20]
