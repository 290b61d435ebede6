"""Turn the hand-annotated markup (gold/*.markup.txt) into CoNLL files (gold/*.conll).

    python bench/ner/build_gold.py

Tokens come from spaCy's rule-based English tokenizer (no model); every {{TYPE|text}}
span must fall on token boundaries, or the build fails. One paragraph is one CoNLL
sentence; `# doc:` lines become -DOCSTART- lines. Tags are IOB2.
"""
from __future__ import annotations

import re
from pathlib import Path

import spacy

GOLD = Path(__file__).parent / "gold"
_SPAN = re.compile(r"\{\{(PER|ORG|LOC|MISC)\|(.*?)\}\}")


def paragraph_to_conll(nlp, line: str) -> list[str]:
    spans, text, pos = [], [], 0
    for m in _SPAN.finditer(line):
        text.append(line[pos : m.start()])
        start = sum(map(len, text))
        text.append(m.group(2))
        spans.append((start, start + len(m.group(2)), m.group(1)))
        pos = m.end()
    text.append(line[pos:])
    doc = nlp("".join(text))
    tags = ["O"] * len(doc)
    for a, b, kind in spans:
        span = doc.char_span(a, b, alignment_mode="strict")
        if span is None:
            raise ValueError(f"span {doc.text[a:b]!r} is not on token boundaries")
        tags[span.start] = f"B-{kind}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{kind}"
    return [f"{t.text} {tag}" for t, tag in zip(doc, tags) if not t.is_space]


def build(markup: Path) -> Path:
    nlp = spacy.blank("en")
    out = [f"# built from {markup.name} by build_gold.py; see that file for source and licence"]
    for line in markup.read_text(encoding="utf-8").splitlines():
        if line.startswith("# doc:"):
            out += ["-DOCSTART- O", "", f"# {line[2:]}"]
        elif line.strip() and not line.startswith("#"):
            out += paragraph_to_conll(nlp, line) + [""]
    target = markup.with_name(markup.name.replace(".markup.txt", ".conll"))
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    for markup in sorted(GOLD.glob("*.markup.txt")):
        print(build(markup))
