"""The ring k-nearest-neighbour engine (ember.neighbors._ring) against exact NumPy/SciPy
oracles: every metric, split/replicated operands, uneven counts with empty ranks, tiny
tiles, planted duplicates (ties by global index, the same for every process count)."""

import numpy as np
import pytest
import torch
from _neighbors_checks import oracle, scipy_metric
from scipy.spatial.distance import cdist

import ember as em
from ember.core.dndarray import DNDarray
from ember.neighbors import _ring
from ember.neighbors._ring import kneighbors_ring, radius_ring

METRICS = [("euclidean", 2.0), ("sqeuclidean", 2.0), ("cityblock", 1.0), ("cosine", 2.0),
           ("chebyshev", np.inf), ("minkowski", 3.0)]


def uneven_counts(n, size):
    """A distribution with an empty first rank (one rank holding everything for P=2)."""
    if size == 1:
        return [n]
    rest = [n // (size - 1)] * (size - 1)
    rest[-1] += n - sum(rest)
    return [0, *rest]


def layouts(a, comm):
    """``a`` as a balanced split, an uneven split with an empty rank, and replicated."""
    x = em.array(a, split=0)
    return {"balanced": x, "uneven": x.redistribute(uneven_counts(a.shape[0], comm.size)),
            "replicated": em.array(a)}


def gathered(local, queries):
    """The per-query result rows of every rank, as NumPy."""
    if queries.split is None:
        return local.numpy()
    shape = (queries.shape[0], *local.shape[1:])
    return DNDarray(local, shape, 0, queries.comm, queries.counts).numpy()


def search(q, r, k, **kwargs):
    dist, ind = kneighbors_ring(q, r, k, **kwargs)
    return gathered(dist, q), gathered(ind, q)


@pytest.mark.parametrize("metric,p", METRICS)
def test_kneighbors_every_metric_and_layout(metric, p, rng, comm):
    a = rng.normal(size=(47, 5))
    b = rng.normal(size=(38, 5))
    want_d, want_i = oracle(a, b, 6, metric, p)
    for qname, q in layouts(a, comm).items():
        for rname, r in layouts(b, comm).items():
            dist, ind = search(q, r, 6, metric=metric, p=p)
            np.testing.assert_array_equal(ind, want_i, err_msg=f"{qname}/{rname}")
            np.testing.assert_allclose(dist, want_d, rtol=1e-7, atol=1e-12,
                                       err_msg=f"{qname}/{rname}")


@pytest.mark.parametrize("metric,p", METRICS)
def test_kneighbors_exclude_self_with_duplicates(metric, p, rng, comm):
    """Planted exact duplicates: distance exactly 0, ties by global index, tiny tiles."""
    a = rng.normal(size=(40, 3))
    a[[7, 19, 33]] = a[2]
    a[[25, 38]] = a[11]
    a[30] = 2 * a[5]  # same direction: a cosine tie with row 5
    want_d, want_i = oracle(a, a, 5, metric, p, exclude_self=True)
    for budget in (None, 1):
        for name, x in layouts(a, comm).items():
            dist, ind = search(x, x, 5, metric=metric, p=p, exclude_self=True,
                               memory_budget=budget)
            np.testing.assert_array_equal(ind, want_i, err_msg=f"{name} budget={budget}")
            np.testing.assert_allclose(dist, want_d, rtol=1e-7, atol=1e-12)
            # duplicates are each other's neighbours at exactly 0 (direct differences)
            assert ind[2, :3].tolist() == [7, 19, 33] and (dist[2, :3] == 0).all()
            assert ind[33, :3].tolist() == [2, 7, 19] and (dist[33, :3] == 0).all()


def test_kneighbors_lattice_ties_do_not_depend_on_processes(comm):
    """Integer lattice: many exact ties at nonzero distances; the oracle's stable order."""
    g = np.arange(6.0)
    a = np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
    a = np.concatenate([a, a[::7]])  # and duplicates
    for metric, p in METRICS:
        if metric == "cosine":  # collinear points are ties only up to rounding
            continue
        want_d, want_i = oracle(a, a, 9, metric, p, exclude_self=True)
        for budget in (None, 64):
            x = em.array(a, split=0).redistribute(uneven_counts(len(a), comm.size))
            dist, ind = search(x, x, 9, metric=metric, p=p, exclude_self=True,
                               memory_budget=budget)
            np.testing.assert_array_equal(ind, want_i, err_msg=metric)
            np.testing.assert_allclose(dist, want_d, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pruned_wide_blocks_match_the_full_selection(metric, p, dtype, rng, comm,
                                                     monkeypatch):
    """Blocks wide enough to be pruned to the groups that can hold the k nearest
    (lattice ties, duplicates, a masked self in a chosen group): the same neighbours as
    the unpruned selection and the oracle, for every layout of the queries."""
    a = rng.integers(1, 6, size=(1500, 3)).astype(dtype)
    a[[10, 700, 1499]] = a[3]
    _check_pruned_search(a, metric, p, comm, monkeypatch)
    # no ties; the last columns (outside the strided groups) hold the nearest of some
    b = rng.normal(size=(1500, 3)).astype(dtype)
    b[1490:] = b[:10] + np.asarray(1e-3, dtype=dtype)
    _check_pruned_search(b, metric, p, comm, monkeypatch)


def _check_pruned_search(a, metric, p, comm, monkeypatch):
    dtype = a.dtype.name
    ref = em.array(a)  # replicated: every rank searches 1500-row blocks, pruned
    want_d, want_i = oracle(a.astype(np.float64), a.astype(np.float64), 8, metric, p,
                            exclude_self=True)
    results = {}
    for ratio in (8, 10**9):  # the module's ratio, then one that never prunes
        monkeypatch.setattr(_ring, "_PRUNE_RATIO", ratio)
        for name, q in layouts(a, comm).items():
            dist, ind = search(q, ref if q.split is None else q, 8, metric=metric, p=p,
                               exclude_self=True)
            results[ratio, name] = dist, ind
    for (ratio, name), (dist, ind) in results.items():
        np.testing.assert_array_equal(ind, results[10**9, "replicated"][1],
                                      err_msg=f"{ratio} {name}")
        np.testing.assert_allclose(dist, want_d, rtol=2e-6 if dtype == "float32" else 1e-9,
                                   atol=1e-6 if dtype == "float32" else 1e-12)
    if dtype == "float64" and metric != "cosine":  # cosine: rounding decides its ties
        np.testing.assert_array_equal(results[8, "replicated"][1], want_i)


def test_exact_choice_ignores_columns_beyond_a_rows_limit():
    """A row with fewer values within its limit than the widest row also gets padding
    columns (here column 0, the query itself): they must never be chosen."""
    inf = float("inf")
    block = torch.tensor([[0.0], [1.0], [1.0], [2.0], [2.0], [2.0], [2.0], [2.0]])
    rows = torch.tensor([[0.0], [2.0]])
    values = torch.tensor([[1.0, 1.0, inf, inf, inf], [0.0, 0.0, 0.0, 0.0, 0.0]])
    value_columns = torch.tensor([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]])
    limit = torch.tensor([1.0, 0.0])
    chosen = _ring._exact_choice(rows, block, values, value_columns, limit, 1,
                                 "sqeuclidean", 2.0, 2**20)
    assert chosen.tolist() == [[1], [3]]


def test_kneighbors_float32(rng, comm):
    a = rng.normal(size=(60, 8)).astype(np.float32)
    b = rng.normal(size=(90, 8)).astype(np.float32)
    for metric, p in METRICS:
        want_d, _ = oracle(a.astype(np.float64), b.astype(np.float64), 7, metric, p)
        dist, ind = search(em.array(a, split=0), em.array(b, split=0), 7, metric=metric, p=p)
        assert dist.dtype == np.float32 and ind.dtype == np.int64
        np.testing.assert_allclose(dist, want_d, rtol=1e-5, atol=1e-6)
        name, kwargs = scipy_metric(metric, p)
        exact = np.take_along_axis(cdist(a, b, name, **kwargs), ind, 1)
        np.testing.assert_allclose(exact, want_d, rtol=1e-5, atol=1e-6)


def test_kneighbors_all_reference_rows_and_empty_queries(rng, comm):
    a = rng.normal(size=(2, 3))
    b = rng.normal(size=(5, 3))
    want_d, want_i = oracle(a, b, 5, "euclidean", 2.0)
    dist, ind = search(em.array(a, split=0), em.array(b, split=0), 5)
    np.testing.assert_array_equal(ind, want_i)
    np.testing.assert_allclose(dist, want_d, rtol=1e-7)
    empty = em.array(np.empty((0, 3)), split=0)
    d0, i0 = kneighbors_ring(empty, em.array(b, split=0), 2)
    assert d0.shape == (0, 2) and i0.shape == (0, 2)


def test_kneighbors_errors(comm):
    x = em.array(np.zeros((4, 2)), split=0)
    with pytest.raises(ValueError):
        kneighbors_ring(x, x, 5)
    with pytest.raises(ValueError):
        kneighbors_ring(x, x, 4, exclude_self=True)
    with pytest.raises(ValueError):
        kneighbors_ring(x, em.array(np.zeros((4, 3)), split=0), 1)
    with pytest.raises(TypeError):
        kneighbors_ring(x, em.array(np.zeros((4, 2), np.float32), split=0), 1)
    with pytest.raises(ValueError):
        kneighbors_ring(em.array(np.zeros((4, 2)), split=1), x, 1)


@pytest.mark.parametrize("metric,p", METRICS)
def test_radius_ring(metric, p, rng, comm):
    a = rng.normal(size=(41, 3))
    a[[9, 30]] = a[4]
    name, kwargs = scipy_metric(metric, p)
    dist = cdist(a, a, name, **kwargs)
    radius = float(np.quantile(dist, 0.2))
    within = dist <= radius
    np.fill_diagonal(within, False)
    for sort_results, budget in ((False, None), (True, 100)):
        for lname, x in layouts(a, comm).items():
            lengths, ind, got = radius_ring(x, x, radius, metric=metric, p=p,
                                            exclude_self=True, sort_results=sort_results,
                                            memory_budget=budget)
            lengths = gathered(lengths, x)
            np.testing.assert_array_equal(lengths, within.sum(1), err_msg=lname)
            if x.split is not None:
                ind = np.concatenate(comm.allgather_object(ind.numpy()))
                got = np.concatenate(comm.allgather_object(got.numpy()))
            else:
                ind, got = ind.numpy(), got.numpy()
            rows = np.repeat(np.arange(len(a)), lengths)
            if sort_results:
                keys = np.lexsort((np.nonzero(within)[1], dist[within], rows))
                want = np.nonzero(within)[1][keys]
            else:
                want = np.nonzero(within)[1]
            np.testing.assert_array_equal(ind, want, err_msg=lname)
            np.testing.assert_allclose(got, dist[rows, ind], rtol=1e-7, atol=1e-12)


def test_ring_moves_blocks_in_float32(rng, comm):
    """A split reference of float32 travels the ring intact (no dtype mix-up)."""
    b = rng.normal(size=(23, 4)).astype(np.float32)
    r = em.array(b, split=0).redistribute(uneven_counts(23, comm.size))
    dist, ind = search(r, r, 1)
    np.testing.assert_array_equal(ind[:, 0], np.arange(23))
    assert (dist == 0).all()


def test_data_far_from_the_origin(rng, comm):
    """float32 rows around 1e4: the matrix-product form alone would lose every digit
    of the neighbours' distances; results are still the exact (distance, index) order."""
    a = (rng.normal(size=(70, 4)) + 1e4).astype(np.float32)
    a[[10, 50]] = a[3]
    a64 = a.astype(np.float64)
    for metric, p in METRICS[:3]:
        want_d, want_i = oracle(a64, a64, 4, metric, p, exclude_self=True)
        x = em.array(a, split=0).redistribute(uneven_counts(70, comm.size))
        dist, ind = search(x, x, 4, metric=metric, p=p, exclude_self=True)
        np.testing.assert_allclose(dist, want_d, rtol=1e-3, atol=1e-3)
        exact = np.take_along_axis(cdist(a64, a64, *scipy_metric(metric, p)[:1]), ind, 1)
        np.testing.assert_allclose(exact, want_d, rtol=1e-5)
        assert ind[3, :2].tolist() == [10, 50] and (dist[3, :2] == 0).all()
