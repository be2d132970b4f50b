"""NaN-aware reductions and average (ember.core.nan_reduction) against NumPy, on every
rank (SPMD): every split (reduced or not), axis None / int / negative / tuple, keepdims,
dtype=, out=, all-NaN slices (NumPy's warnings and errors), empty blocks, each dtype
family, bad axes and the cost (one collective when the split axis is reduced)."""

import warnings

import numpy as np
import pytest
import torch
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import nan_reduction as N
from ember.core.reduction import reduced_axes
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
NAMES = ["nansum", "nanprod", "nanmin", "nanmax", "nanargmin", "nanargmax", "nanmean",
         "nanvar", "nanstd"]
ARG = ("nanargmin", "nanargmax")
ORDERED = ("nanmin", "nanmax", "nanargmin", "nanargmax")
SHAPES = [(7,), (2,), (5, 4), (3, 2, 5), (4, 0)]


def _oracle(function, *args, **kwargs):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _data(dtype, shape, rng, nan=True):
    """Data with NaN sprinkled in, a whole NaN row (2-d and up) and infinities."""
    size = int(np.prod(shape))
    if dtype == "bool":
        return rng.integers(0, 2, size).astype(bool).reshape(shape)
    if dtype[0] in "iu":
        return rng.integers(0 if dtype[0] == "u" else -3, 4, size).astype(dtype).reshape(shape)
    values = rng.normal(scale=2.0, size=size)
    if dtype.startswith("complex"):
        values = values + 1j * rng.normal(size=size)
    if nan and size:
        values[rng.integers(0, size, max(1, size // 4))] = np.nan
        values[rng.integers(0, size)] = np.inf
    values = values.astype(dtype).reshape(shape)
    if nan and len(shape) >= 2 and size:
        values[1] = np.nan
    return values


def _axes(ndim, single):
    axes = [None, *range(ndim), -1]
    if not single and ndim >= 2:
        axes.append((0, ndim - 1))
    return axes


def _call(name, x, axis, **kwargs):
    return _quiet(getattr(N, name), x, axis=axis, **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_every_split_axis_and_keepdims(name, rng, comm):
    check = LocalCheck(comm)
    for shape in SHAPES:
        data = _data("float64", shape, rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in _axes(len(shape), name in ARG):
                for keepdims in (False, True) if len(shape) == 2 else (False,):
                    try:
                        expected = _oracle(getattr(np, name), data, axis=axis,
                                           keepdims=keepdims)
                    except ValueError:
                        with pytest.raises(ValueError):
                            _call(name, x, axis, keepdims=keepdims)
                        continue
                    axes = reduced_axes(axis, len(shape))
                    wanted = None if split is None or split in axes else \
                        split - (0 if keepdims else sum(a < split for a in axes))
                    check(_call(name, x, axis, keepdims=keepdims), expected,
                          f"{shape} {split} {axis} {keepdims}", split=wanted)
    check.done()


@pytest.mark.parametrize("name", [*NAMES, "average"])
def test_every_dtype_family(name, rng, comm):
    check = LocalCheck(comm)
    for dtype in DTYPES:
        data = _data(dtype, (6, 3), rng)
        for split, axis in ((0, 0), (0, None), (1, 0), (None, -1)):
            x = em.array(data, split=split)
            if dtype.startswith("complex") and name in ORDERED:
                with pytest.raises(NotImplementedError):  # ember does not order complex
                    _call(name, x, axis)
                continue
            try:
                expected = _oracle(getattr(np, name), data, axis=axis)
            except ValueError:  # nanargmin of the all-NaN row
                with pytest.raises(ValueError, match="All-NaN"):
                    _call(name, x, axis)
                continue
            check(_call(name, x, axis), expected, f"{dtype} {split} {axis}")
    check.done()


def test_bfloat16_like_float32(rng):
    data = _data("float32", (6, 4), rng)
    rounded = torch.from_numpy(data).to(torch.bfloat16)
    for name in NAMES:
        for split in (0, 1):
            actual = _call(name, em.array(rounded, split=split), 0)
            expected = _oracle(getattr(np, name), rounded.float().numpy(), axis=0)
            wanted = "int64" if name in ARG else "bfloat16"
            assert_allclose(actual, expected, rtol=5e-2, atol=1e-2, dtype=wanted)


def test_all_nan_slices_warn_or_raise_like_numpy():
    data = np.array([[np.nan, np.nan], [1.0, np.nan], [np.nan, np.nan]])
    for split in (None, 0, 1):
        x = em.array(data, split=split)
        # a reduction over the split axis (or a replicated one): every rank sees it
        axis = 0 if split in (None, 0) else 1
        for name, message in (("nanmin", "All-NaN slice"), ("nanmax", "All-NaN slice"),
                              ("nanmean", "Mean of empty slice"),
                              ("nanvar", "Degrees of freedom"),
                              ("nanstd", "Degrees of freedom")):
            with pytest.warns(RuntimeWarning, match=message):
                actual = getattr(N, name)(x, axis=axis)
            assert_array_equal(actual, _oracle(getattr(np, name), data, axis=axis))
        for name in ARG:
            for axis in (0, 1, None):  # every rank raises, whichever axis is split
                if axis is None:
                    assert_array_equal(getattr(N, name)(x), getattr(np, name)(data))
                    continue
                with pytest.raises(ValueError, match="All-NaN slice encountered"):
                    getattr(N, name)(x, axis=axis)
    assert N.nansum(em.array([np.nan, np.nan], split=0)).item() == 0
    assert N.nanprod(em.array([np.nan], split=0)).item() == 1
    with pytest.raises(ValueError):
        N.nanmin(em.zeros((0, 2), split=0), axis=0)
    with pytest.raises(ValueError):
        N.nanargmax(em.array(np.full(5, np.nan), split=0))


def test_fewer_elements_than_processes(comm, rng):
    check = LocalCheck(comm)
    data = _data("float64", (3, 2), rng)
    for split in (0, 1):
        for counts in ([data.shape[split]] + [0] * (comm.size - 1),
                       [0] * (comm.size - 1) + [data.shape[split]]):
            x = em.array(data, split=split).redistribute(counts)
            for name in NAMES:
                for axis in (None, 0, 1):
                    try:
                        expected = _oracle(getattr(np, name), data, axis=axis)
                    except ValueError:
                        with pytest.raises(ValueError):
                            _call(name, x, axis)
                        continue
                    check(_call(name, x, axis), expected, f"{name} {split} {counts} {axis}")
    check.done()


def test_dtype_and_out_arguments(rng, comm):
    data = _data("float32", (5, 4), rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for name in ("nansum", "nanprod", "nanmean", "nanvar", "nanstd"):
            expected = _oracle(getattr(np, name), data, axis=0, dtype="float64")
            # NumPy's nanvar stores the float64 deviations back into float32: 1e-6
            assert_allclose(_call(name, x, 0, dtype="float64"), expected, rtol=1e-6)
            for out_split in splits_of(1):
                out = em.zeros((4,), dtype=em.float64, split=out_split)
                assert _call(name, x, 0, out=out) is out
                assert_allclose(out, _oracle(getattr(np, name), data, axis=0), rtol=1e-5,
                                dtype="float64", split=out_split)
        for name in ("nanmin", "nanmax", "nanargmin", "nanargmax"):
            clean = np.nan_to_num(data, nan=0.5)
            out = em.zeros((1, 4), dtype=em.int64 if name in ARG else em.float32, split=1)
            _call(name, em.array(clean, split=split), 0, out=out, keepdims=True)
            assert_array_equal(out, getattr(np, name)(clean, axis=0, keepdims=True))
    with pytest.raises(TypeError, match="inexact"):
        N.nanmean(em.array(data, split=0), dtype="int32")


def test_ddof_and_correction(rng, comm):
    check = LocalCheck(comm)
    data = _data("float64", (6, 4), rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for axis in (0, 1, None):
            for ddof in (0, 1, 2.5):
                check(_call("nanvar", x, axis, ddof=ddof),
                      _oracle(np.nanvar, data, axis=axis, ddof=ddof), f"{split} {axis}")
                check(_call("nanstd", x, axis, correction=ddof),
                      _oracle(np.nanstd, data, axis=axis, ddof=ddof), f"{split} {axis}")
    check.done()


# ------------------------------------------------------------------------------ average
def test_average_weights_axes_and_returned(rng, comm):
    check = LocalCheck(comm)
    data = _data("float64", (5, 4, 3), rng, nan=False)
    ints = _data("int16", (5, 4, 3), rng)
    for split in splits_of(3):
        for values in (data, ints):
            x = em.array(values, split=split)
            for axis in (None, 0, 1, -1, (0, 2)):
                cases = [None, rng.uniform(0.5, 2.0, size=values.shape)]
                if axis is not None:
                    axes = reduced_axes(axis, 3)
                    cases.append(rng.integers(1, 4, size=[values.shape[a] for a in axes]))
                for weights in cases:
                    for keepdims in (False, True):
                        avg, scale = np.average(values, axis=axis, weights=weights,
                                                returned=True, keepdims=keepdims)
                        got = N.average(x, axis=axis, weights=weights, returned=True,
                                        keepdims=keepdims)
                        check(got[0], avg, f"avg {split} {axis}")
                        check(got[1], scale, f"scale {split} {axis}")
                        check(N.average(x, axis, weights, keepdims=keepdims), avg,
                              f"plain {split} {axis}")
    check.done()
    # weights as a DNDarray split like the averaged axis
    x = em.array(data, split=1)
    weights = em.array(np.arange(1.0, 5.0), split=0)
    assert_allclose(N.average(x, axis=1, weights=weights),
                    np.average(data, axis=1, weights=np.arange(1.0, 5.0)), rtol=1e-12)


def test_average_errors():
    x = em.ones((4, 3), split=0)
    with pytest.raises(ZeroDivisionError, match="Weights sum to zero"):
        N.average(x, axis=0, weights=np.zeros(4))
    with pytest.raises(ZeroDivisionError):  # zero weights in one rank's slice only
        N.average(x, axis=1, weights=np.array([[1, 1, 1]] * 3 + [[0, 0, 0]]))
    with pytest.raises(TypeError, match="Axis must be specified"):
        N.average(x, weights=np.ones(3))
    with pytest.raises(ValueError, match="Shape of weights"):
        N.average(x, axis=0, weights=np.ones(3))


# ------------------------------------------------------------------------------ axes, cost
@pytest.mark.parametrize("name", [*NAMES, "average"])
def test_bad_axes(name):
    x = em.zeros((3, 4), split=0)
    for axis in (2, -3):
        with pytest.raises(em.AxisError):
            _call(name, x, axis)
    if name not in ARG:
        with pytest.raises(ValueError, match="duplicate"):
            _call(name, x, (1, -1))


@pytest.mark.parametrize("name", [*NAMES, "average"])
def test_one_collective_when_the_split_axis_is_reduced(name, comm, monkeypatch, rng):
    data = np.abs(_data("float64", (7, 5, 3), rng, nan=False)) + 1  # no All-NaN errors
    data[0, 0, 0] = np.nan
    for split in splits_of(3):
        x = em.array(data, split=split)
        for axis in _axes(3, name in ARG):
            if axis is None and name in ARG and split not in (None, 0):
                continue  # flattening re-cuts along axis 0 first
            weights = {"weights": np.ones((7, 5, 3))} if name == "average" else {}
            with count_collectives(monkeypatch) as calls:
                _call(name, x, axis, **weights)
            axes = reduced_axes(axis, 3)
            merged = split is not None and split in axes and comm.size > 1
            distributed = split is not None and comm.size > 1
            if merged:
                assert len(calls) == 1, (split, axis, calls)
            elif distributed and (name in ARG or name == "average"):
                assert calls in ([], ["raise_if_any"]), calls  # agreeing on the error
            else:
                assert calls == [], (split, axis, calls)
