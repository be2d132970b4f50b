"""BatchParallelKMeans / BatchParallelKMedians against the same procedure in one
process: scikit-learn's KMeans (lloyd) or a NumPy k-medians on every block (the blocks
are known from the counts), then on the gathered centres, merge group by merge group."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import load_wine, make_blobs
from test_kmedians_kmedoids import kmedians_oracle

import ember as em
from ember.cluster import BatchParallelKMeans, BatchParallelKMedians
from ember.cluster._batch_parallel import _derived_seed
from ember.cluster._init import kmeans_plusplus_local
from ember.comm import Communicator
from ember.core.distribution import balanced_counts
from ember.testing import assert_allclose, assert_array_equal


def _blobs(n=240):
    return make_blobs(n_samples=n, centers=4, n_features=3, cluster_std=1.5,
                      random_state=7)[0]


def _wine():
    X = load_wine().data
    return (X - X.mean(0)) / X.std(0)


def _sk_kmeans(points, k, init, seed, max_iter, tol):
    if isinstance(init, str):  # k-means++ as ember draws it, from the derived seed
        init = kmeans_plusplus_local(torch.from_numpy(points), None, (len(points),),
                                     Communicator(None), k, np.random.default_rng(seed),
                                     "euclidean")[0].numpy()
    est = SkKMeans(k, init=init, n_init=1, max_iter=max_iter, tol=tol,
                   algorithm="lloyd").fit(points)
    return est.cluster_centers_, est.n_iter_


def _kmedians(points, k, init, seed, max_iter, tol):
    centers, _, _, n_iter = kmedians_oracle(points, init, max_iter, tol)
    return centers, n_iter


def batch_oracle(X, counts, k, init, cluster, merge=None, seed=0, max_iter=300, tol=1e-4):
    """Centres, labels' costs-argmin and n_iter_ of the batch-parallel procedure."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
    blocks, n_iter = [], 0
    for start, count in zip(starts, counts, strict=True):
        block = X[start:start + count]
        if count > k:
            block, n_iter = cluster(block, k, init, _derived_seed(seed, 0, int(start)),
                                    max_iter, tol)
        blocks.append(block)
    group, level = merge or len(blocks), 1
    merge_iter = 0
    while True:
        merged = []
        for index, begin in enumerate(range(0, len(blocks), group)):
            points = np.concatenate(blocks[begin:begin + group])
            if len(points) > k:
                points, merge_iter = cluster(points, k, init,
                                             _derived_seed(seed, level, index), max_iter, tol)
            merged.append(points)
        blocks, level = merged, level + 1
        if len(blocks) == 1:
            return blocks[0], (n_iter if len(counts) == 1 else merge_iter)


def _check(est, X, centers, n_iter, metric, labels_split):
    costs = cdist(X, centers, metric)
    labels = costs.argmin(1)
    inertia = (costs.min(1) ** (2 if metric == "euclidean" else 1)).sum()
    assert_allclose(est.cluster_centers_, centers, rtol=1e-9, atol=1e-12, split=None)
    assert_array_equal(est.labels_, labels, dtype=em.int32, split=labels_split)
    assert est.inertia_ == pytest.approx(inertia, rel=1e-8)
    assert est.n_iter_ == n_iter
    assert est.n_features_in_ == X.shape[1]


def _layouts(X, comm):
    """(input, counts of the blocks, labels' split)."""
    n, size = len(X), comm.size
    balanced = balanced_counts(n, size)
    uneven = (n,) if size == 1 else (0, *balanced_counts(n, size - 1))
    split0 = em.array(X, split=0)
    yield split0, balanced, 0
    yield split0.redistribute(uneven), uneven, 0
    yield em.array(X), balanced, None
    yield X, balanced, None
    yield em.array(X, split=1), balanced, 0


@pytest.mark.parametrize("data", [_blobs, _wine])
def test_batch_parallel_kmeans_matches_oracle(comm, data):
    X = data()
    init = X[[0, 1, 2, 3]]
    for Xin, counts, labels_split in _layouts(X, comm):
        est = BatchParallelKMeans(n_clusters=4, init=init, tol=0.0).fit(Xin)
        centers, n_iter = batch_oracle(X, counts, 4, init, _sk_kmeans, tol=0.0)
        _check(est, X, centers, n_iter, "euclidean", labels_split)


def test_batch_parallel_kmeans_plusplus_hierarchical_and_float32(comm):
    X = _blobs()
    counts = balanced_counts(len(X), comm.size)
    for merge in (None, 2):
        est = BatchParallelKMeans(n_clusters=4, random_state=3, n_procs_to_merge=merge)
        est.fit(em.array(X, split=0))
        centers, n_iter = batch_oracle(X, counts, 4, "k-means++", _sk_kmeans, merge, seed=3)
        _check(est, X, centers, n_iter, "euclidean", 0)
    init = X[[0, 1, 2, 3]]
    est = BatchParallelKMeans(n_clusters=4, init=init.astype(np.float32), tol=0.0)
    est.fit(em.array(X.astype(np.float32), split=0))
    centers, _ = batch_oracle(X, counts, 4, init, _sk_kmeans, tol=0.0)
    assert est.cluster_centers_.dtype == em.float32
    np.testing.assert_allclose(est.cluster_centers_.numpy(), centers, rtol=1e-4, atol=1e-4)


def test_batch_parallel_kmedians_matches_oracle(comm):
    X = _blobs(150)
    init = X[[0, 1, 2]]
    for Xin, counts, labels_split in _layouts(X, comm):
        est = BatchParallelKMedians(n_clusters=3, init=init).fit(Xin)
        centers, n_iter = batch_oracle(X, counts, 3, init, _kmedians)
        _check(est, X, centers, n_iter, "cityblock", labels_split)
    est = BatchParallelKMedians(n_clusters=3, init=init, n_procs_to_merge=2)
    est.fit(em.array(X.astype(np.float32), split=0))
    centers, n_iter = batch_oracle(X.astype(np.float32), balanced_counts(150, comm.size), 3,
                                   init.astype(np.float32), _kmedians, merge=2)
    assert est.cluster_centers_.dtype == em.float32
    np.testing.assert_array_equal(est.cluster_centers_.numpy(), centers)


def test_small_blocks_pass_their_samples(comm):
    X = _blobs(7)
    counts = balanced_counts(7, comm.size)
    init = X[[0, 1, 2]]
    est = BatchParallelKMeans(n_clusters=3, init=init, tol=0.0).fit(em.array(X, split=0))
    centers, n_iter = batch_oracle(X, counts, 3, init, _sk_kmeans, tol=0.0)
    _check(est, X, centers, n_iter, "euclidean", 0)


def test_api(comm):
    X = _blobs()
    for cls, metric in ((BatchParallelKMeans, "euclidean"),
                        (BatchParallelKMedians, "cityblock")):
        est = cls(n_clusters=4, random_state=0)
        labels = est.fit_predict(em.array(X, split=0))
        assert_array_equal(labels, est.labels_.numpy(), split=0)
        centers = est.cluster_centers_.numpy()
        Y = X[::9] + 0.3
        expected = cdist(Y, centers, metric)
        assert_array_equal(est.predict(Y), expected.argmin(1), dtype=em.int32, split=None)
        assert_allclose(est.transform(em.array(Y, split=0)), expected, rtol=1e-10, split=0)
        power = 2 if metric == "euclidean" else 1
        assert est.score(Y) == pytest.approx(-(expected.min(1) ** power).sum(), rel=1e-10)
        assert est.get_params()["n_procs_to_merge"] is None
    assert repr(BatchParallelKMedians(n_procs_to_merge=4)) == \
        "BatchParallelKMedians(n_procs_to_merge=4)"


@pytest.mark.parametrize("cls", [BatchParallelKMeans, BatchParallelKMedians])
def test_errors(comm, cls):
    X = em.array(_blobs(20), split=0)
    with pytest.raises(ValueError, match="n_procs_to_merge"):
        cls(n_clusters=2, n_procs_to_merge=1).fit(X)
    with pytest.raises(ValueError, match="init"):
        cls(n_clusters=2, init="k-means||").fit(X)
    with pytest.raises(ValueError, match="init"):
        cls(n_clusters=2, init=lambda X, k, random_state: X[:k]).fit(X)
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=21"):
        cls(n_clusters=21).fit(X)
    with pytest.raises(ValueError, match="does not match the number of clusters"):
        cls(n_clusters=2, init=np.zeros((3, 3))).fit(X)
    bad = _blobs(20)
    bad[5, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        cls(n_clusters=2).fit(bad)
    fitted = cls(n_clusters=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 4 features, but"):
        fitted.predict(np.zeros((3, 4)))
