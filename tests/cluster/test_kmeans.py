"""KMeans against scikit-learn's KMeans(algorithm="lloyd"): same explicit initial
centres -> same centres, labels, inertia and iterations, on every input layout and
process count; the initialisations' quality; one Allreduce per Lloyd iteration; errors
raised on every rank."""

import warnings

import numpy as np
import pytest
import sklearn.cluster
from _oracle_checks import count_collectives  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_blobs
from sklearn.preprocessing import StandardScaler

import ember as em
from ember.cluster import KMeans
from ember.testing import assert_allclose, assert_invariants
from ember.utils._param_validation import InvalidParameterError
from ember.utils.validation import NotFittedError


def _standardised(loader):
    return StandardScaler().fit_transform(loader().data)


DATASETS = {
    "iris": lambda: _standardised(load_iris),
    "wine": lambda: _standardised(load_wine),
    "breast_cancer": lambda: _standardised(load_breast_cancer),
    "digits": lambda: _standardised(load_digits),
    "blobs": lambda: make_blobs(400, 5, centers=6, cluster_std=1.5, random_state=3)[0],
}


def _uneven_counts(n, size):
    """Uneven counts with an empty rank (rank 1, or rank 0 with two processes)."""
    if size == 1:
        return (n,)
    if size == 2:
        return (0, n)
    counts = [0] * size
    counts[0] = n // 3
    counts[2] = n - n // 3
    return tuple(counts)


def _layouts(X, comm):
    """(name, X) for split 0 balanced and uneven, replicated, NumPy and split 1."""
    yield "split0", em.array(X, split=0)
    yield "uneven", em.array(X, split=0).redistribute(_uneven_counts(len(X), comm.size))
    yield "replicated", em.array(X)
    yield "numpy", X
    yield "split1", em.array(X, split=1)


def _initial_centers(X, k, seed=0):
    return X[np.random.default_rng(seed).choice(len(X), k, replace=False)].copy()


def _sklearn(X, init, **kwargs):
    return sklearn.cluster.KMeans(len(init), init=init, n_init=1, algorithm="lloyd",
                                  **kwargs).fit(X)


def _assert_same_fit(km, sk, rtol=1e-6, atol=1e-9, labels=True):
    assert km.cluster_centers_.split is None
    assert_allclose(km.cluster_centers_, sk.cluster_centers_, rtol=rtol, atol=atol)
    if labels:
        np.testing.assert_array_equal(km.labels_.numpy(), sk.labels_)
    assert km.inertia_ == pytest.approx(sk.inertia_, rel=rtol)
    assert isinstance(km.inertia_, float) and isinstance(km.n_iter_, int)
    assert km.n_iter_ == sk.n_iter_


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_init_same_result_as_sklearn_float64(name, comm):
    X = DATASETS[name]()
    k = 3 if name in ("iris", "wine") else 8
    init = _initial_centers(X, k)
    sk = _sklearn(X, init)
    km = KMeans(k, init=init).fit(em.array(X, split=0))
    _assert_same_fit(km, sk)
    assert km.n_features_in_ == X.shape[1]
    assert km.labels_.dtype == em.int32 and km.labels_.split == 0
    assert_invariants(km.labels_)


def test_every_layout_gives_the_same_result(comm):
    X = DATASETS["wine"]()
    init = _initial_centers(X, 4, seed=2)
    sk = _sklearn(X, init)
    for layout, data in _layouts(X, comm):
        km = KMeans(4, init=init).fit(data)
        _assert_same_fit(km, sk)
        replicated = layout in ("replicated", "numpy")
        assert km.labels_.split == (None if replicated else 0), layout
        if layout == "uneven":
            assert km.labels_.counts == data.counts
        assert_invariants(km.labels_)


@pytest.mark.parametrize("name", ["iris", "blobs", "digits"])
def test_float32(name, comm):
    X = DATASETS[name]().astype(np.float32)
    init = _initial_centers(X, 5, seed=1)
    sk = _sklearn(X, init)
    km = KMeans(5, init=init).fit(em.array(X, split=0))
    assert km.cluster_centers_.dtype == em.float32
    assert km.inertia_ == pytest.approx(sk.inertia_, rel=1e-4)
    assert_allclose(km.cluster_centers_, sk.cluster_centers_, rtol=1e-3, atol=1e-4)
    agree = np.mean(km.labels_.numpy() == sk.labels_)
    assert agree > 0.99


def test_tolerance_and_max_iter_like_sklearn(comm):
    X = DATASETS["digits"]()
    init = _initial_centers(X, 10, seed=4)
    for kwargs in ({"tol": 0.05}, {"tol": 0.0, "max_iter": 4}, {"max_iter": 1}):
        sk = _sklearn(X, init, **kwargs)
        km = KMeans(10, init=init, **kwargs).fit(em.array(X, split=0))
        _assert_same_fit(km, sk)


def test_empty_cluster_is_relocated_like_sklearn(comm):
    X = DATASETS["blobs"]()
    init = _initial_centers(X, 5, seed=5)
    init[1] = 100.0  # far from every sample: empty after the first assignment
    init[3] = -100.0
    sk = _sklearn(X, init)
    for _layout, data in list(_layouts(X, comm))[:2]:
        km = KMeans(5, init=init).fit(data)
        _assert_same_fit(km, sk)


def test_sample_weight_like_sklearn(comm, rng):
    X = DATASETS["iris"]()
    weights = rng.uniform(0.2, 3.0, len(X))
    init = _initial_centers(X, 3, seed=6)
    sk = sklearn.cluster.KMeans(3, init=init, n_init=1).fit(X, sample_weight=weights)
    km = KMeans(3, init=init).fit(em.array(X, split=0), sample_weight=weights)
    _assert_same_fit(km, sk)
    assert km.score(X, sample_weight=weights) == pytest.approx(
        sk.score(X, sample_weight=weights), rel=1e-9)


def test_predict_transform_score_and_fit_shortcuts(comm, rng):
    X = DATASETS["blobs"]()
    new = rng.normal(0, 5, (37, X.shape[1]))
    init = _initial_centers(X, 6, seed=7)
    sk = _sklearn(X, init)
    km = KMeans(6, init=init).fit(em.array(X, split=0))
    for layout, data in _layouts(new, comm):
        labels = km.predict(data)
        np.testing.assert_array_equal(labels.numpy(), sk.predict(new))
        assert labels.dtype == em.int32
        distances = km.transform(data)
        assert distances.split == (None if layout in ("replicated", "numpy") else 0)
        assert_allclose(distances, sk.transform(new), rtol=1e-9, atol=1e-9)
        assert km.score(data) == pytest.approx(sk.score(new), rel=1e-9)
    np.testing.assert_array_equal(
        KMeans(6, init=init).fit_predict(em.array(X, split=0)).numpy(), sk.labels_)
    assert_allclose(KMeans(6, init=init).fit_transform(em.array(X, split=0)),
                    sk.transform(X), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("init", ["k-means++", "k-means||", "random"])
def test_initialisations_reach_sklearn_quality(init, comm):
    X = make_blobs(600, 4, centers=8, cluster_std=1.0, random_state=11)[0]
    best = sklearn.cluster.KMeans(8, n_init=10, random_state=0).fit(X).inertia_
    km = KMeans(8, init=init, random_state=5).fit(em.array(X, split=0))
    assert km.inertia_ <= best * 1.05
    again = KMeans(8, init=init, random_state=5).fit(
        em.array(X, split=0).redistribute(_uneven_counts(len(X), comm.size)))
    np.testing.assert_allclose(again.cluster_centers_.numpy(),  # sums reassociated
                               km.cluster_centers_.numpy(), rtol=1e-12)
    everyone = comm.allgather_object(km.cluster_centers_.larray.numpy().tobytes())
    assert all(other == everyone[0] for other in everyone)


def test_n_init_keeps_the_best_run(comm):
    X = DATASETS["blobs"]()
    first = KMeans(10, init="random", n_init=1, random_state=0).fit(X).inertia_
    best = KMeans(10, init="random", n_init=3, random_state=0).fit(X)
    assert best.inertia_ <= first
    assert KMeans(10, init="random", n_init="auto")._n_runs() == 10
    assert KMeans(10, init="k-means++")._n_runs() == 1
    assert KMeans(10, init="k-means||")._n_runs() == 1


def test_explicit_init_with_n_init_warns(comm):
    X = DATASETS["iris"]()
    init = _initial_centers(X, 3)
    with pytest.warns(RuntimeWarning, match="performing only one init in KMeans"):
        km = KMeans(3, init=init, n_init=4).fit(X)
    _assert_same_fit(km, _sklearn(X, init))


def test_elkan_runs_lloyd_and_callable_init(comm):
    X = DATASETS["iris"]()
    init = _initial_centers(X, 3, seed=8)
    sk = _sklearn(X, init)
    _assert_same_fit(KMeans(3, init=init, algorithm="elkan").fit(X), sk)
    km = KMeans(3, init=lambda data, k, random_state: init, n_init=1).fit(X)
    _assert_same_fit(km, sk)


def test_one_allreduce_per_lloyd_iteration(comm, monkeypatch):
    X = DATASETS["digits"]()
    init = _initial_centers(X, 10, seed=9)
    x = em.array(X, split=0)
    calls = {}
    for max_iter in (3, 7):
        km = KMeans(10, init=init, max_iter=max_iter, tol=0.0)
        with count_collectives(monkeypatch) as made:
            km.fit(x)
        assert km.n_iter_ == max_iter
        calls[max_iter] = list(made)
    extra = list(calls[7])
    for name in calls[3]:
        extra.remove(name)
    assert extra == ["Allreduce"] * 4
    assert calls[3].count("Allgather") == calls[7].count("Allgather") == 0


def test_float32_and_float64_centres_keep_the_data_dtype(comm):
    X = DATASETS["iris"]()
    for dtype, wanted in ((np.float32, em.float32), (np.float64, em.float64),
                          (np.int64, em.float64)):
        km = KMeans(3, init="k-means++", random_state=0).fit((X * 10).astype(dtype))
        assert km.cluster_centers_.dtype == wanted
        assert km.transform(X[:5].astype(dtype)).shape == (5, 3)


def test_get_params_and_repr():
    km = KMeans(5, init="random", random_state=3)
    assert km.get_params()["n_clusters"] == 5
    assert repr(km) == "KMeans(init='random', n_clusters=5, random_state=3)"


def test_errors_on_every_rank(comm):
    X = DATASETS["iris"]()
    x = em.array(X, split=0)
    with pytest.raises(InvalidParameterError, match="'n_clusters' parameter of KMeans"):
        KMeans(0).fit(x)
    with pytest.raises(InvalidParameterError, match="'init' parameter"):
        KMeans(3, init="kmeans").fit(x)
    with pytest.raises(InvalidParameterError, match="'n_init' parameter"):
        KMeans(3, n_init=0).fit(x)
    with pytest.raises(InvalidParameterError, match="'algorithm' parameter"):
        KMeans(3, algorithm="auto").fit(x)
    with pytest.raises(ValueError, match=r"n_samples=5 should be >= n_clusters=8\."):
        KMeans(8).fit(em.array(X[:5], split=0))
    bad = X.copy()
    bad[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KMeans(3).fit(em.array(bad, split=0))
    bad[7, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        KMeans(3).fit(em.array(bad, split=0))
    with pytest.raises(ValueError, match="does not match the number of clusters 3"):
        KMeans(3, init=X[:4]).fit(x)
    with pytest.raises(ValueError, match="does not match the number of features of the "
                                         "data 4"):
        KMeans(3, init=X[:3, :2]).fit(x)
    with pytest.raises(ValueError, match="Expected 2D array"):
        KMeans(3).fit(em.array(X[:, 0], split=0))
    with pytest.raises(NotFittedError):
        KMeans(3).predict(x)
    km = KMeans(3, init=X[:3]).fit(x)
    with pytest.raises(ValueError, match="X has 2 features, but KMeans is expecting 4 "
                                         "features as input."):
        km.predict(X[:, :2])
    with pytest.raises(ValueError, match="X has 2 features"):
        km.transform(em.array(X[:, :2], split=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km.score(x)  # no warning when the features match
