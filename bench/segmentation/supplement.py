"""More training articles: the dev supplement's one-line bodies, cut into paragraphs.

`shared/devdata/news_dev_supplement_flat.jsonl` holds real Wikinews articles whose bodies
lost their paragraph breaks. Split into sentences (a punctuation splitter corrected by
`tasks.sentence_rules`) and regrouped into paragraphs with the sentences-per-paragraph
distribution of the paragraphed dev articles, they become training articles. They are
used for training only: the evaluation stays on the held-out news_dev articles.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from dumps import DEVDATA, DevArticle
from tasks.sentence_rules import correct_spans

SUPPLEMENT = DEVDATA.with_name("news_dev_supplement_flat.jsonl")
# sentences per paragraph in news_dev.jsonl's paragraphs (1: 23%, 2: 30%, 3: 24%, 4: 14%, 5+: 9%)
_SENTENCES_PER_PARAGRAPH = ([1, 2, 3, 4, 5, 6], [23, 30, 24, 14, 6, 3])
_MAX_PARAGRAPH_WORDS = 110  # a paragraph stops growing past this (dev paragraphs: 90% under 90)
# a full stop, question or exclamation mark (closing quotes/brackets allowed), space, a capital
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Sentences of one flat body, by punctuation, with news abbreviations corrected."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group().rstrip())  # keep closing quotes with their sentence
        said = text[start:end]
        if said.count('"') % 2 or said.count("“") > said.count("”"):
            continue  # inside a quotation: its sentences stay together
        spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [text[s:e].strip() for s, e in correct_spans(text, spans, set()) if text[s:e].strip()]


def paragraphs(text: str, rng: random.Random) -> tuple[str, ...]:
    """The sentences of `text` grouped into paragraphs of realistic length."""
    out, sents = [], sentences(text)
    while sents:
        want = rng.choices(*_SENTENCES_PER_PARAGRAPH)[0]
        take = 1
        while take < min(want, len(sents)) and len(" ".join(sents[: take + 1]).split()) <= _MAX_PARAGRAPH_WORDS:
            take += 1
        out.append(" ".join(sents[:take]))
        sents = sents[take:]
    return tuple(out)


def load_supplement(path: Path = SUPPLEMENT) -> list[DevArticle]:
    """The supplement's articles, paragraphed (fixed per article id)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            body = " ".join(r["text"].split())
            if body and r.get("title"):
                rng = random.Random(r["id"])
                out.append(DevArticle(r["id"], r["title"].strip(), paragraphs(body, rng)))
    return out
