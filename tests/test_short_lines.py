"""Dumps in short lines (wire copy, a sentence or two a line) go to the model file trained on them."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import DEVDATA
from dev_articles import held_out, wire_lines
from tasks.segment.boundaries import boundary_scores, decide, dump_lines, with_their_tops
from tasks.segment.boundary_model import DEFAULT_MODEL_PATH, load_models
from tasks.segment.features import topic_text


def _prose(words: int, n: int) -> list[str]:
    return [" ".join(f"w{n}x{i}" for i in range(words - 1)) + " end." for n in range(n)]


def _unit_rows(n: int) -> np.ndarray:
    return np.eye(n, 384)


def test_the_bundled_model_names_a_short_line_file_with_models_of_its_own():
    main = load_models()
    short = main["short_lines"]
    assert short is not None and 20 < short.max_median_words < 40
    other = load_models(str(short.path))
    assert other["short_lines"] is None  # one hop, no chain
    assert not np.array_equal(other["full"].coef, main["full"].coef)
    assert other["rejoin"] is not None and other["sequence"][0] != main["sequence"][0]


def test_a_model_file_naming_a_missing_short_line_file_fails_when_loaded(tmp_path):
    raw = json.loads(DEFAULT_MODEL_PATH.read_text())
    (tmp_path / "boundary_model.json").write_text(json.dumps(raw))  # its short-line file is not beside it
    with pytest.raises(RuntimeError, match="short-line model file that is not there"):
        load_models(str(tmp_path / "boundary_model.json"))


def test_a_dump_without_headlines_in_short_lines_is_scored_by_that_file():
    lines = dump_lines("\n".join(_prose(15, 10)))
    emb = _unit_rows(len(lines))
    scores = boundary_scores(lines, emb)
    assert scores.short_lines
    direct = boundary_scores(lines, emb, str(load_models()["short_lines"].path))
    assert np.allclose(scores.prob, direct.prob) and scores.rejoin == direct.rejoin and scores.decoder == direct.decoder
    assert not boundary_scores(lines, emb, short_lines=False).short_lines
    assert not boundary_scores(lines).short_lines  # layout only: one layout model


def test_paragraph_dumps_and_headed_dumps_keep_the_main_file():
    lines = dump_lines("\n".join(_prose(50, 10)))
    assert not boundary_scores(lines, _unit_rows(len(lines))).short_lines
    pieces = [("Rail strike called off after late-night talks", "A national rail strike planned for Thursday was called off."),
              ("Government unveils plan for housing", "The government on Tuesday unveiled a plan for new homes."),
              ("What the new visa rules mean for students", "Students who start courses after January are affected.")]
    headed = dump_lines("\n".join(x for head, lead in pieces for x in (head, lead, "Critics said the targets were missed.")))
    # short lines, but three headlines: the headline habit
    assert not boundary_scores(headed, _unit_rows(len(headed))).short_lines


@pytest.mark.slow
def test_held_out_wire_dumps_lose_fewer_starts_and_gain_fewer_false_cuts(embedder):
    rows = [r for r in map(json.loads, DEVDATA.read_text().splitlines()) if held_out(r["id"])][:104]
    errors = {True: 0, False: 0}
    for a in range(0, len(rows), 8):
        blocks = [[w for p in r["text"].split("\n") if p.strip() for w in wire_lines(p.strip())] for r in rows[a : a + 8]]
        starts = {sum(map(len, blocks[:n])) for n in range(len(blocks))}
        lines = dump_lines("\n".join(x for b in blocks for x in b))
        emb = embedder.encode([topic_text(ln.text) for ln in lines])
        for routed in errors:
            scores = boundary_scores(lines, emb, short_lines=routed)
            assert scores.short_lines == routed
            hyp = {0} | {b.index for b in with_their_tops(lines, decide(scores, decoder=scores.decoder))}
            errors[routed] += len(hyp ^ starts)
    assert errors[True] < errors[False], errors
