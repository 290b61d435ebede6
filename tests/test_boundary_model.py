"""The boundary network: fitting, and averaging several fits into one network."""
from __future__ import annotations

import numpy as np
import pytest

from tasks.segment.boundary_model import BoundaryModel, average_networks, fit_mlp


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 5))
    y = ((X[:, 0] * X[:, 1] > 0) ^ (X[:, 2] > 1)).astype(float)
    return X, y


def test_average_of_networks_is_the_mean_of_their_log_odds():
    X, y = _data()
    nets = [fit_mlp(X, y, units=4, iters=200, seed=s) for s in (1, 2, 3)]
    avg = average_networks(nets)
    assert avg.hidden.shape == (5, 12)
    expected = np.mean([n.logit(X) for n in nets], axis=0)
    np.testing.assert_allclose(avg.logit(X), expected, rtol=1e-9, atol=1e-9)
    # different seeds give different networks, so the average is not any one of them
    assert np.abs(nets[0].logit(X) - nets[1].logit(X)).max() > 1e-3
    # it round-trips through the JSON form the model ships in
    again = BoundaryModel.from_dict(avg.to_dict())
    np.testing.assert_allclose(again.logit(X), expected, atol=1e-3)


def test_average_refuses_networks_with_other_standardisation_or_no_hidden_layer():
    X, y = _data()
    a = fit_mlp(X, y, units=3, iters=50, seed=1)
    b = fit_mlp(X * 2.0, y, units=3, iters=50, seed=1)
    with pytest.raises(ValueError, match="standardisation"):
        average_networks([a, b])
    linear = BoundaryModel(a.features, a.mean, a.scale, np.zeros(5), 0.0, 0.5)
    with pytest.raises(ValueError, match="hidden"):
        average_networks([a, linear])
