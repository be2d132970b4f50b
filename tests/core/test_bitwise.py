"""Bitwise ufuncs against NumPy on the same global data, for every split and dtype family."""

import itertools

import numpy as np
import pytest

import ember as em
from ember.core import bitwise
from ember.core.ufunc import UFuncTypeError
from ember.testing import assert_array_equal, splits_of

INTEGERS = ["bool", "int8", "uint8", "int16", "int32", "int64"]
INEXACT = ["float16", "float32", "float64", "complex64", "complex128"]
BINARY = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]
ALL = [*BINARY, "invert", "bitwise_count"]
SHAPES = [(0,), (1,), (2,), (7,), (2, 0), (3, 2, 5)]


def _ints(rng, shape, dtype):
    """Values covering the whole range of ``dtype``, extremes included."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dt)
    values = rng.integers(info.min, info.max, shape, endpoint=True, dtype=dt)
    flat = values.reshape(-1)
    flat[:2] = [info.min, info.max][: flat.size]
    return values


def _amounts(rng, shape, dtype):
    """Shift amounts from below zero to beyond the bit width."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    low = 0 if dt.kind == "u" else -3
    return rng.integers(low, dt.itemsize * 8 + 3, shape).astype(dt)


def _operands(rng, name, shape, dtype):
    first = _ints(rng, shape, dtype)
    second = (_amounts if "shift" in name else _ints)(rng, shape, dtype)
    return first, second


def _oracle(name, *args, **kwargs):
    with np.errstate(all="ignore"):
        return getattr(np, name)(*args, **kwargs)


def _call(name, *args, **kwargs):
    return getattr(bitwise, name)(*args, **kwargs)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", INTEGERS)
@pytest.mark.parametrize("split", splits_of(2))
def test_binary_matches_numpy_for_every_dtype_and_split(name, dtype, split, rng):
    a, b = _operands(rng, name, (7, 5), dtype)
    result = _call(name, em.array(a, split=split), em.array(b, split=split))
    assert_array_equal(result, _oracle(name, a, b), split=split)


@pytest.mark.parametrize("name", ["invert", "bitwise_count"])
@pytest.mark.parametrize("dtype", INTEGERS)
@pytest.mark.parametrize("split", splits_of(2))
def test_unary_matches_numpy_for_every_dtype_and_split(name, dtype, split, rng):
    a = _ints(rng, (7, 5), dtype)
    assert_array_equal(_call(name, em.array(a, split=split)), _oracle(name, a), split=split)


@pytest.mark.parametrize("shape", SHAPES)
def test_uneven_small_and_empty_shapes(shape, rng):
    for split in splits_of(len(shape)):
        for name in ALL:
            a, b = _operands(rng, name, shape, "int16")
            args = (a, b) if name in BINARY else (a,)
            result = _call(name, *(em.array(arg, split=split) for arg in args))
            assert_array_equal(result, _oracle(name, *args), split=split)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", INEXACT)
def test_inexact_inputs_raise_like_numpy(name, dtype):
    a = np.ones(3, dtype=dtype)
    args = (a, a) if name in BINARY else (a,)
    with pytest.raises(TypeError):
        _oracle(name, *args)
    with pytest.raises(UFuncTypeError, match=name):
        _call(name, *(em.array(arg, split=0) for arg in args))


@pytest.mark.parametrize("name", BINARY)
def test_weak_float_with_integer_array_raises(name):
    with pytest.raises(TypeError):
        _oracle(name, np.arange(3), 1.5)
    with pytest.raises(TypeError):
        _call(name, em.arange(3, split=0), 1.5)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("first,second", [("int8", "uint8"), ("bool", "int16"),
                                          ("uint8", "int32"), ("int64", "bool"),
                                          ("bool", "bool"), ("int16", "int8")])
def test_mixed_dtypes_promote_like_numpy(name, first, second, rng):
    a = _ints(rng, (6,), first)
    b = _amounts(rng, (6,), second) if "shift" in name else _ints(rng, (6,), second)
    result = _call(name, em.array(a, split=0), em.array(b))
    assert_array_equal(result, _oracle(name, a, b))


@pytest.mark.parametrize("name", ["bitwise_xor", "right_shift"])
def test_different_splits_broadcast_together(name, rng):
    a, _ = _operands(rng, name, (5, 4), "int32")
    for other_shape in [(4,), (5, 1)]:
        _, b = _operands(rng, name, other_shape, "int32")
        expected, swapped = _oracle(name, a, b), _oracle(name, b, a)
        for sa, sb in itertools.product(splits_of(2), splits_of(len(other_shape))):
            result = _call(name, em.array(a, split=sa), em.array(b, split=sb))
            assert_array_equal(result, expected)
        result = _call(name, em.array(b, split=0), em.array(a, split=1))
        assert_array_equal(result, swapped)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64"])
def test_python_scalars_and_numpy_arrays_on_either_side(name, dtype, rng):
    a, b = _operands(rng, name, (7,), dtype)
    x = em.array(a, split=0)
    scalars = [True, 3]
    for scalar in scalars:
        assert_array_equal(_call(name, x, scalar), _oracle(name, a, scalar), split=0)
        assert_array_equal(_call(name, scalar, x), _oracle(name, scalar, a), split=0)
    assert_array_equal(_call(name, x, b), _oracle(name, a, b), split=0)
    assert_array_equal(_call(name, b, x), _oracle(name, b, a), split=0)
    assert_array_equal(_call(name, b[:1], x), _oracle(name, b[:1], a), split=0)


@pytest.mark.parametrize("name", ["bitwise_and", "left_shift"])
def test_python_int_out_of_range_raises_overflow_like_numpy(name):
    for dtype, value in [("uint8", -1), ("uint8", 256), ("int8", 128)]:
        with pytest.raises(OverflowError):
            _oracle(name, np.ones(3, dtype), value)
        with pytest.raises(OverflowError):
            _call(name, em.ones(3, dtype=dtype, split=0), value)


def test_scalars_only():
    assert_array_equal(bitwise.bitwise_xor(6, 3), np.bitwise_xor(6, 3))
    assert_array_equal(bitwise.bitwise_count(255), np.asarray(np.bitwise_count(255)))
    assert_array_equal(bitwise.invert(True), np.invert(True))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
def test_shifts_beyond_the_width_and_negative(dtype):
    info = np.iinfo(dtype)
    a = np.array([1, -1 if info.min else 3, info.min, info.max, 0], dtype=dtype)[:, None]
    bits = np.dtype(dtype).itemsize * 8
    amounts = [0, bits - 1, bits, bits + 1, 1000 if bits > 8 else 100]
    if info.min:
        amounts += [-1, -bits, -1000 if bits > 8 else -100]
    b = np.array(amounts, dtype=dtype)
    for name in ["left_shift", "right_shift"]:
        result = _call(name, em.array(a, split=0), em.array(b, split=0))
        assert_array_equal(result, _oracle(name, a, b))
        result = _call(name, em.array(a, split=0), amounts[-1])
        assert_array_equal(result, _oracle(name, a, amounts[-1]))


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    a, b = _ints(rng, (7, 4), "int32"), _ints(rng, (7, 4), "int32")
    mask = rng.integers(0, 2, (4,)).astype(bool)
    for name in ["bitwise_and", "right_shift", "invert", "bitwise_count"]:
        args = (a, b % 40) if name in BINARY else (a,)
        result_dtype = _oracle(name, *args).dtype
        start = np.full((7, 4), 7, dtype=result_dtype)
        expected = start.copy()
        _oracle(name, *args, out=expected, where=mask)
        out = em.array(start, split=split)
        returned = _call(name, *(em.array(arg, split=0) for arg in args), out=out, where=mask)
        assert returned is out
        assert_array_equal(out, expected, split=split)
        out = em.array(start, split=split)
        _call(name, *(em.array(arg, split=1) for arg in args), out=(out,))
        assert_array_equal(out, _oracle(name, *args), split=split)


def test_out_cast_follows_casting_rules(rng):
    a = _ints(rng, (6,), "int16")
    out = em.zeros(6, dtype="int64", split=0)
    bitwise.bitwise_or(em.array(a, split=0), 1, out=out)
    assert_array_equal(out, np.bitwise_or(a, 1).astype(np.int64))
    with pytest.raises(TypeError):
        np.bitwise_or(a, 1, out=np.zeros(6, dtype=np.uint8))
    with pytest.raises(TypeError):
        bitwise.bitwise_or(em.array(a, split=0), 1, out=em.zeros(6, dtype="uint8", split=0))
    with pytest.raises(TypeError):
        np.bitwise_or(a, 1, out=np.zeros(6, dtype=np.int8), casting="safe")
    with pytest.raises(TypeError):
        bitwise.bitwise_or(em.array(a, split=0), 1, out=em.zeros(6, dtype="int8", split=0),
                           casting="safe")


def test_aliases_are_the_same_functions():
    assert bitwise.bitwise_not is bitwise.invert
    assert bitwise.bitwise_invert is bitwise.invert
    assert bitwise.bitwise_left_shift is bitwise.left_shift
    assert bitwise.bitwise_right_shift is bitwise.right_shift
    assert set(bitwise.__all__) >= {"bitwise_and", "bitwise_or", "bitwise_xor", "invert",
                                    "left_shift", "right_shift", "bitwise_count"}


def test_bitwise_count_of_extremes():
    for dtype in ["int8", "uint8", "int16", "int32", "int64"]:
        info = np.iinfo(dtype)
        a = np.array([info.min, info.max, -1 if info.min else 0, 0, 1, 5], dtype=dtype)
        assert_array_equal(bitwise.bitwise_count(em.array(a, split=0)), np.bitwise_count(a))
