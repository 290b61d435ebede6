"""Openings that continue the previous line, and their columns in the gap features."""
from __future__ import annotations

import numpy as np
import pytest

from tasks.segment.continuation import CONTINUATION_FEATURES, continuation_cues
from tasks.segment.features import feature_names, gap_features


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("He told reporters the plan would go ahead.", (True, False, True)),
        ("On Tuesday, she announced her resignation.", (True, False, False)),
        ("“They will not stop us,” the minister said.", (True, False, False)),
        ("However, the court rejected the appeal.", (False, True, False)),
        ("Meanwhile, prices kept rising across the region.", (False, True, False)),
        ("This comes a week after the first strike.", (False, True, False)),
        ("“We are ready,” he said on Monday.", (False, False, True)),
        ("Prices will fall next year, said she.", (False, False, True)),
        # article openings: names and news, no reference back
        ("The city council on Tuesday approved a budget of 420 million euros.", (False, False, False)),
        ("This Sunday, a French inventor crossed the Channel on a jet-powered board.", (False, False, False)),
        ("Theresa May said on Friday that talks would resume.", (False, False, False)),
        ("Shares of Veltrix rose 8 percent after record profits.", (False, False, False)),
        ("Itself a survivor, the mayor opened the memorial.", (False, False, False)),
    ],
)
def test_continuation_cues(line, expected):
    assert continuation_cues(line) == expected


def test_gap_features_append_continuation_columns_only_when_asked():
    texts = [
        "The storm cut power to 35,000 homes on the coast overnight.",
        "He said crews would work through the night to restore it.",
        "Shares of the chipmaker rose 8 percent on record profit.",
        "However, analysts warned that demand could slow next year.",
    ]
    emb = np.random.default_rng(0).normal(size=(4, 8)).astype(np.float32)
    names = feature_names(True, continuation=True)
    X, idx = gap_features(texts, [0] * 4, emb, continuation=True)
    assert X.shape == (3, len(names)) and idx == [1, 2, 3]
    cont = X[:, [names.index(f) for f in CONTINUATION_FEATURES]]
    np.testing.assert_array_equal(cont, [[1, 0, 1], [0, 0, 0], [0, 1, 0]])
    assert gap_features(texts, [0] * 4, emb)[0].shape[1] == len(feature_names(True))
    # without embeddings only the layout model's columns
    assert gap_features(texts, [0] * 4, None, continuation=True)[0].shape[1] == len(feature_names(False))
