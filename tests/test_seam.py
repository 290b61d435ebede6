"""The seam scorer: adapters merged at load time score as the adapted encoder did in
training, and its score reaches the boundary model as one more gap feature."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tasks.segment.boundaries import boundary_scores, dump_lines
from tasks.segment.boundary_model import DEFAULT_MODEL_PATH, load_models
from tasks.segment.features import SEAM_FEATURES, feature_names, gap_features
from tasks.segment.seam import LowRankAdapters, SeamScorer, seam_pair


def test_seam_pair_keeps_the_end_before_and_the_start_after():
    prev = " ".join(f"b{i}" for i in range(100))
    cur = " ".join(f"a{i}" for i in range(100))
    before, after = seam_pair(prev, cur)
    assert before.split()[-1] == "b99" and after.split()[0] == "a0"
    assert len(before.split()) == len(after.split()) == 40


def test_merged_adapters_score_as_the_adapted_encoder(tmp_path):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from tasks.models import DEFAULT_EMBEDDING_MODEL, embedding_model_path

    path = embedding_model_path(DEFAULT_EMBEDDING_MODEL)
    model = AutoModel.from_pretrained(str(path)).eval()
    adapters = LowRankAdapters(model, rank=4, alpha=8, seed=3)
    with torch.no_grad():
        for _, B in adapters.params.values():
            B.normal_(0, 0.05)  # trained adapters are not zero; the merge must carry them
    rng = np.random.default_rng(0)
    head_w, head_b = rng.normal(size=model.config.hidden_size).astype(np.float32), 0.25
    pairs = [("The minister resigned on Friday after the vote.", "Shares in the chipmaker rose 8 percent."),
             ("Talks will resume next week.", "He said the union would not accept the offer.")]
    tok = AutoTokenizer.from_pretrained(str(path))
    with torch.no_grad():
        enc = tok(*map(list, zip(*pairs)), padding=True, return_tensors="pt")
        hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        expected = ((hidden * mask).sum(1) / mask.sum(1)).numpy() @ head_w + head_b
    weights = tmp_path / "seam.npz"
    np.savez(weights, base=np.array(DEFAULT_EMBEDDING_MODEL), head_w=head_w, head_b=np.array(head_b), **adapters.arrays())
    assert np.allclose(SeamScorer(weights).score(pairs), expected, atol=1e-4)
    # the same head over the unadapted encoder scores otherwise: the adapters are in the merge
    np.savez(weights, base=np.array(DEFAULT_EMBEDDING_MODEL), head_w=head_w, head_b=np.array(head_b),
             **{k: v * 0 if k.endswith(".B") else v for k, v in adapters.arrays().items()})
    plain = SeamScorer(weights).score(pairs)
    assert not np.allclose(plain, expected, atol=1e-2)


def test_unreadable_weights_fail_clearly(tmp_path):
    with pytest.raises(RuntimeError, match="seam model"):
        SeamScorer(tmp_path / "missing.npz")


LINES = [
    "The council approved the tram budget on Tuesday after two years of debate.",
    "Mayor Helena Kowalski said construction would start next spring.",
    "A winter storm cut electricity to about 35,000 homes on the coast overnight.",
    "Fallen trees blocked several roads and rail services were suspended.",
]


def _seam_of_lengths(pairs):
    return np.array([len(p) - len(c) for p, c in pairs], dtype=float)


def test_seam_score_is_the_last_feature_column_unless_blank_lines_mark_the_starts():
    emb = np.eye(len(LINES), 8, dtype=np.float32)
    X, idx = gap_features(LINES, [0] * len(LINES), emb, seam=_seam_of_lengths)
    assert X.shape[1] == len(feature_names(True, seam=True)) and feature_names(True, seam=True)[-1] == SEAM_FEATURES[0]
    assert X[:, -1].tolist() == _seam_of_lengths(list(zip(LINES, LINES[1:]))).tolist()
    called = []
    X, _ = gap_features(LINES, [0, 0, 2, 0], emb, seam=lambda pairs: called.append(pairs) or _seam_of_lengths(pairs))
    assert not called and X[:, -1].tolist() == [0.0] * 3  # the dump marks its starts with blank lines


def test_a_model_that_reads_seam_scores_needs_a_seam_file(tmp_path):
    raw = json.loads(DEFAULT_MODEL_PATH.read_text())
    raw.pop("short_lines")
    full = raw["full"]
    full["features"].append(SEAM_FEATURES[0])
    full["mean"].append(0.0)
    full["scale"].append(1.0)
    full["hidden"].append([0.0] * len(full["hidden"][0]))
    if raw.get("sequence"):  # the bundled model's sequence weights, beside the copy as beside the original
        shutil.copy(DEFAULT_MODEL_PATH.with_name(raw["sequence"]["file"]), tmp_path)
    path = tmp_path / "boundary_model.json"
    path.write_text(json.dumps(raw))
    lines = dump_lines("\n".join(LINES))
    emb = np.eye(len(LINES), 8, dtype=np.float32)
    with pytest.raises(RuntimeError, match="names no seam file"):
        boundary_scores(lines, emb, str(path))
    # with a scorer given, the zero-weighted seam column leaves the bundled model's scores as they were
    given = boundary_scores(lines, emb, str(path), seam=_seam_of_lengths)
    assert np.allclose(given.prob, boundary_scores(lines, emb, short_lines=False).prob)
    raw["seam"] = "seam.npz"
    path.write_text(json.dumps(raw))
    load_models.cache_clear()
    assert load_models(str(path))["seam"] == tmp_path / "seam.npz"
