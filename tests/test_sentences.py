"""Sentences: exact offsets, paragraph breaks respected, and the rule corrections to spaCy's
statistical splitter on the news patterns it gets wrong."""
from __future__ import annotations

import pytest

from tasks.tag import sentences_from_doc

# Cases where the raw `senter` split is wrong (checked below), with the right sentences.
SENTER_WRONG = [
    ["Rep. John Smith (D-Calif.) voted no.", "Sen. Jane Doe voted yes."],
    ["The firm is based in the U.S.", "It employs 500 people."],
    ["“We will not stop,” the protesters chanted.", "“Never!”"],
    ["“Let them try,” she said.", "“We are ready.”"],
]
# Texts are the sentences joined by a space, except where a case needs them glued.
GLUED = {"“We will not stop,” the protesters chanted.", "“Let them try,” she said."}
# Cases the raw split already gets right; the corrections must leave them alone.
SENTER_RIGHT = [
    ["The U.S. Army said Gen. Smith would retire.", "Mr. Jones disagreed."],
    ["Shares rose 3.5 percent to $12.75 on Monday.", "Analysts were surprised."],
    ["“We will not give up,” he said.", "“The fight goes on.”", "The crowd cheered."],
    ["He said: “It is over.”", "The next day, the talks resumed."],
    ["“Is this the end?” asked Mr. Brown.", "Nobody answered."],
    ["The company, based in St. Louis, employs 5,000 people.", "It was founded in 1901 by J. P. Morgan."],
    ["Prices fell 0.5% in Jan. compared with Dec. last year.", "Economists expected a rise."],
    ["Dr. Fauci testified at 10 a.m. on Tuesday.", "He left at noon."],
    ["‘It’s over,’ she said.", "‘Go home.’"],
    ["“Why now?” she asked.", "“Because we must,” he replied."],
]


def _split(nlp, text: str, paragraphs=None):
    doc = nlp(text)
    return sentences_from_doc(doc, paragraphs or [(0, len(text))])


@pytest.mark.parametrize("expected", SENTER_WRONG, ids=lambda e: e[0][:25])
def test_corrections_fix_what_senter_gets_wrong(nlp, expected):
    text = ("" if expected[0] in GLUED else " ").join(expected)
    raw = [s.text.strip() for s in nlp(text).sents]
    assert raw != expected, "senter now gets this right: the rule may be obsolete"
    assert [s.text for s in _split(nlp, text)] == expected


@pytest.mark.parametrize("expected", SENTER_RIGHT, ids=lambda e: e[0][:25])
def test_corrections_leave_right_splits_alone(nlp, expected):
    text = " ".join(expected)
    assert [s.text for s in _split(nlp, text)] == expected


def test_offsets_are_exact_and_paragraphs_bound_sentences(nlp):
    paras = [
        "WASHINGTON officials said the U.S. would respond. “We are ready,” said Mr. Smith.",
        "Growth was 2.5 percent. It was the best quarter since Jan. 2021",
        "Short tail without a stop",
    ]
    body = "\n".join(paras)
    offsets, pos = [], 0
    for p in paras:
        offsets.append((pos, pos + len(p)))
        pos += len(p) + 1
    sents = _split(nlp, body, offsets)
    for s in sents:
        assert body[s.start_char : s.end_char] == s.text
        p0, p1 = offsets[s.paragraph_idx]
        assert p0 <= s.start_char < s.end_char <= p1
        assert "\n" not in s.text
    assert [s.sentence_idx for s in sents] == list(range(len(sents)))
    assert [s.paragraph_idx for s in sents] == [0, 0, 1, 1, 2]
    assert sents[-1].text == "Short tail without a stop"


def test_no_merge_across_a_paragraph_break(nlp):
    paras = ["The talks were led by Gen.", "Smith arrived later."]  # a heading cut oddly
    body = "\n".join(paras)
    sents = _split(nlp, body, [(0, len(paras[0])), (len(paras[0]) + 1, len(body))])
    assert [s.paragraph_idx for s in sents] == [0, 1]
