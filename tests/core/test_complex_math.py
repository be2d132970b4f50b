"""real, imag, conj/conjugate and angle against NumPy for every dtype family and split,
special values and signed zeros, out= and where= for conjugate."""

import numpy as np
import pytest
import torch

import ember as em
from ember.core.complex_math import angle, conj, conjugate, imag, real
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
PARTS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0]
FUNCTIONS = {
    "real": (real, np.real),
    "imag": (imag, np.imag),
    "conj": (conj, np.conj),
    "angle": (angle, np.angle),
    "angle_deg": (lambda x: angle(x, deg=True), lambda x: np.angle(x, deg=True)),
}


def _data(dtype, shape, rng):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0 if dtype.kind == "u" else -50, 50, shape).astype(dtype)
    size = int(np.prod(shape))
    values = rng.uniform(-5, 5, size).astype(complex if dtype.kind == "c" else float)
    count = min(size, len(PARTS))
    values.real[:count] = PARTS[:count]
    if dtype.kind == "c":
        values.imag = rng.uniform(-5, 5, size)
        values.imag[:count] = PARTS[::-1][:count]
    return values.astype(dtype).reshape(shape)


def _check(actual, expected, split, rtol):
    expected = np.asarray(expected)
    if expected.dtype.kind == "f":
        assert_allclose(actual, expected, rtol=rtol, split=split)
    else:
        assert_array_equal(actual, expected, split=split)
    if expected.dtype.kind in "fc":
        got = actual.numpy()
        for g, e in ((got.real, expected.real), (got.imag, expected.imag)):
            np.testing.assert_array_equal(np.signbit(g[e == 0]), np.signbit(e[e == 0]))


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_dtype_and_split(name, rng):
    ours, theirs = FUNCTIONS[name]
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng)
        with np.errstate(all="ignore"):
            expected = np.asarray(theirs(data))
        rtol = 1e-3 if expected.dtype == np.float16 else 1e-6
        for split in splits_of(2):
            _check(ours(em.array(data, split=split)), expected, split, rtol)


@pytest.mark.parametrize("shape", [(7,), (1,), (0,), (2, 0, 3), (3, 1, 5)])
def test_uneven_and_empty_shapes(shape, rng):
    data = _data("complex128", shape, rng)
    for split in splits_of(len(shape)):
        x = em.array(data, split=split)
        for ours, theirs in FUNCTIONS.values():
            _check(ours(x), np.asarray(theirs(data)), split, 1e-12)


def test_results_are_copies():
    x = em.array(np.array([1.0, 2.0, 3.0]), split=0)
    for result in (real(x), conj(x), conjugate(x)):
        result.larray.fill_(7.0)
    assert_array_equal(x, np.array([1.0, 2.0, 3.0]), split=0)
    assert conjugate is conj


def test_angle_signed_zeros_and_specials():
    parts = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan])
    z = np.zeros(49, dtype=complex)
    z.real, z.imag = np.repeat(parts, 7), np.tile(parts, 7)  # exact signed zeros
    for split in (None, 0):
        _check(angle(em.array(z, split=split)), np.angle(z), split, 1e-12)
        _check(angle(em.array(z.real, split=split)), np.angle(z.real), split, 1e-12)


def test_bfloat16():
    data = torch.tensor([1.5, -2.0, 0.0, -0.0], dtype=torch.bfloat16)
    values = data.float().numpy()
    for split in splits_of(1):
        x = em.array(data, split=split)
        assert_allclose(real(x), values, dtype=em.bfloat16, split=split)
        assert_allclose(imag(x), np.zeros(4), dtype=em.bfloat16, split=split)
        assert_allclose(angle(x), np.angle(values), rtol=1e-2, dtype=em.bfloat16, split=split)


@pytest.mark.parametrize("split", splits_of(2))
def test_conjugate_out_and_where(split, rng):
    data = _data("complex64", (5, 7), rng)
    mask = rng.integers(0, 2, (5, 7)).astype(bool)
    old = _data("complex64", (5, 7), rng)  # same type: where= keeps out values via the result type
    expected = old.copy()
    np.conjugate(data, out=expected, where=mask)
    for out_split in splits_of(2):
        out = em.array(old, split=out_split)
        assert conjugate(em.array(data, split=split), out=out, where=mask) is out
        assert_array_equal(out, expected, split=out_split)


def test_scalars():
    assert_array_equal(real(1 + 2j), np.float32(1.0), dtype=em.float32)
    assert_array_equal(imag(np.complex128(1 + 2j)), np.float64(2.0))
