"""ember.neighbors.NearestNeighbors against scikit-learn (algorithm="brute") and an exact
stable-argsort oracle, for every input layout and metric, on standardised real datasets
and random data with planted duplicates."""

import numpy as np
import pytest
from _neighbors_checks import oracle
from scipy.spatial.distance import cdist
from sklearn import datasets
from sklearn.neighbors import NearestNeighbors as SkNearestNeighbors

import ember as em
import ember.neighbors._ring as ring
from ember.neighbors import NearestNeighbors
from ember.utils import InvalidParameterError, NotFittedError

# (ember/sklearn metric, p, scipy name)
METRICS = [("minkowski", 2, "euclidean"), ("euclidean", 2, "euclidean"),
           ("l2", 2, "euclidean"), ("sqeuclidean", 2, "sqeuclidean"),
           ("manhattan", 2, "cityblock"), ("cityblock", 2, "cityblock"),
           ("l1", 2, "cityblock"), ("minkowski", 1, "cityblock"),
           ("cosine", 2, "cosine"), ("chebyshev", 2, "chebyshev"),
           ("minkowski", np.inf, "chebyshev"), ("minkowski", 3, "minkowski")]


def standardised(loader):
    X = loader().data.astype(np.float64)
    return (X - X.mean(0)) / X.std(0)


def uneven(x, comm):
    """``x`` (split 0) with every row on the last ranks and none on rank 0."""
    n = x.shape[0]
    counts = [0] * comm.size
    counts[-1] = n - n // 3 if comm.size > 1 else n
    if comm.size > 1:
        counts[-2] += n // 3
    return x.redistribute(counts)


def inputs(a, comm):
    """``a`` as each supported input: (name, input, expected result split)."""
    x = em.array(a, split=0)
    return [("split0", x, 0), ("uneven", uneven(x, comm), 0), ("replicated", em.array(a), None),
            ("numpy", a, None), ("split1", em.array(a, split=1), 0)]


def as_numpy(result, split):
    assert result.split == split
    return result.numpy()


def check_against_sklearn(dist, ind, sk_dist, sk_ind, rtol=1e-7):
    """Distances within ``rtol``; indices equal wherever the distances are not tied."""
    np.testing.assert_allclose(dist, sk_dist, rtol=rtol, atol=1e-9)
    gaps = np.diff(sk_dist, axis=1)
    untied = np.ones_like(sk_dist, dtype=bool)
    untied[:, 1:] &= gaps > 1e-9
    untied[:, :-1] &= gaps > 1e-9
    untied[:, -1] = False  # its successor (not returned) may tie
    np.testing.assert_array_equal(ind[untied], sk_ind[untied])


@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_wine,
                                    datasets.load_breast_cancer])
def test_real_datasets_match_sklearn(loader, comm):
    X = standardised(loader)
    queries = X[::4] + 0.05
    sk = SkNearestNeighbors(n_neighbors=6, algorithm="brute").fit(X)
    nn = NearestNeighbors(n_neighbors=6).fit(em.array(X, split=0))
    dist, ind = nn.kneighbors()
    check_against_sklearn(dist.numpy(), ind.numpy(), *sk.kneighbors())
    want_d, want_i = oracle(X, X, 6, "euclidean", exclude_self=True)
    np.testing.assert_array_equal(ind.numpy(), want_i)  # ties by index (iris has duplicates)
    dist, ind = nn.kneighbors(em.array(queries, split=0), n_neighbors=4)
    check_against_sklearn(dist.numpy(), ind.numpy(), *sk.kneighbors(queries, 4))


@pytest.mark.parametrize("metric,p,scipy_metric", METRICS)
def test_metrics(metric, p, scipy_metric, rng, comm):
    X = rng.normal(size=(53, 4))
    Q = rng.normal(size=(31, 4))
    sk = SkNearestNeighbors(n_neighbors=5, metric=metric, p=p, algorithm="brute").fit(X)
    nn = NearestNeighbors(n_neighbors=5, metric=metric, p=p).fit(uneven(em.array(X, split=0),
                                                                        comm))
    assert nn.effective_metric_ == sk.effective_metric_
    assert nn.effective_metric_params_ == sk.effective_metric_params_
    dist, ind = nn.kneighbors()
    check_against_sklearn(dist.numpy(), ind.numpy(), *sk.kneighbors())
    dist, ind = nn.kneighbors(em.array(Q, split=0))
    check_against_sklearn(dist.numpy(), ind.numpy(), *sk.kneighbors(Q))


def test_layouts(rng, comm):
    """Fit and query inputs split 0 (balanced, uneven with an empty rank), replicated,
    NumPy and split 1; results distributed like the queries."""
    X = rng.normal(size=(53, 4))
    Q = rng.normal(size=(31, 4))
    sk = SkNearestNeighbors(n_neighbors=5, algorithm="brute").fit(X)
    sk_dist, sk_ind = sk.kneighbors(Q)
    sk_self = sk.kneighbors()
    for fit_name, fit_x, fit_split in inputs(X, comm):
        nn = NearestNeighbors(n_neighbors=5).fit(fit_x)
        assert nn.n_samples_fit_ == 53 and nn.n_features_in_ == 4
        dist, ind = nn.kneighbors()
        check_against_sklearn(as_numpy(dist, fit_split), as_numpy(ind, fit_split), *sk_self)
        for q_name, q, q_split in inputs(Q, comm):
            dist, ind = nn.kneighbors(q)
            assert ind.dtype == em.int64 and dist.dtype == em.float64, (fit_name, q_name)
            check_against_sklearn(as_numpy(dist, q_split), as_numpy(ind, q_split),
                                  sk_dist, sk_ind)
        ind_only = nn.kneighbors(Q, return_distance=False)
        np.testing.assert_array_equal(as_numpy(ind_only, None), sk_ind)


def test_float32_and_mixed_dtypes(rng, comm):
    X = rng.normal(size=(80, 6))
    Q = rng.normal(size=(20, 6))
    sk_dist, sk_ind = SkNearestNeighbors(n_neighbors=7, algorithm="brute").fit(X).kneighbors(Q)
    nn = NearestNeighbors(n_neighbors=7).fit(em.array(X.astype(np.float32), split=0))
    dist, ind = nn.kneighbors(em.array(Q.astype(np.float32), split=0))
    assert dist.dtype == em.float32 and ind.dtype == em.int64
    np.testing.assert_allclose(dist.numpy(), sk_dist, rtol=1e-5, atol=1e-5)
    exact = np.take_along_axis(cdist(Q, X), ind.numpy(), 1)
    np.testing.assert_allclose(exact, sk_dist, rtol=1e-5, atol=1e-5)
    dist, ind = nn.kneighbors(Q)  # float64 queries: computed in float64
    assert dist.dtype == em.float64
    check_against_sklearn(dist.numpy(), ind.numpy(), sk_dist, sk_ind, rtol=1e-6)


def test_duplicates_ties_by_index_and_tiny_tiles(rng, comm, monkeypatch):
    """Planted exact duplicates: distance exactly 0, ties by global index, the same for
    every number of processes; tiles of one or two rows give the same result."""
    X = rng.normal(size=(45, 3))
    X[[4, 17, 30, 44]] = X[9]
    X[[21, 22]] = X[0]
    Q = np.concatenate([X[[9, 0, 3]], rng.normal(size=(5, 3))])
    want_self = oracle(X, X, 6, "euclidean", exclude_self=True)
    want_q = oracle(Q, X, 6, "euclidean")
    for budget in (None, 40, 1):
        if budget is not None:
            monkeypatch.setattr(ring, "TILE_BUDGET", budget)
        for _, x, split in inputs(X, comm)[:3]:
            nn = NearestNeighbors(n_neighbors=6).fit(x)
            dist, ind = nn.kneighbors()
            np.testing.assert_array_equal(as_numpy(ind, split), want_self[1])
            np.testing.assert_allclose(as_numpy(dist, split), want_self[0], rtol=1e-7)
            dist, ind = nn.kneighbors(em.array(Q, split=0))
            np.testing.assert_array_equal(ind.numpy(), want_q[1])
            np.testing.assert_allclose(dist.numpy(), want_q[0], rtol=1e-7, atol=0)
            assert ind.numpy()[0, :5].tolist() == [4, 9, 17, 30, 44]
            assert (dist.numpy()[0, :5] == 0).all()
    dist, ind = nn.kneighbors()
    assert ind.numpy()[9, :4].tolist() == [4, 17, 30, 44] and (dist.numpy()[9, :4] == 0).all()


def flat(ragged, order_by_index):
    """Concatenation of a scikit-learn style object array (each piece sorted by index
    when ``order_by_index`` is an object array of indices)."""
    pieces = list(ragged)
    if order_by_index is not None:
        pieces = [p[np.argsort(i, kind="stable")] for p, i in zip(pieces, order_by_index,
                                                                   strict=True)]
    return np.concatenate([*pieces, np.empty(0)])


def test_radius_neighbors_match_sklearn(rng, comm):
    X = standardised(datasets.load_wine)
    Q = X[::5] + 0.1
    for (metric, p, _), radius in zip([METRICS[0], METRICS[4], METRICS[8], METRICS[11]],
                                      [1.7, 4.0, 0.3, 1.6], strict=True):
        sk = SkNearestNeighbors(radius=radius, metric=metric, p=p, algorithm="brute").fit(X)
        x = em.array(X, split=0) if metric != "cosine" else X
        nn = NearestNeighbors(radius=radius, metric=metric, p=p).fit(x)
        for query in (None, em.array(Q, split=0)):
            q = None if query is None else Q
            for sort_results in (False, True):
                sk_dist, sk_ind = sk.radius_neighbors(q, sort_results=sort_results)
                dist, ind = nn.radius_neighbors(query, sort_results=sort_results)
                assert dist.dtype == object and ind.dtype == object
                assert [len(i) for i in ind] == [len(i) for i in sk_ind]
                key = None if sort_results else sk_ind
                np.testing.assert_array_equal(flat(ind, None), flat(sk_ind, key))
                np.testing.assert_allclose(flat(dist, None), flat(sk_dist, key), rtol=1e-7,
                                           atol=1e-7)
            only = nn.radius_neighbors(query, radius=radius / 2, return_distance=False)
            sk_only = sk.radius_neighbors(q, radius=radius / 2, return_distance=False)
            np.testing.assert_array_equal(flat(only, None), flat(sk_only, sk_only))


def test_graphs_match_sklearn(rng, comm):
    X = rng.normal(size=(40, 3))
    sk = SkNearestNeighbors(n_neighbors=4, radius=0.9, algorithm="brute").fit(X)
    nn = NearestNeighbors(n_neighbors=4, radius=0.9).fit(em.array(X, split=0))
    for mode in ("connectivity", "distance"):
        for q in (None, X[:7]):
            np.testing.assert_allclose(nn.kneighbors_graph(q, mode=mode).toarray(),
                                       sk.kneighbors_graph(q, mode=mode).toarray(), rtol=1e-7,
                                       atol=1e-7)
            np.testing.assert_allclose(nn.radius_neighbors_graph(q, mode=mode).toarray(),
                                       sk.radius_neighbors_graph(q, mode=mode).toarray(),
                                       rtol=1e-7, atol=1e-7)


def test_errors_on_every_rank(rng, comm):
    X = em.array(rng.normal(size=(5, 3)), split=0)
    with pytest.raises(NotFittedError):
        NearestNeighbors().kneighbors(X)
    with pytest.raises(NotFittedError):
        NearestNeighbors().radius_neighbors(X)
    nn = NearestNeighbors(n_neighbors=7).fit(X)
    with pytest.raises(ValueError, match="^Expected n_neighbors <= n_samples_fit, but "
                       "n_neighbors = 7, n_samples_fit = 5, n_samples = 5$"):
        nn.kneighbors(X)
    with pytest.raises(ValueError, match="^Expected n_neighbors < n_samples_fit, but "
                       "n_neighbors = 5, n_samples_fit = 5, n_samples = 5$"):
        nn.kneighbors(n_neighbors=5)
    with pytest.raises(ValueError, match="^Expected n_neighbors > 0. Got 0$"):
        nn.kneighbors(X, n_neighbors=0)
    with pytest.raises(TypeError, match="n_neighbors does not take"):
        nn.kneighbors(X, n_neighbors=2.5)
    with pytest.raises(ValueError, match="X has 2 features, but NearestNeighbors is "
                       "expecting 3 features as input."):
        nn.kneighbors(em.array(np.zeros((4, 2)), split=0))
    with pytest.raises(ValueError, match="return_distance must be True"):
        nn.radius_neighbors(X, return_distance=False, sort_results=True)
    with pytest.raises(ValueError, match="Unsupported mode"):
        nn.kneighbors_graph(X, 2, mode="weights")
    bad = rng.normal(size=(6, 3))
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        NearestNeighbors().fit(em.array(bad, split=0))
    bad[4, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        nn.kneighbors(em.array(bad, split=0))
    with pytest.raises(ValueError, match="Expected 2D array"):
        NearestNeighbors().fit(em.arange(6.0, split=0))
    sk_messages = {}
    for params in ({"n_neighbors": 0}, {"algorithm": "octree"}, {"leaf_size": 0},
                   {"p": 0}, {"radius": -1.0}, {"n_jobs": 1.5}, {"metric": "cosine2"}):
        with pytest.raises(InvalidParameterError) as error:
            NearestNeighbors(**params).fit(X)
        try:
            SkNearestNeighbors(**params).fit(np.zeros((5, 3)))
        except ValueError as sk_error:
            sk_messages[str(params)] = str(sk_error)
        # sklearn lists options in set order and calls numbers.Integral 'int'
        if {"metric", "algorithm", "n_jobs"} & set(params):
            prefix = sk_messages[str(params)].split(" must be ")[0]
            assert str(error.value).startswith(prefix + " must be ")
        else:
            assert str(error.value) == sk_messages[str(params)]
    with pytest.raises(NotImplementedError, match="metric_params"):
        NearestNeighbors(metric_params={"w": [1, 2, 3]}).fit(X)
    with pytest.raises(NotImplementedError, match="callable"):
        NearestNeighbors(metric=lambda a, b: 0.0).fit(X)
    with pytest.raises(ValueError, match="does not support 0 < p < 1"):
        NearestNeighbors(p=0.5, algorithm="kd_tree").fit(X)


def test_params_repr_and_minkowski_below_one(rng, comm):
    nn = NearestNeighbors(n_neighbors=3, algorithm="kd_tree", leaf_size=10, n_jobs=2)
    assert repr(nn) == "NearestNeighbors(algorithm='kd_tree', leaf_size=10, n_jobs=2, " \
                       "n_neighbors=3)"
    assert nn.get_params()["metric"] == "minkowski"
    X = rng.normal(size=(30, 3))
    with pytest.warns(UserWarning, match="0 < p < 1"):
        nn = NearestNeighbors(n_neighbors=3, p=0.5).fit(em.array(X, split=0))
    assert nn.effective_metric_params_ == {"p": 0.5, "w": None}
    want_d, want_i = oracle(X, X, 3, "minkowski", p=0.5, exclude_self=True)
    dist, ind = nn.kneighbors()
    np.testing.assert_array_equal(ind.numpy(), want_i)
    np.testing.assert_allclose(dist.numpy(), want_d, rtol=1e-7)
