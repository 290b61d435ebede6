"""The segmentation benchmark's metrics (bench/segmentation/metrics.py), on cases worked by hand:
every number issue 9 is judged by comes from these."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_metrics", Path(__file__).resolve().parent.parent / "bench" / "segmentation" / "metrics.py"
)
metrics = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(metrics)

# ten lines, two articles: lines 0-4 and 5-9; k = half the mean article length = 2 (2.5 rounds to even)
REF, N = [0, 5], 10


def test_window_is_half_the_mean_article_length():
    assert metrics.window_size(REF, N) == 2
    assert metrics.window_size([0], 3) == 2 and metrics.window_size([0, 1, 2], 3) == 1


def test_a_perfect_hypothesis_scores_zero():
    assert metrics.pk(REF, REF, N) == 0.0
    assert metrics.window_diff(REF, REF, N) == 0.0


def test_a_missed_boundary_counts_the_windows_that_straddle_it():
    # 8 windows (i, i + 2); those starting at 3 and 4 straddle line 5
    assert metrics.pk(REF, [0], N) == pytest.approx(2 / 8)
    assert metrics.window_diff(REF, [0], N) == pytest.approx(2 / 8)


def test_a_false_cut_inside_an_article():
    # an extra cut at 2: windows 0 and 1 now straddle a boundary the reference does not have
    assert metrics.pk(REF, [0, 2, 5], N) == pytest.approx(2 / 8)
    # WindowDiff also counts a window holding two hypothesis boundaries where the reference has one
    assert metrics.window_diff([0, 3], [0, 2, 3], 6, k=2) == pytest.approx(2 / 4)
    assert metrics.pk([0, 3], [0, 2, 3], 6, k=2) == pytest.approx(1 / 4)


def test_exact_boundary_counts_and_f1():
    assert metrics.boundary_counts(REF, [0, 5, 7]) == (1, 2, 1)
    p, r, f = metrics.prf(1, 2, 1)
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    assert metrics.prf(0, 0, 0) == (1.0, 1.0, 1.0)  # nothing to find and nothing found


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_dumps():
    rng = np.random.default_rng(1)
    few = list(rng.uniform(0, 0.1, 20))
    lo, hi = metrics.bootstrap_interval(few)
    assert lo < np.mean(few) < hi
    lo4, hi4 = metrics.bootstrap_interval(few * 4)
    assert hi4 - lo4 < (hi - lo) * 0.7  # four times the dumps: about half the width
    assert metrics.bootstrap_interval([0.03] * 5) == (pytest.approx(0.03), pytest.approx(0.03))
    assert metrics.bootstrap_interval([0.02]) == (0.02, 0.02)
