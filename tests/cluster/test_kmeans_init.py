"""The initialisations (k-means++, k-means||, random): centres that are data points,
one per well-separated blob, the same for every input layout and every number of
processes (the expected indices below were computed once and must hold under 1, 2 and 3
processes), weights honoured, and scikit-learn's errors."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs

import ember as em
from ember.cluster import kmeans_plusplus
from ember.cluster._init import (
    kmeans_parallel,
    kmeans_plusplus_local,
    nearest_centers,
    random_samples,
    uniforms,
)


def _blobs():
    return make_blobs(300, 4, centers=5, random_state=1)


def _separated():
    return make_blobs(300, 4, centers=5, cluster_std=0.5, random_state=2)


def _uneven(x, size):
    n = x.shape[0]
    counts = (n,) if size == 1 else ((0, n) if size == 2 else (n // 3, 0, n - n // 3))
    return x.redistribute(counts)


def _layouts(X, comm):
    yield em.array(X, split=0)
    yield _uneven(em.array(X, split=0), comm.size)
    yield em.array(X)
    yield X
    yield em.array(X, split=1)


def _rows_of(X, centers):
    """Index of each centre among the rows of X (-1 if not a row)."""
    hits = [np.flatnonzero((X == c).all(1)) for c in centers]
    return [int(h[0]) if len(h) else -1 for h in hits]


def test_kmeans_plusplus_indices_do_not_depend_on_processes_or_layout(comm):
    X, _ = _blobs()
    for data in _layouts(X, comm):
        centers, indices = kmeans_plusplus(data, 5, random_state=0)
        assert centers.split is None and indices.split is None
        assert centers.dtype == em.float64 and indices.dtype == em.int64
        assert indices.tolist() == [191, 89, 188, 286, 2]
        np.testing.assert_array_equal(centers.numpy(), X[indices.numpy()])


def test_kmeans_plusplus_weights_and_float32(comm):
    X, _ = _blobs()
    weights = np.linspace(0.5, 2, len(X))
    _, indices = kmeans_plusplus(em.array(X, split=0), 5, random_state=0,
                                 sample_weight=weights)
    assert indices.tolist() == [224, 131, 268, 292, 263]
    weights = np.zeros(len(X))
    weights[100:110] = 1.0  # only these samples may be chosen
    _, indices = kmeans_plusplus(X, 4, random_state=3, sample_weight=weights)
    assert all(100 <= i < 110 for i in indices.tolist())
    centers, indices = kmeans_plusplus(X.astype(np.float32), 5, random_state=1,
                                       n_local_trials=1)
    assert centers.dtype == em.float32
    np.testing.assert_array_equal(centers.numpy(), X.astype(np.float32)[indices.numpy()])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kmeans_plusplus_finds_every_blob(seed, comm):
    X, blob = _separated()
    _, indices = kmeans_plusplus(em.array(X, split=0), 5, random_state=seed)
    assert sorted(blob[indices.numpy()].tolist()) == [0, 1, 2, 3, 4]


def _local_init(x, name, seed, k=5, metric="euclidean", weights=None):
    if name == "k-means||":
        return kmeans_parallel(x.larray, weights, x.counts, x.comm, k, seed, metric)
    if name == "random":
        return random_samples(x.larray, weights, x.counts, x.comm, k, seed)[0]
    rng = np.random.default_rng(seed)
    return kmeans_plusplus_local(x.larray, weights, x.counts, x.comm, k, rng, metric)[0]


@pytest.mark.parametrize("name, expected", [("k-means||", [228, 187, 230, 201, 232]),
                                            ("random", [16, 89, 183, 279, 253])])
def test_parallel_and_random_do_not_depend_on_processes_or_layout(name, expected, comm):
    X, blob = _blobs()
    seed = 11 if name == "k-means||" else 7
    for layout in (em.array(X, split=0), _uneven(em.array(X, split=0), comm.size),
                   em.array(X, split=1).resplit(0)):
        centers = _local_init(layout, name, seed).numpy()
        assert _rows_of(X, centers) == expected
        everyone = comm.allgather_object(centers.tobytes())
        assert all(c == everyone[0] for c in everyone)
    assert len(set(expected)) == 5
    X, blob = _separated()
    centers = _local_init(em.array(X, split=0), name, 1).numpy()
    if name == "k-means||":
        assert sorted(blob[_rows_of(X, centers)].tolist()) == [0, 1, 2, 3, 4]


def test_random_respects_weights_and_is_distinct(comm):
    X, _ = _blobs()
    x = em.array(X, split=0)
    weights = np.zeros(len(X))
    weights[::50] = 1.0  # exactly 6 samples may be drawn
    local = torch.from_numpy(weights[x.offsets[comm.rank]:][:x.lshape[0]])
    chosen = _rows_of(X, _local_init(x, "random", 3, k=6, weights=local).numpy())
    assert sorted(chosen) == list(range(0, 300, 50))
    many = _rows_of(X, _local_init(x, "random", 4, k=300).numpy())
    assert sorted(many) == list(range(300))


@pytest.mark.parametrize("name", ["k-means++", "k-means||", "random"])
def test_cityblock_metric_gives_data_points(name, comm):
    X, blob = _separated()
    x = _uneven(em.array(X, split=0), comm.size)
    centers = _local_init(x, name, 5, metric="cityblock").numpy()
    rows = _rows_of(X, centers)
    assert -1 not in rows and len(set(rows)) == 5
    if name != "random":
        assert sorted(blob[rows].tolist()) == [0, 1, 2, 3, 4]


def test_kmeans_parallel_with_few_distinct_points_falls_back(comm):
    X = np.repeat(np.eye(3), 10, axis=0)  # 3 distinct points, 30 samples
    centers = _local_init(em.array(X, split=0), "k-means||", 0, k=3).numpy()
    assert sorted(map(tuple, centers)) == sorted(map(tuple, np.eye(3)))


def test_uniforms_and_nearest_centers_kernels():
    positions = torch.arange(10, dtype=torch.int64)
    u = uniforms(5, 1, positions)
    assert u.dtype == torch.float64 and bool(((u >= 0) & (u < 1)).all())
    torch.testing.assert_close(uniforms(5, 1, positions[3:7]), u[3:7], rtol=0, atol=0)
    assert not torch.equal(uniforms(5, 2, positions), u)
    points = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [0.5, 0.0]])
    centers = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    for metric in ("euclidean", "cityblock"):
        labels, costs = nearest_centers(points, centers, metric, with_costs=True)
        assert labels.tolist() == [0, 1, 1, 0]  # ties go to the lowest index
    assert costs.tolist() == [0.0, 0.0, 9.0, 0.5]


def test_kmeans_plusplus_errors(comm):
    X, _ = _blobs()
    x = em.array(X, split=0)
    with pytest.raises(ValueError, match=r"n_samples=300 should be >= n_clusters=301\."):
        kmeans_plusplus(x, 301)
    with pytest.raises(ValueError, match="'n_clusters' parameter"):
        kmeans_plusplus(x, 0)
    with pytest.raises(ValueError, match="n_local_trials is set to 0"):
        kmeans_plusplus(x, 3, n_local_trials=0)
    with pytest.raises(ValueError, match="The length of x_squared_norms 5"):
        kmeans_plusplus(x, 3, x_squared_norms=np.ones(5))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        kmeans_plusplus(x, 3, sample_weight=np.ones(7))
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        kmeans_plusplus(em.array(bad, split=0), 3)
