"""Shared oracle helpers for the elementwise-function tests: test data with special
values, per-dtype tolerances, and a check of values, NaN/inf places and signs of zeros."""

import numpy as np

import ember as em
from ember.testing import assert_invariants

RTOL = {"f": {2: 2e-3, 4: 1e-5, 8: 1e-12}, "c": {8: 1e-5, 16: 1e-12}}
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0]


def _data(dtype, shape, rng, low, high, specials=True):
    """Global test data of ``dtype``; floats carry NaN, +-inf and +-0.0 first."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        lo = 0 if dtype.kind == "u" else max(int(low), -10)
        return rng.integers(lo, max(int(high), 2) + 1, shape).astype(dtype)
    values = rng.uniform(low, high, size).astype(np.complex128 if dtype.kind == "c" else float)
    if dtype.kind == "c":
        values.imag = rng.uniform(low, high, size)
    if specials:
        count = min(size, len(SPECIALS))
        values.real[:count] = SPECIALS[:count]
        if dtype.kind == "c":
            values.imag[:count] = [0.5, np.nan, 1.0, -0.0, 0.0, np.inf][:count]
    return values.astype(dtype).reshape(shape)


def _rtol(dtype):
    dtype = np.dtype(dtype)
    return RTOL[dtype.kind][dtype.itemsize]


def _check(actual, expected, split, rtol=None):
    """``actual`` matches the oracle: layout (invariants, shape, dtype, split), values
    within ``rtol`` (complex: part by part, relative to the modulus), NaNs and
    infinities in the same places, and the signs of zeros (one gather)."""
    expected = np.asarray(expected)
    assert_invariants(actual)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    assert actual.dtype == em.dtype(expected.dtype), f"dtype {actual.dtype} != {expected.dtype}"
    assert split == "any" or actual.split == split, f"split {actual.split} != {split}"
    got = actual.numpy()
    if expected.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, expected)
        return
    rtol = rtol or _rtol(expected.dtype)
    scale = np.where(np.isfinite(expected), np.abs(expected), 0.0)
    with np.errstate(all="ignore"):
        for g, e in ((got.real, expected.real), (got.imag, expected.imag)):
            ok = (np.isnan(g) & np.isnan(e)) | (g == e)
            ok |= np.abs(g - e) <= rtol * np.maximum(np.abs(e), scale)
            assert ok.all(), f"values differ: {got[~ok]} != {expected[~ok]}"
            zero = e == 0
            np.testing.assert_array_equal(np.signbit(g[zero]), np.signbit(e[zero]),
                                          err_msg="signs of zeros differ")
