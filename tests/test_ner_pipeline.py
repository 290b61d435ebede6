"""NER through the pipeline loses nothing: its model mentions equal bare spaCy's full
pipeline on the same texts, whatever the batching, the model's location or its layout."""
from __future__ import annotations

import json
import random

import pytest
import spacy

from conftest import DEVDATA
from tasks.models import DEFAULT_SPACY_MODEL, ner_components, spacy_pipeline
from tasks.records import Article, content_hash
from tasks.tag import Tagger


def _articles(records) -> list[Article]:
    out = []
    for r in records:
        body = r["text"]
        paragraphs, pos = [], 0
        for line in body.split("\n"):
            paragraphs.append((pos, pos + len(line)))
            pos += len(line) + 1
        out.append(Article(content_hash(body), "devdata", "jsonl", 0, r["id"], body, title=r.get("title"),
                           paragraphs=paragraphs, language="en"))
    return out


@pytest.fixture(scope="module")
def devdata_sample() -> list[dict]:
    """24 dated articles with paragraphs and 12 one-line ones, drawn with a fixed seed."""
    rng = random.Random(7)
    dated = [json.loads(line) for line in DEVDATA.open(encoding="utf-8")]
    flat = [json.loads(line) for line in DEVDATA.with_name("news_dev_supplement_flat.jsonl").open(encoding="utf-8")]
    return rng.sample(dated, 24) + rng.sample(flat, 12)


@pytest.fixture(scope="module")
def full_nlp():
    """The model as spaCy loads it by default: every component it enables."""
    return spacy.load(DEFAULT_SPACY_MODEL)


@pytest.fixture(scope="module")
def ner_nlp(full_nlp):
    """The model's NER with nothing before it: no component presets sentence starts."""
    return spacy.load(DEFAULT_SPACY_MODEL, exclude=[c for c in full_nlp.component_names if c != "ner"])


def _ents(doc) -> list[tuple]:
    return [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


def _model_mentions(art: Article, field: str) -> list[tuple]:
    return sorted((m.start_char, m.end_char, m.text, m.label) for m in art.mentions
                  if m.field == field and m.source == "model")


@pytest.fixture(scope="module")
def bare_ents(devdata_sample, ner_nlp) -> list[tuple[list, list]]:
    """(body, title) entities of each sample article from bare spaCy, one text at a time."""
    return [(sorted(_ents(ner_nlp(r["text"]))), sorted(_ents(ner_nlp(r["title"])))) for r in devdata_sample]


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_pipeline_mentions_equal_bare_spacy_ner_on_devdata(devdata_sample, bare_ents, batch_size):
    articles = _articles(devdata_sample)
    Tagger(batch_size=batch_size)(articles)
    assert sum(len(a.mentions) for a in articles) > 500
    for art, (body, title) in zip(articles, bare_ents, strict=True):
        assert not art.skipped
        assert _model_mentions(art, "body") == body, art.location
        assert _model_mentions(art, "title") == title, art.location


def test_pipeline_mentions_equal_the_full_pipeline_but_where_its_parser_cuts_them(devdata_sample, full_nlp):
    """spaCy's NER never crosses a preset sentence start, and the full pipeline runs its
    parser first: its entities differ from NER alone exactly where a parser sentence
    start falls inside an entity. Anything else would be a loss of ours."""
    articles = _articles(devdata_sample)
    Tagger()(articles)
    checked = 0
    for art in articles:
        doc = full_nlp(art.body)
        ours, theirs = set(_model_mentions(art, "body")), set(_ents(doc))
        checked += len(theirs)
        cuts = [s.start_char for s in doc.sents]
        for a, b, text, _ in ours - theirs:
            assert any(a < c < b for c in cuts), (art.location, text)
        for a, b, text, _ in theirs - ours:
            assert any(a <= c < b or a < c <= b for c in cuts + [len(art.body)]) and any(
                x[0] <= a and b <= x[1] for x in ours - theirs), (art.location, text)
    assert checked > 500


def test_sentences_never_cut_an_entity_in_two(devdata_sample):
    articles = _articles(devdata_sample)
    Tagger()(articles)
    for art in articles:
        for m in art.mentions:
            if m.field == "body":
                s = art.sentences[m.sentence_idx]
                assert s.start_char <= m.start_char, (art.location, m.text)


def test_sm_runs_ner_then_senter_only(nlp):
    # senter is off in sm's default pipeline; placed before ner it would change entities
    assert nlp.pipe_names == ["ner", "senter"]


def test_model_loads_from_a_path(tmp_path, full_nlp, devdata_sample):
    full_nlp.to_disk(tmp_path / "sm-copy")
    nlp = spacy_pipeline(str(tmp_path / "sm-copy"))
    assert nlp.pipe_names == ["ner", "senter"]
    for r in devdata_sample[:10]:
        assert _ents(nlp(r["text"])) == _ents(full_nlp(r["text"]))
    arts = _articles(devdata_sample[:3])
    Tagger(str(tmp_path / "sm-copy"))(arts)
    assert all(a.sentences and a.mentions for a in arts)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(RuntimeError, match="not installed"):
        spacy_pipeline("no_such_spacy_model_xyz")


_LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}


def _parser_model(state_type: str) -> dict:
    return {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": state_type,
            "extra_state_tokens": False, "hidden_width": 32, "maxout_pieces": 2, "use_upper": True,
            "nO": None, "tok2vec": _LISTENER}


def _train(nlp, examples_data, steps=40):
    from spacy.training import Example

    examples = [Example.from_dict(nlp.make_doc(text), ann) for text, ann in examples_data]
    nlp.initialize(lambda: examples)
    for _ in range(steps):  # the parser stays as initialised: only its presence matters here
        nlp.update(examples, exclude=["parser"])
    return nlp


_TRAIN = [
    ("Anna Smith visited Paris .",
     {"entities": ["B-PERSON", "L-PERSON", "O", "U-GPE", "O"], "heads": [1, 2, 2, 2, 2],
      "deps": ["compound", "nsubj", "ROOT", "dobj", "punct"], "tags": ["NNP", "NNP", "VBD", "NNP", "."]}),
    ("Bob Jones met Carl .",
     {"entities": ["B-PERSON", "L-PERSON", "O", "U-PERSON", "O"], "heads": [1, 2, 2, 2, 2],
      "deps": ["compound", "nsubj", "ROOT", "dobj", "punct"], "tags": ["NNP", "NNP", "VBD", "NNP", "."]}),
]


def test_listener_pipeline_keeps_its_encoder_and_parser(tmp_path):
    """A trf-like layout: ner and parser listen to a shared encoder and there is no senter."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger", config={"model": {"@architectures": "spacy.Tagger.v2", "nO": None, "tok2vec": _LISTENER}})
    nlp.add_pipe("parser", config={"model": _parser_model("parser")})
    nlp.add_pipe("ner", config={"model": _parser_model("ner")})
    _train(nlp, _TRAIN)
    nlp.to_disk(tmp_path / "listeners")
    full = spacy.load(tmp_path / "listeners")
    assert ner_components(full) == ["tok2vec", "parser", "ner"]
    loaded = spacy_pipeline(str(tmp_path / "listeners"))
    assert loaded.pipe_names == ["tok2vec", "parser", "ner"]
    text = "Anna Smith visited Paris . Bob Jones met Carl . Anna Smith met Bob Jones ."
    assert _ents(full(text)), "the trained toy NER finds something"
    assert _ents(loaded(text)) == _ents(full(text))
    arts = _articles([{"id": "x", "text": text}])
    Tagger(str(tmp_path / "listeners"))(arts)
    assert arts[0].sentences, "the parser gives sentences"


def test_pipeline_without_sentence_component_gets_a_sentencizer_after_ner(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    _train(nlp, [(t, {"entities": a["entities"]}) for t, a in _TRAIN])
    nlp.to_disk(tmp_path / "ner-only")
    loaded = spacy_pipeline(str(tmp_path / "ner-only"))
    assert loaded.pipe_names == ["ner", "sentencizer"]
    text = "Anna Smith visited Paris. Bob Jones met Carl."
    assert _ents(loaded(text)) == _ents(spacy.load(tmp_path / "ner-only")(text))
    arts = _articles([{"id": "x", "text": text}])
    Tagger(str(tmp_path / "ner-only"))(arts)
    assert len(arts[0].sentences) == 2


def test_other_languages_are_skipped_and_recorded_through_entities():
    from tasks.entities import EntityResolver

    german = ("Die Bundesregierung in Berlin hat am Montag ein neues Gesetz beschlossen, das die "
              "Energiepreise senken soll, sagte Bundeskanzler Olaf Scholz vor Journalisten.")
    english = ("The city council in Leeds approved a new bridge on Monday, and construction will "
               "start in the spring, the mayor, Jane Brown, told reporters.")
    arts = _articles([{"id": "de", "text": german}, {"id": "en", "text": english}])
    arts[0].language = None  # unknown: detected
    arts.append(_articles([{"id": "fr", "text": english}])[0])
    arts[2].language = "fr"  # declared by the source
    out = Tagger()(arts)
    EntityResolver()(arts)
    de, en, fr = arts
    assert de.language == "de" and de.skipped == {"tag": "language:de", "entities": "language:de"}
    assert fr.skipped == {"tag": "language:fr", "entities": "language:fr"}
    assert not de.mentions and not de.entities and not de.sentences
    assert not en.skipped and en.entities
    assert out.stats["skipped_language"] == 2


def _with_invented_names(records, seed: int) -> list[dict]:
    """The records with a person's name nobody has seen (a new string for spaCy) added to each body."""
    rng = random.Random(seed)
    out = []
    for r in records:
        name = "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)).title()
        out.append(dict(r, text=f"{r['text']}\nThe spokesman, Mr. {name}{seed}, declined to comment."))
    return out


def _vocabulary_size(nlp) -> tuple[int, int]:
    """(strings, lexemes) in the Vocab's index; `len(nlp.vocab)` also counts freed ones."""
    return len(nlp.vocab.strings), sum(1 for _ in nlp.vocab)


def test_tagging_leaves_spacy_vocabulary_as_it_was(devdata_sample):
    """New words are transient (spaCy memory zone): the Vocab does not grow with the corpus,
    and what the stage keeps (sentences, mentions) is plain data that outlives the zone."""
    nlp = spacy_pipeline(DEFAULT_SPACY_MODEL)
    Tagger()(_articles(devdata_sample[:4]))  # the model's own first-use state
    before = _vocabulary_size(nlp)
    for seed in (1, 2):
        articles = _articles(_with_invented_names(devdata_sample, seed))
        Tagger()(articles)
        assert _vocabulary_size(nlp) == before
        invented = [m.text for a in articles for m in a.mentions if m.text.endswith(str(seed))]
        assert len(invented) >= len(articles) // 2
        for a in articles:
            assert all(a.body[m.start_char : m.end_char] == m.text for m in a.mentions if m.field == "body")
            assert all(a.body[s.start_char : s.end_char] == s.text for s in a.sentences)


def test_concurrent_tagging_equals_sequential(devdata_sample):
    """Two threads tagging at once (the thread task runner) get what one thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    batches = [_with_invented_names(devdata_sample[:18], 3), _with_invented_names(devdata_sample[18:], 4)]
    alone = [_articles(b) for b in batches]
    for arts in alone:
        Tagger()(arts)
    together = [_articles(b) for b in batches]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda arts: Tagger(batch_size=4)(arts), together))
    for a, b in zip(alone, together):
        assert [_model_mentions(x, "body") for x in a] == [_model_mentions(x, "body") for x in b]
        assert [[s.text for s in x.sentences] for x in a] == [[s.text for s in x.sentences] for x in b]
