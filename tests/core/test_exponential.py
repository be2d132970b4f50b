"""Exponential and logarithmic ufuncs against NumPy: every dtype family, every split,
uneven and empty shapes, special values, out=/where=, operands of different splits."""

import numpy as np
import pytest
import torch
from _ufunc_checks import _check, _data

import ember as em
from ember.core.exponential import exp, exp2, expm1, log, log1p, log2, log10, logaddexp, logaddexp2
from ember.core.ufunc import UFuncTypeError
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]

UNARY = {
    "exp": (exp, np.exp, (-5, 5)),
    "exp2": (exp2, np.exp2, (-5, 5)),
    "expm1": (expm1, np.expm1, (-5, 5)),
    "log": (log, np.log, (-1, 10)),
    "log2": (log2, np.log2, (-1, 10)),
    "log10": (log10, np.log10, (-1, 10)),
    "log1p": (log1p, np.log1p, (-2, 10)),
}
BINARY = {
    "logaddexp": (logaddexp, np.logaddexp),
    "logaddexp2": (logaddexp2, np.logaddexp2),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_every_dtype_and_split(name, rng):
    ours, theirs, (low, high) = UNARY[name]
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng, low, high)
        with np.errstate(all="ignore"):
            expected = theirs(data)
        for split in splits_of(2):
            _check(ours(em.array(data, split=split)), expected, split)


@pytest.mark.parametrize("shape", [(7,), (1,), (0, 3), (3, 1, 5)])
def test_unary_uneven_and_empty_shapes(shape, rng):
    for ours, theirs, (low, high) in UNARY.values():
        data = _data("float64", shape, rng, low, high)
        with np.errstate(all="ignore"):
            expected = theirs(data)
        for split in splits_of(len(shape)):
            _check(ours(em.array(data, split=split)), expected, split)


@pytest.mark.parametrize("name", [*UNARY, *BINARY])
def test_bfloat16_close_to_float32(name, rng):
    ours, theirs = (UNARY.get(name) or BINARY[name])[:2]
    low, high = UNARY[name][2] if name in UNARY else (-5, 5)
    data = torch.from_numpy(_data("float32", (4, 5), rng, low, high)).bfloat16()
    rounded = data.float().numpy()
    args = (rounded,) * (2 if name in BINARY else 1)
    with np.errstate(all="ignore"):
        expected = theirs(*args)
    for split in splits_of(2):
        x = em.array(data, split=split)
        result = ours(*(x,) * len(args))
        assert_allclose(result, expected, rtol=1e-2, atol=1e-2, dtype=em.bfloat16, split=split)


def test_complex_special_values():
    parts = [0.0, -0.0, 1.5, -1.5, np.inf, -np.inf, np.nan, 1e-300, 800.0]
    grid = np.array([complex(a, b) for a in parts for b in parts])
    for dtype in ("complex64", "complex128"):
        data = grid.astype(dtype)
        for ours, theirs, _ in UNARY.values():
            with np.errstate(all="ignore"):
                expected = theirs(data)
            _check(ours(em.array(data, split=0)), expected, 0)


def test_real_special_values():
    data = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1.0, 1e-30, -1e-30, 1e300,
                     -1e300, 710.0, -745.5])
    for dtype in ("float16", "float32", "float64"):
        with np.errstate(all="ignore"):
            values = data.astype(dtype)
        for ours, theirs, _ in UNARY.values():
            with np.errstate(all="ignore"):
                expected = theirs(values)
            _check(ours(em.array(values, split=0)), expected, 0)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_every_dtype(name, rng):
    ours, theirs = BINARY[name]
    for dtype in DTYPES[:9]:
        a = _data(dtype, (5, 7), rng, -5, 5)
        b = _data(dtype, (5, 7), rng, -5, 5, specials=False)
        b[0, :6] = np.array([np.nan, -np.inf, -np.inf, 0.0, 0.0, 1.0]).astype(b.dtype) \
            if b.dtype.kind == "f" else b[0, :6]
        with np.errstate(all="ignore"):
            expected = theirs(a, b)
        for split in splits_of(2):
            _check(ours(em.array(a, split=split), em.array(b, split=split)), expected, split)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_different_splits_and_broadcasting(name, rng):
    ours, theirs = BINARY[name]
    a = _data("float64", (5, 7), rng, -5, 5)
    b = _data("float64", (5, 7), rng, -5, 5, specials=False)
    row = _data("float32", (7,), rng, -5, 5)
    with np.errstate(all="ignore"):
        expected, broadcast = theirs(a, b), theirs(a, row)
        scalar = theirs(a, 2.0)
    for sa in splits_of(2):
        for sb in splits_of(2):
            result = ours(em.array(a, split=sa), em.array(b, split=sb))
            _check(result, expected, "any")
        for sr in splits_of(1):
            _check(ours(em.array(a, split=sa), em.array(row, split=sr)), broadcast, "any")
        _check(ours(em.array(a, split=sa), 2.0), scalar, sa)
        _check(ours(a, em.array(b, split=sa)), expected, sa)


def test_mixed_integer_dtypes_follow_numpy_promotion(rng):
    a = rng.integers(-5, 5, (3, 4)).astype(np.int8)
    b = rng.integers(0, 5, (3, 4)).astype(np.int16)
    expected = np.logaddexp(a, b)  # float32; NumPy picks float16 for int8 with uint8
    result = logaddexp(em.array(a, split=0), em.array(b, split=1))
    assert_allclose(result, expected, rtol=1e-6)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_rejects_complex(name):
    ours = BINARY[name][0]
    z = em.array(np.array([1 + 1j, 2j]), split=0)
    with pytest.raises(UFuncTypeError, match=name):
        ours(z, z)
    with pytest.raises(TypeError):
        ours(em.ones(2, split=0), z)


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    data = _data("float32", (5, 7), rng, -3, 3)
    mask = rng.integers(0, 2, (5, 7)).astype(bool)
    old = rng.uniform(size=(5, 7)).astype(np.float64)
    with np.errstate(all="ignore"):
        expected = old.copy()
        np.exp(data, out=expected, where=mask)
        expected_log = old.copy()
        np.log1p(data, out=expected_log, where=mask[0])
    for out_split in splits_of(2):
        out = em.array(old, split=out_split)
        returned = exp(em.array(data, split=split), out=out, where=em.array(mask, split=split))
        assert returned is out
        assert_allclose(out, expected, rtol=1e-6, split=out_split)
        out = em.array(old, split=out_split)
        log1p(em.array(data, split=split), out=(out,), where=mask[0])
        assert_allclose(out, expected_log, rtol=1e-6, split=out_split)
    # where= without out: the masked-out places are zeros (ember's defined fill)
    result = exp2(em.array(data, split=split), where=em.array(mask, split=split))
    with np.errstate(all="ignore"):
        assert_allclose(result, np.where(mask, np.exp2(data), 0), rtol=1e-6, split=split)


def test_out_casting_and_dtype():
    x = em.array(np.arange(6, dtype=np.int16).reshape(2, 3), split=0)
    with pytest.raises(UFuncTypeError):
        exp(x, out=em.zeros((2, 3), dtype=em.int32, split=0))
    with pytest.raises(UFuncTypeError):
        exp(em.ones(3, dtype=em.float64, split=0), out=em.zeros(3, dtype=em.float32),
            casting="safe")
    expected = np.exp(np.arange(6, dtype=np.int16).reshape(2, 3), dtype=np.float64)
    assert_allclose(exp(x, dtype=em.float64), expected, rtol=1e-12, split=0)
    with pytest.raises(ValueError, match="broadcast"):
        log(x, out=em.zeros((3, 3), split=0))


def test_scalars_and_numpy_inputs():
    result = exp(np.array([0.0, 1.0]))
    assert_allclose(result, np.exp([0.0, 1.0]), rtol=1e-12, split=None)
    assert_allclose(log2(8.0), np.float32(3.0), rtol=0, dtype=em.float32)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_equal_operands_exact(name, rng):
    ours, theirs = BINARY[name]
    data = np.concatenate([[-1.0, 0.0, -np.inf, np.inf, 3.5], rng.uniform(-5, 5, 6)])
    for dtype in ("float32", "float64"):
        values = data.astype(dtype)
        expected = theirs(values, values)  # x + log(2) (x + 1 for logaddexp2)
        for split in splits_of(1):
            x = em.array(values, split=split)
            assert_array_equal(ours(x, x), expected, split=split)
