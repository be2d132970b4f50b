"""local_outlier_factor (many small LOF problems at once) against a loop of
scikit-learn's LocalOutlierFactor fits, for every split of the batch."""

import warnings

import numpy as np
import pytest
from _neighbors_checks import first_rank_empty
from sklearn.neighbors import LocalOutlierFactor

import ember as em
from ember.testing import assert_allclose, assert_invariants


def _batches(rng, batch=7, n=40, d=3):
    """Gaussian data sets with planted outliers and, in member 1, more exact duplicates
    than neighbours."""
    x = rng.standard_normal((batch, n, d))
    x[:, :3] *= 8  # outliers
    x[1, 5:20] = x[1, 4]  # 16 copies of one point
    x[2, n - 4: n - 1] = x[2, n - 5]  # a few duplicates
    return x


def _oracle(x, k, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.stack([-LocalOutlierFactor(k, **kwargs).fit(m).negative_outlier_factor_
                         for m in x])


def test_matches_sklearn_for_every_split(rng, comm):
    x = _batches(rng)
    expected = _oracle(x, 10)
    for split in (None, 0, 1, 2):
        scores = em.neighbors.local_outlier_factor(em.array(x, split=split), 10)
        assert_invariants(scores)
        assert scores.split == (None if split is None else 0)
        assert_allclose(scores, expected, rtol=1e-10)
    scores = em.neighbors.local_outlier_factor(x, 10)  # NumPy
    assert scores.split is None
    assert_allclose(scores, expected, rtol=1e-10)


def test_uneven_batches_small_budget_and_float32(rng, comm):
    x = _batches(rng, batch=5, n=25)
    expected = _oracle(x, 6)
    data = em.array(x, split=0).redistribute(first_rank_empty(5, comm.size))
    scores = em.neighbors.local_outlier_factor(data, 6, memory_budget=1)  # one per chunk
    assert scores.counts == data.counts
    assert_allclose(scores, expected, rtol=1e-10)
    chunked = em.neighbors.local_outlier_factor(data, 6, memory_budget=3 * 25 * 25 * 8)
    assert_allclose(chunked, expected, rtol=1e-10)
    single = em.neighbors.local_outlier_factor(data.astype(em.float32), 6)
    assert single.dtype == em.float32
    assert_allclose(single, expected.astype(np.float32), rtol=2e-4)


def test_float32_far_from_the_origin(rng, comm):
    # pixel values around 1000 varying by 0.01: the matrix-product distances of raw
    # float32 values would be noise; centring each member keeps them accurate
    x = 1000 + 0.01 * rng.standard_normal((4, 50, 9))
    expected = _oracle(x.astype(np.float32).astype(np.float64), 10)
    scores = em.neighbors.local_outlier_factor(em.array(x.astype(np.float32), split=0), 10)
    assert_allclose(scores, expected.astype(np.float32), rtol=1e-4)


def test_fewer_members_than_processes_and_integers(rng, comm):
    x = rng.integers(0, 50, (2, 12, 2))
    expected = _oracle(x.astype(float), 4)
    scores = em.neighbors.local_outlier_factor(em.array(x, split=0), 4)
    assert scores.dtype == em.float64
    assert_allclose(scores, expected, rtol=1e-10)
    empty = em.neighbors.local_outlier_factor(em.zeros((0, 5, 2), split=0), 3)
    assert empty.shape == (0, 5)


def test_two_dimensional_input_means_one_feature(rng, comm):
    x = rng.standard_normal((4, 15))
    expected = _oracle(x[..., None], 5)
    for split in (None, 0, 1):
        assert_allclose(em.neighbors.local_outlier_factor(em.array(x, split=split), 5),
                        expected, rtol=1e-10)


@pytest.mark.parametrize("metric, p", [("manhattan", 2), ("chebyshev", 2), ("minkowski", 3),
                                       ("minkowski", 1), ("cosine", 2)])
def test_metrics(rng, comm, metric, p):
    x = _batches(rng, batch=3, n=20)
    expected = _oracle(x, 5, metric=metric, p=p)
    scores = em.neighbors.local_outlier_factor(em.array(x, split=0), 5, metric=metric, p=p)
    assert_allclose(scores, expected, rtol=1e-9)


def test_n_neighbors_is_clipped_with_sklearn_warning(rng, comm):
    x = rng.standard_normal((3, 6, 2))
    with pytest.warns(UserWarning, match=r"n_neighbors \(9\) is greater than the total "
                                         r"number of samples \(6\)"):
        scores = em.neighbors.local_outlier_factor(em.array(x, split=0), 9)
    assert_allclose(scores, _oracle(x, 9), rtol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # k = n: clipped silently, as scikit-learn
        assert_allclose(em.neighbors.local_outlier_factor(x, 6), _oracle(x, 5), rtol=1e-10)


def test_errors_on_every_rank(rng, comm):
    lof = em.neighbors.local_outlier_factor
    x = rng.standard_normal((2 * comm.size + 1, 5, 2))
    with pytest.raises(ValueError, match="at least 2 samples"):
        lof(em.array(x[:, :1], split=0), 1)
    with pytest.raises(ValueError, match="n_neighbors must be at least 1"):
        lof(x, 0)
    with pytest.raises(TypeError, match="n_neighbors must be an int"):
        lof(x, 2.0)
    with pytest.raises(ValueError, match="must be"):
        lof(x[0, 0], 2)
    with pytest.raises(ValueError, match="metric"):
        lof(x, 2, metric="bogus")
    with pytest.raises(ValueError, match="memory_budget"):
        lof(x, 2, memory_budget=0)
    x[-1, -1, -1] = np.nan  # on the last rank only
    with pytest.raises(ValueError, match="Input X contains NaN"):
        lof(em.array(x, split=0), 2)
    x[-1, -1, -1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        lof(em.array(x, split=0), 2)


def test_split_batches_move_nothing(rng, comm, monkeypatch):
    from ember.comm import Communicator
    calls = []
    for name in ("Allgather", "Allgatherv", "Alltoall", "Alltoallv", "Bcast"):
        original = getattr(Communicator, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(Communicator, name, counting)
    em.neighbors.local_outlier_factor(em.array(_batches(rng), split=0), 5)
    monkeypatch.undo()
    assert calls == []
