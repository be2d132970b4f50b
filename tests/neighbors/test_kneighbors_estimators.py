"""KNeighborsClassifier and KNeighborsRegressor against scikit-learn (algorithm="brute")."""

import numpy as np
import pytest
import torch
from sklearn import datasets
from sklearn import neighbors as sk
from sklearn.metrics import pairwise_distances, r2_score

import ember as em
from ember.core.distribution import balanced_counts
from ember.neighbors import KNeighborsClassifier, KNeighborsRegressor
from ember.testing import assert_invariants
from ember.utils import InvalidParameterError, NotFittedError

LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine,
           "breast_cancer": datasets.load_breast_cancer, "digits": datasets.load_digits,
           "diabetes": datasets.load_diabetes}

#: (metric, p) pairs, cycled over the datasets and layouts
METRICS = [("minkowski", 2), ("manhattan", 2), ("chebyshev", 2), ("minkowski", 3),
           ("cosine", 2), ("euclidean", 2), ("minkowski", 1.5), ("sqeuclidean", 2)]


def _standardised(name, limit=200):
    X, y = LOADERS[name](return_X_y=True)
    X, y = X[:: max(1, len(X) // limit)], y[:: max(1, len(X) // limit)]
    std = X.std(0)
    X = (X - X.mean(0)) / np.where(std > 0, std, 1.0)
    return X, y


def _train_test(name):
    """Even rows train, odd rows query (held out: no query coincides with a sample)."""
    X, y = _standardised(name)
    return X[::2], y[::2], X[1::2], y[1::2]


def _uneven(n, size):
    return (n,) if size == 1 else (0, *balanced_counts(n, size - 1))


def _layouts(a, comm):
    """(kind, array): split 0 balanced, split 0 with an empty rank, replicated, NumPy,
    split along axis 1 (2-D)."""
    out = [("split", em.array(a, split=0)),
           ("split", em.array(a, split=0).redistribute(_uneven(len(a), comm.size))),
           ("replicated", em.array(a)), ("replicated", a)]
    if a.ndim == 2:
        out.append(("split", em.array(a, split=1)))
    return out


def _targets(y, i):
    """y as split, replicated or NumPy, by turns."""
    return [em.array(y, split=0), em.array(y), y][i % 3]


def _unambiguous(Q, X, k, metric, p):
    """Rows of ``Q`` whose k nearest samples are not decided by a tie (integer data such
    as digits has many; ember breaks them by the smaller index, scikit-learn's heap in
    its own way)."""
    kwargs = {"p": p} if metric == "minkowski" else {}
    d = np.sort(pairwise_distances(Q, X, metric=metric, **kwargs), axis=1)
    return d[:, k] - d[:, k - 1] > 1e-9 * np.maximum(d[:, k], 1e-300)


def _check_result(actual, expected, kind, atol=0.0, exact=False, rows=None):
    assert_invariants(actual)
    assert actual.split == (None if kind == "replicated" else 0)
    values = actual.numpy()
    if rows is not None:
        values, expected = values[rows], expected[rows]
    if exact:
        np.testing.assert_array_equal(values, expected)
    else:
        np.testing.assert_allclose(values, expected, rtol=1e-12, atol=atol)


def _estimators(cls, sk_cls, weights, metric, p, **kwargs):
    params = dict(n_neighbors=kwargs.pop("n_neighbors", 5), weights=weights, metric=metric,
                  p=p)
    return cls(**params), sk_cls(algorithm="brute", **params)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_classifier_matches_sklearn(comm, name, weights):
    X, y, Q, y_q = _train_test(name)
    start = list(LOADERS).index(name) * 2 + (weights == "distance")
    layouts = _layouts(X, comm)
    for i in (start % 5, (start + 2) % 5):  # every layout over the parametrisations
        kind, X_layout = layouts[i]
        metric, p = METRICS[(start + i) % len(METRICS)]
        ours, theirs = _estimators(KNeighborsClassifier, sk.KNeighborsClassifier, weights,
                                   metric, p)
        ours.fit(X_layout, _targets(y, i))
        theirs.fit(X, y)
        assert ours.classes_.split is None
        np.testing.assert_array_equal(ours.classes_.numpy(), theirs.classes_)
        assert (ours.n_features_in_, ours.n_samples_fit_, ours.outputs_2d_) == (
            theirs.n_features_in_, theirs.n_samples_fit_, False)
        assert ours.effective_metric_ == theirs.effective_metric_
        query_kind, queries = _layouts(Q, comm)[(i + 1) % 4]
        rows = _unambiguous(Q, X, 5, metric, p)
        assert rows.mean() > 0.25
        _check_result(ours.predict_proba(queries), theirs.predict_proba(Q), query_kind,
                      atol=1e-12, rows=rows)
        prediction = ours.predict(queries)
        _check_result(prediction, theirs.predict(Q), query_kind, exact=True, rows=rows)
        expected = np.where(rows, theirs.predict(Q), prediction.numpy())
        assert ours.score(queries, _targets(y_q, i + 1)) == np.mean(expected == y_q)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_regressor_matches_sklearn(comm, weights):
    X, y, Q, y_q = _train_test("diabetes")
    layouts = _layouts(X, comm)
    for i in ((0, 2, 4) if weights == "uniform" else (1, 3)):
        kind, X_layout = layouts[i]
        metric, p = METRICS[(i + 3 * (weights == "distance")) % len(METRICS)]
        ours, theirs = _estimators(KNeighborsRegressor, sk.KNeighborsRegressor, weights,
                                   metric, p)
        ours.fit(X_layout, _targets(y, i))
        theirs.fit(X, y)
        query_kind, queries = _layouts(Q, comm)[(i + 2) % 4]
        prediction = ours.predict(queries)
        assert prediction.dtype == em.float64
        rows = _unambiguous(Q, X, 5, metric, p)
        assert rows.mean() > 0.5
        _check_result(prediction, theirs.predict(Q), query_kind, rows=rows)
        expected = np.where(rows, theirs.predict(Q), prediction.numpy())
        np.testing.assert_allclose(ours.score(queries, _targets(y_q, i)),
                                   r2_score(y_q, expected), rtol=1e-12)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_regressor_multioutput_and_integer_targets(comm, weights):
    X, y, Q, _ = _train_test("diabetes")
    Y = np.c_[y, np.sqrt(y), -y]
    ours, theirs = _estimators(KNeighborsRegressor, sk.KNeighborsRegressor, weights,
                               "minkowski", 2, n_neighbors=4)
    ours.fit(em.array(X, split=0), em.array(Y, split=0).redistribute(
        _uneven(len(Y), comm.size)))
    theirs.fit(X, Y)
    _check_result(ours.predict(em.array(Q, split=0)), theirs.predict(Q), "split")
    _check_result(ours.predict(), theirs.predict(None), "split")
    # 2-D with one column stays 2-D; integer targets are predicted in float64
    y_int = y.astype(np.int64)
    ours.fit(em.array(X, split=0), em.array(y_int[:, None], split=0))
    theirs.fit(X, y_int[:, None])
    _check_result(ours.predict(Q), theirs.predict(Q), "replicated")


def test_kneighbors_and_training_queries(comm):
    X, y = _standardised("wine")
    ours = KNeighborsClassifier(n_neighbors=6, weights="distance").fit(em.array(X, split=0), y)
    theirs = sk.KNeighborsClassifier(n_neighbors=6, weights="distance",
                                     algorithm="brute").fit(X, y)
    distances, indices = ours.kneighbors()
    expected_d, expected_i = theirs.kneighbors()
    _check_result(indices, expected_i, "split", exact=True)
    _check_result(distances, expected_d, "split", atol=1e-12)
    _check_result(ours.predict_proba(), theirs.predict_proba(None), "split", atol=1e-12)
    _check_result(ours.predict(), theirs.predict(None), "split", exact=True)
    indices = ours.kneighbors(X[:7] + 0.01, n_neighbors=3, return_distance=False)
    _check_result(indices, theirs.kneighbors(X[:7] + 0.01, 3, return_distance=False),
                  "replicated", exact=True)


def test_distance_weights_at_zero_distance(comm):
    # a query on a training sample takes its vote from the samples at distance 0 only
    X = np.array([[0.0], [0.0], [1.0], [2.0], [3.0]])
    y = np.array([4, 7, 7, 7, 7])
    knn = KNeighborsClassifier(n_neighbors=4, weights="distance").fit(em.array(X, split=0), y)
    np.testing.assert_array_equal(knn.predict_proba([[0.0], [0.5]]).numpy()[0], [0.5, 0.5])
    reg = KNeighborsRegressor(n_neighbors=4, weights="distance").fit(em.array(X, split=0), y)
    assert reg.predict([[0.0]]).tolist() == [5.5]


def test_float32_and_labels(comm):
    X, y, Q, y_q = _train_test("breast_cancer")
    X32, Q32 = X.astype(np.float32), Q.astype(np.float32)
    labels = np.where(y == 1, 10, -3).astype(np.int16)
    for weights in ("uniform", "distance"):
        ours = KNeighborsClassifier(weights=weights).fit(em.array(X32, split=0), labels)
        theirs = sk.KNeighborsClassifier(weights=weights, algorithm="brute").fit(X32, labels)
        assert ours.classes_.dtype == em.int16 and ours.classes_.tolist() == [-3, 10]
        prediction = ours.predict(em.array(Q32, split=0))
        assert prediction.dtype == em.int16
        np.testing.assert_array_equal(prediction.numpy(), theirs.predict(Q32))
        np.testing.assert_allclose(ours.predict_proba(Q32).numpy(), theirs.predict_proba(Q32),
                                   atol=1e-5)
        targets = (X32[:, 0] * 3).astype(np.float32)
        regressor = KNeighborsRegressor(weights=weights).fit(em.array(X32, split=0), targets)
        expected = sk.KNeighborsRegressor(weights=weights, algorithm="brute").fit(
            X32, targets).predict(Q32)
        np.testing.assert_allclose(regressor.predict(Q32).numpy(), expected, rtol=1e-5)
    # float labels that are integers, and float64 queries on a float32 fit
    ours = KNeighborsClassifier().fit(em.array(X32, split=0), y.astype(np.float64))
    assert ours.classes_.tolist() == [0.0, 1.0]
    assert ours.predict(Q).shape == (len(Q),)


def test_column_vector_labels_warn(comm):
    X, y = _standardised("iris")
    with pytest.warns(UserWarning, match="A column-vector y was passed"):
        knn = KNeighborsClassifier().fit(em.array(X, split=0), em.array(y[:, None], split=0))
    assert knn.predict(X[:3]).shape == (3,)


@pytest.mark.parametrize("cls", [KNeighborsClassifier, KNeighborsRegressor])
def test_errors_on_every_rank(comm, cls):
    X, y = _standardised("iris", limit=40)
    Xs = em.array(X, split=0)
    with pytest.raises(NotFittedError):
        cls().predict(X)
    for params in ({"n_neighbors": 0}, {"weights": "bad"}, {"metric": "nope"}, {"p": 0},
                   {"algorithm": "tree"}):
        with pytest.raises(InvalidParameterError):
            cls(**params).fit(Xs, y)
    for params in ({"weights": lambda d: d}, {"metric": "hamming"},
                   {"metric_params": {"w": [1.0]}}):
        with pytest.raises(NotImplementedError):
            cls(**params).fit(Xs, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(Xs, y[:-1])
    with pytest.raises(ValueError, match="contains NaN"):
        cls().fit(em.array(np.where(np.arange(len(X))[:, None] == len(X) - 1, np.nan, X),
                           split=0), y)
    knn = cls(n_neighbors=3).fit(Xs, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        knn.predict(em.array(X[:, :3], split=0))
    n = len(X)
    with pytest.raises(ValueError, match=r"Expected n_neighbors <= n_samples_fit, but "
                                         rf"n_neighbors = {n + 1}"):
        knn.kneighbors(Xs, n_neighbors=n + 1)
    with pytest.raises(ValueError, match="Expected n_neighbors < n_samples_fit"):
        knn.kneighbors(n_neighbors=n)
    with pytest.raises(ValueError, match="Expected n_neighbors > 0. Got 0"):
        knn.kneighbors(Xs, n_neighbors=0)
    with pytest.raises(TypeError, match="n_neighbors does not take"):
        knn.kneighbors(Xs, n_neighbors=2.5)


def test_classifier_target_errors(comm):
    X, y = _standardised("iris", limit=40)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        KNeighborsClassifier().fit(em.array(X, split=0),
                                   em.array(y + (np.arange(len(y)) == 3) * 0.5, split=0))
    with pytest.raises(NotImplementedError, match="multi-output"):
        KNeighborsClassifier().fit(em.array(X, split=0), np.c_[y, y])


def test_params_and_repr():
    knn = KNeighborsRegressor(n_neighbors=3, weights="distance")
    assert repr(knn) == "KNeighborsRegressor(n_neighbors=3, weights='distance')"
    assert knn.get_params()["metric"] == "minkowski"
    fitted = knn.set_params(p=3).fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    assert fitted is knn and knn.effective_metric_params_ == {"p": 3.0, "w": None}
    assert isinstance(knn.predict([[0.5]]).larray, torch.Tensor)
