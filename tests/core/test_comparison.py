"""Comparison and logical ufuncs, isclose, allclose, array_equal and array_equiv against
NumPy on the same global data."""

import itertools

import numpy as np
import pytest

import ember as em
from ember.testing import assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
ORDERED = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
LOGICAL = ["logical_and", "logical_or", "logical_xor"]
SHAPES = [(0,), (1,), (2,), (7,), (2, 0), (3, 2, 5)]


def _data(rng, shape, dtype):
    """Small values with many ties (and zeros), cast to ``dtype``."""
    values = rng.integers(-3, 4, shape)
    if np.dtype(dtype).kind == "c":
        return (values + 1j * rng.integers(-1, 2, shape)).astype(dtype)
    if np.dtype(dtype).kind == "u":
        values = np.abs(values)
    return values.astype(dtype)


def _near(rng, a, dtype):
    """``a`` perturbed by relative amounts around the default tolerance, as ``dtype``."""
    factors = rng.choice([0.0, 1e-7, 5e-6, 1e-5, 3e-5, 1e-3, -5e-6, -2e-5], a.shape)
    if np.dtype(dtype).kind != "c":
        a = a.real
    b = a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)
    b = b * (1 + factors) + rng.choice([0.0, 5e-9, 2e-8], a.shape)
    with np.errstate(all="ignore"):
        return b.astype(dtype) if np.dtype(dtype).kind in "fc" else a.astype(dtype)


def _supported(name, dtype):
    return not (np.dtype(dtype).kind == "c" and name in ORDERED[2:])


# ---------------------------------------------------------------------------------------
# the comparison and logical ufuncs
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_ufuncs_for_every_dtype_and_split(dtype, rng):
    """Every function for every dtype; the splits rotate, so that across the dtypes
    every function meets every split."""
    a, b = _data(rng, (7, 5), dtype), _data(rng, (7, 5), dtype)
    splits = splits_of(2)
    for j, name in enumerate(ORDERED + LOGICAL):
        split = splits[(j + DTYPES.index(dtype)) % len(splits)]
        x, y = em.array(a, split=split), em.array(b, split=split)
        if not _supported(name, dtype):
            with pytest.raises(TypeError):
                getattr(em, name)(x, y)
            continue
        assert_array_equal(getattr(em, name)(x, y), getattr(np, name)(a, b), split=split)


@pytest.mark.parametrize("dtype", DTYPES)
def test_logical_not_for_every_dtype_and_split(dtype, rng):
    a = _data(rng, (7, 5), dtype)
    for split in splits_of(2):
        assert_array_equal(em.logical_not(em.array(a, split=split)), np.logical_not(a),
                           split=split)


@pytest.mark.parametrize("first,second", [("int8", "uint8"), ("int64", "float16"),
                                          ("bool", "float32"), ("int32", "complex64"),
                                          ("uint8", "float64"), ("float16", "complex128")])
def test_mixed_dtypes_compare_like_numpy(first, second, rng):
    a, b = _data(rng, (9,), first), _data(rng, (9,), second)
    for name in ORDERED + LOGICAL:
        if _supported(name, first) and _supported(name, second):
            result = getattr(em, name)(em.array(a, split=0), em.array(b))
            assert_array_equal(result, getattr(np, name)(a, b), split=0)


def test_large_integers_compare_exactly_with_python_floats():
    a = np.array([2**53, 2**53 + 1, -(2**62) - 1], dtype=np.int64)
    for value in [float(2**53), 2**53 + 1, float(-(2**62))]:
        for name in ORDERED:
            assert_array_equal(getattr(em, name)(em.array(a, split=0), value),
                               getattr(np, name)(a, value))


@pytest.mark.parametrize("shape", SHAPES)
def test_uneven_small_and_empty_shapes(shape, rng):
    a, b = _data(rng, shape, "float32"), _data(rng, shape, "int16")
    for split in splits_of(len(shape)):
        x, y = em.array(a, split=split), em.array(b, split=split)
        for name in ["less", "equal", "logical_xor"]:
            assert_array_equal(getattr(em, name)(x, y), getattr(np, name)(a, b), split=split)
        assert_array_equal(em.isclose(x, y), np.isclose(a, b), split=split)
        assert em.allclose(x, y) == np.allclose(a, b)
        assert em.array_equal(x, y) == np.array_equal(a, b)
        assert em.array_equiv(x, x) is True


def test_different_splits_broadcast_together(rng):
    a = _data(rng, (5, 4), "int32")
    for other in [(4,), (5, 1)]:
        b = _data(rng, other, "float64")
        for sa, sb in itertools.product(splits_of(2), splits_of(len(other))):
            x, y = em.array(a, split=sa), em.array(b, split=sb)
            assert_array_equal(em.less(x, y), np.less(a, b))
            assert_array_equal(em.greater_equal(y, x), np.greater_equal(b, a))
            assert_array_equal(em.isclose(y, x), np.isclose(b, a))


@pytest.mark.parametrize("dtype", DTYPES)
def test_python_scalars_and_numpy_arrays_on_either_side(dtype, rng):
    a, b = _data(rng, (7,), dtype), _data(rng, (7,), dtype)
    x = em.array(a, split=0)
    for name in ["equal", "less_equal", "logical_or"]:
        if not _supported(name, dtype):
            continue
        f, g = getattr(em, name), getattr(np, name)
        for scalar in [True, 1, -2, 1.5, float("nan")]:
            if scalar == -2 and dtype == "uint8":
                continue
            assert_array_equal(f(x, scalar), g(a, scalar), split=0)
            assert_array_equal(f(scalar, x), g(scalar, a), split=0)
        assert_array_equal(f(x, b), g(a, b), split=0)
        assert_array_equal(f(b.tolist(), x), g(b, a), split=0)


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    a, b = _data(rng, (6, 4), "float32"), _data(rng, (4,), "int8")
    mask = rng.integers(0, 2, (6, 1)).astype(bool)
    for name in ["less", "not_equal", "logical_and"]:
        start = np.ones((6, 4), dtype=bool)
        expected = start.copy()
        getattr(np, name)(a, b, out=expected, where=mask)
        out = em.array(start, split=split)
        returned = getattr(em, name)(em.array(a, split=0), em.array(b, split=0), out=out,
                                     where=em.array(mask, split=0))
        assert returned is out
        assert_array_equal(out, expected, split=split)
    out = em.zeros((6, 4), dtype="int8", split=split)
    em.greater(em.array(a, split=1), b, out=out)
    assert_array_equal(out, np.greater(a, b).astype(np.int8), split=split)


# ---------------------------------------------------------------------------------------
# isclose and allclose
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_isclose_for_every_dtype_and_split(dtype, rng):
    a = _data(rng, (7, 5), dtype) * (np.array(100, dtype=dtype) if dtype != "bool" else True)
    b = _near(rng, a, dtype)
    with np.errstate(all="ignore"):
        expected = np.isclose(a, b)
        expected_swapped = np.isclose(b, a)
    for split in splits_of(2):
        x, y = em.array(a, split=split), em.array(b, split=split)
        assert_array_equal(em.isclose(x, y), expected, split=split)
        assert_array_equal(em.isclose(y, x), expected_swapped, split=split)
        assert em.allclose(x, y) == bool(expected.all())


@pytest.mark.parametrize("first,second", list(itertools.product(
    ["bool", "int8", "int64", "float16", "float32", "complex64"],
    ["bool", "uint8", "int32", "float16", "float64", "complex128"])))
def test_isclose_mixed_dtypes_like_numpy(first, second, rng):
    a = _data(rng, (8,), first)
    b = _near(rng, a, second)
    with np.errstate(all="ignore"):
        expected = np.isclose(a, b)
    assert_array_equal(em.isclose(em.array(a, split=0), em.array(b)), expected, split=0)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64"])
def test_isclose_special_values_and_equal_nan(dtype):
    inf, nan = float("inf"), float("nan")
    a = np.array([inf, -inf, inf, nan, nan, 1.0, 0.0, 1e-9, inf, 1.0], dtype=dtype)
    b = np.array([inf, -inf, -inf, nan, 1.0, nan, 1e-9, 0.0, 1.0, inf], dtype=dtype)
    if np.dtype(dtype).kind == "c":
        a[-1], b[-1] = complex(nan, 1), complex(nan, 2)
    for equal_nan in [False, True]:
        for split in [None, 0]:
            with np.errstate(all="ignore"):
                expected = np.isclose(a, b, equal_nan=equal_nan)
            result = em.isclose(em.array(a, split=split), em.array(b), equal_nan=equal_nan)
            assert_array_equal(result, expected, split=split)
            with np.errstate(all="ignore"):
                close = np.allclose(a[:5], b[:5], equal_nan=equal_nan)
            assert em.allclose(em.array(a[:5], split=0), b[:5], equal_nan=equal_nan) == close


@pytest.mark.parametrize("rtol,atol", [(0.0, 0.0), (1e-3, 0.0), (0.0, 0.5), (0.1, 1.0)])
def test_isclose_tolerances(rtol, atol, rng):
    a = _data(rng, (6, 5), "float64") * 10
    b = a + rng.uniform(-1.5, 1.5, a.shape)
    expected = np.isclose(a, b, rtol=rtol, atol=atol)
    result = em.isclose(em.array(a, split=1), em.array(b, split=0), rtol=rtol, atol=atol)
    assert_array_equal(result, expected)
    assert em.allclose(em.array(a, split=0), b, rtol=rtol, atol=atol) == \
        np.allclose(a, b, rtol=rtol, atol=atol)


def test_isclose_array_tolerances(rng):
    a = _data(rng, (6, 5), "float32") * 10
    b = (a + rng.uniform(-1.5, 1.5, a.shape)).astype(np.float32)
    atol = rng.uniform(0, 2, (5,))
    rtol = rng.uniform(0, 0.1, (6, 1))
    expected = np.isclose(a, b, rtol=rtol, atol=atol)
    for split in splits_of(2):
        result = em.isclose(em.array(a, split=split), b, rtol=em.array(rtol, split=0),
                            atol=em.array(atol, split=0))
        assert_array_equal(result, expected)


def test_isclose_scalars_on_either_side(rng):
    for dtype in ["int16", "float16", "float32", "complex64"]:
        a = _data(rng, (7,), dtype)
        x = em.array(a, split=0)
        for scalar in [True, 1, 2.0000001, 1.0001, -3 + 1e-9j, float("inf")]:
            with np.errstate(all="ignore"):
                assert_array_equal(em.isclose(x, scalar), np.isclose(a, scalar), split=0)
                assert_array_equal(em.isclose(scalar, x), np.isclose(scalar, a), split=0)
    assert bool(em.isclose(1, 1.000001)) == bool(np.isclose(1, 1.000001))
    assert em.isclose(1, 1.000001).shape == ()
    assert em.allclose(2, 2.1, atol=0.2) is True


def test_allclose_agrees_over_ranks_when_one_chunk_differs(comm):
    n = 3 * comm.size + 1
    a = np.arange(n, dtype=np.float64)
    b = a.copy()
    b[-1] += 1.0  # only the last rank's chunk sees the difference
    assert em.allclose(em.array(a, split=0), em.array(b, split=0)) is False
    assert em.allclose(em.array(a, split=0), em.array(a, split=0)) is True
    assert em.array_equal(em.array(a, split=0), em.array(b, split=0)) is False
    assert em.array_equiv(em.array(a, split=0), b) is False
    b[-1] = a[-1]
    b[0] += 1e-12
    assert em.allclose(em.array(a, split=0), em.array(b, split=0)) is True
    assert em.array_equal(em.array(a, split=0), b) is False


def test_allclose_broadcast_errors_like_numpy():
    with pytest.raises(ValueError):
        np.allclose(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        em.allclose(em.ones(3, split=0), em.ones(4, split=0))


# ---------------------------------------------------------------------------------------
# array_equal and array_equiv
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_array_equal_for_every_dtype_and_split(dtype, rng):
    a = _data(rng, (7, 5), dtype)
    b = a.copy()
    b[6, 4] = _data(rng, (1,), dtype)[0] if dtype != "bool" else not a[6, 4]
    for sa, sb in itertools.product(splits_of(2), splits_of(2)):
        x = em.array(a, split=sa)
        assert em.array_equal(x, em.array(a, split=sb)) is True
        assert em.array_equal(x, em.array(b, split=sb)) is np.array_equal(a, b)
        assert em.array_equiv(x, em.array(b, split=sb)) is np.array_equiv(a, b)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64",
                                   "complex128"])
def test_array_equal_nan(dtype):
    nan = float("nan")
    a = np.array([1.0, nan, 3.0, nan], dtype=dtype)
    same_nans = a.copy()
    other_nans = np.array([1.0, nan, nan, 3.0], dtype=dtype)
    for split in [None, 0]:
        x = em.array(a, split=split)
        for other in [same_nans, other_nans]:
            for equal_nan in [False, True]:
                assert em.array_equal(x, em.array(other, split=0), equal_nan=equal_nan) is \
                    np.array_equal(a, other, equal_nan=equal_nan)
    if np.dtype(dtype).kind == "c":
        c1 = np.array([complex(nan, 1), 2], dtype=dtype)
        c2 = np.array([complex(1, nan), 2], dtype=dtype)
        assert em.array_equal(em.array(c1, split=0), c2, equal_nan=True) is \
            np.array_equal(c1, c2, equal_nan=True)


def test_array_equal_shapes_types_and_scalars(rng):
    a = _data(rng, (4, 3), "int32")
    x = em.array(a, split=0)
    assert em.array_equal(x, a.astype(np.float64)) is True
    assert em.array_equal(x, a.T.copy().T) is True
    assert em.array_equal(x, a[:, :2]) is False
    assert em.array_equal(x, a[None]) is False
    assert em.array_equal(x, a.tolist()) is True
    assert em.array_equal(a.tolist(), x) is True
    assert em.array_equal(3, 3) is True and em.array_equal(3, 3.5) is False
    assert em.array_equal(x, [[1, 2], [3]]) is np.array_equal(a, np.array([1]))
    empty = em.zeros((0, 3), split=0)
    assert em.array_equal(empty, np.zeros((0, 3))) is True
    assert em.array_equal(empty, np.zeros((3, 0))) is False


def test_array_equiv_broadcasting(rng):
    row = _data(rng, (3,), "int16")
    a = np.tile(row, (5, 1))
    for split in splits_of(2):
        x = em.array(a, split=split)
        assert em.array_equiv(x, row) is True
        assert em.array_equiv(row, x) is True
        assert em.array_equiv(x, em.array(row, split=0)) is True
        assert em.array_equiv(x, row[None, :]) is True
        assert em.array_equiv(x, row[:2]) is False
        assert em.array_equiv(x, a[:, :1]) is np.array_equiv(a, a[:, :1])
        assert em.array_equiv(x, row + 1) is False
    assert em.array_equiv(em.full((4,), 2, split=0), 2) is True
    assert em.array_equiv(em.zeros((0, 3), split=0), np.zeros(3)) is True
