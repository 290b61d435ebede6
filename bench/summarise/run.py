"""ROUGE of newsflow's summarisers against reference summaries, with Lead-3 beside them.

    python bench/summarise/run.py DATA.jsonl [--methods lead3,extractive,abstractive]
        [--abstractive-model PATH] [--limit N] [--out results.json]

DATA.jsonl holds one `{"id", "article", "reference"}` object per line (CNN/DailyMail
`article`/`highlights` rows map straight onto it; see bench/README.md). Articles are
split into sentences by the flow's own spaCy splitter (paragraphs = lines). Scores are
ROUGE-1/2/Lsum F1 x 100 (rouge-score, Porter stemming; Lsum with one sentence per
line, sentences split by spaCy), averaged over articles; seconds/article is each method's own time (sentence
splitting, shared by all, is reported once).

Methods: `lead3` (first three sentences), `extractive` (the flow's default backend),
`extractive:<backend>` (torch | onnx | onnx-int8), `abstractive` (needs
--abstractive-model).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere

from rouge_score import rouge_scorer  # noqa: E402

from tasks.records import Article  # noqa: E402

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


def load_jsonl(path: Path, limit: int | None) -> list[dict]:
    """Rows with a non-empty article and reference; others are counted and reported."""
    rows, bad = [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if not (isinstance(row, dict) and str(row.get("article") or "").strip() and str(row.get("reference") or "").strip()):
                bad += 1
                continue
            rows.append(row)
            if limit and len(rows) >= limit:
                break
    if bad:
        print(f"skipped {bad} lines without a JSON object holding article and reference", file=sys.stderr)
    return rows


def to_articles(rows: list[dict]) -> list[Article]:
    """Articles with paragraphs (lines) and sentences from the flow's spaCy splitter."""
    from tasks.models import spacy_pipeline
    from tasks.tag import sentences_from_doc

    arts = []
    for i, row in enumerate(rows):
        body = str(row["article"]).strip()
        paragraphs, pos = [], 0
        for line in body.split("\n"):
            if line.strip():
                paragraphs.append((pos, pos + len(line)))
            pos += len(line) + 1
        arts.append(Article(str(row.get("id", i)), "bench", "jsonl", i, str(i), body, paragraphs=paragraphs))
    nlp = spacy_pipeline()
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p == "ner"]):
        for art, doc in zip(arts, nlp.pipe([a.body for a in arts], batch_size=64)):
            art.sentences = sentences_from_doc(doc, art.paragraphs)
    return arts


def summarise(method: str, arts: list[Article], args) -> list[list[str]]:
    """Each article's summary as a list of sentences (lines, for ROUGE-Lsum)."""
    if method == "lead3":
        return [[s.text for s in a.sentences[:3]] for a in arts]
    if method.startswith("extractive"):
        from tasks.summarise import ExtractiveSummariser

        backend = method.partition(":")[2] or None
        step = ExtractiveSummariser(max_sentences=args.sentences, max_words=args.max_words, backend=backend)
        step([Article("warm-up", "", "", 0, "", "Warm up.", sentences=arts[0].sentences)])  # load outside the clock
        out = step([_fresh(a) for a in arts]).items
        return [[a.sentences[i].text for i in a.summaries[0].sentence_idxs] for a in out]
    if method == "abstractive":
        from tasks.abstractive import AbstractiveSummariser, split_summary_sentences

        if not args.abstractive_model:
            raise SystemExit("abstractive needs --abstractive-model (a local folder)")
        step = AbstractiveSummariser(args.abstractive_model)
        out = step([_fresh(a) for a in arts]).items
        return [split_summary_sentences(a.summaries[0].summary) if a.summaries else [] for a in out]
    raise SystemExit(f"unknown method {method!r}")


def _fresh(a: Article) -> Article:
    return Article(a.article_id, a.source_uri, a.source_format, a.position, a.location, a.body,
                   paragraphs=a.paragraphs, sentences=a.sentences)


def split_references(references: list[str]) -> list[str]:
    """References with one sentence per line (lines already there are kept)."""
    from tasks.models import spacy_pipeline

    nlp = spacy_pipeline()
    out = []
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p == "ner"]):
        for ref in references:
            lines = [ln for ln in ref.split("\n") if ln.strip()]
            out.append("\n".join(s.text.strip() for doc in nlp.pipe(lines) for s in doc.sents if s.text.strip()))
    return out


def rouge(summaries: list[list[str]], references: list[str]) -> dict[str, float]:
    """Mean ROUGE F1 x 100 over articles; Lsum sees one sentence per line."""
    # rouge-score's own splitter needs NLTK data no one can download here: Lsum gets
    # lines instead, references split by the same spaCy splitter as the articles.
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for lines, ref in zip(summaries, split_references(references)):
        scores = scorer.score(ref, "\n".join(lines))
        for t in ROUGE_TYPES:
            totals[t] += scores[t].fmeasure
    return {t: 100 * v / max(len(references), 1) for t, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--methods", default="lead3,extractive")
    parser.add_argument("--abstractive-model")
    parser.add_argument("--sentences", type=int, default=3, help="extractive sentence budget")
    parser.add_argument("--max-words", type=int, default=None, help="extractive word budget")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, help="write the results table as JSON")
    args = parser.parse_args()

    rows = load_jsonl(args.data, args.limit)
    started = time.perf_counter()
    arts = to_articles(rows)
    split_s = (time.perf_counter() - started) / max(len(arts), 1)
    refs = [str(r["reference"]) for r in rows]
    results, picks = [], {}
    for method in args.methods.split(","):
        started = time.perf_counter()
        summaries = summarise(method.strip(), arts, args)
        seconds = (time.perf_counter() - started) / max(len(arts), 1)
        picks[method] = summaries
        results.append({"method": method, **{k: round(v, 2) for k, v in rouge(summaries, refs).items()},
                        "s_per_article": round(seconds, 4), "articles": len(arts)})
    print(f"{len(arts)} articles from {args.data}; sentence splitting {split_s:.4f} s/article\n")
    print("| method | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | s/article |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['method']} | {r['rouge1']:.2f} | {r['rouge2']:.2f} | {r['rougeLsum']:.2f} | {r['s_per_article']:.4f} |")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
