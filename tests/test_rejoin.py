"""The rejoin pass: a judge of the models' cuts that reads the whole segments either side."""
from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

from conftest import DEVDATA
from tasks.segment.boundaries import (
    boundary_scores, decide, dump_lines, find_boundaries, rejoin_cuts,
)
from tasks.segment.boundary_model import DEFAULT_MODEL_PATH, BoundaryModel, load_models
from tasks.segment.rejoin import REJOIN_FEATURES, Rejoiner, SegmentView, rejoin

STORY, OTHER = np.eye(4)[0], np.eye(4)[1]


def _view(rows: list[np.ndarray], names: list[set[str]]) -> SegmentView:
    return SegmentView(np.array(rows), names, np.zeros(len(rows) - 1))


def _judge_by_similarity(threshold: float = 0.4) -> Rejoiner:
    """A judge that doubts a cut between alike segments: P(start) = sigmoid(5 - 10 cos)."""
    coef = np.array([-10.0 if f == "segment_cosine" else 0.0 for f in REJOIN_FEATURES])
    k = len(REJOIN_FEATURES)
    return Rejoiner(BoundaryModel(REJOIN_FEATURES, np.zeros(k), np.ones(k), coef, 5.0, 0.5), threshold)


def test_cut_features_read_the_segments_on_both_sides():
    view = _view([STORY] * 6 + [OTHER] * 3, [{"okonkwo"}] * 6 + [{"tanaka"}] * 3)
    inside, between = view.features([3, 6], 9)
    f = dict(zip(REJOIN_FEATURES, inside))
    assert f["segment_cosine"] == pytest.approx(1.0) and f["edge_cosine"] == pytest.approx(1.0)
    assert f["names_shared_share"] == 1.0 and f["log_rows_before"] == pytest.approx(math.log(3))
    g = dict(zip(REJOIN_FEATURES, between))  # judged against the whole segment [3, 6) before it
    assert g["segment_cosine"] == pytest.approx(0.0) and g["names_shared_share"] == 0.0
    assert g["names_shared_idf"] == 0.0 and g["opening_names_seen"] == 0.0


def test_the_judge_takes_back_a_cut_inside_a_story_and_leaves_fixed_cuts_alone():
    view = _view([STORY] * 6 + [OTHER] * 3, [set()] * 9)
    assert rejoin(view, [3, 6], set(), 9, _judge_by_similarity()) == [6]
    assert rejoin(view, [3, 6], {3}, 9, _judge_by_similarity()) == [3, 6]  # a layout rule's cut
    assert rejoin(view, [3, 6], set(), 9, _judge_by_similarity(threshold=0.0)) == [3, 6]


def test_the_judge_takes_back_the_least_likely_cut_first_then_judges_again():
    # rows 2-3 lean towards the story, rows 4-5 are the other article: the doubtful cut at 2
    # goes first, and the cut at 4, judged again against the merged segment, stays
    lean = (STORY + 0.8 * OTHER) / np.linalg.norm(STORY + 0.8 * OTHER)
    view = _view([STORY] * 2 + [lean] * 2 + [OTHER] * 2, [set()] * 6)
    assert rejoin(view, [2, 4], set(), 6, _judge_by_similarity()) == [4]


def test_the_bundled_model_names_its_judge_and_uses_it_only_with_embeddings():
    judge = load_models()["rejoin"]
    assert judge.model.features == REJOIN_FEATURES and 0 < judge.threshold < 1
    # paragraph-length lines: a dump in short lines goes to the short-line file and its own judge
    lines = dump_lines("\n".join(" ".join(["word"] * 40) + f" {n}." for n in range(2)))
    assert boundary_scores(lines).rejoin is None
    used = boundary_scores(lines, np.eye(2, 384)).rejoin
    assert used.threshold == judge.threshold and np.array_equal(used.model.coef, judge.model.coef)


def _dev(ids: list[str]) -> tuple[str, list[int]]:
    rows = {r["id"]: r for r in map(json.loads, DEVDATA.read_text().splitlines())}
    bodies = [[p for p in rows[i]["text"].split("\n") if p.strip()] for i in ids]
    starts = [sum(map(len, bodies[:n])) for n in range(len(bodies))]
    return "\n".join("\n".join(b) for b in bodies), starts


@pytest.fixture(scope="module")
def model_without_judge(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("model")
    raw = json.loads(DEFAULT_MODEL_PATH.read_text())
    raw.pop("rejoin")
    raw.pop("short_lines")  # the held-out dumps below are in paragraphs: the file it names is not needed
    shutil.copy(DEFAULT_MODEL_PATH.parent / raw["sequence"]["file"], folder)
    (folder / DEFAULT_MODEL_PATH.name).write_text(json.dumps(raw))
    return str(folder / DEFAULT_MODEL_PATH.name)


@pytest.mark.parametrize("ids", [
    # three states' primaries, then an unrelated story: the models cut where it turns to the next state
    ["wn-vat-f6cc88d2995b", "wn-vat-6e570c67ca52", "wn-vat-5261d4485796", "wn-gum-sensitive"],
    # a UK Supreme Court ruling that turns to the other courts' rulings at its end
    ["wn-vat-91f9deb293ef", "wn-vat-acc7b169b5f2", "wn-vat-40d629f9d7b3", "wn-vat-0e56b5afa77e"],
])
def test_held_out_untitled_articles_are_cut_at_their_starts_only(embedder, model_without_judge, ids):
    text, starts = _dev(ids)
    lines = dump_lines(text)
    judged = [0] + [b.index for b in find_boundaries(lines, embedder.encode)]
    unjudged = [0] + [b.index for b in find_boundaries(lines, embedder.encode, model_path=model_without_judge)]
    assert judged == starts
    assert set(judged) < set(unjudged)  # the judge only takes cuts away
    off = [0] + [b.index for b in find_boundaries(lines, embedder.encode, rejoin_threshold=0.0)]
    assert off == unjudged  # a threshold of 0 turns the pass off


@pytest.mark.parametrize("text", [
    "One story's first paragraph.\nIts second paragraph.\n\nAnother story's lead.\nIts end.\n\nA third story.\nEnds.",
    "Headline one\nA story under it.\nMore of it.\nHeadline two\nAnother story.\nMore.\nHeadline three\nA third.\nEnd.",
])
def test_a_dump_that_marks_its_starts_is_not_judged(text):
    lines = dump_lines(text)
    scores = boundary_scores(lines, np.eye(len(lines), 384))
    found = {scores.index.index(b.index): b for b in decide(scores, decoder=scores.decoder)}
    assert rejoin_cuts(scores, found) is None


def test_the_rejoin_threshold_is_a_setting_and_a_segment_option(embedder, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.settings import load_settings

    monkeypatch.setenv("NEWSFLOW_REJOIN_THRESHOLD", "0.6")
    assert load_settings().rejoin_threshold == 0.6
    monkeypatch.delenv("NEWSFLOW_REJOIN_THRESHOLD")
    text, starts = _dev(["wn-vat-f6cc88d2995b", "wn-vat-6e570c67ca52", "wn-vat-5261d4485796", "wn-gum-sensitive"])
    runs = {}
    for threshold in ("0", "0.4"):
        result = CliRunner().invoke(app, ["segment", "-", "--rejoin-threshold", threshold], input=text)
        assert result.exit_code == 0, result.output
        runs[threshold] = [row["location"] for row in json.loads(result.output)]
    assert len(runs["0.4"]) == len(starts) < len(runs["0"])
