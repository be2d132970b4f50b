"""KMedians and KMedoids against NumPy/SciPy implementations of the same iterations.

The oracles run the same alternation as the ember estimators (assignment by the
metric's argmin, ties to the lowest index; then the update; stop when no label changed
or the squared centre shift is within ``tol`` times the mean feature variance) on the
whole data in one process, from the same initial centres.
"""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist
from sklearn.datasets import load_iris, make_blobs

import ember as em
from ember.cluster import KMedians, KMedoids
from ember.cluster._init import kmeans_plusplus_local, random_samples
from ember.cluster._kmedians import cluster_medians
from ember.cluster._kmedoids import medoid_update
from ember.comm import Communicator
from ember.core.distribution import balanced_counts
from ember.testing import assert_allclose, assert_array_equal
from ember.utils.validation import NotFittedError


# --------------------------------------------------------------------------------------
# data, input layouts and oracles
# --------------------------------------------------------------------------------------
def _iris():
    X = load_iris().data
    return (X - X.mean(0)) / X.std(0)


def _blobs():
    return make_blobs(n_samples=180, centers=4, n_features=3, random_state=3)[0]


def _uneven_counts(n, size):
    """Counts with an empty first rank (when there are several)."""
    return (n,) if size == 1 else (0, *balanced_counts(n, size - 1))


def _layouts(X, comm):
    """(name, input, labels' split) for every supported input layout."""
    split0 = em.array(X, split=0)
    yield "split0", split0, 0
    yield "uneven", split0.redistribute(_uneven_counts(len(X), comm.size)), 0
    yield "replicated", em.array(X), None
    yield "numpy", X, None
    yield "split1", em.array(X, split=1), 0


def _lloyd(X, centers, cost, update, max_iter=300, tol=1e-4):
    """The iteration driver of ember.cluster in NumPy; returns (centers, labels, n_iter)."""
    Xd = X.astype(np.float64)
    threshold = tol * Xd.var(axis=0).mean() if tol else 0.0
    previous = np.full(len(X), -1)
    strict, n_iter = False, 0
    while n_iter < max_iter:
        n_iter += 1
        labels = cost(X, centers).argmin(1)
        changed = (labels != previous).sum()
        new = update(X, labels, centers)
        shift = ((new.astype(np.float64) - centers) ** 2).sum()
        centers = new
        if changed == 0:
            strict = True
            break
        if shift <= threshold:
            break
        previous = labels
    if not strict:
        labels = cost(X, centers).argmin(1)
    return centers, labels, n_iter


def kmedians_oracle(X, init, max_iter=300, tol=1e-4):
    def update(X, labels, centers):
        return np.array([np.median(X[labels == j], axis=0) if (labels == j).any()
                         else centers[j] for j in range(len(centers))], dtype=X.dtype)

    def cost(X, centers):
        return cdist(X.astype(np.float64), centers.astype(np.float64), "cityblock")

    centers, labels, n_iter = _lloyd(X, init.astype(X.dtype), cost, update, max_iter, tol)
    inertia = np.abs(X.astype(np.float64) - centers[labels]).sum()
    return centers, labels, inertia, n_iter


def kmedoids_oracle(X, init, metric="euclidean", indices=None, max_iter=300):
    """scikit-learn-extra's alternate method with ember's tie rule (the current medoid
    stays, else the lowest index)."""
    D = cdist(X, X, metric)
    state = {"indices": np.full(len(init), -1) if indices is None else indices.copy()}

    def update(X, labels, centers):
        new = centers.copy()
        for j in range(len(centers)):
            members = np.flatnonzero(labels == j)
            if members.size == 0:
                continue
            costs = D[np.ix_(members, members)].sum(1)
            candidates = members[costs == costs.min()]
            if state["indices"][j] not in candidates:
                state["indices"][j] = candidates.min()
                new[j] = X[state["indices"][j]]
        return new

    def cost(X, centers):
        return cdist(X, centers, metric)

    centers, labels, n_iter = _lloyd(X, init.astype(X.dtype), cost, update, max_iter, 0)
    inertia = cdist(X, centers, metric)[np.arange(len(X)), labels].sum()
    return centers, labels, inertia, n_iter, state["indices"]


def _check_fit(est, X, expected, labels_split, rtol=1e-10):
    centers, labels, inertia, n_iter = expected[:4]
    assert_allclose(est.cluster_centers_, centers, rtol=rtol, atol=1e-12, split=None)
    assert_array_equal(est.labels_, labels, dtype=em.int32, split=labels_split)
    assert est.inertia_ == pytest.approx(inertia, rel=1e-8)
    assert est.n_iter_ == n_iter
    assert est.n_features_in_ == X.shape[1]
    assert isinstance(est.inertia_, float) and isinstance(est.n_iter_, int)


def _block(X, counts, rank):
    start = sum(counts[:rank])
    return X[start:start + counts[rank]], start


# --------------------------------------------------------------------------------------
# the update steps alone
# --------------------------------------------------------------------------------------
def test_cluster_medians_matches_numpy_median(comm, rng):
    for dtype in (np.float32, np.float64):
        for trial in range(8):
            n, d, k = int(rng.integers(1, 40)), int(rng.integers(1, 4)), int(rng.integers(1, 5))
            X = (rng.standard_normal((n, d)) * 10.0 ** rng.integers(-3, 4)).astype(dtype)
            if trial % 2:
                X = np.round(X)  # ties, zeros and -0.0
            X[: n // 3] *= -1
            labels = rng.integers(0, k, n)
            counts = _uneven_counts(n, comm.size) if trial % 3 else balanced_counts(n, comm.size)
            block, start = _block(X, counts, comm.rank)
            old = np.full((k, d), 7.0, dtype)
            got, carry = cluster_medians(torch.from_numpy(block),
                                         torch.from_numpy(labels[start:start + len(block)]),
                                         torch.from_numpy(old), comm,
                                         torch.tensor([1.0], dtype=torch.float64))
            expected = np.array([np.median(X[labels == j], axis=0) if (labels == j).any()
                                 else old[j] for j in range(k)])
            assert got.dtype == torch.from_numpy(X).dtype
            np.testing.assert_array_equal(got.numpy(), expected)
            assert float(carry[0]) == comm.size


@pytest.mark.parametrize("metric", ["euclidean", "cityblock"])
def test_medoid_update_matches_numpy(comm, rng, metric):
    p = 1.0 if metric == "cityblock" else 2.0
    for trial in range(6):
        n, d, k = int(rng.integers(1, 40)), int(rng.integers(2, 4)), int(rng.integers(1, 5))
        X = rng.standard_normal((n, d))
        labels = rng.integers(0, k, n)
        indices = rng.integers(-1, n, k)
        medoids = np.where(indices[:, None] >= 0, X[np.maximum(indices, 0)], 5.0)
        counts = _uneven_counts(n, comm.size) if trial % 2 else balanced_counts(n, comm.size)
        block, start = _block(X, counts, comm.rank)
        got, got_indices, _ = medoid_update(
            torch.from_numpy(block), torch.from_numpy(labels[start:start + len(block)]),
            counts, torch.from_numpy(medoids), torch.from_numpy(indices), comm, metric, p)
        D = cdist(X, X, metric)
        expected, expected_indices = medoids.copy(), indices.copy()
        for j in range(k):
            members = np.flatnonzero(labels == j)
            if members.size:
                costs = D[np.ix_(members, members)].sum(1)
                candidates = members[costs == costs.min()]
                if indices[j] not in candidates:
                    expected_indices[j] = candidates.min()
                    expected[j] = X[candidates.min()]
        np.testing.assert_array_equal(got_indices.numpy(), expected_indices)
        np.testing.assert_array_equal(got.numpy(), expected)


# --------------------------------------------------------------------------------------
# KMedians
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [_iris, _blobs])
def test_kmedians_matches_oracle_for_every_layout(comm, data):
    X = data()
    init = X[np.random.default_rng(0).choice(len(X), 4, replace=False)]
    expected = kmedians_oracle(X, init)
    for _, Xin, labels_split in _layouts(X, comm):
        est = KMedians(n_clusters=4, init=init).fit(Xin)
        _check_fit(est, X, expected, labels_split)


def test_kmedians_float32_and_tol(comm):
    X = _blobs().astype(np.float32)
    init = X[[0, 1, 2]]
    for tol in (0.0, 1e-1):
        expected = kmedians_oracle(X, init, tol=tol)
        est = KMedians(n_clusters=3, init=init, tol=tol).fit(em.array(X, split=0))
        assert est.cluster_centers_.dtype == em.float32
        _check_fit(est, X, expected, 0, rtol=1e-6)


def test_kmedians_plusplus_and_random_do_not_depend_on_processes(comm):
    X = _blobs()
    alone = Communicator(None)
    Xt = torch.from_numpy(X)
    seed = 5
    plusplus = kmeans_plusplus_local(Xt, None, (len(X),), alone, 4,
                                     np.random.default_rng(seed), "cityblock")[0].numpy()
    randomly = random_samples(Xt, None, (len(X),), alone, 4, seed)[0].numpy()
    for init, centers in (("k-medians++", plusplus), ("random", randomly)):
        est = KMedians(n_clusters=4, init=init, random_state=seed).fit(em.array(X, split=0))
        _check_fit(est, X, kmedians_oracle(X, centers), 0)


def test_kmedians_api(comm):
    X = _blobs()
    est = KMedians(n_clusters=4, init=X[:4])
    labels = est.fit_predict(em.array(X, split=0))
    assert_array_equal(labels, est.labels_.numpy(), split=0)
    centers = est.cluster_centers_.numpy()
    Y = X[::7] + 0.25
    expected = cdist(Y, centers, "cityblock")
    assert_array_equal(est.predict(Y), expected.argmin(1), dtype=em.int32, split=None)
    assert_allclose(est.transform(em.array(Y, split=0)), expected, rtol=1e-12, split=0)
    assert est.score(Y) == pytest.approx(-expected.min(1).sum(), rel=1e-12)
    assert_allclose(est.fit_transform(X), cdist(X, centers, "cityblock"), rtol=1e-12,
                    split=None)
    assert est.get_params()["init"] is est.init
    assert repr(KMedians(n_clusters=3)) == "KMedians(n_clusters=3)"


# --------------------------------------------------------------------------------------
# KMedoids
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["euclidean", "cityblock"])
def test_kmedoids_matches_oracle_for_every_layout(comm, metric):
    X = _iris()
    init = X[[0, 60, 120]] + 0.1  # not samples: they become samples at the first update
    centers, labels, inertia, n_iter, indices = kmedoids_oracle(X, init, metric)
    for _, Xin, labels_split in _layouts(X, comm):
        est = KMedoids(n_clusters=3, metric=metric, init=init).fit(Xin)
        _check_fit(est, X, (centers, labels, inertia, n_iter), labels_split)
        np.testing.assert_array_equal(est.medoid_indices_, indices)
        np.testing.assert_array_equal(X[est.medoid_indices_], centers)


def test_kmedoids_plusplus_random_and_float32(comm):
    X = _blobs()
    alone, seed = Communicator(None), 11
    Xt = torch.from_numpy(X)
    for init in ("k-medoids++", "random"):
        if init == "random":
            start, idx = random_samples(Xt, None, (len(X),), alone, 4, seed)
        else:
            start, idx = kmeans_plusplus_local(Xt, None, (len(X),), alone, 4,
                                               np.random.default_rng(seed), "euclidean")
        expected = kmedoids_oracle(X, start.numpy(), indices=idx.numpy())
        est = KMedoids(n_clusters=4, init=init, random_state=seed)
        est.fit(em.array(X, split=0).redistribute(_uneven_counts(len(X), comm.size)))
        _check_fit(est, X, expected[:4], 0)
        np.testing.assert_array_equal(est.medoid_indices_, expected[4])
    X32 = X.astype(np.float32)
    est = KMedoids(n_clusters=4, init=X32[:4], metric="manhattan").fit(em.array(X32, split=0))
    expected = kmedoids_oracle(X32.astype(np.float64), X32[:4].astype(np.float64),
                               "cityblock")
    assert est.cluster_centers_.dtype == em.float32
    np.testing.assert_array_equal(est.medoid_indices_, expected[4])
    assert_array_equal(est.labels_, expected[1], dtype=em.int32)


def test_kmedoids_api(comm):
    X = _blobs()
    est = KMedoids(n_clusters=4, init=X[:4]).fit(em.array(X, split=0))
    centers = est.cluster_centers_.numpy()
    Y = X[::5] - 0.5
    expected = cdist(Y, centers)
    assert_array_equal(est.predict(em.array(Y, split=0)), expected.argmin(1), dtype=em.int32,
                       split=0)
    assert_allclose(est.transform(Y), expected, rtol=1e-10, split=None)
    assert est.score(Y) == pytest.approx(-expected.min(1).sum(), rel=1e-10)
    assert repr(KMedoids(metric="cosine")) == "KMedoids(metric='cosine')"


# --------------------------------------------------------------------------------------
# bad input: the same error on every rank
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [KMedians, KMedoids])
def test_errors(comm, cls):
    X = em.array(_blobs()[:20], split=0)
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=21"):
        cls(n_clusters=21).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        cls(n_clusters=0).fit(X)
    with pytest.raises(ValueError, match="init"):
        cls(n_clusters=2, init="k-means||").fit(X)
    with pytest.raises(ValueError, match="does not match the number of clusters"):
        cls(n_clusters=2, init=np.zeros((3, 3))).fit(X)
    with pytest.raises(ValueError, match="number of features"):
        cls(n_clusters=2, init=np.zeros((2, 2))).fit(X)
    bad = _blobs()[:20]
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls(n_clusters=2).fit(em.array(bad, split=0))
    with pytest.raises(NotImplementedError, match="sample_weight"):
        cls(n_clusters=2).fit(X, sample_weight=np.ones(20))
    with pytest.raises(NotFittedError):
        cls(n_clusters=2).predict(X)
    fitted = cls(n_clusters=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 2 features, but"):
        fitted.predict(np.zeros((4, 2)))
    if cls is KMedoids:
        with pytest.raises(ValueError, match="metric"):
            KMedoids(metric="hamming").fit(X)
