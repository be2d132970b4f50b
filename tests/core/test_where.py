"""where(condition, x, y) against NumPy on the same global data."""

import itertools

import numpy as np
import pytest

import ember as em
from ember.core.selection import where
from ember.testing import assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
SHAPES = [(0,), (1,), (2,), (7,), (2, 0), (1, 3), (5, 4), (3, 2, 5)]


def _data(rng, shape, dtype):
    values = rng.integers(-3, 4, shape)
    if np.dtype(dtype).kind == "c":
        return (values + 1j * rng.integers(-3, 4, shape)).astype(dtype)
    if np.dtype(dtype).kind == "u":
        values = np.abs(values)
    return values.astype(dtype)


def _cond(rng, shape):
    return rng.integers(0, 2, shape).astype(bool)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("split", splits_of(2))
def test_every_dtype_and_split(dtype, split, rng):
    c, x, y = _cond(rng, (7, 5)), _data(rng, (7, 5), dtype), _data(rng, (7, 5), dtype)
    result = where(em.array(c, split=split), em.array(x, split=split), em.array(y, split=split))
    assert_array_equal(result, np.where(c, x, y), split=split)


@pytest.mark.parametrize("first,second", [("int8", "uint8"), ("bool", "int16"),
                                          ("int32", "float16"), ("int64", "float32"),
                                          ("float16", "float32"), ("float32", "complex64"),
                                          ("float64", "complex64"), ("uint8", "bool"),
                                          ("int16", "complex128"), ("bool", "float64")])
def test_mixed_dtypes_promote_like_numpy(first, second, rng):
    c, x, y = _cond(rng, (6,)), _data(rng, (6,), first), _data(rng, (6,), second)
    assert_array_equal(where(em.array(c, split=0), em.array(x, split=0), em.array(y)),
                       np.where(c, x, y), split=0)
    assert_array_equal(where(c, em.array(y, split=0), x), np.where(c, y, x), split=0)


@pytest.mark.parametrize("cond_dtype", ["int8", "uint8", "float32", "float64", "complex64"])
def test_condition_of_any_dtype_is_its_truth_value(cond_dtype, rng):
    c = np.array([0, 1, 0.5, -2, 0, 3j, 0.25j], dtype=complex)
    if np.dtype(cond_dtype).kind != "c":
        c = c.real if np.dtype(cond_dtype).kind == "f" else np.array([0, 1, 2, 0, 0, 1, 0])
    c = c.astype(cond_dtype)
    x, y = np.arange(7), -np.arange(7)
    assert_array_equal(where(em.array(c, split=0), x, y), np.where(c, x, y), split=0)


@pytest.mark.parametrize("shape", SHAPES)
def test_uneven_small_and_empty_shapes(shape, rng):
    c, x, y = _cond(rng, shape), _data(rng, shape, "float32"), _data(rng, shape, "int16")
    expected = np.where(c, x, y)
    for split in splits_of(len(shape)):
        result = where(em.array(c, split=split), em.array(x, split=split),
                       em.array(y, split=split))
        assert_array_equal(result, expected, split=split)


def test_operands_of_different_splits_broadcast(rng):
    c, x, y = _cond(rng, (5, 4)), _data(rng, (4,), "int32"), _data(rng, (5, 1), "float64")
    expected = np.where(c, x, y)
    for sc, sx, sy in itertools.product(splits_of(2), splits_of(1), splits_of(2)):
        result = where(em.array(c, split=sc), em.array(x, split=sx), em.array(y, split=sy))
        assert_array_equal(result, expected)
    # the result is larger than every operand
    c, x, y = _cond(rng, (5, 1)), _data(rng, (1, 4), "int8"), _data(rng, (4,), "int8")
    for sc, sx, sy in itertools.product(splits_of(2), splits_of(2), splits_of(1)):
        result = where(em.array(c, split=sc), em.array(x, split=sx), em.array(y, split=sy))
        assert_array_equal(result, np.where(c, x, y))


@pytest.mark.parametrize("dtype", DTYPES)
def test_python_scalars_are_weak(dtype, rng):
    c, x = _cond(rng, (7,)), _data(rng, (7,), dtype)
    ec, ex = em.array(c, split=0), em.array(x, split=0)
    for scalar in [True, 2, 2.5, 1 + 2j]:
        expected_dtype = em.result_type(ex, scalar)
        for args in [(x, scalar), (scalar, x)]:
            expected = np.where(c, *args)
            eargs = [ex if arg is x else arg for arg in args]
            result = where(ec, *eargs)
            assert result.dtype == expected_dtype
            if expected.dtype.kind in "fc" and np.dtype(dtype).kind in "biu":
                # a Python float/complex with integers: ember's default float (float32)
                assert_array_equal(result, expected.astype(expected_dtype.numpy))
            else:
                assert_array_equal(result, expected, split=0)


def test_scalar_condition_and_scalar_values(rng):
    x, y = _data(rng, (3, 4), "int16"), _data(rng, (4,), "int8")
    for cond in [True, False, np.bool_(True), np.array(False)]:
        assert_array_equal(where(cond, em.array(x, split=1), em.array(y, split=0)),
                           np.where(cond, x, y))
    assert_array_equal(where(True, 3, 4), np.where(True, 3, 4))
    c = _cond(rng, (5,))
    assert_array_equal(where(em.array(c, split=0), 3, 4), np.where(c, 3, 4), split=0)
    c = _cond(rng, (6,))
    assert_array_equal(where(em.array(c, split=0), True, False), np.where(c, True, False))


def test_numpy_arrays_and_lists_on_every_side(rng):
    c, x, y = _cond(rng, (4, 3)), _data(rng, (4, 3), "float64"), _data(rng, (3,), "int64")
    expected = np.where(c, x, y)
    assert_array_equal(where(c, x, em.array(y, split=0)), expected)
    assert_array_equal(where(em.array(c, split=1), x, y), expected, split=1)
    assert_array_equal(where(c.tolist(), em.array(x, split=0), y.tolist()), expected, split=0)


def test_python_int_out_of_range_raises():
    with pytest.raises(OverflowError):
        where(em.ones(3, dtype="bool", split=0), em.ones(3, dtype="uint8", split=0), -1)
    with pytest.raises(OverflowError):
        where(em.ones(3, dtype="bool", split=0), 1000, em.ones(3, dtype="int8"))


def test_argument_errors():
    x = em.arange(4, split=0)
    rows, = where(x > 1)  # one argument: nonzero(condition), as NumPy
    assert_array_equal(rows, np.where(np.arange(4) > 1)[0], split=0)
    with pytest.raises(ValueError, match="both or neither"):
        where(x > 1, x)
    with pytest.raises(ValueError, match="both or neither"):
        where(x > 1, y=x)
    with pytest.raises(ValueError, match="broadcast"):
        where(x > 1, x, em.arange(5, split=0))


def test_result_does_not_alias_the_inputs(rng):
    x = _data(rng, (6,), "int32")
    ex = em.array(x, split=0)
    result = where(True, ex, 0)
    ex.larray.add_(1)
    assert_array_equal(result, x, split=0)
