"""The gap sequence model: numpy inference equals the torch nets it was trained as, its
inputs are what it was trained on, and the boundary model mixes it in as its file says."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tasks.segment.boundaries import boundary_scores, dump_lines
from tasks.segment.boundary_model import DEFAULT_MODEL_PATH, load_models
from tasks.segment.cohesion import COHESION_FEATURES, cohesion_cues
from tasks.segment.features import feature_names, gap_features
from tasks.segment.sequence_model import GapSequenceModel, load_sequence_model, sequence_inputs, similarity_band


def _torch_nets(inputs: int, n: int):
    """Nets shaped as bench/segmentation/sequence_train.py's GapGRU, random weights."""
    import torch

    nets = []
    for seed in range(n):
        torch.manual_seed(seed)
        net = torch.nn.Module()
        net.inp = torch.nn.Sequential(torch.nn.Linear(inputs, 6), torch.nn.ReLU())
        net.gru = torch.nn.GRU(6, 5, batch_first=True, bidirectional=True)
        net.out = torch.nn.Sequential(torch.nn.Linear(16, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
        nets.append(net.eval())
    return nets


def _torch_logit(net, z):
    import torch

    with torch.no_grad():
        h = net.inp(torch.from_numpy(z)[None])
        g, _ = net.gru(h)
        return net.out(torch.cat([h, g], -1))[0, :, 0].numpy()


def test_numpy_inference_equals_the_torch_nets():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(23, 7)).astype(np.float32)
    mean, scale = rng.normal(size=7).astype(np.float32), rng.uniform(0.5, 2, size=7).astype(np.float32)
    nets = _torch_nets(7, 2)
    weights = {"features": np.array(["a", "b"]), "mean": mean, "scale": scale, "nets": np.array(2)}
    for i, net in enumerate(nets):
        weights |= {f"{i}.{k}": v.numpy() for k, v in net.state_dict().items()}
    expected = np.mean([_torch_logit(net, (rows - mean) / scale) for net in nets], axis=0)[1:]
    got = GapSequenceModel(weights).logit(rows)
    assert got.shape == (22,) and np.allclose(got, expected, atol=1e-5)
    assert GapSequenceModel(weights).band == 4 and GapSequenceModel(weights | {"band": np.array(8)}).band == 8
    # both directions count: a change at the end moves the first gap's score
    changed = rows.copy()
    changed[-1] += 3.0
    assert GapSequenceModel(weights).logit(changed)[0] != got[0]


def test_similarity_band_holds_each_lines_cosine_to_its_neighbours():
    emb = np.eye(6, 6, dtype=np.float32)
    emb[2] = emb[1]  # lines 1 and 2 say the same
    band = similarity_band(emb, band=2)  # columns: -2, -1, +1, +2
    assert band.shape == (6, 4)
    assert band[2].tolist() == [0.0, 1.0, 0.0, 0.0] and band[1].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert band[0, :2].tolist() == [0.0, 0.0]  # nothing before the first line
    X = np.ones((5, 3), dtype=np.float32)
    rows = sequence_inputs(X, emb)
    assert rows.shape == (6, 3 + 8) and rows[0, :3].tolist() == [0.0] * 3 and rows[1, :3].tolist() == [1.0] * 3


def test_cohesion_counts_rare_names_on_both_sides_of_a_gap():
    sets = [{"jorgensen", "trump"}, {"trump"}, {"armenia", "trump"}, {"jorgensen", "trump"}, {"nairobi", "trump"}]
    cues = cohesion_cues(sets)
    col = {f: j for j, f in enumerate(COHESION_FEATURES)}
    assert cues.shape == (4, len(COHESION_FEATURES))
    # "trump" is on every line (idf 0); "jorgensen" bridges the gaps between lines 0 and 3
    assert cues[:3, col["names_bridge5"]].min() > 0 and cues[3, col["names_bridge5"]] == 0.0
    assert cues[2, col["cur_names_seen8"]] > 0 and cues[1, col["cur_names_seen8"]] == 0.0
    assert cohesion_cues([{"trump"}] * 4).max() == 0.0


def test_gap_features_add_the_cohesion_columns_last():
    texts = ["Talks between Armenia and Azerbaijan resumed on Monday in Geneva.",
             "Officials from Armenia said a deal was close.",
             "Shares in the chipmaker Ardent rose 8 percent in Tokyo."]
    emb = np.eye(3, 8, dtype=np.float32)
    X, _ = gap_features(texts, [0, 0, 0], emb, cohesion=True)
    names = feature_names(True, cohesion=True)
    assert X.shape[1] == len(names) and names[-len(COHESION_FEATURES):] == COHESION_FEATURES
    assert X[0, names.index("cur_names_seen8")] > 0 and X[1, names.index("cur_names_seen8")] == 0


LINES = [
    "The council approved the tram budget on Tuesday after two years of debate.",
    "Mayor Helena Kowalski said construction would start next spring.",
    "A winter storm cut electricity to about 35,000 homes on the coast overnight.",
    "Fallen trees blocked several roads and rail services were suspended.",
]


def _model_copy(folder, weight: float | None, copy_weights: bool = True) -> str:
    """The bundled model file in `folder`, its sequence weight set (None: no sequence model)."""
    folder.mkdir(exist_ok=True)
    raw = json.loads(DEFAULT_MODEL_PATH.read_text())
    raw.pop("short_lines")  # one set of models: the network and its sequence model under test
    if weight is None:
        raw.pop("sequence", None)
    else:
        raw["sequence"]["weight"] = weight
    if copy_weights and weight is not None:
        shutil.copy(DEFAULT_MODEL_PATH.with_name(raw["sequence"]["file"]), folder)
    path = folder / "boundary_model.json"
    path.write_text(json.dumps(raw))
    load_models.cache_clear()
    return str(path)


def test_the_bundled_model_mixes_the_sequence_model_in_by_its_weight(tmp_path):
    raw = json.loads(DEFAULT_MODEL_PATH.read_text())
    assert raw["sequence"]["weight"] > 0
    seq = load_sequence_model(DEFAULT_MODEL_PATH.with_name(raw["sequence"]["file"]))
    assert seq.features == tuple(feature_names(True, cohesion=True)) and len(seq.nets) >= 1
    lines = dump_lines("\n".join(LINES))
    emb = np.eye(len(LINES), 8, dtype=np.float32)
    bundled = boundary_scores(lines, emb, short_lines=False).prob  # these lines are short: keep the main file
    network = boundary_scores(lines, emb, _model_copy(tmp_path / "network", None)).prob
    none = boundary_scores(lines, emb, _model_copy(tmp_path / "weight0", 0.0)).prob
    assert np.allclose(network, none)  # weight 0: the network's scores alone
    assert not np.allclose(bundled, network)
    # no embeddings: the layout model alone, the sequence model is not read
    assert boundary_scores(lines, None).prob.shape == (3,)


def test_a_missing_sequence_file_fails_clearly(tmp_path):
    path = _model_copy(tmp_path, 0.5, copy_weights=False)
    with pytest.raises(RuntimeError, match="boundary sequence model"):
        boundary_scores(dump_lines("\n".join(LINES)), np.eye(len(LINES), 8, dtype=np.float32), path)
