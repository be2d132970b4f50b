"""The local distance kernels against SciPy (no communication)."""

import math

import numpy as np
import pytest
import torch
from scipy.spatial import distance

from ember.spatial._kernels import (
    canonical_metric,
    paired_distances,
    pairwise_tile,
    rows_per_tile,
)

CASES = [("euclidean", 2.0, "euclidean", {}), ("sqeuclidean", 2.0, "sqeuclidean", {}),
         ("cityblock", 1.0, "cityblock", {}), ("cosine", 2.0, "cosine", {}),
         ("chebyshev", math.inf, "chebyshev", {}), ("minkowski", 3.0, "minkowski", {"p": 3}),
         ("minkowski", 1.5, "minkowski", {"p": 1.5})]


@pytest.mark.parametrize("metric, p, scipy_metric, kwargs", CASES)
def test_pairwise_and_paired_match_scipy(rng, metric, p, scipy_metric, kwargs):
    a, b = rng.standard_normal((7, 4)), rng.standard_normal((5, 4))
    expected = distance.cdist(a, b, scipy_metric, **kwargs)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    np.testing.assert_allclose(pairwise_tile(ta, tb, metric, p).numpy(), expected,
                               rtol=1e-12, atol=1e-12)
    candidates = tb.expand(7, 5, 4)
    np.testing.assert_allclose(paired_distances(ta, candidates, metric, p).numpy(), expected,
                               rtol=1e-12, atol=1e-12)


def test_batched_tiles(rng):
    a = torch.from_numpy(rng.standard_normal((3, 6, 2)))
    tiles = pairwise_tile(a, a)
    for member in range(3):
        np.testing.assert_allclose(tiles[member].numpy(),
                                   distance.cdist(a[member], a[member]), atol=1e-12)


def test_paired_distances_are_exact_for_duplicates():
    a = torch.tensor([[1e4 + 0.1, 3e4 - 0.7]], dtype=torch.float32)
    assert paired_distances(a, a.unsqueeze(0)).item() == 0.0
    assert pairwise_tile(a, a).item() >= 0.0   # clamped, never NaN from a negative root


def test_zero_rows_have_cosine_distance_one():
    a = torch.zeros(1, 3, dtype=torch.float64)
    b = torch.ones(2, 3, dtype=torch.float64)
    assert pairwise_tile(a, b, "cosine").tolist() == [[1.0, 1.0]]


@pytest.mark.parametrize("metric, p, expected", [
    ("manhattan", None, ("cityblock", 1.0)), ("l1", None, ("cityblock", 1.0)),
    ("l2", None, ("euclidean", 2.0)), ("minkowski", None, ("euclidean", 2.0)),
    ("minkowski", 1, ("cityblock", 1.0)), ("minkowski", math.inf, ("chebyshev", math.inf)),
    ("minkowski", 3, ("minkowski", 3.0)), ("cosine", 7, ("cosine", 2.0)),
])
def test_canonical_metric(metric, p, expected):
    assert canonical_metric(metric, p) == expected


def test_canonical_metric_errors():
    with pytest.raises(ValueError, match="metric must be one of"):
        canonical_metric("hamming")
    with pytest.raises(ValueError, match="p must be greater than 0"):
        canonical_metric("minkowski", 0)
    with pytest.raises(ValueError, match="not canonical"):
        pairwise_tile(torch.ones(1, 1), torch.ones(1, 1), "manhattan")


def test_rows_per_tile():
    assert rows_per_tile(10, 8, 800) == 10
    assert rows_per_tile(10**9, 8, 800) == 1
    assert rows_per_tile(10**9, 8, 800, minimum=4) == 4


def test_the_order_defaults_to_the_metrics_own():
    a, b = torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]])
    assert pairwise_tile(a, b, "cityblock").item() == 7.0
    assert paired_distances(a, b[None], "cityblock").item() == 7.0
    assert pairwise_tile(a, b, "chebyshev").item() == 4.0
    assert paired_distances(a, b[None], "chebyshev").item() == 4.0
