"""Scans (ember.core.scan) against NumPy on the same global data, on every rank (SPMD):
every split (scanned or not), axis None / int / negative, dtype=, out= of another split,
include_initial, uneven and empty blocks, NaN, each dtype family, bad axes and the
cost (one Exscan along the split axis, none otherwise; diff: one Sendrecv)."""

import warnings

import numpy as np
import pytest
import torch
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import scan as S
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
SHAPES = [(7,), (2,), (5, 4), (3, 2, 5), (0,), (4, 0), ()]
SCANS = ["cumsum", "cumprod", "nancumsum", "nancumprod"]


def _oracle(function, *args, **kwargs):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _data(dtype, shape, rng, nan=False):
    size = int(np.prod(shape))
    if dtype == "bool":
        values = rng.integers(0, 2, size).astype(bool)
    elif dtype[0] in "iu":
        values = rng.integers(0 if dtype[0] == "u" else -3, 4, size).astype(dtype)
    else:
        values = rng.uniform(0.5, 1.5, size)  # products stay tame
        if dtype.startswith("complex"):
            values = values + 0.3j * rng.normal(size=size)
        if nan and size:
            values[rng.integers(0, size, max(1, size // 4))] = np.nan
        values = values.astype(dtype)
    return values.reshape(shape)


def _rtol(dtype):
    return {"float16": 1e-2, "float32": 1e-5, "complex64": 1e-5}.get(np.dtype(dtype).name)


@pytest.mark.parametrize("name", SCANS)
def test_every_split_and_axis(name, rng, comm):
    check = LocalCheck(comm)
    for shape in SHAPES:
        data = _data("float64", shape, rng, nan=True)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in [None, *range(len(shape)), *range(-len(shape), 0)[:1]]:
                expected = _oracle(getattr(np, name), data, axis=axis)
                expected_split = split if axis is not None else (None if split is None
                                                                 else 0)
                check(getattr(S, name)(x, axis=axis), expected, f"{shape} {split} {axis}",
                      split=expected_split)
    check.done()


@pytest.mark.parametrize("name", SCANS)
def test_every_dtype_family(name, rng, comm):
    check = LocalCheck(comm)
    for dtype in DTYPES:
        data = _data(dtype, (7, 3), rng, nan=True)
        for split, axis in ((0, 0), (0, None), (1, 0), (None, 1), (1, 1)):
            expected = _oracle(getattr(np, name), data, axis=axis)
            check(getattr(S, name)(em.array(data, split=split), axis=axis), expected,
                  f"{dtype} {split} {axis}", rtol=_rtol(dtype))
    check.done()


def test_bfloat16_accumulates_in_float32(rng):
    data = _data("float32", (40,), rng)
    x = em.array(torch.from_numpy(data).to(torch.bfloat16), split=0)
    rounded = torch.from_numpy(data).to(torch.bfloat16).float().numpy()
    assert_allclose(S.cumsum(x), np.cumsum(rounded), rtol=1e-2, dtype="bfloat16")
    half = em.array(np.full(3000, 0.1, np.float16), split=0)
    assert abs(S.cumsum(half).numpy()[-1] - 300) < 0.5  # float16 running sums stall at 256


def test_dtype_and_out_arguments(rng, comm):
    data = _data("int16", (6, 4), rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for dtype in ("int8", "float32", "complex128", "bool"):
            for name in ("cumsum", "cumprod"):
                expected = _oracle(getattr(np, name), data, axis=0, dtype=dtype)
                assert_array_equal(getattr(S, name)(x, axis=0, dtype=dtype), expected)
        for out_split in splits_of(2):
            out = em.zeros((6, 4), dtype=em.int64, split=out_split)
            assert S.cumsum(x, axis=0, out=out) is out and out.split == out_split
            assert_array_equal(out, np.cumsum(data, axis=0), split=out_split)
    with pytest.raises(ValueError):
        S.cumsum(em.array(data, split=0), axis=0, out=em.zeros((5, 4)))


def test_cumulative_sum_and_prod(rng, comm):
    check = LocalCheck(comm)
    for shape in ((7,), (5, 4), (0,), (3, 0)):
        data = _data("int32", shape, rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in ([None] if len(shape) == 1 else []) + [0, -1]:
                for include_initial in (False, True):
                    for name in ("cumulative_sum", "cumulative_prod"):
                        expected = getattr(np, name)(data, axis=axis,
                                                     include_initial=include_initial)
                        actual = getattr(S, name)(x, axis=axis,
                                                  include_initial=include_initial)
                        check(actual, expected, f"{name} {shape} {split} {axis}",
                              split=split)
    check.done()
    x = em.array(np.arange(1, 6), split=0)
    assert_array_equal(S.cumulative_sum(x, include_initial=True, dtype="float64"),
                       np.cumulative_sum(np.arange(1, 6), include_initial=True,
                                         dtype="float64"))
    with pytest.raises(ValueError, match="axis"):
        S.cumulative_sum(em.zeros((2, 3), split=0))


def test_scans_of_uneven_and_empty_blocks(comm, rng):
    data = _data("float64", (4, 3), rng)
    for counts in ([4] + [0] * (comm.size - 1), [0] * (comm.size - 1) + [4]):
        x = em.array(data, split=0).redistribute(counts)
        for name in SCANS:
            assert_allclose(getattr(S, name)(x, axis=0), np.cumsum(data, axis=0)
                            if "sum" in name else np.cumprod(data, axis=0), rtol=1e-12)
        assert_allclose(S.cumulative_sum(x, axis=0, include_initial=True),
                        np.cumulative_sum(data, axis=0, include_initial=True), rtol=1e-12)


def test_bad_axes():
    x = em.zeros((3, 4), split=0)
    for name in [*SCANS, "diff"]:
        for axis in (2, -3):
            with pytest.raises(em.AxisError):
                getattr(S, name)(x, axis=axis)
        with pytest.raises(TypeError):
            getattr(S, name)(x, axis=1.5)
    with pytest.raises(em.AxisError):
        S.cumulative_sum(x, axis=2)


@pytest.mark.parametrize("name", [*SCANS, "cumulative_sum"])
def test_one_exscan_along_the_split_axis(name, comm, monkeypatch, rng):
    data = _data("float64", (7, 5, 3), rng)
    for split in splits_of(3):
        x = em.array(data, split=split)
        for axis in (0, 1, 2, -1):
            with count_collectives(monkeypatch) as calls:
                getattr(S, name)(x, axis=axis)
            along = split is not None and split == axis % 3 and comm.size > 1
            assert calls == (["Exscan"] if along else []), (split, axis, calls)


# ------------------------------------------------------------------------------ diff
def test_diff_every_split_axis_and_order(rng, comm):
    check = LocalCheck(comm)
    for shape in ((7,), (2,), (5, 4), (3, 2, 5), (0,), (4, 0)):
        data = _data("float64", shape, rng, nan=True)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in (*range(len(shape)), -1):
                for n in (0, 1, 2, 3, 8):
                    expected = np.diff(data, n=n, axis=axis)
                    check(S.diff(x, n=n, axis=axis), expected, f"{shape} {split} {axis} {n}",
                          split=split)
    check.done()


def test_diff_dtypes_prepend_append(rng, comm):
    check = LocalCheck(comm)
    for dtype in DTYPES:
        data = _data(dtype, (7, 3), rng)
        for split in splits_of(2):
            x = em.array(data, split=split)
            for axis in (0, 1):
                for kwargs in ({}, {"n": 2}, {"prepend": 0}, {"append": data[:1, :1] * 0 + 1},
                               {"n": 3, "prepend": data.take([0, 1], axis=axis),
                                "append": 2}):
                    if "append" in kwargs and axis == 0 and np.ndim(kwargs["append"]):
                        kwargs = {**kwargs, "append": np.ones((2, 3), dtype)}
                    if "append" in kwargs and axis == 1 and np.ndim(kwargs["append"]):
                        kwargs = {**kwargs, "append": np.ones((7, 1), dtype)}
                    expected = _oracle(np.diff, data, axis=axis, **kwargs)
                    check(S.diff(x, axis=axis, **kwargs), expected, f"{dtype} {split} {axis}",
                          split=split, rtol=_rtol(dtype))
    check.done()
    x = em.array(np.arange(6.0).reshape(3, 2), split=0)
    prepend = em.array(np.zeros((2, 2)), split=0)  # a split DNDarray edge
    assert_array_equal(S.diff(x, axis=0, prepend=prepend),
                       np.diff(np.arange(6.0).reshape(3, 2), axis=0, prepend=np.zeros((2, 2))))


def test_diff_uneven_blocks_take_rows_from_further_ranks(comm, rng):
    data = _data("int64", (9, 2), rng)
    for counts in ([9] + [0] * (comm.size - 1), [1] * (comm.size - 1) + [10 - comm.size],
                   [0] * (comm.size - 1) + [9]):
        x = em.array(data, split=0).redistribute(counts)
        for n in (1, 2, 4):
            assert_array_equal(S.diff(x, n=n, axis=0), np.diff(data, n=n, axis=0), split=0)


def test_diff_errors():
    with pytest.raises(ValueError, match="non-negative"):
        S.diff(em.zeros(3, split=0), n=-1)
    with pytest.raises(ValueError, match="one dimensional"):
        S.diff(em.array(3.0))
    with pytest.raises(ValueError):
        S.diff(em.zeros((3, 2), split=0), axis=0, prepend=np.zeros((1, 3)))


def test_diff_costs_one_sendrecv(comm, monkeypatch, rng):
    data = _data("float64", (12, 5), rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for axis in (0, 1):
            with count_collectives(monkeypatch) as calls:
                S.diff(x, axis=axis)
            along = split == axis and comm.size > 1
            assert calls == (["Sendrecv"] if along else []), (split, axis, calls)
