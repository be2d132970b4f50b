"""Rounding against NumPy: round/around (decimals of both signs), rint, floor, ceil,
trunc, fix for every dtype family and split, halves to even, special values, out=."""

import numpy as np
import pytest
import torch

import ember as em
from ember.core.rounding import around, ceil, fix, floor, rint, round, trunc  # noqa: A004
from ember.core.ufunc import UFuncTypeError
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5]
UNARY = {"rint": (rint, np.rint), "floor": (floor, np.floor), "ceil": (ceil, np.ceil),
         "trunc": (trunc, np.trunc), "fix": (fix, np.fix)}


def _data(dtype, shape, rng):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        low = 0 if dtype.kind == "u" else -120
        return rng.integers(low, 120, shape).astype(dtype)
    size = int(np.prod(shape))
    values = (rng.integers(-400, 400, size) / 8).astype(float)  # many exact halves
    values[: min(size, 10)] = SPECIALS[: min(size, 10)]
    if dtype.kind == "c":
        values = values + 1j * rng.uniform(-50, 50, size)
    return values.astype(dtype).reshape(shape)


def _equal(actual, expected, split):
    """Exact values and dtype, and the signs of zeros."""
    expected = np.asarray(expected)
    assert_array_equal(actual, expected, split=split)
    if expected.dtype.kind in "fc":
        got = actual.numpy()
        for g, e in ((got.real, expected.real), (got.imag, expected.imag)):
            np.testing.assert_array_equal(np.signbit(g[e == 0]), np.signbit(e[e == 0]))


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_every_dtype_and_split(name, rng):
    ours, theirs = UNARY[name]
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng)
        if name != "rint" and np.dtype(dtype).kind == "c":
            with pytest.raises(TypeError):
                ours(em.array(data, split=0))
            continue
        with np.errstate(all="ignore"):
            expected = theirs(data)
        for split in splits_of(2):
            _equal(ours(em.array(data, split=split)), expected, split)


@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round_every_dtype_and_split(decimals, rng):
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng)
        if dtype == "bool" and decimals != 0:
            with pytest.raises(UFuncTypeError):
                round(em.array(data, split=0), decimals)
            continue
        with np.errstate(all="ignore"):
            expected = np.round(data, decimals)
        for split in splits_of(2):
            _equal(round(em.array(data, split=split), decimals=decimals), expected, split)


@pytest.mark.parametrize("shape", [(7,), (1,), (0,), (2, 0, 3), (3, 1, 5)])
def test_uneven_and_empty_shapes(shape, rng):
    data = _data("float64", shape, rng)
    for split in splits_of(len(shape)):
        x = em.array(data, split=split)
        _equal(round(x, 1), np.round(data, 1), split)
        _equal(around(x, -1), np.around(data, -1), split)
        for ours, theirs in UNARY.values():
            _equal(ours(x), theirs(data), split)


def test_round_halves_to_even_and_large_decimals():
    data = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.25, 0.35, 2.675, 1250.0, -1350.0, 1e300])
    for dtype in ("float32", "float64"):
        with np.errstate(all="ignore"):
            values = data.astype(dtype)
        for decimals in (0, 1, 2, -2, -3, 40, 400, -400):
            with np.errstate(all="ignore"):
                expected = np.round(values, decimals)
            _equal(round(em.array(values, split=0), decimals), expected, 0)


def test_round_integers_stay_integers():
    data = np.array([15, 25, -15, -25, 125, 1234, -1250], dtype=np.int64)
    for decimals in (0, 3, -1, -2, -3):
        _equal(round(em.array(data, split=0), decimals), np.round(data, decimals), 0)
    small = np.array([125, -125, 15, 35], dtype=np.int8)
    _equal(round(em.array(small, split=0), -1), np.round(small, -1), 0)


def test_bfloat16_close_to_float32(rng):
    data = torch.from_numpy(_data("float32", (4, 5), rng)).bfloat16()
    rounded = data.float().numpy()
    for split in splits_of(2):
        x = em.array(data, split=split)
        for ours, theirs in UNARY.values():
            assert_allclose(ours(x), theirs(rounded), rtol=0, dtype=em.bfloat16, split=split)
        assert_allclose(round(x, 1), np.round(rounded, 1), rtol=1e-2, atol=0.05,
                        dtype=em.bfloat16, split=split)


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    data = _data("float64", (5, 7), rng)
    mask = rng.integers(0, 2, (5, 7)).astype(bool)
    old = rng.uniform(size=(5, 7))
    for out_split in splits_of(2):
        out = em.array(old, split=out_split)
        expected = old.copy()
        np.floor(data, out=expected, where=mask)
        assert floor(em.array(data, split=split), out=out, where=mask) is out
        _equal(out, expected, out_split)
        out = em.array(old, split=out_split)
        assert round(em.array(data, split=split), 1, out=out) is out
        _equal(out, np.round(data, 1), out_split)
        out = em.array(old, split=out_split)
        assert fix(em.array(data, split=split), out=out) is out
        _equal(out, np.fix(data), out_split)


def test_argument_errors():
    with pytest.raises(TypeError, match="decimals"):
        round(em.ones(3, split=0), 1.5)
    with pytest.raises(UFuncTypeError):
        floor(em.ones(3, split=0), out=em.zeros(3, dtype=em.int32, split=0))
    assert around is round
