"""LocalOutlierFactor against scikit-learn's on its real datasets and on blobs with
planted outliers, for every input layout; the owner-computes fetch on its own."""

import warnings

import numpy as np
import pytest
from _neighbors_checks import first_rank_empty
from sklearn import datasets
from sklearn.neighbors import LocalOutlierFactor as SkLOF
from sklearn.preprocessing import StandardScaler

import ember as em
from ember.neighbors import LocalOutlierFactor
from ember.neighbors._fetch import OwnerFetch
from ember.testing import assert_allclose, assert_array_equal, assert_invariants
from ember.utils import InvalidParameterError, NotFittedError


def _standardised(data, rows=None):
    if rows is not None:
        data = data[np.random.default_rng(0).permutation(len(data))[:rows]]
    return StandardScaler().fit_transform(data)


def _blobs():
    x, _ = datasets.make_blobs(300, 2, centers=3, random_state=1)
    outliers = np.random.default_rng(1).uniform(-15, 15, (15, 2))
    return np.concatenate([x, outliers])


DATASETS = {
    "iris": lambda: _standardised(datasets.load_iris().data),
    "wine": lambda: _standardised(datasets.load_wine().data),
    "breast_cancer": lambda: _standardised(datasets.load_breast_cancer().data, 300),
    "digits": lambda: _standardised(datasets.load_digits().data, 300),
    "diabetes": lambda: _standardised(datasets.load_diabetes().data),
    "blobs": _blobs,
}


def _sklearn(x, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SkLOF(**kwargs).fit(x)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_matches_sklearn_on_datasets(comm, name):
    x = DATASETS[name]()
    for k, contamination in [(20, "auto"), (7, 0.1)]:
        expected = _sklearn(x, n_neighbors=k, contamination=contamination)
        lof = LocalOutlierFactor(k, contamination=contamination)
        labels = lof.fit_predict(em.array(x, split=0))
        scores = lof.negative_outlier_factor_
        assert scores.split == 0 and scores.counts == labels.counts
        assert_allclose(scores, expected.negative_outlier_factor_, rtol=1e-5)
        expected_labels = np.where(expected.negative_outlier_factor_ < expected.offset_, -1, 1)
        assert_array_equal(labels, expected_labels, dtype=em.int64)
        assert lof.offset_ == pytest.approx(expected.offset_, rel=1e-5)
        assert isinstance(lof.offset_, float)
        assert (lof.n_neighbors_, lof.n_samples_fit_, lof.n_features_in_) == (
            k, x.shape[0], x.shape[1])


def test_input_layouts(comm):
    x = _blobs()
    expected = _sklearn(x, n_neighbors=10).negative_outlier_factor_
    uneven = em.array(x, split=0).redistribute(first_rank_empty(len(x), comm.size))
    layouts = [(uneven, 0, uneven.counts), (em.array(x), None, None), (x, None, None),
               (em.array(x, split=1), 0, None)]
    for data, split, counts in layouts:
        scores = LocalOutlierFactor(10).fit(data).negative_outlier_factor_
        assert_invariants(scores)
        assert scores.split == split
        if counts is not None:
            assert scores.counts == counts
        assert_allclose(scores, expected, rtol=1e-5)


def test_float32_metrics_and_effective_metric(comm):
    x = DATASETS["wine"]()
    expected = _sklearn(x, n_neighbors=12).negative_outlier_factor_
    lof = LocalOutlierFactor(12).fit(em.array(x.astype(np.float32), split=0))
    assert lof.negative_outlier_factor_.dtype == em.float32
    assert_allclose(lof.negative_outlier_factor_, expected.astype(np.float32), rtol=1e-4)
    assert (lof.effective_metric_, lof.effective_metric_params_) == ("euclidean", {})
    x = _blobs()  # continuous: no ties between different distances (Chebyshev)
    for metric, p, effective, params in [("minkowski", 1, "manhattan", {}),
                                         ("minkowski", 3, "minkowski", {"p": 3, "w": None}),
                                         ("chebyshev", 2, "chebyshev", {}),
                                         ("cosine", 2, "cosine", {})]:
        expected = _sklearn(x, n_neighbors=8, metric=metric, p=p)
        lof = LocalOutlierFactor(8, metric=metric, p=p).fit(em.array(x, split=0))
        assert_allclose(lof.negative_outlier_factor_, expected.negative_outlier_factor_,
                        rtol=1e-5)
        assert (lof.effective_metric_, lof.effective_metric_params_) == (effective, params)
        assert expected.effective_metric_ == effective


def test_duplicates(comm, rng):
    x = rng.standard_normal((60, 3))
    x[10:14] = x[9]  # fewer duplicates than neighbours
    x[30:42] = x[29]  # more duplicates than neighbours: the 1e-10 guard
    expected = _sklearn(x, n_neighbors=6).negative_outlier_factor_
    with pytest.warns(UserWarning, match="Duplicate values are leading to incorrect"):
        lof = LocalOutlierFactor(6).fit(em.array(x, split=0))
    assert_allclose(lof.negative_outlier_factor_, expected, rtol=1e-5)
    assert expected.min() < -1e7  # the regime scikit-learn warns about
    expected = _sklearn(x, n_neighbors=15).negative_outlier_factor_
    lof = LocalOutlierFactor(15).fit(em.array(x, split=0))
    assert_allclose(lof.negative_outlier_factor_, expected, rtol=1e-5)


def test_novelty(comm):
    x = DATASETS["blobs"]()
    order = np.random.default_rng(2).permutation(len(x))
    train, test = x[order[:220]], x[order[220:]]
    expected = _sklearn(train, n_neighbors=15, novelty=True, contamination=0.05)
    lof = LocalOutlierFactor(15, novelty=True, contamination=0.05)
    lof.fit(em.array(train, split=0).redistribute(first_rank_empty(len(train), comm.size)))
    assert lof.offset_ == pytest.approx(expected.offset_, rel=1e-5)
    for data, split in [(em.array(test, split=0), 0), (test, None)]:
        scores = lof.score_samples(data)
        assert scores.split == split
        assert_allclose(scores, expected.score_samples(test), rtol=1e-5)
        assert_allclose(lof.decision_function(data), expected.decision_function(test),
                        rtol=1e-5, atol=1e-9)
        assert_array_equal(lof.predict(data), expected.predict(test), dtype=em.int64)
    with pytest.raises(ValueError, match="X has 3 features, but LocalOutlierFactor is "
                                         "expecting 2 features as input."):
        lof.score_samples(np.ones((4, 3)))
    with pytest.raises(AttributeError, match="has no attribute 'fit_predict'") as info:
        lof.fit_predict(train)
    assert "fit_predict is not available when novelty=True" in str(info.value.__cause__)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LocalOutlierFactor(novelty=True).score_samples(test)


def test_novelty_only_methods(comm):
    lof = LocalOutlierFactor(3).fit(np.arange(20.0).reshape(10, 2))
    for name, message in [("predict", "predict is not available when novelty=False, use "
                                      "fit_predict"),
                          ("decision_function", "decision_function is not available when "
                                                "novelty=False. Use novelty=True"),
                          ("score_samples", "score_samples is not available when "
                                            "novelty=False. The scores")]:
        assert not hasattr(lof, name)
        with pytest.raises(AttributeError, match=f"has no attribute '{name}'") as info:
            getattr(lof, name)
        assert str(info.value.__cause__).startswith(message)


def test_n_neighbors_clipping(comm, rng):
    x = rng.standard_normal((8, 2))
    with pytest.warns(UserWarning, match=r"n_neighbors \(9\) is greater than the total "
                                         r"number of samples \(8\)"):
        lof = LocalOutlierFactor(9).fit(em.array(x, split=0))
    assert lof.n_neighbors_ == 7
    assert_allclose(lof.negative_outlier_factor_,
                    _sklearn(x, n_neighbors=9).negative_outlier_factor_, rtol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # n_neighbors == n_samples: clipped silently
        assert LocalOutlierFactor(8).fit(x).n_neighbors_ == 7
    with pytest.warns(UserWarning, match="is greater than"), \
            pytest.raises(ValueError, match="Expected n_neighbors < n_samples_fit"):
        LocalOutlierFactor(2).fit(em.array([[1.0, 2.0]], split=0))


def test_errors_on_every_rank(comm):
    x = np.arange(40.0).reshape(20, 2)
    for params, message in [({"n_neighbors": 0}, "The 'n_neighbors' parameter of "
                                                 "LocalOutlierFactor must be an int in the "
                                                 "range [1, inf). Got 0 instead."),
                            ({"contamination": 0.7}, "The 'contamination' parameter"),
                            ({"contamination": "x"}, "The 'contamination' parameter"),
                            ({"metric": "bogus"}, "The 'metric' parameter"),
                            ({"algorithm": "tree"}, "The 'algorithm' parameter"),
                            ({"novelty": 1}, "The 'novelty' parameter"),
                            ({"p": 0}, "The 'p' parameter")]:
        with pytest.raises(InvalidParameterError) as info:
            LocalOutlierFactor(**params).fit(x)
        assert message in str(info.value)
    with pytest.raises(NotImplementedError, match="metric_params"):
        LocalOutlierFactor(metric_params={"p": 3}).fit(x)
    with pytest.raises(NotImplementedError, match="callable metric"):
        LocalOutlierFactor(metric=lambda a, b: 0.0).fit(x)
    bad = x.copy()
    bad[-1, 0] = np.nan  # on the last rank only
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LocalOutlierFactor(3).fit(em.array(bad, split=0))
    with pytest.raises(ValueError, match="Expected 2D array"):
        LocalOutlierFactor(3).fit(x[:, 0])


def test_owner_fetch(comm, rng):
    n = 23
    values = rng.standard_normal((n, 2))
    data = em.array(values, split=0).redistribute(first_rank_empty(n, comm.size))
    wanted = rng.integers(0, n, (n, 4))
    indices = em.array(wanted, split=0).redistribute(data.counts)
    fetched = OwnerFetch(indices.larray, data.counts, comm).fetch(data.larray)
    result = em.DNDarray(fetched, (n, 4, 2), 0, comm, data.counts)
    assert_array_equal(result, values[wanted])
    once = OwnerFetch(indices.larray, data.counts, comm)
    first = once.fetch(data.larray[:, 0])
    assert np.array_equal(first.numpy(), values[wanted[indices.offsets[comm.rank]:][
        :data.counts[comm.rank]], 0])


def test_fit_never_gathers(comm, monkeypatch):
    from ember.comm import Communicator
    calls = {"Allgather": 0, "Allgatherv": 0, "Alltoall": 0, "Alltoallv": 0, "Bcast": 0}
    for name in calls:
        original = getattr(Communicator, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(Communicator, name, counting)
    x = em.array(_blobs(), split=0)
    LocalOutlierFactor(10).fit(x)
    monkeypatch.undo()
    distributed = comm.size > 1
    # one route (Alltoall of counts, Alltoallv of indices), two fetches; nothing gathered
    assert calls == {"Allgather": 0, "Allgatherv": 0, "Alltoall": int(distributed),
                     "Alltoallv": 3 * distributed, "Bcast": 0}
