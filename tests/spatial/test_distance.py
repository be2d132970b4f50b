"""ember.spatial.cdist / pdist / rbf against scipy.spatial.distance and scikit-learn's
rbf_kernel: every metric, every split of X and Y (and Y=None), uneven counts with an
empty rank, fewer points than processes, dtypes, exact self-distances, the documented
result distribution and communication, real data (iris), and every error on every rank."""

import math

import numpy as np
import pytest
from scipy.spatial import distance as sd
from sklearn.datasets import load_iris
from sklearn.metrics.pairwise import rbf_kernel

import ember as em
from ember.comm import Communicator
from ember.core.distribution import balanced_counts, offsets
from ember.spatial import distance
from ember.testing import assert_invariants

# (ember metric, p, scipy metric, scipy keyword arguments)
METRICS = [
    ("euclidean", 2.0, "euclidean", {}),
    ("sqeuclidean", 2.0, "sqeuclidean", {}),
    ("cityblock", 2.0, "cityblock", {}),
    ("manhattan", 2.0, "cityblock", {}),
    ("cosine", 2.0, "cosine", {}),
    ("chebyshev", 2.0, "chebyshev", {}),
    ("minkowski", 3.0, "minkowski", {"p": 3.0}),
    ("minkowski", 1.5, "minkowski", {"p": 1.5}),
]
Y_SPLITS = ["Y=None", None, 0, 1]


class Blocks:
    """Compares each rank's block with the oracle's matching slice without communicating;
    :meth:`done` agrees on the failures (one allgather) so every rank fails together."""

    def __init__(self, comm):
        self.comm, self.failures, self.count = comm, [], 0

    def __call__(self, actual, expected, context, rtol=1e-10, atol=1e-10, dtype="float64"):
        self.count += 1
        expected = np.asarray(expected)
        try:
            assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
            assert actual.dtype == em.dtype(dtype), f"dtype {actual.dtype} != {dtype}"
            block = expected
            if actual.split is not None:
                start = offsets(actual.counts)[self.comm.rank]
                index = [slice(None)] * expected.ndim
                index[actual.split] = slice(start, start + actual.counts[self.comm.rank])
                block = expected[tuple(index)]
            values = actual.larray.numpy()
            assert values.shape == block.shape, f"block {values.shape} != {block.shape}"
            np.testing.assert_allclose(values, block, rtol=rtol, atol=atol, equal_nan=True)
        except AssertionError as error:
            self.failures.append(f"{context}: {error}")

    def done(self):
        everyone = self.comm.allgather_object(self.failures[:3])
        failures = [f"rank {r}: {f}" for r, fs in enumerate(everyone) for f in fs]
        assert self.count
        assert not failures, "\n".join(failures)


def _standardised(a):
    return (a - a.mean(0)) / a.std(0)


def _uneven(n, size):
    """Counts with rank 0 empty (for more than one process)."""
    if size == 1:
        return (n,)
    rest = list(balanced_counts(n, size - 1))
    return (0, *rest)


def _array(a, split, comm, uneven=False):
    x = em.array(a, split=split)
    if uneven and split is not None:
        x = x.redistribute(_uneven(a.shape[split], comm.size))
    return x


def _expected_layout(x, y, n_x, n_y, size):
    """The documented split and counts of cdist(x, y)."""
    if x.split is not None:
        return 0, x.counts if x.split == 0 else balanced_counts(n_x, size)
    if y is not None and y.split is not None:
        return 1, y.counts if y.split == 0 else balanced_counts(n_y, size)
    return None, None


def _sweep(check, a, b, comm, metrics=METRICS, uneven=False, rtol=1e-10, atol=1e-10,
           dtype="float64"):
    """cdist for every metric, X split and Y split (and Y=None) against scipy."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    for name, p, scipy_name, kwargs in metrics:
        for x_split in (None, 0, 1):
            x = _array(a, x_split, comm, uneven)
            for y_split in Y_SPLITS:
                y = None if y_split == "Y=None" else _array(b, y_split, comm, uneven)
                expected = sd.cdist(a64, a64 if y is None else b64, scipy_name, **kwargs)
                if y is None:
                    np.fill_diagonal(expected, 0)
                result = em.spatial.cdist(x, y, name, p=p)
                split, counts = _expected_layout(x, y, len(a), len(expected[0]), comm.size)
                assert result.split == split and result.counts == counts, (
                    name, x_split, y_split, result.split, result.counts)
                check(result, expected, f"{name} p={p} X split {x_split} Y {y_split}",
                      rtol=rtol, atol=atol, dtype=dtype)


def test_cdist_every_metric_and_split(rng, comm):
    check = Blocks(comm)
    _sweep(check, rng.standard_normal((7, 3)), rng.standard_normal((5, 3)), comm)
    check.done()


def test_cdist_uneven_counts_with_an_empty_rank(rng, comm):
    check = Blocks(comm)
    _sweep(check, rng.standard_normal((6, 4)), rng.standard_normal((5, 4)), comm,
           metrics=METRICS[::2], uneven=True)
    check.done()
    x = _array(rng.standard_normal((6, 4)), 0, comm, uneven=True)
    y = _array(rng.standard_normal((5, 4)), 0, comm, uneven=True)
    for result, counts in ((em.spatial.cdist(x, y), x.counts),
                           (em.spatial.cdist(x.resplit(None), y), y.counts)):
        assert_invariants(result)
        assert result.counts == counts


def test_cdist_fewer_points_than_processes(rng, comm):
    check = Blocks(comm)
    _sweep(check, rng.standard_normal((2, 3)), rng.standard_normal((1, 3)), comm,
           metrics=METRICS[:5])
    for x_split in (None, 0, 1):  # no points at all
        for y_split in (None, 0):
            x = em.array(np.zeros((0, 3)), split=x_split)
            y = em.array(rng.standard_normal((2, 3)), split=y_split)
            check(em.spatial.cdist(x, y), np.zeros((0, 2)), "empty X")
            check(em.spatial.cdist(y, x, "cityblock"), np.zeros((2, 0)), "empty Y")
            check(em.spatial.pdist(x), np.zeros(0), "empty pdist")
    check.done()


def test_dtypes_float32_int_bool_and_mixed(rng, comm):
    check = Blocks(comm)
    a32 = rng.standard_normal((5, 3)).astype(np.float32)
    b32 = rng.standard_normal((4, 3)).astype(np.float32)
    _sweep(check, a32, b32, comm, metrics=METRICS[::3], rtol=2e-5, atol=2e-5,
           dtype="float32")
    ints = rng.integers(-5, 5, (5, 3))
    for split in (None, 0, 1):
        for a, b in ((ints, ints[:4] + 1), (ints > 0, ints[:4] < 0),
                     (a32, b32.astype(np.float64)), (ints.astype(np.int32), b32)):
            x, y = em.array(a, split=split), em.array(b, split=split)
            for name in ("euclidean", "cityblock", "cosine"):
                expected = sd.cdist(np.asarray(a, float), np.asarray(b, float), name)
                check(em.spatial.cdist(x, y, name), expected, f"{a.dtype}/{b.dtype} {name}",
                      rtol=1e-6, atol=1e-6)
            expected = sd.pdist(np.asarray(a, float), "chebyshev")
            pd = em.spatial.pdist(x, "chebyshev")
            check(pd, expected, f"pdist {a.dtype}", rtol=1e-6, atol=1e-6,
                  dtype="float32" if a.dtype == np.float32 else "float64")
    check.done()


def test_self_distances_are_exactly_zero(rng, comm):
    """Y=None: the diagonal is exactly 0 for every metric, even far from the origin where
    the matrix-product form loses many digits; duplicates are exactly 0 apart in the
    Euclidean metrics (recomputed by direct differences)."""
    a = rng.standard_normal((9, 5)) * 1e-3 + 1e3
    a[6] = a[2]  # a duplicate
    for split in (None, 0, 1):
        x = em.array(a, split=split)
        for name, p, _, _ in METRICS:
            full = em.spatial.cdist(x, metric=name, p=p).numpy()
            assert (np.diag(full) == 0).all(), (name, split, np.diag(full))
            if name in ("euclidean", "sqeuclidean"):
                assert full[2, 6] == 0 and full[6, 2] == 0
                explicit = em.spatial.cdist(x, x, name).numpy()
                assert (np.diag(explicit) == 0).all() and explicit[2, 6] == 0
                condensed = em.spatial.pdist(x, name).numpy()
                assert condensed[_condensed_index(2, 6, len(a))] == 0
                np.testing.assert_allclose(full, sd.cdist(a, a, name), rtol=1e-7)
        assert (np.diag(em.spatial.rbf(x).numpy()) == 1).all()


def _condensed_index(i, j, n):
    return n * i - i * (i + 1) // 2 + (j - i - 1)


def test_iris_standardised(comm):
    check = Blocks(comm)
    iris = _standardised(load_iris().data)  # 150 x 4, with duplicate rows
    queries = iris[::7]
    for name, p, scipy_name, kwargs in METRICS:
        for x_split, y_split in ((0, None), (0, 1), (None, 0), (1, "Y=None")):
            x = em.array(iris, split=x_split)
            y = None if y_split == "Y=None" else em.array(queries, split=y_split)
            expected = sd.cdist(iris, iris if y is None else queries, scipy_name, **kwargs)
            if y is None:
                np.fill_diagonal(expected, 0)
            check(em.spatial.cdist(x, y, name, p=p), expected, f"iris {name} {x_split}")
        for split in (None, 0, 1):
            check(em.spatial.pdist(em.array(iris, split=split), name, p=p),
                  sd.pdist(iris, scipy_name, **kwargs), f"iris pdist {name} {split}")
    check.done()


def test_pdist_order_length_and_counts(rng, comm):
    check = Blocks(comm)
    for n in (0, 1, 2, 5, 8):
        a = rng.standard_normal((n, 3))
        for name, p, scipy_name, kwargs in METRICS:
            expected = sd.pdist(a, scipy_name, **kwargs)
            for split in (None, 0, 1):
                for uneven in (False, True):
                    x = _array(a, split, comm, uneven)
                    result = em.spatial.pdist(x, name, p=p)
                    assert result.shape == (n * (n - 1) // 2,)
                    if split is None:
                        assert result.split is None
                    else:
                        rows = x.counts if split == 0 else balanced_counts(n, comm.size)
                        starts = offsets(rows)
                        wanted = tuple(sum(n - 1 - i for i in range(o, o + c))
                                       for o, c in zip(starts, rows, strict=True))
                        assert result.split == 0 and result.counts == wanted
                    check(result, expected, f"pdist n={n} {name} {split} {uneven}")
    check.done()
    assert_invariants(em.spatial.pdist(_array(rng.standard_normal((7, 2)), 0, comm, True)))
    # scipy's order: pairs (i, j > i) row by row
    line = em.array(np.array([[0.0], [1.0], [3.0], [7.0]]), split=0)
    assert em.spatial.pdist(line, "cityblock").tolist() == [1.0, 3.0, 7.0, 2.0, 6.0, 4.0]


def test_rbf_matches_sklearn(rng, comm):
    check = Blocks(comm)
    a, b = rng.standard_normal((7, 3)), rng.standard_normal((4, 3))
    for sigma in (0.5, 1.0, 3):
        gamma = 1.0 / (2.0 * sigma ** 2)
        for x_split in (None, 0, 1):
            x = _array(a, x_split, comm, uneven=True)
            for y_split in Y_SPLITS:
                y = None if y_split == "Y=None" else em.array(b, split=y_split)
                expected = rbf_kernel(a, a if y is None else b, gamma=gamma)
                result = em.spatial.rbf(x, y, sigma=sigma)
                split, counts = _expected_layout(x, y, 7, expected.shape[1], comm.size)
                assert (result.split, result.counts) == (split, counts)
                check(result, expected, f"rbf sigma={sigma} {x_split} {y_split}")
    iris = _standardised(load_iris().data)
    check(em.spatial.rbf(em.array(iris, split=0), sigma=2.0),
          rbf_kernel(iris, gamma=1 / 8), "rbf iris")
    check(em.spatial.rbf(em.array(a.astype(np.float32), split=0), sigma=1.0),
          rbf_kernel(a, gamma=0.5), "rbf float32", rtol=1e-5, atol=1e-6, dtype="float32")
    check.done()


def test_aliases_inputs_and_special_values(rng, comm):
    check = Blocks(comm)
    a, b = rng.standard_normal((6, 3)), rng.standard_normal((4, 3))
    x = em.array(a, split=0)
    for name, p, scipy_name in (("l1", 2, "cityblock"), ("l2", 2, "euclidean"),
                                ("minkowski", 1, "cityblock"), ("minkowski", 2, "euclidean"),
                                ("minkowski", math.inf, "chebyshev"),
                                ("minkowski", np.float64(3), "minkowski")):
        kwargs = {"p": 3} if scipy_name == "minkowski" else {}
        check(em.spatial.cdist(x, b, name, p=p), sd.cdist(a, b, scipy_name, **kwargs), name)
    # NumPy arrays and sequences: replicated results
    for result in (em.spatial.cdist(a, b), em.spatial.cdist(a.tolist(), b.tolist())):
        assert result.split is None
        check(result, sd.cdist(a, b), "array_like", rtol=1e-6, atol=1e-6,
              dtype=result.dtype.name)
    assert em.spatial.pdist(a).split is None
    # cosine with an all-zero point is NaN (0/0), as in scipy
    z = np.vstack([a[:3], np.zeros((1, 3))])
    check(em.spatial.cdist(em.array(z, split=0), b, "cosine"), sd.cdist(z, b, "cosine"),
          "cosine zero")
    check(em.spatial.pdist(em.array(z, split=0), "cosine"), sd.pdist(z, "cosine"),
          "pdist cosine zero")
    check.done()


def test_small_tiles(rng, comm, monkeypatch):
    """A tiny memory budget: many row tiles and recomputation chunks, same values."""
    monkeypatch.setattr(distance, "_TILE_BYTES", 256)
    check = Blocks(comm)
    a = np.repeat(rng.standard_normal((5, 3)), 3, axis=0)  # many duplicates
    b = rng.standard_normal((9, 3))
    for name, p, scipy_name, kwargs in METRICS:
        for split in (None, 0):
            x = em.array(a, split=split)
            check(em.spatial.cdist(x, b, name, p=p), sd.cdist(a, b, scipy_name, **kwargs),
                  f"tiles {name}")
            expected = sd.cdist(a, a, scipy_name, **kwargs)
            np.fill_diagonal(expected, 0)
            check(em.spatial.cdist(x, metric=name, p=p), expected, f"tiles self {name}")
            check(em.spatial.pdist(x, name, p=p), sd.pdist(a, scipy_name, **kwargs),
                  f"tiles pdist {name}")
    check.done()


def test_communication(rng, comm, monkeypatch):
    """One Allgatherv of Y when both are split, none when one is replicated."""
    calls = []
    for name in ("Allgatherv", "Allgather", "Alltoallv", "Allreduce", "Sendrecv", "Bcast",
                 "allgather_object", "bcast_object"):
        original = getattr(Communicator, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Communicator, name, wrapper)
    a, b = rng.standard_normal((7, 3)), rng.standard_normal((5, 3))
    cases = [
        (lambda: em.spatial.cdist(em.array(a, split=0), em.array(b, split=0)), ["Allgatherv"]),
        (lambda: em.spatial.cdist(em.array(a, split=0), em.array(b, split=1)), ["Allgatherv"]),
        (lambda: em.spatial.cdist(em.array(a, split=0), em.array(b)), []),
        (lambda: em.spatial.cdist(em.array(a), em.array(b, split=0)), []),
        (lambda: em.spatial.cdist(em.array(a, split=0)), ["Allgatherv"]),
        (lambda: em.spatial.cdist(em.array(a, split=1)), ["Alltoallv", "Allgatherv"]),
        (lambda: em.spatial.rbf(em.array(a, split=0), em.array(b)), []),
        (lambda: em.spatial.pdist(em.array(a, split=0)), ["Allgatherv"]),
        (lambda: em.spatial.pdist(em.array(a)), []),
    ]
    for i, (call, expected) in enumerate(cases):
        calls.clear()
        call()
        assert calls == expected, (i, calls)


@pytest.mark.parametrize("function", ["cdist", "rbf"])
def test_errors_raise_on_every_rank(function, comm):
    f = getattr(em.spatial, function)
    x = em.array(np.ones((4, 3)), split=0)
    with pytest.raises(ValueError, match="XA must be a 2-dimensional array"):
        f(em.ones(4, split=0))
    with pytest.raises(ValueError, match="XA must be a 2-dimensional array"):
        f(np.ones((2, 2, 2)), x)
    with pytest.raises(ValueError, match="XB must be a 2-dimensional array"):
        f(x, em.ones((2, 3, 1), split=1))
    with pytest.raises(ValueError, match="XA and XB must have the same number of columns"):
        f(x, em.ones((4, 2), split=0))
    with pytest.raises(ValueError, match="complex"):
        f(em.array(np.ones((4, 3), complex), split=0))
    with pytest.raises(ValueError, match="complex"):
        f(x, np.ones((2, 3), complex))
    if function == "rbf":
        for sigma in (0, -1.0, math.nan):
            with pytest.raises(ValueError, match="sigma"):
                f(x, sigma=sigma)
        with pytest.raises(TypeError, match="sigma"):
            f(x, sigma="1")
        return
    with pytest.raises(ValueError, match="Unknown Distance Metric: foo"):
        f(x, metric="foo")
    with pytest.raises(ValueError, match="Unknown Distance Metric"):
        f(x, metric=None)
    for p in (0, -1.0):
        with pytest.raises(ValueError, match="p must be greater than 0"):
            f(x, metric="minkowski", p=p)
    with pytest.raises(TypeError, match="p must be a real number"):
        f(x, metric="minkowski", p="3")
    with pytest.raises(NotImplementedError, match="callable"):
        f(x, metric=lambda u, v: 0.0)
    with pytest.raises(NotImplementedError, match="hamming"):
        f(x, metric="hamming")


def test_pdist_errors_raise_on_every_rank(comm):
    with pytest.raises(ValueError, match=r"A 2-dimensional array must be passed. \(Shape was "
                                         r"\(3,\)\)"):
        em.spatial.pdist(em.ones(3, split=0))
    with pytest.raises(ValueError, match="2-dimensional"):
        em.spatial.pdist(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="complex"):
        em.spatial.pdist(em.array(np.ones((4, 3), complex), split=1))
    with pytest.raises(ValueError, match="Unknown Distance Metric"):
        em.spatial.pdist(em.ones((3, 2), split=0), "nope")
    with pytest.raises(ValueError, match="p must be greater than 0"):
        em.spatial.pdist(em.ones((3, 2), split=0), "minkowski", p=0)
