"""How well `parse_article` reads an article's parts: kicker, title, deck, byline, dateline,
captions, boilerplate, truncation and the body that is left.

    python bench/segmentation/structure_bench.py [--articles eval|supplement] [--misses 3]

Each held-out article is dressed the way news sites and wires print one, in styles drawn
per article (fixed by its id): a headline or none; a kicker in capitals or a section label
('Analysis:', 'Opinion |'); a deck on its own line, with or without a full stop, or run
into the lead after a kicker; a byline in one of a dozen forms; a dateline in capitals or in
plain case with the agency, or the agency alone; captions and credits in the body;
furniture; a cut mid-sentence, an ellipsis or a 'Continue reading'. The dressing is the
gold. Prints, per field, the share of articles read exactly right, and per style of each
field the same, so a new style that fails shows by name. Results also go to
bench/out/segmentation/structure.json.
"""
from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field

from common import OUT
from dumps import _AGENCIES, _CITIES, _FIRST, _LAST, _MONTHS, DevArticle, load_articles, split
from supplement import load_supplement, sentences
from tasks.segment import layout
from tasks.segment.boundaries import dump_lines, find_boundaries
from tasks.segment.structure import parse_article


@dataclass
class Gold:
    lines: list[str]
    body: list[str]
    styles: dict[str, str]
    title: str | None = None
    kicker: str | None = None
    deck: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    captions: list[str] = field(default_factory=list)
    boilerplate: int = 0
    is_truncated: bool = False


def _name(r: random.Random) -> str:
    return f"{r.choice(_FIRST)} {r.choice(_LAST)}"


def _byline(r: random.Random) -> tuple[str, str, list[str]]:
    a, b = _name(r), _name(r)
    forms = {
        "By Name": (f"By {a}", [a]),
        "BY NAME": (f"BY {a.upper()}", [a]),
        "By Name, Agency": (f"By {a}, {r.choice(_AGENCIES)}", [a]),
        "By Name | Outlet": (f"By {a} | The Daily Post", [a]),
        "By Name and Name": (f"By {a} and {b}", [a, b]),
        "By Name in City": (f"By {a} in {r.choice(['London', 'Nairobi', 'Washington'])}", [a]),
        "Name / role lines": (f"{a}\nPolitical correspondent", [a]),
    }
    style = r.choice(list(forms))
    text, authors = forms[style]
    return style, text, authors


def _dateline(r: random.Random) -> tuple[str, str]:
    city, agency = r.choice(_CITIES), r.choice(_AGENCIES)
    forms = {
        "CITY (Agency) -": f"{city} ({agency})",
        "CITY, Month D -": f"{city}, {r.choice(_MONTHS)} {r.randint(1, 28)}",
        "CITY -": city,
        "City, D Month (Agency) -": f"{city.title()}, {r.randint(1, 28)} {r.choice(_MONTHS)} ({agency})",
        "(Agency) -": f"({r.choice(['CNN', 'Reuters', 'AP'])})",
    }
    style = r.choice(list(forms))
    return style, forms[style]


def _caption(r: random.Random, art: DevArticle) -> tuple[str, str]:
    words = " ".join(r.choice(art.paragraphs).split()[:9]).rstrip(",.;:")
    forms = {
        "Photo: Agency": f"Photo: {r.choice(_AGENCIES)}",
        "(AGENCY)": f"({r.choice(_AGENCIES)})",
        "caption. (Agency)": f"{words}. ({r.choice(_AGENCIES)})",
        "caption. Photograph: Name/Agency": f"{words}. Photograph: {_name(r)}/{r.choice(_AGENCIES)}",
        "caption. AGENCY/Name": f"{words}. {r.choice(_AGENCIES).upper()}/{_name(r)}",
        "File photo: caption": f"File photo: {words}",
    }
    style = r.choice(list(forms))
    return style, forms[style]


_LABELS = ["Analysis", "Opinion", "Exclusive", "Explainer"]
_FURNITURE = ["Advertisement", "Share this article", "Sign up for our newsletter", "© 2024 The Daily Post. All rights reserved.",
              "Read more: Markets in focus", "Follow us on Twitter"]


def dress(art: DevArticle, truncated: bool) -> Gold:
    """The article printed in styles drawn from its id, with what a correct reading gives."""
    r = random.Random(art.seed("structure"))
    paras = list(art.truncated() if truncated else art.paragraphs)
    styles: dict[str, str] = {}
    g = Gold([], [], styles, is_truncated=truncated)
    head: list[str] = []
    if r.random() < 0.8:
        g.title = art.title
        head.append(art.title)
    kick = r.random()
    if kick < 0.12:
        g.kicker = max(art.title.split(), key=len).strip(",.:'\"").upper()
        styles["kicker"] = "CAPS:"
    elif kick < 0.24 and g.title:
        g.kicker = r.choice(_LABELS)
        styles["kicker"] = "Label: / Label |"
    lead_has_kicker = g.kicker is not None and not g.title
    if g.kicker and g.title:
        head[0] = f"{g.kicker}{' |' if styles['kicker'] != 'CAPS:' and r.random() < 0.5 else ':'} {g.title}"
    if g.title and len(paras) > 1 and r.random() < 0.3:  # untitled, a kicker's deck runs into the lead (below)
        deck = (sentences(paras[1]) or [paras[1]])[0]
        if r.random() < 0.5:
            g.deck, styles["deck"] = deck.rstrip(".!?"), "own line, no full stop"
        else:
            g.deck, styles["deck"] = deck, "own line, full stop"
        head.append(g.deck)
    if r.random() < 0.4:
        styles["byline"], text, g.authors = _byline(r)
        g.byline = text.replace("\n", ", ")
        head.extend(text.split("\n"))
    lead = paras[0]
    if r.random() < 0.5:
        styles["dateline"], g.dateline = _dateline(r)
        lead = f"{g.dateline} {r.choice(['-', '—', '--'])} {lead}"
    if lead_has_kicker:
        if len(paras) > 1 and r.random() < 0.4 and not g.dateline:
            g.deck = ((sentences(paras[1]) or [paras[1]])[0]).rstrip(".!?")
            styles["deck"] = "run into the lead"
            lead = f"{g.deck} {lead}"
        lead = f"{g.kicker}: {lead}"
    g.body = paras
    body = [lead] + paras[1:]
    if len(body) > 2 and r.random() < 0.4:
        styles["caption"], cap = _caption(r, art)
        g.captions.append(cap)
        body.insert(r.randint(1, len(body) - 1), cap)
    if r.random() < 0.3:
        body.insert(r.randint(1, len(body)), r.choice(_FURNITURE))
        g.boilerplate += 1
    if not truncated and r.random() < 0.15:
        body.append("Continue reading")
        g.boilerplate += 1
        g.is_truncated = True
        styles["truncation"] = "Continue reading"
    elif truncated:
        styles["truncation"] = "cut mid-sentence"
    g.lines = head + body
    return g


FIELDS = ["title", "kicker", "deck", "byline", "dateline", "captions", "boilerplate", "is_truncated", "body"]


def read_fields(g: Gold, lines: list[str] | None = None) -> dict[str, bool]:
    """Per field, whether `parse_article` reads the dressed article (or `lines`, the article as
    the segmenter cut it) as its gold says."""
    st = parse_article(g.lines if lines is None else lines)
    authors = layout.byline_authors(st.byline) if st.byline else []
    return {
        "title": st.title == g.title,
        "kicker": st.kicker == g.kicker,
        "deck": st.deck == g.deck,
        "byline": st.byline == g.byline and authors == g.authors,
        "dateline": st.dateline == g.dateline,
        "captions": st.captions == g.captions,
        "boilerplate": st.boilerplate_removed == g.boilerplate,
        "is_truncated": st.is_truncated == g.is_truncated,
        "body": st.body == "\n".join(g.body),
    }


# the style a field was dressed in, where its name differs from the field's
_STYLE_KEY = {"captions": "caption", "is_truncated": "truncation"}


def read_dump(golds: list[Gold], cache) -> list[dict[str, bool]]:
    """The dressed articles concatenated with nothing between them, cut by the segmenter
    (bundled model, embeddings from `cache`) and read: per article, its fields, all wrong
    unless its cut is exact at both ends."""
    text = "\n".join("\n".join(g.lines) for g in golds)
    lines = dump_lines(text)
    starts, n = [], 0
    for g in golds:  # a name and a role on two lines become one line
        starts.append(n)
        n += len(dump_lines("\n".join(g.lines)))
    found = find_boundaries(lines, cache.encode)
    cuts = [0] + [b.index for b in found] + [len(lines)]
    spans = {(a, b) for a, b in zip(cuts, cuts[1:])}
    out = []
    for k, g in enumerate(golds):
        span = (starts[k], starts[k + 1] if k + 1 < len(starts) else len(lines))
        ok = read_fields(g, [ln.text for ln in lines[span[0] : span[1]]]) if span in spans else None
        out.append({"cut": True, **ok} if ok else {"cut": False, **{f: False for f in FIELDS}})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", choices=["eval", "supplement"], default="eval")
    ap.add_argument("--misses", type=int, default=0, metavar="N", help="print N misreadings per field")
    ap.add_argument("--dumps", action="store_true",
                    help="cut the articles out of dumps of 3-10 first (bundled model), as a real run does")
    args = ap.parse_args()
    articles = split(load_articles(), "eval") if args.articles == "eval" else load_supplement()
    right, by_style = defaultdict(int), defaultdict(lambda: [0, 0])
    misses = defaultdict(list)
    rng = random.Random(0)
    golds = [dress(art, truncated=rng.random() < 0.4) for art in articles]
    if args.dumps:
        from common import EmbeddingCache

        cache, read, at = EmbeddingCache(), [], 0
        while at < len(golds):
            size = rng.randint(3, 10)
            read += read_dump(golds[at : at + size], cache)
            at += size
        cache.save()
    else:
        read = [read_fields(g) for g in golds]
    for g, got in zip(golds, read):
        for f, ok in got.items():
            right[f] += ok
            if not ok and len(misses[f]) < args.misses:
                misses[f].append(g.lines[:4])
            style = g.styles.get(_STYLE_KEY.get(f, f))
            if style:
                by_style[(f, style)][0] += ok
                by_style[(f, style)][1] += 1
        right["all"] += all(got.values())
    n = len(articles)
    where = "cut out of dumps of 3-10 articles" if args.dumps else "each read alone"
    print(f"{n} {args.articles} articles, each dressed once, {where}\n\n| field | read right |\n|---|---|")
    for f in (["cut"] if args.dumps else []) + FIELDS + ["all"]:
        print(f"| {f} | {right[f] / n:.3f} |")
    print("\n| field | style | articles | read right |\n|---|---|---|---|")
    for (f, style), (ok, tot) in sorted(by_style.items()):
        print(f"| {f} | {style} | {tot} | {ok / tot:.3f} |")
    for f, ex in misses.items():
        for lines in ex:
            print(f"miss {f}: {[x if len(x) < 90 else x[:90] + '...' for x in lines]}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"structure_{args.articles}{'_dumps' if args.dumps else ''}.json").write_text(json.dumps(
        {"articles": n, "fields": {f: right[f] / n for f in right},
         "styles": {f"{f} / {s}": {"articles": t, "right": ok / t} for (f, s), (ok, t) in by_style.items()}}, indent=1))


if __name__ == "__main__":
    main()
