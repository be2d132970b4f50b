"""isnan, isinf, isfinite, isposinf, isneginf, signbit and nan_to_num against NumPy for
every dtype family and split, uneven and empty shapes, out= and where=."""

import numpy as np
import pytest
import torch

import ember as em
from ember.core.classification import (
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    nan_to_num,
    signbit,
)
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
PARTS = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e300]
TESTS = {
    "isnan": (isnan, np.isnan, True),
    "isinf": (isinf, np.isinf, True),
    "isfinite": (isfinite, np.isfinite, True),
    "isposinf": (isposinf, np.isposinf, False),
    "isneginf": (isneginf, np.isneginf, False),
    "signbit": (signbit, np.signbit, False),
}


def _data(dtype, shape, rng):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0 if dtype.kind == "u" else -50, 50, shape).astype(dtype)
    size = int(np.prod(shape))
    values = rng.uniform(-5, 5, size).astype(complex if dtype.kind == "c" else float)
    picks = rng.integers(0, len(PARTS), size)
    chosen = rng.uniform(size=size) < 0.5
    values.real[chosen] = np.array(PARTS)[picks[chosen]]
    if dtype.kind == "c":
        values.imag = np.where(rng.uniform(size=size) < 0.4,
                               np.array(PARTS)[rng.integers(0, len(PARTS), size)], 2.0)
    with np.errstate(all="ignore"):
        return values.astype(dtype).reshape(shape)


@pytest.mark.parametrize("name", list(TESTS))
def test_every_dtype_and_split(name, rng):
    ours, theirs, complex_ok = TESTS[name]
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng)
        if np.dtype(dtype).kind == "c" and not complex_ok:
            with pytest.raises(TypeError):
                ours(em.array(data, split=0))
            continue
        for split in splits_of(2):
            assert_array_equal(ours(em.array(data, split=split)), theirs(data), split=split)


@pytest.mark.parametrize("shape", [(7,), (1,), (0,), (2, 0, 3), (3, 1, 5)])
def test_uneven_and_empty_shapes(shape, rng):
    data = _data("float32", shape, rng)
    for split in splits_of(len(shape)):
        x = em.array(data, split=split)
        for ours, theirs, _ in TESTS.values():
            assert_array_equal(ours(x), theirs(data), split=split)
        assert_array_equal(nan_to_num(x), np.nan_to_num(data), split=split)


def test_bfloat16(rng):
    data = torch.from_numpy(_data("float32", (4, 5), rng)).bfloat16()
    values = data.float().numpy()
    for split in splits_of(2):
        x = em.array(data, split=split)
        for ours, theirs, _ in TESTS.values():
            assert_array_equal(ours(x), theirs(values), split=split)
        big = float(torch.finfo(torch.bfloat16).max)
        expected = np.nan_to_num(values, posinf=big, neginf=-big)
        assert_allclose(nan_to_num(x), expected, rtol=0, dtype=em.bfloat16, split=split)


@pytest.mark.parametrize("kwargs", [{}, {"nan": 7.5}, {"posinf": 3.0, "neginf": -4.0},
                                    {"nan": 1e10, "posinf": -1e10}])
def test_nan_to_num_every_dtype_and_split(kwargs, rng):
    for dtype in DTYPES:
        data = _data(dtype, (5, 7), rng)
        with np.errstate(all="ignore"):
            expected = np.nan_to_num(data, **kwargs)
        for split in splits_of(2):
            assert_array_equal(nan_to_num(em.array(data, split=split), **kwargs), expected,
                               split=split)


@pytest.mark.parametrize("split", splits_of(2))
def test_nan_to_num_in_place(split, rng):
    data = _data("complex64", (5, 7), rng)
    x = em.array(data, split=split)
    assert nan_to_num(x, copy=False, nan=-1.0) is x
    assert_array_equal(x, np.nan_to_num(data, nan=-1.0), split=split)
    y = em.array(data, split=split)
    z = nan_to_num(y)
    assert z is not y
    assert_array_equal(y, data, split=split)
    ints = em.array(np.arange(5), split=split if split != 1 else 0)
    assert nan_to_num(ints, copy=False) is ints


@pytest.mark.parametrize("split", splits_of(2))
def test_out_and_where(split, rng):
    data = _data("float64", (5, 7), rng)
    mask = rng.integers(0, 2, (5, 7)).astype(bool)
    old = rng.integers(0, 2, (5, 7)).astype(bool)
    for out_split in splits_of(2):
        expected = old.copy()
        np.isnan(data, out=expected, where=mask)
        out = em.array(old, split=out_split)
        assert isnan(em.array(data, split=split), out=out, where=mask) is out
        assert_array_equal(out, expected, split=out_split)
        out = em.array(old, split=out_split)
        assert isposinf(em.array(data, split=split), out=out) is out
        assert_array_equal(out, np.isposinf(data), split=out_split)
