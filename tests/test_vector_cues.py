"""The learned opening-line cue (tasks/segment/vector_cues.py) and how the features read it."""
from __future__ import annotations

import numpy as np

from tasks.segment.features import ALL_FEATURES, feature_names, gap_features
from tasks.segment.vector_cues import CUE_NAMES, VectorCues, unit_rows


def _cues(dim: int = 8) -> VectorCues:
    return VectorCues(np.random.default_rng(0).normal(size=dim), 0.1)


def _rows(n: int, dim: int = 8) -> np.ndarray:
    return unit_rows(np.random.default_rng(1).normal(size=(n, dim)))


def test_opening_reads_the_line_after_each_gap_at_any_scale():
    cues, emb = _cues(), _rows(6)
    out = cues.gap_cues(emb)
    assert out.shape == (5, len(CUE_NAMES))
    assert np.allclose(out[:, 0], emb[1:] @ cues.open_coef + cues.open_bias)
    assert np.allclose(cues.gap_cues(3 * emb), out)  # unnormalised vectors read the same


def test_round_trip_through_json_dict():
    cues = _cues()
    assert np.allclose(VectorCues.from_dict(cues.to_dict()).gap_cues(_rows(4)), cues.gap_cues(_rows(4)), atol=1e-3)


def test_features_append_the_cue_and_mute_it_where_layout_marks_starts():
    texts = [f"Paragraph {i} of a story, which ends its sentence." for i in range(8)]
    emb, cues = _rows(8), _cues()
    X, _ = gap_features(texts, [0] * 8, emb, cues)
    assert X.shape[1] == len(feature_names(True, cues=True))
    assert X[:, ALL_FEATURES.index("vec_opening")].any()
    assert gap_features(texts, [0] * 8, emb)[0].shape[1] == len(feature_names(True))
    # a wider blank gap before one line: the dump marks its starts itself, the cue reads 0
    X, _ = gap_features(texts, [0, 0, 0, 0, 2, 0, 0, 0], emb, cues)
    assert not X[:, ALL_FEATURES.index("vec_opening")].any()
