"""Scoring newsflow's NER against CoNLL-format gold files, and its canonicalisation against cases.

CoNLL files: one token per line, the token in the first column and its IOB tag
(IOB1, IOB2 or BIOES) in the last; a blank line ends a sentence; `-DOCSTART-` starts
a document; lines starting with `#` are comments. Each document becomes one text (its
tokens joined by spaces, or detokenised with `detokenize=True`, its sentences by line
breaks) and goes through the pipeline's own `Tagger`, so what is scored is what lands
in the `entities` table.

Matching is entity-level and exact: a predicted mention counts only if its first and
last tokens and its type equal a gold entity's. spaCy's labels map to CoNLL's types by
`SPACY_TO_CONLL`; labels mapped to None (dates, numbers, money, ...) are not entities in
CoNLL and are left out. Gold files may use either label set: gold labels go through
the same map, and PER/ORG/LOC/MISC pass through unchanged. OntoNotes-trained models put
a leading 'the' inside ORG, GPE and FAC spans ('the Supreme Court'); CoNLL leaves it out,
so by default a predicted span loses a leading 'the' before matching (`strip_the=False`
scores spans as the model wrote them).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tasks.records import Article, Mention, content_hash

# spaCy (OntoNotes) label -> CoNLL-2003 type. FAC (buildings, airports, bridges) is a
# location in CoNLL's guidelines; nationalities, events, products, works of art, laws
# and languages are MISC; numeric and temporal labels are not CoNLL entities.
SPACY_TO_CONLL: dict[str, str | None] = {
    "PERSON": "PER", "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC", "MISC": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None,
    "ORDINAL": None, "CARDINAL": None,
}
CONLL_TYPES = ("PER", "ORG", "LOC", "MISC")


@dataclass
class GoldDoc:
    """One CoNLL document: its sentences' tokens and gold entities as (first, last+1, type)."""

    doc_id: str
    sentences: list[list[str]] = field(default_factory=list)
    entities: set[tuple[int, int, str]] = field(default_factory=set)  # token offsets in the doc

    @property
    def tokens(self) -> list[str]:
        return [t for s in self.sentences for t in s]


def read_conll(path: str | Path) -> list[GoldDoc]:
    """Documents of a CoNLL NER file (a file without -DOCSTART- is one document)."""
    docs = [GoldDoc(f"{Path(path).name}#1")]
    sentence: list[tuple[str, str]] = []

    def close_sentence():
        if sentence:
            doc = docs[-1]
            offset = len(doc.tokens)
            doc.sentences.append([t for t, _ in sentence])
            doc.entities |= {(offset + a, offset + b, t) for a, b, t in iob_spans([g for _, g in sentence])}
            sentence.clear()

    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            close_sentence()
        elif line.startswith("-DOCSTART-"):
            close_sentence()
            if docs[-1].sentences:
                docs.append(GoldDoc(f"{Path(path).name}#{len(docs) + 1}"))
        elif not line.startswith("#"):
            cols = line.split()
            if len(cols) < 2:
                raise ValueError(f"{path}:{n}: expected 'TOKEN ... TAG', got {raw!r}")
            sentence.append((cols[0], cols[-1]))
    close_sentence()
    return [d for d in docs if d.sentences]


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (first, last+1, type) from IOB1, IOB2 or BIOES tags; types go through the label map."""
    spans, start, kind = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I", "E", "S", "O"):
            raise ValueError(f"not an IOB tag: {tag!r}")
        begins = prefix in ("B", "S") or (prefix in ("I", "E") and label != kind)
        if start is not None and (prefix == "O" or begins):
            spans.append((start, i, kind))
            start = kind = None
        if prefix != "O" and start is None:
            start, kind = i, label
        if prefix in ("E", "S") and start is not None:
            spans.append((start, i + 1, kind))
            start = kind = None
    out = []
    for a, b, label in spans:
        if (mapped := SPACY_TO_CONLL.get(label, label)) is not None:
            out.append((a, b, mapped))
    return out


_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|'S|n't|'re|'ve|'ll|'d|'m|’s)$")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "£", "€", "``"})


def doc_text(doc: GoldDoc, detokenize: bool = False) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """(text, token char spans, sentence char spans) of a gold document."""
    parts: list[str] = []
    token_spans, sentence_spans = [], []
    pos = 0
    for si, sent in enumerate(doc.sentences):
        if si:
            parts.append("\n")
            pos += 1
        s_start = pos
        for ti, tok in enumerate(sent):
            if ti and not (detokenize and (_NO_SPACE_BEFORE.match(tok) or sent[ti - 1] in _NO_SPACE_AFTER)):
                parts.append(" ")
                pos += 1
            token_spans.append((pos, pos + len(tok)))
            parts.append(tok)
            pos += len(tok)
        sentence_spans.append((s_start, pos))
    return "".join(parts), token_spans, sentence_spans


@dataclass
class NerScores:
    """Entity-level counts and scores per CoNLL type, and overall (micro-averaged)."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    documents: int = 0
    tokens: int = 0

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """(precision, recall, F1) of one type, or overall when `kind` is None."""
        tp, fp, fn = ((c[kind] for c in (self.tp, self.fp, self.fn)) if kind
                      else (sum(c.values()) for c in (self.tp, self.fp, self.fn)))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict:
        rows = {}
        for kind in (*CONLL_TYPES, None):
            p, r, f = self.prf(kind)
            name = kind or "overall"
            counts = (self.tp, self.fp, self.fn)
            tp, fp, fn = ((c[kind] for c in counts) if kind else (sum(c.values()) for c in counts))
            rows[name] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                          "gold": tp + fn, "predicted": tp + fp, "correct": tp}
        return {"documents": self.documents, "tokens": self.tokens, "scores": rows}


def evaluate_ner(
    paths: list[str | Path], model: str | None = None, detokenize: bool = False,
    propagated: bool = False, batch_size: int = 64, strip_the: bool = True,
) -> NerScores:
    """Score the pipeline's entity mentions against CoNLL gold files.

    paths (list): CoNLL files.
    model (str | None): spaCy pipeline name or path (default: newsflow's default model).
    detokenize (bool): rebuild natural spacing ("Trump's", "U.S.,") instead of joining
        tokens by spaces.
    propagated (bool): also count the mentions the entities stage adds (later repeats of
        a known name the model missed), i.e. score the whole `entities` table.
    strip_the (bool): drop a leading 'the' from predicted spans (CoNLL's convention).
    RETURNS (NerScores): counts and precision/recall/F1 per type.
    """
    from tasks.entities import EntityResolver
    from tasks.models import DEFAULT_SPACY_MODEL
    from tasks.tag import Tagger

    golds = [d for p in paths for d in read_conll(p)]
    articles, tokens = [], []
    for d in golds:
        text, token_spans, sent_spans = doc_text(d, detokenize)
        articles.append(Article(content_hash(d.doc_id, text), d.doc_id, "conll", 0, d.doc_id, text,
                                language="en", paragraphs=sent_spans))
        tokens.append(token_spans)
    tagger = Tagger(model or DEFAULT_SPACY_MODEL, batch_size=batch_size, languages=("en",))
    tagger(articles)
    if propagated:
        EntityResolver()(articles)
    scores = NerScores(documents=len(golds), tokens=sum(len(t) for t in tokens))
    for gold, art, token_spans in zip(golds, articles, tokens):
        predicted = {_token_span(m, token_spans, strip_the) for m in art.mentions
                     if m.field == "body" and (propagated or m.source == "model")}
        predicted.discard(None)
        for kind in CONLL_TYPES:
            p = {s for s in predicted if s[2] == kind}
            g = {s for s in gold.entities if s[2] == kind}
            scores.tp[kind] += len(p & g)
            scores.fp[kind] += len(p - g)
            scores.fn[kind] += len(g - p)
    return scores


_LEADING_THE = re.compile(r"^[Tt]he\s+")


def _token_span(m: Mention, token_spans: list[tuple[int, int]], strip_the: bool = True):
    """(first, last+1, type) of a mention; a mention off token boundaries gets a span no gold has."""
    kind = SPACY_TO_CONLL.get(m.label, "MISC")
    if kind is None:
        return None
    start = m.start_char
    if strip_the and (the := _LEADING_THE.match(m.text)) and the.end() < len(m.text):
        start += the.end()
    starts = {s: i for i, (s, _) in enumerate(token_spans)}
    ends = {e: i + 1 for i, (_, e) in enumerate(token_spans)}
    a, b = starts.get(start), ends.get(m.end_char)
    return (a, b, kind) if a is not None and b is not None else (-m.start_char - 1, -m.end_char - 1, kind)


def article_from_case(mentions: list[list[str]]) -> Article:
    """An article holding exactly the given [text, label, field] mentions, in reading order.

    Body mentions become one sentence each, so offsets and sentences are real; head
    mentions go into the title, kicker or deck, joined by ' | '.
    """
    fields: dict[str, list[str]] = {"body": [], "title": [], "kicker": [], "deck": []}
    placed = []
    for text, label, where in mentions:
        parts = fields[where]
        sep = ". " if where == "body" else " | "
        start = sum(len(p) + len(sep) for p in parts)
        parts.append(text)
        placed.append(Mention(start, start + len(text), text, label, None, where))
    body = ". ".join(fields["body"]) + "." if fields["body"] else "Nothing."
    from tasks.records import Sentence

    sentences, pos = [], 0
    for i, text in enumerate(fields["body"]):
        sentences.append(Sentence(0, i, pos, pos + len(text) + 1, body[pos : pos + len(text) + 1]))
        pos += len(text) + 2
    for m in placed:
        if m.field == "body":
            m.sentence_idx = next(s.sentence_idx for s in sentences if s.start_char <= m.start_char < s.end_char)
    heads = {k: " | ".join(v) or None for k, v in fields.items() if k != "body"}
    return Article(content_hash(body), "cases", "test", 0, "case", body, paragraphs=[(0, len(body))],
                   sentences=sentences, mentions=placed, language="en", **heads)


def evaluate_canonical(path: str | Path) -> tuple[int, int, list[str]]:
    """(correct, total, failures) over a canonicalisation case file (bench/ner/canonical_cases.json)."""
    from tasks.entities import resolve_article

    cases = json.loads(Path(path).read_text(encoding="utf-8"))["cases"]
    correct, total, failures = 0, 0, []
    for case in cases:
        art = article_from_case(case["mentions"])
        resolve_article(art)
        got: dict[str, list[str]] = {}
        for m in art.mentions:
            if m.source == "model":
                got.setdefault(m.text, []).append(m.canonical)
        for text, expected in case["expect"].items():
            total += 1
            found = got.get(text, [])
            # a string: every occurrence resolves to it; a list: each occurrence in turn
            if (found == expected) if isinstance(expected, list) else (set(found) == {expected}):
                correct += 1
            else:
                failures.append(f"{case['name']}: {text!r} -> {found}, expected {expected!r}")
        labels = {e.canonical: e.label for e in art.entities}
        for canonical, label in case.get("labels", {}).items():
            total += 1
            if labels.get(canonical) == label:
                correct += 1
            else:
                failures.append(f"{case['name']}: label of {canonical!r} is {labels.get(canonical)}, expected {label}")
    return correct, total, failures
