"""Reductions (ember.core.reduction) against NumPy on the same global data, on every rank.

Every function is checked for every split (the reduced axis being the split axis or
not), axis None / int / negative / tuple, keepdims, dtype=, out= of another split,
shapes that do not divide by the process count (fewer elements than processes, empty
blocks, zero-size arrays), NaN/inf, each dtype family, bad and duplicate axes, and its
cost: exactly one collective when the split axis is reduced, none otherwise.
"""

import warnings

import numpy as np
import pytest
import torch
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import reduction as R
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
SHAPES = [(7,), (2,), (5, 4), (3, 2, 5), (4, 0)]
NAMES = ["sum", "prod", "min", "max", "amin", "amax", "any", "all", "mean", "var", "std",
         "argmin", "argmax", "count_nonzero", "ptp"]
ARG = ("argmin", "argmax")  # one axis only
NO_IDENTITY = ("min", "max", "amin", "amax", "argmin", "argmax", "ptp")
ORDERED_ONLY = NO_IDENTITY  # no complex numbers
RTOL = {"float16": 2e-2, "bfloat16": 5e-2, "float32": 2e-5, "complex64": 2e-5,
        "float64": 1e-10, "complex128": 1e-10}


def _oracle(function, *args, **kwargs):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _data(dtype, shape, rng, specials=False):
    """Global data (identical on every rank); small integers so products stay exact."""
    size = int(np.prod(shape))
    if dtype == "bool":
        values = rng.integers(0, 2, size).astype(bool)
    elif dtype[0] in "iu":
        values = rng.integers(0 if dtype[0] == "u" else -3, 4, size).astype(dtype)
    else:
        values = rng.normal(scale=2.0, size=size)
        if dtype.startswith("complex"):
            values = values + 1j * rng.normal(scale=2.0, size=size)
        if specials and size:
            values[rng.integers(0, size, max(1, size // 6))] = rng.choice(
                [np.nan, np.inf, -np.inf])
        values = values.astype(dtype)
    return values.reshape(shape)


def _axes(ndim, single=False):
    axes = [None, *range(ndim), *range(-ndim, 0)[:1]]
    if not single and ndim >= 2:
        axes += [(-1, 0), ()] if ndim == 2 else [(0, ndim - 1)]
    return axes


def _numpy_dtype(name, dtype):
    """The dtype ember gives where NumPy gives uint64 (ember has no uint64)."""
    return "int64" if np.dtype(dtype).name == "uint64" else None


def _call(name, x, axis, **kwargs):
    if name in ("count_nonzero",) and "out" in kwargs:
        kwargs.pop("out")
    return _quiet(getattr(R, name), x, axis=axis, **kwargs)


def _check(actual, expected, rtol=None, dtype=None, split="any", check=None, context=""):
    """Compare with the oracle: locally through ``check`` (a LocalCheck) when given, else
    with ember.testing's gathering assertions."""
    expected = np.asarray(expected)
    if check is not None:
        check(actual, expected.astype(np.float32) if dtype == "bfloat16" else expected,
              context, dtype=dtype, split=split, rtol=rtol)
        return
    wanted = em.dtype(dtype).name if dtype is not None else expected.dtype.name
    if wanted == "uint64":
        dtype, wanted = "int64", "int64"
    if wanted in RTOL and (rtol is not None or wanted in ("float16", "bfloat16")):
        assert_allclose(actual, expected.astype(np.float32) if wanted == "bfloat16" else
                        expected, rtol=rtol or RTOL[wanted], atol=1e-6, dtype=dtype,
                        split=split)
    elif wanted in RTOL:
        assert_allclose(actual, expected, rtol=RTOL[wanted], atol=1e-12, dtype=dtype,
                        split=split)
    else:
        assert_array_equal(actual, expected, dtype=dtype, split=split)


def _expected_split(x, axis, keepdims):
    axes = R.reduced_axes(axis, x.ndim)
    if x.split is None or x.split in axes:
        return None
    return x.split if keepdims else x.split - sum(a < x.split for a in axes)


# ------------------------------------------------------------------------------ values
@pytest.mark.parametrize("name", NAMES)
def test_every_split_axis_and_keepdims(name, rng, comm):
    """float64 data with NaN/inf, every shape, split, axis and keepdims against NumPy."""
    check = LocalCheck(comm)
    for shape in SHAPES:
        data = _data("float64", shape, rng, specials=name not in ("var", "std"))
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in _axes(len(shape), single=name in ARG):
                for keepdims in (False, True) if len(shape) == 2 else (False,):
                    try:
                        expected = _oracle(getattr(np, name), data, axis=axis,
                                           keepdims=keepdims)
                    except ValueError:
                        with pytest.raises(ValueError):
                            _call(name, x, axis, keepdims=keepdims)
                        continue
                    actual = _call(name, x, axis, keepdims=keepdims)
                    _check(actual, expected, split=_expected_split(x, axis, keepdims),
                           check=check, context=f"{shape} split={split} axis={axis}")
    check.done()


@pytest.mark.parametrize("name", NAMES)
def test_every_dtype_family(name, rng, comm):
    """Result dtype and values for each dtype, reducing the split axis and another."""
    check = LocalCheck(comm)
    for dtype in DTYPES:
        data = _data(dtype, (5, 3), rng)
        for split, axis in ((0, 0), (0, None), (1, 0), (None, -1), (1, (0, 1))):
            if name in ARG and isinstance(axis, tuple):
                continue
            x = em.array(data, split=split)
            try:
                expected = _oracle(getattr(np, name), data, axis=axis)
            except TypeError:  # ptp of booleans
                with pytest.raises(TypeError):
                    _call(name, x, axis)
                continue
            if dtype.startswith("complex") and name in ORDERED_ONLY:
                with pytest.raises(NotImplementedError):  # ember does not order complex
                    _call(name, x, axis)
                continue
            _check(_call(name, x, axis), expected, check=check,
                   context=f"{dtype} split={split} axis={axis}")
    check.done()


@pytest.mark.parametrize("name", NAMES)
def test_bfloat16_like_float32(name, rng):
    """No NumPy oracle: values of the float32 data, loosely; float16's dtype rules."""
    data = _data("float32", (6, 5), rng)
    rounded = torch.from_numpy(data).to(torch.bfloat16).float().numpy()
    for split, axis in ((0, 0), (1, 0), (0, None)):
        x = em.array(torch.from_numpy(data).to(torch.bfloat16), split=split)
        expected = _oracle(getattr(np, name), rounded, axis=axis)
        actual = _call(name, x, axis)
        half = _call(name, em.array(data.astype(np.float16), split=split), axis)
        wanted = "bfloat16" if half.dtype == em.float16 else half.dtype
        _check(actual, expected, rtol=5e-2, dtype=wanted)


def test_specials_propagate_like_numpy(comm):
    check = LocalCheck(comm)
    data = np.array([[1.0, np.nan, 3.0], [np.inf, -np.inf, 2.0], [0.0, 1.0, np.inf],
                     [-0.0, 5.0, 1.0]])
    for split in splits_of(2):
        x = em.array(data, split=split)
        for name in ("sum", "prod", "min", "max", "mean", "argmin", "argmax", "any",
                     "all", "count_nonzero", "var", "std"):
            for axis in (0, 1, None):
                _check(_call(name, x, axis), _oracle(getattr(np, name), data, axis=axis),
                       check=check, context=f"{name} split={split} axis={axis}")
    check.done()


def test_argmin_ties_and_nan_take_the_first_index(comm):
    check = LocalCheck(comm)
    data = np.array([3.0, 1.0, 2.0, 1.0, 1.0, np.nan, 0.0, np.nan])
    twice = np.stack([data, data[::-1]], axis=1)
    for split in splits_of(2):
        x = em.array(twice, split=split)
        for name in ARG:
            for axis in (0, 1, None, -2):
                for keepdims in (False, True):
                    expected = getattr(np, name)(twice, axis=axis, keepdims=keepdims)
                    _check(_call(name, x, axis, keepdims=keepdims), expected, check=check)
    for split in (None, 0):  # ties spread over the ranks
        x = em.array(np.ones(7), split=split)
        assert R.argmax(x).item() == 0 and R.argmin(x).item() == 0
    check.done()


# ------------------------------------------------------------------------------ empties


def test_empty_reductions_like_numpy(comm):
    check = LocalCheck(comm)
    for shape in ((0,), (3, 0), (0, 4)):
        data = np.zeros(shape)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in (None, 0, -1):
                for name in NAMES:
                    if name in ARG and isinstance(axis, tuple):
                        continue
                    try:
                        expected = _oracle(getattr(np, name), data, axis=axis)
                    except ValueError:
                        with pytest.raises(ValueError):
                            _call(name, x, axis)
                        continue
                    _check(_call(name, x, axis), expected, check=check,
                           context=f"{name} {shape} split={split} axis={axis}")
    check.done()
    assert R.sum(em.zeros((0,), split=0)).item() == 0
    assert np.isnan(R.mean(em.zeros((0,), split=0)).item())
    with pytest.raises(ValueError, match="zero-size array"):
        R.min(em.zeros((0, 3), split=1), axis=0)


def test_fewer_elements_than_processes(comm, rng):
    check = LocalCheck(comm)
    data = _data("float64", (2, 3), rng)
    for split in (0, 1):
        x = em.array(data, split=split).redistribute(
            [data.shape[split]] + [0] * (comm.size - 1))  # all data on rank 0
        for name in NAMES:
            for axis in (None, 0, 1):
                _check(_call(name, x, axis), _oracle(getattr(np, name), data, axis=axis),
                       check=check, context=f"{name} split={split} axis={axis}")
        y = em.array(data, split=split).redistribute(
            [0] * (comm.size - 1) + [data.shape[split]])  # all data on the last rank
        for name in NAMES:
            _check(_call(name, y, split), _oracle(getattr(np, name), data, axis=split),
                   check=check, context=f"{name} last rank split={split}")
    check.done()


# ------------------------------------------------------------------------------ arguments
@pytest.mark.parametrize("name", ["sum", "prod", "mean", "var", "std"])
def test_dtype_argument(name, rng, comm):
    check = LocalCheck(comm)
    data = _data("int16", (5, 4), rng)
    for dtype in ("float32", "float64", "int32", "complex128"):
        if name in ("var", "std") and dtype in ("int32", "complex128"):
            continue  # NumPy's var(ints, dtype=complex) is complex: not followed
        for split in splits_of(2):
            x = em.array(data, split=split)
            for axis in (0, 1, None):
                expected = _oracle(getattr(np, name), data, axis=axis, dtype=dtype)
                actual = _call(name, x, axis, dtype=dtype)
                _check(actual, expected, dtype=expected.dtype.name, check=check)
    check.done()


@pytest.mark.parametrize("name", [n for n in NAMES if n != "count_nonzero"])
def test_out_of_another_split(name, rng):
    data = _data("float64", (5, 4), rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for axis in (0, 1):
            expected = _oracle(getattr(np, name), data, axis=axis, keepdims=True)
            dtype = em.int64 if name in ARG else em.bool_ if name in ("any", "all") \
                else em.float64
            for out_split in splits_of(2):
                out = em.zeros(expected.shape, dtype=dtype, split=out_split)
                result = _quiet(getattr(R, name), x, axis=axis, out=out, keepdims=True)
                assert result is out and out.split == out_split
                _check(out, expected, split=out_split)
    with pytest.raises(ValueError):
        R.sum(em.array(data, split=0), axis=0, out=em.zeros((5,), split=0))


def test_var_ddof_correction_and_complex(rng, comm):
    check = LocalCheck(comm)
    data = _data("complex128", (6, 4), rng)
    real = data.real.copy()
    for split in splits_of(2):
        for axis in (0, 1, None, (0, 1)):
            for ddof in (0, 1, 2.5):
                x = em.array(real, split=split)
                _check(R.var(x, axis=axis, ddof=ddof), np.var(real, axis=axis, ddof=ddof),
                       check=check)
                _check(R.std(x, axis=axis, correction=ddof),
                       np.std(real, axis=axis, ddof=ddof), check=check)
            z = em.array(data, split=split)
            _check(R.var(z, axis=axis), np.var(data, axis=axis), check=check)
            _check(R.std(z, axis=axis, ddof=1), np.std(data, axis=axis, ddof=1), check=check)
    tiny = np.array([1.0, 2.0])
    _check(_quiet(R.var, em.array(tiny, split=0), ddof=2), _oracle(np.var, tiny, ddof=2),
           check=check)
    check.done()


def test_mean_var_of_large_offsets_are_stable(comm):
    """Chan's merge, not sum of squares: var of 1e9 + small values is exact."""
    data = 1e9 + np.arange(10, dtype=np.float64)
    x = em.array(data, split=0)
    _check(R.var(x), np.var(data))
    _check(R.mean(x), np.mean(data))


def test_low_precision_accumulates_wide():
    data = np.full(4096, 0.1, dtype=np.float16)
    for split in (None, 0):
        x = em.array(data, split=split)
        total = R.sum(x)
        assert total.dtype == em.float16
        assert abs(total.item() - 409.6) < 0.5  # float16 accumulation would stall at 256
        assert abs(R.mean(x).item() - 0.1) < 1e-3
    ints = em.array(np.full(300, 100, dtype=np.int8), split=0)
    assert R.sum(ints).item() == 30000 and R.sum(ints).dtype == em.int64
    assert R.sum(em.array(np.ones(3, bool), split=0)).dtype == em.int64


def test_python_and_numpy_inputs():
    assert R.sum([1, 2, 3]).item() == 6
    assert R.max(np.array([[1, 5], [2, 0]]), axis=0).tolist() == [2, 5]


# ------------------------------------------------------------------------------ bad axes
@pytest.mark.parametrize("name", NAMES)
def test_bad_axes(name):
    x = em.zeros((3, 4), split=0)
    for axis in (2, -3, (0, 5)):
        if name in ARG and isinstance(axis, tuple):
            continue
        with pytest.raises(em.AxisError):
            _call(name, x, axis)
        with pytest.raises(IndexError):  # NumPy's AxisError is both
            _call(name, x, axis)
    if name not in ARG:
        with pytest.raises(ValueError, match="duplicate"):
            _call(name, x, (0, 0))
        with pytest.raises(ValueError, match="duplicate"):
            _call(name, x, (1, -1))
    with pytest.raises(TypeError):
        _call(name, x, 1.5)


# ------------------------------------------------------------------------------ cost
@pytest.mark.parametrize("name", NAMES)
def test_one_collective_when_the_split_axis_is_reduced(name, comm, monkeypatch, rng):
    data = _data("float64", (7, 5, 3), rng)
    for split in splits_of(3):
        x = em.array(data, split=split)
        for axis in _axes(3, single=name in ARG):
            if axis is None and name in ARG and split not in (None, 0):
                continue  # flattening re-cuts along axis 0 first (one Alltoallv more)
            with count_collectives(monkeypatch) as calls:
                _call(name, x, axis)
            axes = R.reduced_axes(axis, 3)
            merged = split is not None and split in axes and comm.size > 1
            expected = (2 if name == "ptp" else 1) if merged else 0
            assert len(calls) == expected, (split, axis, calls)
            if merged:
                kind = {"var": "Allreduce_moments", "std": "Allreduce_moments",
                        "argmin": "Allreduce_argextreme", "argmax": "Allreduce_argextreme"}
                assert set(calls) == {kind.get(name, "Allreduce")}


def test_counting_sees_collectives(monkeypatch, comm):
    """The counter itself works (so the cost test can fail)."""
    with count_collectives(monkeypatch) as calls:
        comm.Allreduce(torch.ones(2))
        comm.all_agree(True)
    assert calls == ["Allreduce", "all_agree"]
