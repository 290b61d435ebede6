"""Entities stage: resolve an article's mentions into canonical entities and rank them.

Within one article a short form joins the full personal name it abbreviates
('Kirby' -> 'John Kirby', 'Sharaa' -> 'Ahmed al-Sharaa'), titles and possessives go,
countries and well-known organisations take one name, and each entity gets the
majority label of its full-form mentions. Later repeats of a resolved surname that
the model missed are added as `propagated` mentions; the model's own mentions are
never dropped or altered, so they stay equal to bare spaCy's.
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
    for m in named:
        if m.label == "PERSON":
            name = strip_titles(clean_surface(m.text))
            if len(name.split()) >= 2 and name not in full_names:
                full_names.append(name)
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in full_names:
        for form in surname_forms(name):
            by_surname[_name_key(form)].append(name)
        # a shorter full form ('Donald Trump') also matches a longer one's tail
    for m in named:
        m.canonical = _canonical(m, full_names, by_surname)
    _propagate(article, by_surname)
    article.entities = _aggregate(article)


def _canonical(m: Mention, full_names: list[str], by_surname: dict[str, list[str]]) -> str:
    surface = clean_surface(m.text)
    if m.label == "PERSON" or m.label in _SURNAME_CONFUSIONS:
        name = strip_titles(surface) if m.label == "PERSON" else surface
        # the longest full form that ends with this name ('Trump' and 'Donald Trump')
        longer = [f for f in full_names if f != name and (f.endswith(" " + name) or f.endswith("-" + name))]
        if len(name.split()) >= 2 and longer:
            return max(longer, key=len)
        if len(name.split()) == 1 and (cands := by_surname.get(_name_key(name))):
            return max(cands, key=len)
        if m.label == "PERSON":
            return name
    if m.label in ("GPE", "LOC", "ORG", "NORP"):
        return place_or_org_name(surface)
    return surface


def _propagate(article: Article, by_surname: dict[str, list[str]]) -> None:
    """Add mentions for later repeats of a resolved surname that the model missed."""
    if not by_surname:
        return
    taken = [(m.start_char, m.end_char) for m in article.mentions if m.field == "body"]
    starts = [s.start_char for s in article.sentences]
    added = []
    for form in sorted({f for names in by_surname.values() for n in names for f in surname_forms(n)}, key=len, reverse=True):
        canonical = max(by_surname[_name_key(form)], key=len)
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
    lead_end = article.paragraphs[0][1] if article.paragraphs else 0
    if len(article.sentences) >= 2:
        lead_end = max(lead_end, article.sentences[1].end_char) if len(article.paragraphs) == 1 else lead_end
    summary_text = " ".join(s.summary for s in article.summaries)
    out = []
    for canonical, ms in groups.items():
        full = [m.label for m in ms if clean_surface(m.text).endswith(canonical) and m.source == "model"]
        label = Counter(full or [m.label for m in ms]).most_common(1)[0][0]
        body = [m for m in ms if m.field == "body"]
        first = min((m.start_char for m in body), default=-1)
        ent = ArticleEntity(
            canonical=canonical,
            label=label,
            mentions=len(ms),
            first_char=first,
            in_title=any(m.field in ("title", "kicker") for m in ms),
            in_deck=any(m.field == "deck" for m in ms),
            in_lead=0 <= first < lead_end,
            in_summary=bool(summary_text) and any(
                re.search(rf"(?<!\w){re.escape(clean_surface(m.text))}(?!\w)", summary_text) for m in ms
            ),
        )
        ent.salience = salience(ent, len(article.body))
        out.append(ent)
    return sorted(out, key=lambda e: (-e.salience, e.first_char))


def salience(ent: ArticleEntity, body_len: int) -> float:
    """0..1: headline and lead presence, frequency and earliness, in that order of weight."""
    early = 1.0 - (ent.first_char / body_len) if ent.first_char >= 0 and body_len else 0.0
    score = (
        0.30 * ent.in_title
        + 0.10 * ent.in_deck
        + 0.20 * ent.in_lead
        + 0.10 * ent.in_summary
        + 0.20 * min(1.0, ent.mentions / 5)
        + 0.10 * early
    )
    return round(score, 4)


class EntityResolver(Step):
    """Canonical names, labels and per-article aggregates from the tagged mentions."""

    name = "entities"
    version = "1"

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
