"""Learned embedding cues (tasks/segment/vector_cues.py) and how the features read them."""
from __future__ import annotations

import numpy as np

from tasks.segment.features import ALL_FEATURES, gap_features
from tasks.segment.vector_cues import CUE_NAMES, VectorCues


def _cues(dim: int = 8) -> VectorCues:
    rng = np.random.default_rng(0)
    return VectorCues(rng.normal(size=2 * dim), -0.5, rng.normal(size=dim), 0.1, rng.normal(size=dim), -0.2)


def _unit_rows(n: int, dim: int = 8) -> np.ndarray:
    x = np.random.default_rng(1).normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_same_article_is_symmetric_and_scale_free():
    cues, v = _cues(), _unit_rows(2)
    a, b = v[:1], v[1:]
    assert np.allclose(cues.same_article(a, b), cues.same_article(b, a))
    assert np.allclose(cues.same_article(3 * a, b), cues.same_article(a, b))  # window sums or means alike


def test_gap_cues_read_the_right_lines():
    cues, emb = _cues(), _unit_rows(6)
    out = cues.gap_cues(emb)
    assert out.shape == (5, len(CUE_NAMES))
    # opening reads the line after each gap, closing the line before it
    assert np.allclose(out[:, 2], emb[1:] @ cues.open_coef + cues.open_bias)
    assert np.allclose(out[:, 3], emb[:-1] @ cues.close_coef + cues.close_bias)
    assert np.allclose(out[:, 0], cues.same_article(emb[:-1], emb[1:]))


def test_round_trip_through_json_dict():
    cues = _cues()
    back = VectorCues.from_dict(cues.to_dict())
    assert np.allclose(back.gap_cues(_unit_rows(4)), cues.gap_cues(_unit_rows(4)), atol=1e-3)


def test_features_append_cues_and_mute_the_register_where_layout_marks_starts():
    texts = [f"Paragraph {i} of a story, which ends its sentence." for i in range(8)]
    emb, cues = _unit_rows(8), _cues()
    X, _ = gap_features(texts, [0] * 8, emb, cues)
    assert X.shape[1] == len(ALL_FEATURES)
    assert np.abs(X[:, ALL_FEATURES.index("vec_opening")]).sum() > 0
    assert gap_features(texts, [0] * 8, emb)[0].shape[1] == len(ALL_FEATURES) - len(CUE_NAMES)
    # blank lines before some lines: the dump marks its starts, opening/closing read 0
    X, _ = gap_features(texts, [0, 0, 0, 0, 2, 0, 0, 0], emb, cues)
    assert not X[:, ALL_FEATURES.index("vec_opening") :].any()
    assert X[:, ALL_FEATURES.index("vec_same_w1")].any()
