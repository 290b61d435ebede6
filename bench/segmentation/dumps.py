"""Synthetic dumps built from real articles (Wikinews dev data), with their gold boundaries.

A dump concatenates articles the way scrapes and exports do: with no separator, with blank
lines, one article per line, with or without titles, some cut off mid-sentence, some
dressed with a kicker, byline, dateline, photo credit and site furniture. Articles are split
into a training half and an evaluation half by a hash of their id, so the boundary model
never sees an evaluation article.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEVDATA = ROOT.parent / "shared" / "devdata" / "news_dev.jsonl"
TRAIN_SHARE = 0.6  # of articles, by hash of id

_AGENCIES = ["Reuters", "AFP", "AP"]
_CITIES = ["WASHINGTON", "LONDON", "PARIS", "NEW YORK", "BEIJING", "NAIROBI", "SYDNEY", "BERLIN"]
_MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
_FIRST = ["Anna", "James", "Maria", "David", "Sarah", "Ahmed", "Li", "Peter", "Olga", "Tom"]
_LAST = ["Smith", "Garcia", "Okafor", "Chen", "Muller", "Novak", "Haddad", "Kowalski", "Brown", "Rossi"]
_DASHES = [" - ", " — ", " -- ", " – "]
_PLACES = ["KYIV, Ukraine", "MOMBASA, Kenya", "PERTH, Australia", "MUNICH, Germany", "SHANGHAI, China", "LYON, France",
           "SAO PAULO, Brazil", "MUMBAI, India"]
# Wikinews leads open on the day ("On Monday, ..."); most news does not
_DAY_LEAD = re.compile(
    r"^(?:(?:Early |Late )?[Oo]n |Last |This |Earlier )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"[Yy]esterday|[Tt]oday)(?: (?:morning|afternoon|evening|night))?,\s+"
)
_CROSSHEADS = ["Background", "Reaction", "What happens next?", "International reaction", "Aftermath", "The investigation",
               "Timeline", "Analysis", "Who is affected?", "What we know", "Response", "History", "Why it matters",
               "The road ahead", "Criticism", "Investigation continues"]
_NAME_RUN = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][\w'’-]+(?: (?:of |de |the )?[A-Z][\w'’-]+){1,4}")
_SEPARATORS = ["-----", "* * *", "==========", "###", "-30-", "(END)", "End of article"]
_FURNITURE = ["Advertisement", "Photo: Reuters", "(AFP)", "Read more", "Share this article", "File photo"]


@dataclass(frozen=True)
class DevArticle:
    id: str
    title: str
    paragraphs: tuple[str, ...]

    def seed(self, salt: str = "") -> int:
        return int(hashlib.sha1((self.id + salt).encode()).hexdigest()[:8], 16)

    @property
    def split(self) -> str:
        return "train" if self.seed() % 1000 < TRAIN_SHARE * 1000 else "eval"

    def truncated(self) -> tuple[str, ...]:
        """The article cut off mid-sentence, at a point fixed by its id."""
        rng = random.Random(self.seed("cut"))
        m = rng.randrange(len(self.paragraphs))
        words = self.paragraphs[m].split()
        if len(words) < 6:
            return self.paragraphs[: m + 1]
        cut = rng.randint(max(3, int(len(words) * 0.3)), max(4, int(len(words) * 0.8)))
        while cut > 3 and words[cut - 1][-1:] in ".!?\"”’":
            cut -= 1
        return self.paragraphs[:m] + (" ".join(words[:cut]),)

    def sentence_lines(self) -> tuple[str, ...]:
        """The article one sentence per line, as wire copy and tabloids break paragraphs."""
        from supplement import sentences  # supplement imports this module

        return tuple(x for p in self.paragraphs for x in sentences(p))

    def wire_lines(self, paragraphs: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """The article (or these paragraphs of it) in wire-copy paragraphs of one or two
        sentences (fixed per id): agencies and most news sites break paragraphs this short."""
        from supplement import sentences

        r, out = random.Random(self.seed("wire")), []
        for p in self.paragraphs if paragraphs is None else paragraphs:
            sents = sentences(p)
            while sents:
                take = 2 if len(sents) > 1 and r.random() < 0.4 else 1
                out.append(" ".join(sents[:take]))
                sents = sents[take:]
        return tuple(out)

    def reopened(self) -> DevArticle:
        """The article with an opening unlike Wikinews' (fixed per id): the day lead dropped,
        then maybe a dateline in another style, an agency tag, a byline line (training only)."""
        r = random.Random(self.seed("open"))
        paras = list(self.paragraphs)
        first = _DAY_LEAD.sub("", paras[0], count=1)
        first = first[:1].upper() + first[1:]
        city = r.choice(_CITIES)
        form = r.randrange(6)
        if form == 1:
            first = f"{city} ({r.choice(_AGENCIES)}){r.choice(_DASHES)}{first}"
        elif form == 2:
            first = f"{city}, {r.choice(_MONTHS)} {r.randint(1, 28)} ({r.choice(_AGENCIES)}){r.choice(_DASHES)}{first}"
        elif form == 3:
            first = f"{r.choice(_PLACES)}{r.choice(_DASHES)}{first}"
        elif form == 4:
            first = f"({r.choice(_AGENCIES)}){r.choice(_DASHES)}{first}"
        paras[0] = first
        if r.random() < 0.3:
            name = f"{r.choice(_FIRST)} {r.choice(_LAST)}"
            byline = r.choice([f"By {name}", f"By {name}, {r.choice(_AGENCIES)}", f"By {name} and {r.choice(_FIRST)} {r.choice(_LAST)}",
                               f"By {name.upper()}"])
            paras.insert(0, byline)
        return DevArticle(self.id, self.title, tuple(paras))


    def with_subheads(self) -> DevArticle:
        """The article with crossheads inside it (fixed per id), as long pieces carry them:
        a stock label, a name from the section it heads, or a score-line style heading
        ('Group B — Alpha Town 2 – 1 Beta City'). Training only: they teach the model that a
        title-like line continuing the same story is no article start."""
        r = random.Random(self.seed("subheads"))
        paras = list(self.paragraphs)
        if len(paras) < 4:
            return self
        spots = sorted(r.sample(range(2, len(paras)), min(len(paras) - 2, r.randint(1, 3))), reverse=True)
        for at in spots:
            found = [m.group() for m in _NAME_RUN.finditer(paras[at])]
            form = r.randrange(4) if found else 0
            if form == 0:
                head = r.choice(_CROSSHEADS)
            elif form == 1:
                head = found[0]
            elif form == 2:
                head = f"{found[0]} {r.choice(['responds', 'speaks out', 'under pressure', 'in focus', 'reacts'])}"
            else:
                other = found[-1] if len(found) > 1 else r.choice(_LAST)
                head = f"Group {r.choice('ABCDEFGH')} — {found[0]} {r.randint(0, 4)} – {r.randint(0, 4)} {other}"
            paras.insert(at, head)
        return DevArticle(self.id, self.title, tuple(paras))


def load_articles(path: Path = DEVDATA) -> list[DevArticle]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            paras = tuple(p.strip() for p in r["text"].split("\n") if p.strip())
            if paras and r.get("title"):
                out.append(DevArticle(r["id"], r["title"].strip(), paras))
    return out


DIGESTS = Path(__file__).with_name("digests")


def load_digests(folder: Path = DIGESTS) -> list[DevArticle]:
    """The hand-written round-ups (`digests/*.jsonl`, news_dev's format): one article each that
    moves through several sub-stories. For training only; none is a Wikinews article."""
    return [a for path in sorted(folder.glob("*.jsonl")) for a in load_articles(path)]


def split(articles: list[DevArticle], name: str) -> list[DevArticle]:
    return [a for a in articles if a.split == name]


@dataclass
class Dump:
    text: str
    starts: list[int]  # gold: index of each article's first non-blank line (first is 0)
    n_lines: int
    titled: bool = False  # the articles keep their titles


def _decorate(art: DevArticle, lines: list[str], has_title: bool) -> list[str]:
    """Kicker, byline, dateline, a photo credit and furniture, as real pages carry them."""
    r = random.Random(art.seed("dress"))
    lines = list(lines)
    body_at = 1 if has_title else 0
    if r.random() < 0.5 and body_at < len(lines):
        city = r.choice(_CITIES)
        tail = f" ({r.choice(_AGENCIES)})" if r.random() < 0.6 else f", {r.choice(_MONTHS)} {r.randint(1, 28)}"
        lines[body_at] = f"{city}{tail} - {lines[body_at]}"
    bylined = r.random() < 0.4
    if bylined:
        lines.insert(body_at, f"By {r.choice(_FIRST)} {r.choice(_LAST)}")
    if r.random() < 0.3:
        word = max(art.title.split(), key=len).strip(",.:'\"").upper()
        top = 1 if bylined and not has_title else 0  # a kicker heads the headline or the lead, not a byline
        lines[top] = f"{word}: {lines[top]}"
    if len(lines) > 2 and r.random() < 0.5:
        lines.insert(r.randint(body_at + 1, len(lines) - 1), r.choice(_FURNITURE))
    return lines


_TOPICS = ["Politics", "World", "Business", "Science", "Health", "Sport", "Culture", "Technology"]


def _web_furniture(art: DevArticle, lines: list[str], has_title: bool) -> list[str]:
    """What a scraped web page adds around an article: a publication stamp, a reading time,
    an image credit and caption, the wire's credit line, tags and share buttons."""
    r = random.Random(art.seed("web"))
    lines = list(lines)
    body_at = 1 if has_title else 0
    top = []
    if r.random() < 0.7:
        day, month, year = r.randint(1, 28), r.choice(_MONTHS), r.randint(2015, 2024)
        top.append(r.choice([f"Published {r.randint(0, 23):02d}:{r.randint(0, 59):02d} GMT, {day} {month} {year}",
                             f"Updated: {r.randint(1, 11)} hours ago", f"{month} {day}, {year}"]))
    if r.random() < 0.4:
        top.append(f"{r.randint(2, 9)} min read")
    lines[body_at:body_at] = top
    prose = len(lines) - body_at - len(top)
    if prose > 2 and r.random() < 0.5:
        at = r.randint(body_at + len(top) + 1, len(lines) - 1)
        caption = " ".join(r.choice(art.paragraphs).split()[:10]).rstrip(",.;:")
        lines[at:at] = [f"Image copyright {r.choice(_AGENCIES)}", f"Image caption {caption}"]
    if r.random() < 0.3:
        lines.append(f"Reporting by {r.choice(_FIRST)} {r.choice(_LAST)}; Editing by {r.choice(_FIRST)} {r.choice(_LAST)}")
    if r.random() < 0.3:
        lines.append(f"Topics: {', '.join(r.sample(_TOPICS, 2))}")
    if r.random() < 0.2:
        lines.append("Share this article")
    return lines


def build_dump(
    articles: list[DevArticle],
    layout: str = "none",
    titles: bool | float = True,
    truncate_share: float = 0.0,
    decorate: bool | str = False,
    rng: random.Random | None = None,
    reopen_share: float = 0.0,
    subhead_share: float = 0.0,
) -> Dump:
    """Concatenate `articles` into one dump.

    layout: "none" (one paragraph per line, no blank lines), "blank" (a blank line between
    articles), "blank_para" (one blank line between paragraphs, two between articles),
    "per_line" (one article per line), "mixed" (each article either per paragraph or per line)
    or "rule" (a separator line between articles, one kind per dump: "-----", "(END)", ...)
    or "sentences" (one sentence per line, no blank lines; truncation is not applied)
    or "wire" (paragraphs of one or two sentences, no blank lines)
    or "body_per_line" (a titled article's headline on a line and its body on the next).
    decorate: True, each article gets a kicker, byline, dateline and furniture as its id
    decides (`_decorate`); "web", also what a scraped page adds (`_web_furniture`).
    titles: every article keeps its title, none does, or (a share) each keeps it with that chance.
    reopen_share: share of articles given a non-Wikinews opening (`DevArticle.reopened`).
    subhead_share: share of articles given crossheads (`DevArticle.with_subheads`).
    """
    rng = rng or random.Random(0)
    blocks: list[list[str]] = []
    for art in articles:
        if reopen_share and rng.random() < reopen_share:
            art = art.reopened()
        if subhead_share and rng.random() < subhead_share:
            art = art.with_subheads()
        paras = art.truncated() if rng.random() < truncate_share else art.paragraphs
        if layout == "sentences":
            paras = art.sentence_lines()
        elif layout == "wire":
            paras = art.wire_lines(paras)
        titled = titles if isinstance(titles, bool) else rng.random() < titles
        lines = ([art.title] if titled else []) + list(paras)
        if decorate:
            lines = _decorate(art, lines, titled)
        if decorate == "web":
            lines = _web_furniture(art, lines, titled)
        one_line = layout == "per_line" or (layout == "mixed" and rng.random() < 0.3)
        if layout == "body_per_line" and titled:  # the headline on its line, the body on the next
            blocks.append([lines[0], " ".join(lines[1:])])
        else:
            blocks.append([" ".join(lines)] if one_line or layout == "body_per_line" else lines)
    para_sep = "\n\n" if layout == "blank_para" else "\n"
    art_sep = {"blank": "\n\n", "blank_para": "\n\n\n"}.get(layout, "\n")
    if layout == "rule":
        art_sep = f"\n{rng.choice(_SEPARATORS)}\n"
    starts, n = [], 0
    for b in blocks:
        starts.append(n)
        n += len(b)
    text = art_sep.join(para_sep.join(b) for b in blocks)
    return Dump(text, starts, n, bool(titles))


def one_topic_groups(articles: list[DevArticle], centroids: np.ndarray, size: int, rng: random.Random) -> list[DevArticle]:
    """A seed article and its `size - 1` nearest neighbours by mean paragraph embedding."""
    seed = rng.randrange(len(articles))
    sims = centroids @ centroids[seed]
    order = np.argsort(-sims)[:size]
    group = [articles[i] for i in order]
    rng.shuffle(group)
    return group
