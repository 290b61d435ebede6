"""The CoNLL NER scorer: reading IOB variants, the label map, exact-match counting, the CLI."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import ROOT
from tasks.ner_eval import SPACY_TO_CONLL, doc_text, evaluate_ner, iob_spans, read_conll

GOLD = ROOT / "bench" / "ner" / "gold" / "wikinews_dev.conll"


def test_iob_variants_give_the_same_spans():
    iob2 = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O", "B-GPE"]
    iob1 = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "O", "I-GPE"]
    bioes = ["B-PER", "E-PER", "O", "S-LOC", "S-LOC", "O", "S-GPE"]
    expected = [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (6, 7, "LOC")]  # GPE maps to LOC
    assert iob_spans(iob2) == iob_spans(iob1) == iob_spans(bioes) == expected
    assert iob_spans(["B-DATE", "I-DATE", "B-PERSON"]) == [(2, 3, "PER")]  # dates are not CoNLL entities


def test_read_conll_documents_and_comments(tmp_path):
    f = tmp_path / "g.conll"
    f.write_text("-DOCSTART- -X- O O\n\n# a comment\nAngela NNP B-NP B-PER\nMerkel NNP I-NP I-PER\n"
                 "spoke VBD B-VP O\n\nIn IN O O\nBerlin NNP B-NP B-LOC\n\n-DOCSTART- O\n\nUN NNP B-NP B-ORG\n")
    docs = read_conll(f)
    assert [d.tokens for d in docs] == [["Angela", "Merkel", "spoke", "In", "Berlin"], ["UN"]]
    assert docs[0].entities == {(0, 2, "PER"), (4, 5, "LOC")}
    assert doc_text(docs[0])[0] == "Angela Merkel spoke\nIn Berlin"


def _write_gold_from_model(path, texts, drop_first=False):
    """A CoNLL file whose gold is the model's own output (mapped), optionally minus one entity."""
    from tasks.models import spacy_pipeline

    nlp = spacy_pipeline()
    lines, dropped = [], None
    for text in texts:
        doc = nlp(text)
        tags = ["O"] * len(doc)
        for ent in doc.ents:
            kind = SPACY_TO_CONLL[ent.label_]
            if kind is None:
                continue
            if drop_first and dropped is None:
                dropped = ent.text
                continue
            first = ent.start + (ent[0].lower_ == "the" and len(ent) > 1)  # CoNLL leaves 'the' out
            tags[first] = f"B-{kind}"
            for i in range(first + 1, ent.end):
                tags[i] = f"I-{kind}"
        lines += ["-DOCSTART- O", ""] + [f"{t.text} {tag}" for t, tag in zip(doc, tags) if not t.is_space] + [""]
    path.write_text("\n".join(lines) + "\n")
    return dropped


TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris on Monday , officials in Berlin said .",
    "Microsoft and Google agreed to pay the European Union fines , Reuters reported .",
]


def test_scores_are_exact_match_counts(tmp_path):
    perfect = tmp_path / "perfect.conll"
    _write_gold_from_model(perfect, TEXTS)
    scores = evaluate_ner([perfect])
    p, r, f = scores.prf()
    assert sum(scores.tp.values()) >= 6 and (p, r, f) == (1.0, 1.0, 1.0)
    missing = tmp_path / "missing.conll"
    assert _write_gold_from_model(missing, TEXTS, drop_first=True)
    scores = evaluate_ner([missing])
    tp, fp, fn = (sum(c.values()) for c in (scores.tp, scores.fp, scores.fn))
    assert (fp, fn) == (1, 0) and scores.prf()[0] == tp / (tp + 1)


def test_eval_ner_command_on_the_bundled_gold():
    from flows.cli import app

    result = CliRunner().invoke(app, ["eval-ner", str(GOLD), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["documents"] == 3 and out["scores"]["overall"]["gold"] == 68
    assert set(out["scores"]) == {"PER", "ORG", "LOC", "MISC", "overall"}
    assert 0.5 < out["scores"]["overall"]["f1"] <= 1.0


def test_eval_ner_command_rejects_a_malformed_file(tmp_path):
    from flows.cli import app

    bad = tmp_path / "bad.conll"
    bad.write_text("Angela B-PER\nMerkel X-PER\n")
    result = CliRunner().invoke(app, ["eval-ner", str(bad)])
    assert result.exit_code == 2 and "not an IOB tag" in result.output
