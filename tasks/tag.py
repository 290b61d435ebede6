"""Tag stage: one spaCy pass per article gives its sentences and entity mentions.

Sentence splitting (`senter`) and NER share the pass, so the text is tokenised once.
Offsets are character offsets into `Article.body` (or into the title, kicker or deck,
as each mention's `field` says). Sentences never cross a paragraph break.
"""
from __future__ import annotations

import bisect
import functools
import threading

from tasks.models import DEFAULT_SPACY_MODEL, spacy_pipeline
from tasks.records import Article, Mention, Sentence
from tasks.sentence_rules import correct_spans
from tasks.step import Step

_HEAD_FIELDS = ("title", "kicker", "deck")
# spaCy memory zones must not nest, and a zone's exit frees every string added while it
# was open, so two threads tagging at once take turns (the enrich flow orders its tag tasks
# on threads, but a Dask worker with several threads, or a caller's own threads, may not).
_ZONE_LOCK = threading.Lock()


def sentences_from_doc(doc, paragraphs: list[tuple[int, int]]) -> list[Sentence]:
    """Sentences of a parsed body, cut at paragraph breaks and stripped of whitespace.

    The statistical split is corrected by `sentence_rules` (abbreviations, decimals,
    quotes) where it is known to go wrong; offsets stay exact.
    """
    text = doc.text
    starts = [p[0] for p in paragraphs] or [0]
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        a, b = sent.start_char, sent.end_char
        # A statistical splitter may run across a line break; paragraphs win.
        pieces, cursor = [], a
        for p_start in starts:
            if a < p_start < b:
                pieces.append((cursor, p_start))
                cursor = p_start
        pieces.append((cursor, b))
        for s, e in pieces:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
    out: list[Sentence] = []
    for s, e in correct_spans(text, spans, set(starts)):
        para = max(bisect.bisect_right(starts, s) - 1, 0)
        out.append(Sentence(para, len(out), s, e, text[s:e]))
    return out


def mentions_from_doc(doc, sentences: list[Sentence] | None, field: str) -> list[Mention]:
    starts = [s.start_char for s in sentences] if sentences else []
    out = []
    for ent in doc.ents:
        idx = bisect.bisect_right(starts, ent.start_char) - 1 if starts else None
        out.append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_, idx, field))
    return out


class Tagger(Step):
    """Sentences and entity mentions from one spaCy pass (NER + a sentence splitter).

    model (str): spaCy pipeline name or path; only the components NER and sentences
        need run (`tasks.models.spacy_pipeline`).
    batch_size (int): texts per `nlp.pipe` batch and memory zone; results do not depend
        on it. 16 tags real news as fast as 64 with half the transient memory (bench/README.md,
        memory, eighth round).
    languages (tuple[str, ...]): languages the model handles. An article in another
        language is skipped: `skipped['tag'] = 'language:xx'`, and the entities stage
        skips it too. An article with no language gets one from py3langid when the
        guess is confident; otherwise it is tagged.
    """

    name = "tag"
    version = "2"

    def __init__(self, model: str = DEFAULT_SPACY_MODEL, batch_size: int = 16, languages: tuple[str, ...] = ("en",)):
        super().__init__()
        self.model = model
        self.batch_size = batch_size
        self.languages = tuple(languages)

    def _skip_reason(self, art: Article, nlp) -> str | None:
        if art.language is None:
            art.language = detect_language(art.body)
        if nlp.lang != "xx" and art.language and art.language not in self.languages:
            return f"language:{art.language}"
        if len(art.body) > nlp.max_length:
            return f"too_long:{len(art.body)} chars (spaCy max_length {nlp.max_length})"
        return None

    def run(self, batch: list[Article]) -> list[Article]:
        nlp = spacy_pipeline(self.model)
        todo = []
        for art in batch:
            if reason := self._skip_reason(art, nlp):
                art.skipped[self.name] = reason
                self.stats[f"skipped_{reason.split(':')[0]}"] += 1
            else:
                todo.append(art)
        texts, owners = [], []
        for art in todo:
            texts.append(art.body)
            owners.append((art, "body"))
            for f in _HEAD_FIELDS:
                if value := getattr(art, f):
                    texts.append(value[: nlp.max_length])
                    owners.append((art, f))
        # Inside a zone spaCy's new vocabulary entries (every unseen word, number, name)
        # are transient, freed when it closes: without it the Vocab grows with the corpus.
        # One zone per batch of texts, not per shard, so the zone's strings and the batch's
        # activations are freed before the next batch: the stage's peak stays that of one
        # batch, whatever the shard size. Only plain Python data (str, int) leaves a zone.
        for start in range(0, len(texts), self.batch_size):
            chunk = slice(start, start + self.batch_size)
            with _ZONE_LOCK, nlp.memory_zone():
                for doc, (art, field) in zip(nlp.pipe(texts[chunk], batch_size=self.batch_size), owners[chunk]):
                    self._keep(doc, art, field)
        self.stats["words"] += sum(art.n_words for art in todo)
        return batch

    def _keep(self, doc, art: Article, field: str) -> None:
        """Copy a doc's sentences and mentions onto its article as plain Python data."""
        if field == "body":
            art.sentences = sentences_from_doc(doc, art.paragraphs)
            art.mentions = mentions_from_doc(doc, art.sentences, "body")
            self.stats["sentences"] += len(art.sentences)
        else:
            art.mentions.extend(mentions_from_doc(doc, None, field))
        self.stats["mentions"] += len(doc.ents)


# A guess below this probability, or on fewer words, leaves the language unknown:
# short texts are easily mistaken, and an English article wrongly skipped is lost.
_LANGUAGE_MIN_PROB = 0.9
_LANGUAGE_MIN_WORDS = 12


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text` when py3langid is confident, else None."""
    if len(text.split()) < _LANGUAGE_MIN_WORDS:
        return None
    code, prob = _language_identifier().classify(text[:2000])
    return code if prob >= _LANGUAGE_MIN_PROB else None


@functools.cache
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
