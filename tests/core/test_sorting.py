"""sort, argsort, partition, argpartition and lexsort against NumPy (kind="stable"), for
every split and axis spelling, with the sample sort's collectives counted and its
balance checked."""

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import sorting
from ember.testing import assert_array_equal, assert_invariants

DTYPES_1D = ["bool", "int8", "uint8", "int64", "float16", "float32", "float64", "complex64"]


def _data(rng, shape, dtype, kind="random"):
    """Test data: random with ties, few distinct values, all equal, sorted, reversed;
    floats also get NaN, +-inf and -0.0 beside 0.0."""
    dt = np.dtype(dtype)
    size = int(np.prod(shape))
    if kind == "equal":
        return np.zeros(shape, dtype=dt)
    high = 3 if kind == "few" else 50
    if dt.kind == "b":
        a = rng.integers(0, 2, size).astype(bool)
    elif dt.kind in "iu":
        low = 0 if dt.kind == "u" else -high
        a = rng.integers(low, high, size).astype(dt)
    else:
        a = rng.integers(-high, high, size).astype(dt)
        if kind == "random" and dt.kind == "f":
            a = (a * 0.5).astype(dt)
            special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, np.nan], dtype=dt)
            a[rng.integers(0, size, min(size, 6))] = special[:min(size, 6)]
        if dt.kind == "c":
            a = a + 1j * rng.integers(-2, 2, size)
            if size > 3:
                a[1], a[2] = complex(np.nan, 1), complex(1, np.nan)
            a = a.astype(dt)
    if kind == "sorted":
        a = np.sort(a, kind="stable")
    elif kind == "reversed":
        a = np.sort(a, kind="stable")[::-1].copy()
    return a.reshape(shape)


def _np_sort(a, axis, descending=False):
    if axis is None:
        a, axis = a.reshape(-1), 0
    if not descending:
        return np.sort(a, axis=axis, kind="stable")
    return np.flip(np.sort(np.flip(a, axis), axis=axis, kind="stable"), axis)


def _np_argsort(a, axis, descending=False):
    if axis is None:
        a, axis = a.reshape(-1), 0
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    flipped = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
    return np.flip(a.shape[axis] - 1 - flipped, axis)


def _distributions(a, comm):
    """``a`` replicated, split along each axis (balanced), and split along 0 with all
    rows on the last rank (uneven counts, empty chunks)."""
    arrays = [em.array(a, split=split) for split in [None, *range(a.ndim)]]
    if a.ndim and comm.size > 1:
        counts = [0] * (comm.size - 1) + [a.shape[0]]
        arrays.append(em.array(a, split=0).redistribute(counts))
    return arrays


def _check_sorts(check, a, x, axis, label):
    for descending in (False, True):
        context = f"{label} split={x.split} axis={axis} descending={descending}"
        result = em.sort(x, axis=axis, descending=descending)
        check(result, _np_sort(a, axis, descending), context=context + " sort")
        indices = em.argsort(x, axis=axis, descending=descending)
        check(indices, _np_argsort(a, axis, descending), context=context + " argsort")
        if result.split is not None and indices.counts != result.counts:
            check.failures.append(f"{context}: argsort counts {indices.counts} != sort "
                                  f"counts {result.counts}")


@pytest.mark.parametrize("dtype", DTYPES_1D)
def test_sort_argsort_1d_every_distribution(dtype, rng, comm):
    check = LocalCheck(comm)
    for n in (0, 1, 2, 5, 17, 64):
        kinds = ("random", "few", "equal", "sorted", "reversed") if n > 4 else ("random",)
        for kind in kinds:
            a = _data(rng, (n,), dtype, kind)
            for j, x in enumerate(_distributions(a, comm)):
                axis = (0, -1, None)[(j + n) % 3]  # every spelling, rotating
                _check_sorts(check, a, x, axis, f"{dtype} n={n} {kind}")
    check.done()


@pytest.mark.parametrize("shape, dtype", [((5, 4), "float32"), ((5, 4), "int64"),
                                          ((2, 3, 4), "float64"), ((7, 1), "int64"),
                                          ((1, 7), "float32"), ((3, 0), "int64"),
                                          ((4, 2, 1), "float32")])
def test_sort_argsort_nd_every_split_and_axis(shape, dtype, rng, comm):
    check = LocalCheck(comm)
    a = _data(rng, shape, dtype)
    for x in _distributions(a, comm):
        for axis in (*range(-len(shape), len(shape)), None):
            _check_sorts(check, a, x, axis, f"{dtype} {shape}")
    check.done()


def test_results_are_valid_arrays_and_keep_the_split(rng):
    a = _data(rng, (11,), "float64")
    for split in (None, 0):
        for function in (em.sort, em.argsort):
            result = function(em.array(a, split=split))
            assert_invariants(result)
            assert result.split == split
    b = _data(rng, (4, 6), "int64")
    for split in (None, 0, 1):
        for axis in (0, 1, -1):
            result = em.sort(em.array(b, split=split), axis=axis)
            assert_invariants(result)
            assert result.split == split
            assert_array_equal(result, np.sort(b, axis=axis))
    flat = em.sort(em.array(b, split=1), axis=None)
    assert_invariants(flat)
    assert flat.split == 0
    assert_array_equal(flat, np.sort(b, axis=None))


def test_signed_zeros_and_nans_keep_their_order(comm):
    """-0.0 and 0.0 are equal, so a stable sort keeps their order (seen by signbit);
    NaNs of either sign sort last."""
    a = np.array([0.0, -0.0, 1.0, -0.0, 0.0, np.nan, -np.nan, -1.0, 0.0] * 3)
    for split in (None, 0):
        for descending in (False, True):
            expected = _np_sort(a, 0, descending)
            actual = em.sort(em.array(a, split=split), descending=descending).numpy()
            np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))
            np.testing.assert_array_equal(actual, expected)
    m = a.reshape(3, 9)
    actual = em.sort(em.array(m, split=0), axis=1).numpy()
    np.testing.assert_array_equal(np.signbit(actual), np.signbit(np.sort(m, axis=1,
                                                                         kind="stable")))


def test_other_dtypes(rng):
    for dtype in ("int16", "int32", "complex128"):
        a = _data(rng, (13,), dtype, "few")
        for split in (None, 0):
            x = em.array(a, split=split)
            assert_array_equal(em.sort(x), np.sort(a, kind="stable"))
            assert_array_equal(em.argsort(x), np.argsort(a, kind="stable"))
    a = _data(rng, (15,), "float32")
    for split in (None, 0):
        x = em.array(a, split=split).astype(em.bfloat16)
        reference = x.numpy()  # float32 values that bfloat16 holds
        assert_array_equal(em.sort(x), np.sort(reference, kind="stable"), dtype=em.bfloat16)
        assert_array_equal(em.argsort(x), np.argsort(reference, kind="stable"))


def test_all_equal_values_are_spread_over_the_ranks(comm):
    n = 999
    for dtype in ("float32", "int64", "bool"):
        x = em.zeros(n, dtype=dtype, split=0)
        for function in (em.sort, em.argsort):
            result = function(x)
            assert_invariants(result)
            assert max(result.counts) <= 1.25 * n / comm.size + 1, result.counts
    uneven = em.ones(n, split=0).redistribute([0] * (comm.size - 1) + [n])
    assert max(em.sort(uneven).counts) <= 1.25 * n / comm.size + 1
    assert_array_equal(em.argsort(uneven), np.arange(n))


def test_random_data_is_nearly_balanced(rng, comm):
    a = rng.standard_normal(5000)
    result = em.sort(em.array(a, split=0))
    assert max(result.counts) <= 1.25 * a.size / comm.size + 1, result.counts
    assert_array_equal(result, np.sort(a))


def test_sample_sort_collectives(monkeypatch, rng, comm):
    a = rng.standard_normal(100)
    x = em.array(a, split=0)
    expected = [] if comm.size == 1 else ["Allgather", "Allgather", "Alltoallv"]
    with count_collectives(monkeypatch) as calls:
        result = em.sort(x)
    assert calls == expected
    with count_collectives(monkeypatch) as calls:
        em.argsort(x, descending=True)
    assert calls == ([] if comm.size == 1 else [*expected, "Alltoallv"])
    with count_collectives(monkeypatch) as calls:
        em.sort(em.array(a.reshape(10, 10), split=0), axis=0)
    assert calls == ([] if comm.size == 1 else ["Alltoallv", "Alltoallv"])
    with count_collectives(monkeypatch) as calls:
        em.sort(em.array(a.reshape(10, 10), split=0), axis=1)
    assert calls == []
    assert_array_equal(result, np.sort(a))


def test_partition_contract(rng, comm):
    check = LocalCheck(comm)
    a = _data(rng, (6, 9), "float64", "few")
    for x in _distributions(a, comm):
        for axis in (0, 1, -1, None):
            data = a.reshape(-1) if axis is None else a
            ax = 0 if axis is None else axis
            extent = data.shape[ax]
            for kth in (0, extent - 1, -1, [1, extent // 2]):
                positions = np.atleast_1d(kth) % extent
                ordered = np.sort(data, axis=ax)
                part = em.partition(x, kth, axis=axis).numpy()
                taken = np.take_along_axis(
                    data, em.argpartition(x, kth, axis=axis).numpy(), axis=ax)
                for result in (part, taken):
                    for k in positions:
                        pivot = np.take(result, [k], axis=ax)
                        before = np.take(result, range(k), axis=ax)
                        after = np.take(result, range(k + 1, extent), axis=ax)
                        ok = (np.array_equal(pivot, np.take(ordered, [k], axis=ax))
                              and np.all(before <= pivot) and np.all(after >= pivot)
                              and np.array_equal(np.sort(result, axis=ax), ordered))
                        if not ok:
                            check.failures.append(f"split={x.split} axis={axis} kth={kth}")
                check.count += 1
    check.done()


def test_lexsort_against_numpy(rng, comm):
    check = LocalCheck(comm)
    n = 23
    keys = [rng.integers(0, 3, n), rng.integers(0, 2, n).astype(bool),
            (rng.integers(0, 3, n) * 0.5).astype(np.float32)]
    splits = [(None, None, None), (0, 0, 0), (None, 0, None), (0, None, 0)]
    for key_splits in splits:
        arrays = [em.array(k, split=s) for k, s in zip(keys, key_splits, strict=True)]
        for count in (1, 2, 3):
            for axis in (0, -1):
                check(em.lexsort(arrays[:count], axis=axis), np.lexsort(keys[:count]),
                      context=f"{key_splits} keys={count}")
    matrix = rng.integers(0, 3, (3, 4, 5))
    for split in (None, 0, 1, 2):
        for axis in (0, 1, -1):
            x = em.array(matrix, split=split)
            check(em.lexsort(x, axis=axis), np.lexsort(matrix, axis=axis),
                  context=f"array keys split={split} axis={axis}")
            rows = [em.array(m, split=None if split in (None, 0) else split - 1)
                    for m in matrix]
            check(em.lexsort(rows, axis=axis), np.lexsort(list(matrix), axis=axis),
                  context=f"list keys split={split} axis={axis}")
    check.done()
    assert em.lexsort(np.array([3, 1, 2])).item() == np.lexsort(np.array([3, 1, 2]))


def test_methods(rng):
    a = _data(rng, (3, 7), "float32")
    x = em.array(a, split=1)
    x.sort()
    assert_invariants(x)
    assert_array_equal(x, np.sort(a))
    y = em.array(a, split=0)
    assert_array_equal(y.argsort(axis=0), np.argsort(a, axis=0, kind="stable"))
    assert_array_equal(em.sort(a.tolist()), np.sort(a))


def test_errors_on_every_rank(rng):
    x = em.array(_data(rng, (4, 5), "float32"), split=1)
    for function in (em.sort, em.argsort):
        with pytest.raises(em.AxisError):
            function(x, axis=2)
        with pytest.raises(em.AxisError):
            function(x, axis=-3)
        with pytest.raises(em.AxisError):
            function(em.array(1.0))
        with pytest.raises(TypeError):
            function(x, axis=1.0)
        with pytest.raises(ValueError, match="sort kind"):
            function(x, kind="foo")
        with pytest.raises(TypeError):
            function(x, kind=3)
        with pytest.raises(NotImplementedError):
            function(x, order="a")
        function(x, kind="quicksort")
        function(x, kind="mergesort")
    for function in (em.partition, em.argpartition):
        with pytest.raises(ValueError, match="out of bounds"):
            function(x, 5)
        with pytest.raises(ValueError, match="out of bounds"):
            function(x, -6)
        with pytest.raises(ValueError, match="out of bounds"):
            function(x, [0, 20], axis=None)
        with pytest.raises(ValueError, match="Booleans"):
            function(x, True)
        with pytest.raises(TypeError):
            function(x, 1.5)
        with pytest.raises(ValueError, match="introselect"):
            function(x, 1, kind="quicksort")
        with pytest.raises(em.AxisError):
            function(x, 1, axis=2)
        assert function(em.zeros((0, 3), split=0), 7, axis=0).shape == (0, 3)
    with pytest.raises(TypeError):
        em.lexsort([])
    with pytest.raises(ValueError, match="same shape"):
        em.lexsort([x, em.zeros(3)])
    with pytest.raises(em.AxisError):
        em.lexsort([x], axis=2)
    with pytest.raises(TypeError):
        em.lexsort([x], axis=None)


def test_kind_and_order_checks_do_not_communicate(monkeypatch):
    with count_collectives(monkeypatch) as calls:
        with pytest.raises(ValueError):
            sorting.sort(em.zeros(4, split=0), kind="x")
    assert calls == []
