"""Trigonometric and hyperbolic ufuncs and sinc against NumPy: every dtype family, every
split, uneven and empty shapes, special values and branch cuts, out=/where=, arctan2
between operands of different splits."""

import numpy as np
import pytest
import torch
from _ufunc_checks import _check, _data

import ember as em
from ember.core import trigonometric as trig
from ember.core.ufunc import UFuncTypeError
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]

UNARY = {
    "sin": (trig.sin, np.sin, (-4, 4)),
    "cos": (trig.cos, np.cos, (-4, 4)),
    "tan": (trig.tan, np.tan, (-4, 4)),
    "arcsin": (trig.arcsin, np.arcsin, (-1.2, 1.2)),
    "arccos": (trig.arccos, np.arccos, (-1.2, 1.2)),
    "arctan": (trig.arctan, np.arctan, (-5, 5)),
    "sinh": (trig.sinh, np.sinh, (-5, 5)),
    "cosh": (trig.cosh, np.cosh, (-5, 5)),
    "tanh": (trig.tanh, np.tanh, (-5, 5)),
    "arcsinh": (trig.arcsinh, np.arcsinh, (-5, 5)),
    "arccosh": (trig.arccosh, np.arccosh, (0, 5)),
    "arctanh": (trig.arctanh, np.arctanh, (-1.2, 1.2)),
    "deg2rad": (trig.deg2rad, np.deg2rad, (-400, 400)),
    "rad2deg": (trig.rad2deg, np.rad2deg, (-7, 7)),
    "radians": (trig.radians, np.radians, (-400, 400)),
    "degrees": (trig.degrees, np.degrees, (-7, 7)),
    "sinc": (trig.sinc, np.sinc, (-3, 3)),
}
REAL_ONLY = {"deg2rad", "rad2deg", "radians", "degrees"}
BINARY = {"arctan2": (trig.arctan2, np.arctan2)}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_every_dtype_and_split(name, rng):
    ours, theirs, (low, high) = UNARY[name]
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng, low, high)
        if name in REAL_ONLY and np.dtype(dtype).kind == "c":
            with pytest.raises(UFuncTypeError, match=name):
                ours(em.array(data, split=0))
            continue
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
        assert_allclose(result, expected, rtol=2e-2, atol=2e-2, dtype=em.bfloat16, split=split)


def test_real_special_values():
    data = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1.0, 1e-30, -1e-30, 1e300,
                     -1e300, 710.0, -745.5, 0.5, 2.0])
    for dtype in ("float16", "float32", "float64"):
        with np.errstate(all="ignore"):
            values = data.astype(dtype)
        for ours, theirs, _ in UNARY.values():
            with np.errstate(all="ignore"):
                expected = theirs(values)
            _check(ours(em.array(values, split=0)), expected, 0)


def test_complex_special_values_and_branch_cuts():
    parts = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, np.inf, -np.inf, np.nan, 1e-300,
             800.0]
    grid = np.array([complex(a, b) for a in parts for b in parts])
    for dtype in ("complex64", "complex128"):
        data = grid.astype(dtype)
        for name, (ours, theirs, _) in UNARY.items():
            if name in REAL_ONLY:
                continue
            with np.errstate(all="ignore"):
                expected = theirs(data)
            _check(ours(em.array(data, split=0)), expected, 0)


def test_array_api_aliases():
    assert trig.asin is trig.arcsin and trig.acos is trig.arccos and trig.atan is trig.arctan
    assert trig.atan2 is trig.arctan2 and trig.asinh is trig.arcsinh
    assert trig.acosh is trig.arccosh and trig.atanh is trig.arctanh
    x = em.array([0.5, -0.25], split=0)
    assert_allclose(trig.acos(x), np.arccos(np.array([0.5, -0.25], np.float32)), split=0)


def test_angle_conversions_exact():
    data = np.random.default_rng(5).uniform(-1000, 1000, 50)
    for dtype in ("float16", "float32", "float64"):
        values = data.astype(dtype)
        for ours, theirs in ((trig.deg2rad, np.deg2rad), (trig.rad2deg, np.rad2deg)):
            assert_array_equal(ours(em.array(values, split=0)), theirs(values), split=0)


def test_binary_every_dtype(rng):
    for dtype in DTYPES[:9]:
        a = _data(dtype, (5, 7), rng, -5, 5)
        b = _data(dtype, (5, 7), rng, -5, 5, specials=False)
        if b.dtype.kind == "f":
            b[0, :6] = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -0.0]).astype(b.dtype)
        with np.errstate(all="ignore"):
            expected = np.arctan2(a, b)
        for split in splits_of(2):
            _check(trig.arctan2(em.array(a, split=split), em.array(b, split=split)),
                   expected, split)


def test_arctan2_signed_zeros_and_infinities():
    parts = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan])
    y, x = np.meshgrid(parts, parts)
    for split in splits_of(2):
        _check(trig.arctan2(em.array(y, split=split), em.array(x, split=split)),
               np.arctan2(y, x), split)


def test_arctan2_different_splits_and_broadcasting(rng):
    a = _data("float64", (5, 7), rng, -5, 5)
    b = _data("float64", (5, 7), rng, -5, 5, specials=False)
    row = _data("float32", (7,), rng, -5, 5)
    with np.errstate(all="ignore"):
        expected, broadcast, scalar = np.arctan2(a, b), np.arctan2(a, row), np.arctan2(a, 2.0)
    for sa in splits_of(2):
        for sb in splits_of(2):
            _check(trig.arctan2(em.array(a, split=sa), em.array(b, split=sb)), expected, "any")
        for sr in splits_of(1):
            _check(trig.arctan2(em.array(a, split=sa), em.array(row, split=sr)), broadcast,
                   "any")
        _check(trig.arctan2(em.array(a, split=sa), 2.0), scalar, sa)
        _check(trig.arctan2(a, em.array(b, split=sa)), expected, sa)


def test_arctan2_rejects_complex():
    z = em.array(np.array([1 + 1j, 2j]), split=0)
    with pytest.raises(UFuncTypeError, match="arctan2"):
        trig.arctan2(z, z)


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    data = _data("float64", (5, 7), rng, -3, 3)
    mask = rng.integers(0, 2, (5, 7)).astype(bool)
    old = rng.uniform(size=(5, 7))
    with np.errstate(all="ignore"):
        expected = old.copy()
        np.sin(data, out=expected, where=mask)
        expected_atan2 = old.copy()
        np.arctan2(data, data[0], out=expected_atan2, where=mask[:1])
    for out_split in splits_of(2):
        out = em.array(old, split=out_split)
        returned = trig.sin(em.array(data, split=split), out=out,
                            where=em.array(mask, split=split))
        assert returned is out
        _check(out, expected, out_split)
        out = em.array(old, split=out_split)
        trig.arctan2(em.array(data, split=split), em.array(data[0], split=0), out=out,
                     where=mask[:1])
        _check(out, expected_atan2, out_split)


def test_dtype_and_casting():
    x = em.array(np.arange(6, dtype=np.int8), split=0)
    assert trig.cos(x).dtype == em.float16
    assert_allclose(trig.cos(x, dtype=em.float64), np.cos(np.arange(6), dtype=np.float64),
                    rtol=1e-12, split=0)
    with pytest.raises(UFuncTypeError):
        trig.tanh(x, out=em.zeros(6, dtype=em.int64, split=0))


def test_sinc_types_follow_numpy():
    for dtype in ("bool", "int8", "int64", "float16", "float32", "complex64"):
        data = np.array([0, 1, 1, 0]).astype(dtype)
        assert trig.sinc(em.array(data, split=0)).dtype == em.dtype(np.sinc(data).dtype)
