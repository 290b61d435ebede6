"""Where do the tag stage's entities differ from spaCy's full default pipeline? (all dev articles)

    python bench/ner/parity.py [--model NAME]

Prints every differing mention and a summary line. A difference is 'explained' when one
of the full pipeline's (parser) sentence starts falls inside our mention: spaCy's NER
never crosses a preset sentence start, and the default pipeline runs its parser first.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVDATA = ROOT.parent / "shared" / "devdata"


def main() -> None:
    import spacy

    from tasks.models import DEFAULT_SPACY_MODEL, spacy_pipeline

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    args = ap.parse_args()
    nlp, full = spacy_pipeline(args.model), spacy.load(args.model)
    texts = [json.loads(line)["text"] for name in ("news_dev.jsonl", "news_dev_supplement_flat.jsonl")
             for line in (DEVDATA / name).open(encoding="utf-8")]
    docs_differing = ours_differing = explained = total = 0
    for ours_doc, full_doc in zip(nlp.pipe(texts), full.pipe(texts)):
        ours = {(e.start_char, e.end_char, e.label_) for e in ours_doc.ents}
        theirs = {(e.start_char, e.end_char, e.label_) for e in full_doc.ents}
        total += len(theirs)
        if ours == theirs:
            continue
        docs_differing += 1
        cuts = [s.start_char for s in full_doc.sents]
        for a, b, label in sorted(ours - theirs):
            ours_differing += 1
            crossed = any(a < c < b for c in cuts)
            explained += crossed
            print(f"ours only{'' if crossed else ' (UNEXPLAINED)'}: {ours_doc.text[a:b]!r} {label}")
        for a, b, label in sorted(theirs - ours):
            print(f"full only: {full_doc.text[a:b]!r} {label}")
    print(f"{len(texts)} articles, {docs_differing} differ; {ours_differing} of our mentions differ, "
          f"{explained} of them cross a parser sentence start; the full pipeline has {total} mentions")


if __name__ == "__main__":
    main()
