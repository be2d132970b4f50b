"""unique, the array API's unique_*, isin, in1d and the two-set operations against NumPy,
for every split, uneven and tiny shapes, duplicates, NaNs and empty arrays; the
distributed paths never gather the data."""

import itertools

import numpy as np
import pytest
import torch
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.testing import assert_array_equal, assert_invariants, splits_of

SHAPES = [(), (0,), (2,), (7,), (4, 5), (2, 3, 2), (3, 0)]
HIGHS = (1, 4, 40)  # all equal, many duplicates, mostly distinct
RETURNS = list(itertools.product((False, True), repeat=3))


def _data(rng, shape, dtype, high=5, nan=False):
    kind = np.dtype(dtype).kind
    if kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    values = rng.integers(-high if kind == "i" else 0, high, shape).astype(dtype)
    if nan and kind == "f" and values.size > 1:
        values.flat[:: 3] = np.nan
    return np.asarray(values)


def _stable_unique(a, index, inverse, counts, equal_nan=True, axis=None):
    """NumPy's unique with its stable sort (NumPy sorts unstably without return_index,
    which leaves the order of distinct NaNs, and so their inverse indices, unspecified)."""
    want = np.unique(a, True, inverse, counts, axis=axis, equal_nan=equal_nan)
    return want[:1] + want[2 - index:]


def _expected_split(*arrays):
    return 0 if any(a.split is not None for a in arrays) else None


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16",
                                   "float32", "float64"])
def test_unique_every_split_and_return(dtype, rng, comm):
    """Every split of every shape, with the return flags and equal_nan rotating over the
    cases (every combination is met for each dtype), plus all returns at once."""
    check = LocalCheck(comm)
    floating = np.dtype(dtype).kind == "f"
    cases = itertools.product(SHAPES, (False, True) if floating else (False,))
    step = itertools.count()
    for i, (shape, nan) in enumerate(cases):
        high = HIGHS[i % 3]
        a = _data(rng, shape, dtype, high, nan)
        for split in splits_of(a.ndim):
            x = em.array(a, split=split)
            values_split = None if split is None else 0
            k = next(step)
            for index, inverse, counts in (RETURNS[k % 8], (True, True, True)):
                equal_nan = not nan or k % 2 == 0
                got = em.unique(x, index, inverse, counts, equal_nan=equal_nan)
                got = got if isinstance(got, tuple) else (got,)
                want = _stable_unique(a, index, inverse, counts, equal_nan)
                assert len(got) == len(want)
                context = f"{shape} {high} split={split} returns={index, inverse, counts}"
                check(got[0], want[0], context, split=values_split)
                splits = [values_split] * 3
                if inverse:
                    splits[int(index)] = split
                for g, w, s in zip(got[1:], want[1:], splits, strict=False):
                    check(g, w, context, split=s)
    check.done()


def test_unique_results_are_valid_arrays(rng):
    """Invariants hold on every rank (data-dependent counts), including the all-equal
    array, whose single value lives on one rank."""
    for a in (np.full(11, 7), rng.integers(0, 1000, 23), np.arange(5)[::-1]):
        x = em.array(a, split=0)
        values, index, inverse, counts = em.unique(x, True, True, True)
        for result in (values, index, inverse, counts):
            assert_invariants(result)
        assert values.counts == index.counts == counts.counts
        assert inverse.counts == x.counts
        assert_array_equal(values, np.unique(a), split=0)
        np.testing.assert_array_equal(values.numpy()[inverse.numpy()], a)


def test_unique_bfloat16_and_weird_floats():
    a = np.array([0.5, -0.0, 0.0, np.inf, -np.inf, 2.0, np.nan, -np.inf, 0.5], np.float32)
    for split in (None, 0):
        for dtype in (em.bfloat16, em.float32):
            x = em.array(a, split=split, dtype=dtype)
            for got, want in zip(em.unique(x, True, True, True), np.unique(a, True, True, True),
                                 strict=True):
                assert_array_equal(got, want, dtype=dtype if got is not None and
                                   got.dtype.kind == "f" else None)


def test_unique_of_python_data_and_flags():
    assert_array_equal(em.unique([1.5, 1.5, 0.25]), np.unique([1.5, 1.5, 0.25]))
    values, inverse = em.unique([[3, 1], [1, 3]], return_inverse=True)
    assert inverse.shape == (2, 2)
    assert_array_equal(inverse, [[1, 0], [0, 1]])
    assert_array_equal(em.unique(em.arange(6, split=0), sorted=False), np.arange(6))


def test_array_api_unique_functions(rng, comm):
    check = LocalCheck(comm)
    for shape in ((0,), (1,), (9,), (3, 4)):
        a = _data(rng, shape, "float64", 3, nan=True)
        for split in splits_of(a.ndim):
            x = em.array(a, split=split)
            vs = None if split is None else 0
            check(em.unique_values(x), np.sort(np.unique_values(a)), f"{shape}", split=vs)
            for got, want in ((em.unique_all(x), np.unique_all(a)),
                              (em.unique_counts(x), np.unique_counts(a)),
                              (em.unique_inverse(x), np.unique_inverse(a))):
                assert type(got).__name__ == type(want).__name__
                assert got._fields == want._fields
                for field in want._fields:
                    split_of = split if field == "inverse_indices" else vs
                    check(getattr(got, field), getattr(want, field), f"{shape} {field}",
                          split=split_of)
    check.done()


def test_unique_along_an_axis_every_split(rng, comm):
    """Lexicographic unique subarrays, NaN rows apart, empty subarrays, every split."""
    check = LocalCheck(comm)
    nan_rows = np.array([[1, np.nan], [1, np.nan], [0, 2], [np.nan, 1], [-0.0, 2]])
    arrays = [rng.integers(0, 2, (7, 3)).astype(np.float32), nan_rows,
              rng.integers(0, 2, (3, 4, 2)).astype(np.int8), np.zeros((3, 0)),
              np.zeros((0, 3), dtype=np.int64), np.full((5, 2), True)]
    for i, a in enumerate(arrays):
        for split, axis in itertools.product(splits_of(a.ndim), range(-1, a.ndim)):
            x = em.array(a, split=split)
            returns = RETURNS[(i + axis) % 8]
            got = em.unique(x, *returns, axis=axis)
            got = got if isinstance(got, tuple) else (got,)
            want = _stable_unique(a, *returns, axis=axis)
            context = f"{a.shape} split={split} axis={axis} returns={returns}"
            check(got[0], want[0], context, split=None if split is None else axis % a.ndim)
            for g, w in zip(got[1:], want[1:], strict=True):
                check(g, w, context, split=None if split is None else 0)
    check.done()
    b = em.array(arrays[0], dtype=em.bfloat16, split=0)
    assert_array_equal(em.unique(b, axis=0), np.unique(arrays[0], axis=0), dtype=em.bfloat16)
    assert_array_equal(em.unique(em.arange(4, split=0), axis=0), np.arange(4))  # 1-D
    assert_array_equal(em.unique(em.arange(4, split=0), axis=-1), np.arange(4))


def test_unique_errors_on_every_rank():
    x = em.zeros((4, 3), split=0)
    with pytest.raises(em.AxisError):
        em.unique(x, axis=2)
    with pytest.raises(em.AxisError):
        em.unique(em.array(5.0), axis=0)
    with pytest.raises(em.AxisError):
        em.unique(em.arange(3, split=0), axis=1)
    with pytest.raises(TypeError):
        em.unique(x, axis=1.0)
    with pytest.raises(NotImplementedError, match="complex"):
        em.unique(em.ones(3, dtype=em.complex64, split=0))
    with pytest.raises(NotImplementedError, match="complex"):
        em.isin(em.ones(3, split=0), em.ones(2, dtype=em.complex64))


def test_isin_every_split(rng, comm):
    """Element and test splits (replicated test: local; split test: routed), rotating the
    dtype pairs over the shapes."""
    check = LocalCheck(comm)
    pairs = [("int64", "int64"), ("float64", "float64"), ("int32", "float32"),
             ("bool", "int64"), ("uint8", "int8")]
    cases = itertools.product([(), (0,), (1,), (7,), (3, 4), (2, 2, 3)], [0, 2, 9])
    for i, (shape1, size2) in enumerate(cases):
        dtype1, dtype2 = pairs[i % len(pairs)]
        a = _data(rng, shape1, dtype1, 6, nan=True)
        b = _data(rng, (size2,), dtype2, 6, nan=True)
        for split1, split2 in itertools.product(splits_of(a.ndim), (None, 0)):
            x, y = em.array(a, split=split1), em.array(b, split=split2)
            invert = (i + (split2 is None)) % 2 == 1
            context = f"{dtype1} {shape1} vs {dtype2} {size2} splits {split1, split2}"
            check(em.isin(x, y, invert=invert), np.isin(a, b, invert=invert), context,
                  split=split1)
    x, y = em.array([3, 1, 2], split=0), em.array([2, 5], split=0)
    check(em.isin(x, y, assume_unique=True, kind="sort"), [False, False, True], "unique")
    check.done()


def test_isin_compares_in_the_promoted_type():
    a = np.array([0.1, 0.5, 1.0, 2.0])
    for split in (None, 0):
        x = em.array(a, split=split)
        assert_array_equal(em.isin(x, [0.1, 2]), np.isin(a, [0.1, 2]))
        assert_array_equal(em.isin(x, em.array([1, 3], split=0)), np.isin(a, [1, 3]))
        assert_array_equal(em.isin(em.array([3, 1], split=0), x), [False, True])
        assert_array_equal(em.isin(x, 0.5), np.isin(a, 0.5))


def test_isin_kind_errors_on_every_rank():
    x, y = em.arange(5, split=0), em.array([1.0, 2.0], split=0)
    with pytest.raises(ValueError, match="Invalid kind"):
        em.isin(x, y, kind="hash")
    with pytest.raises(ValueError, match="table"):
        em.isin(x, y, kind="table")
    assert_array_equal(em.isin(x, [1, 4], kind="table"), np.isin(np.arange(5), [1, 4]))


def test_in1d_is_isin_ravelled(rng):
    a = rng.integers(0, 5, (3, 4))
    b = rng.integers(0, 5, 4)
    for split in splits_of(2):
        x = em.array(a, split=split)
        for y in (b, em.array(b, split=0)):
            result = em.in1d(x, y, invert=True)
            assert_array_equal(result, np.isin(a, b, invert=True).ravel(),
                               split=None if split is None else 0)
            assert_invariants(result)


def _pairs(rng):
    yield np.array([]), np.array([1.0])
    yield np.array([1, 2, 3]), np.array([], dtype=np.int64)
    yield np.array(4), np.array([4, 4])
    yield np.full(5, 3), np.full(4, 3)
    yield _data(rng, (9,), "float64", 5, nan=True), _data(rng, (6,), "float64", 5, nan=True)
    yield _data(rng, (3, 4), "int32", 6), _data(rng, (2, 3), "int64", 6)
    yield _data(rng, (7,), "int8", 4), _data(rng, (5,), "float32", 4)
    yield _data(rng, (8,), "bool"), _data(rng, (2,), "bool")
    yield rng.permutation(11), rng.permutation(7) + 4  # unique inputs
    yield np.array([2.0, np.nan, 1.0, -0.0]), np.array([np.nan, 0.0, 5.0])


def _split_pairs(a, b):
    """Both replicated, each one split alone, and both split along their last axes."""
    last1 = a.ndim - 1 if a.ndim else None
    last2 = b.ndim - 1 if b.ndim else None
    return [(None, None), (last1, None), (None, 0 if b.ndim else None), (last1, last2)]


def test_two_set_operations_every_split(rng, comm):
    check = LocalCheck(comm)
    for a, b in _pairs(rng):
        unique_inputs = np.unique(a).size == a.size and np.unique(b).size == b.size
        for split1, split2 in _split_pairs(a, b):
            x, y = em.array(a, split=split1), em.array(b, split=split2)
            split = _expected_split(x, y)
            context = f"{a.dtype}{a.shape} {b.dtype}{b.shape} splits {split1, split2}"
            for name in ("union1d", "setxor1d", "setdiff1d"):
                check(getattr(em, name)(x, y), getattr(np, name)(a, b),
                      f"{name} {context}", split=split)
            for got, want in zip(em.intersect1d(x, y, return_indices=True),
                                 np.intersect1d(a, b, return_indices=True), strict=True):
                check(got, want, f"intersect1d indices {context}", split=split)
            if unique_inputs:
                check(em.setdiff1d(x, y, assume_unique=True),
                      np.setdiff1d(a, b, assume_unique=True), f"setdiff1d {context}",
                      split=split)
                for got, want in zip(em.intersect1d(x, y, True, True),
                                     np.intersect1d(a, b, True, True), strict=True):
                    check(got, want, f"intersect1d unique indices {context}", split=split)
    check.done()


def test_two_set_operations_plain(rng):
    """The value-only forms (no indices) and assume_unique flags, split inputs."""
    a, b = rng.integers(0, 9, 10), rng.integers(4, 12, 6)
    x, y = em.array(a, split=0), em.array(b, split=0)
    assert_array_equal(em.intersect1d(x, y), np.intersect1d(a, b), split=0)
    ua, ub = np.unique(a), np.unique(b)
    assert_array_equal(em.setxor1d(ua, em.array(ub, split=0), assume_unique=True),
                       np.setxor1d(ua, ub, assume_unique=True), split=0)
    assert_array_equal(em.intersect1d(ua, ub, assume_unique=True),
                       np.intersect1d(ua, ub, assume_unique=True), split=None)


def test_two_set_results_are_valid_arrays(rng):
    a, b = rng.integers(0, 30, 25), rng.integers(10, 40, 13)
    x, y = em.array(a, split=0), em.array(b)
    common, first1, first2 = em.intersect1d(x, y, return_indices=True)
    for result in (common, first1, first2, em.union1d(x, y), em.setxor1d(y, x),
                   em.setdiff1d(y, x)):
        assert_invariants(result)
    assert first1.counts == common.counts == first2.counts


def test_distributed_paths_do_not_gather(monkeypatch, rng, comm):
    """Split inputs are routed by key range, never gathered; replicated inputs (and a
    replicated test set) need no communication."""
    a, b = rng.integers(0, 50, 40), rng.integers(0, 50, 30)
    x, y = em.array(a, split=0), em.array(b, split=0)
    route = ["Allgather", "Alltoall", "Alltoallv", "Allgather"]
    for call, expected in (
            (lambda: em.unique(x), route),
            (lambda: em.unique(x, True, True, True), [*route, "Alltoallv"]),
            (lambda: em.isin(x, y), [*route, "Alltoallv"]),
            (lambda: em.intersect1d(x, b, return_indices=True), [*route, "Allgather"])):
        with count_collectives(monkeypatch) as calls:
            call()
        assert calls == (expected if comm.size > 1 else []), calls
    with count_collectives(monkeypatch) as calls:
        em.unique(em.array(a), True, True, True)
        em.isin(x, b)
        em.union1d(a, b)
    assert calls == []


def test_splitters_balance_distinct_values(comm):
    """Many distinct values spread over every rank (no rank is left with all of them)."""
    n = 60 * comm.size
    values = em.unique(em.array(np.arange(n)[::-1] % (n // 2), split=0))
    assert values.shape == (n // 2,)
    assert max(values.counts) <= 1.5 * (n // 2 // comm.size) + 2, values.counts
    assert_array_equal(values, np.arange(n // 2))


def test_keys_order_every_dtype():
    """The order-preserving keys sort as the values and decode back exactly."""
    from ember.core.sets import _from_keys, _to_keys

    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        values = torch.tensor([-np.inf, -2.5, -0.0, 0.0, 1e-3, 3.0, np.inf, np.nan]).to(dtype)
        keys = _to_keys(values)
        assert torch.all(keys[1:] >= keys[:-1]) and keys[2] == keys[3]
        decoded = _from_keys(keys, dtype)
        assert torch.equal(decoded[:-1], values[:-1]) and torch.isnan(decoded[-1])
