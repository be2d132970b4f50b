"""median, percentile, quantile and their nan-variants against NumPy, for every split,
with the communication of the distributed selection checked (no gather, bounded
number of Allreduces)."""

import warnings

import numpy as np
import pytest

import ember as em
from ember.comm import Communicator
from ember.core import statistics as st
from ember.testing import assert_allclose, assert_array_equal, splits_of

METHODS = ["linear", "lower", "higher", "nearest", "midpoint"]
SHAPES = [(0,), (1,), (2,), (7,), (5, 4), (2, 3, 2), (1, 2)]


def _data(rng, shape, dtype, nan=False):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-20 if np.dtype(dtype).kind == "i" else 0, 20, shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    a = (rng.standard_normal(shape) * 10).astype(dtype)
    if a.size > 2:
        a.flat[::4] = np.round(a.flat[::4])  # ties
    if nan and a.size > 1:
        a.flat[rng.integers(0, a.size, max(1, a.size // 5))] = np.nan
    return a


def _axes(ndim):
    return [None, *range(ndim), *([(0, ndim - 1)] if ndim > 1 else [])]


def _same(actual, expected):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == em.dtype(expected.dtype), (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual.numpy(), expected)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8"])
@pytest.mark.parametrize("shape", SHAPES)
def test_quantile_every_split_axis_and_method(shape, dtype, rng):
    """Every method meets every split, axis and kind of q (rotating, to bound the run)."""
    a = _data(rng, shape, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            for axis in _axes(len(shape)):
                for j, q in enumerate((0.5, [0.0, 0.3, 1.0], np.float32(0.25))):
                    for method in METHODS[j::3] + (["linear"] if j else []):
                        try:
                            expected = np.quantile(a, q, axis=axis, method=method)
                        except IndexError:
                            with pytest.raises(IndexError):
                                st.quantile(x, q, axis=axis, method=method)
                            continue
                        _same(st.quantile(x, q, axis=axis, method=method), expected)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int32", "bool"])
@pytest.mark.parametrize("shape", SHAPES)
def test_median_every_split_and_axis(shape, dtype, rng):
    a = _data(rng, shape, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            for axis in _axes(len(shape)):
                _same(st.median(x, axis=axis), np.median(a, axis=axis))
                for keepdims in (True,):
                    _same(st.median(x, axis=axis, keepdims=keepdims),
                          np.median(a, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("shape", [(9,), (6, 5), (2, 4, 3)])
def test_nan_propagates_and_nan_variants_ignore_it(shape, rng):
    a = _data(rng, shape, "float64", nan=True)
    a.flat[-1] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split_index, split in enumerate(splits_of(len(shape))):
            x = em.array(a, split=split)
            for i, axis in enumerate(_axes(len(shape))):
                _same(st.median(x, axis=axis), np.median(a, axis=axis))
                assert_allclose(st.nanmedian(x, axis=axis), np.nanmedian(a, axis=axis),
                                rtol=1e-12)
                for method in (METHODS[i % 5], METHODS[(i + split_index) % 5]):
                    for name in ("quantile", "nanquantile"):
                        _same(getattr(st, name)(x, [0.1, 0.5, 0.9], axis=axis, method=method),
                              getattr(np, name)(a, [0.1, 0.5, 0.9], axis=axis, method=method))
                _same(st.nanpercentile(x, 40, axis=axis), np.nanpercentile(a, 40, axis=axis))


def test_all_nan_slice_warns_and_gives_nan():
    """The warning is raised by every rank holding an all-NaN slice: all ranks when the
    split axis is reduced (or nothing is split), the owners of the slice otherwise."""
    a = np.array([[np.nan, 1.0, 2.0], [np.nan, np.nan, 5.0]])
    for split in (None, 0):
        x = em.array(a, split=split)
        with pytest.warns(RuntimeWarning, match="All-NaN slice"):
            result = st.nanmedian(x, axis=0)
        assert_allclose(result, [np.nan, 1.0, 3.5])
        with pytest.warns(RuntimeWarning, match="All-NaN slice"):
            result = st.nanquantile(x, 0.5, axis=0)
        assert_allclose(result, [np.nan, 1.0, 3.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_allclose(st.nanmedian(em.array(a, split=1), axis=0), [np.nan, 1.0, 3.5])


def test_infinities_follow_numpys_lerp():
    a = np.array([-np.inf, 1.0, 2.0, np.inf, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split in (None, 0):
            x = em.array(a, split=split)
            for method in METHODS:
                q = [0.0, 0.2, 0.5, 0.9, 1.0]
                _same(st.quantile(x, q, method=method), np.quantile(a, q, method=method))
            _same(st.median(em.array(np.array([-np.inf, np.inf]), split=split)),
                  np.median([-np.inf, np.inf]))


def test_empty_inputs():
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"):
        result = st.median(em.zeros((0, 3), split=0), axis=0)
    assert_array_equal(result, np.full(3, np.nan, np.float32))
    with pytest.raises(IndexError):
        st.quantile(em.zeros((0,), split=0), 0.5)
    _same(st.quantile(em.zeros((3, 0), split=1), 0.5, axis=0), np.zeros(0, np.float32))
    with pytest.warns(RuntimeWarning):
        assert np.isnan(st.nanmedian(em.zeros(0, split=0)).item())


def test_q_shapes_percentile_keepdims_and_split_of_result(rng):
    a = _data(rng, (4, 6), "float64")
    for split in splits_of(2):
        x = em.array(a, split=split)
        q = np.array([[10.0, 50.0], [75.0, 100.0]])
        _same(st.percentile(x, q, axis=1), np.percentile(a, q, axis=1))
        _same(st.percentile(x, q, axis=0, keepdims=True),
              np.percentile(a, q, axis=0, keepdims=True))
        result = st.quantile(x, [0.2, 0.8], axis=1)
        assert result.split == (None if split in (None, 1) else 1)
        result = st.median(x, axis=0, keepdims=True)
        assert result.split == (None if split in (None, 0) else 1)
        _same(st.quantile(x, em.array([0.2, 0.8]), axis=1), np.quantile(a, [0.2, 0.8], axis=1))


def test_out_parameter(rng):
    a = _data(rng, (5, 4), "float64")
    for split in splits_of(2):
        x = em.array(a, split=split)
        out = em.zeros(4, dtype="float64", split=0)
        result = st.median(x, axis=0, out=out)
        assert result is out
        assert_array_equal(out, np.median(a, axis=0))
        out = em.zeros((2, 5), dtype="float64")
        st.quantile(x, [0.1, 0.9], axis=1, out=out)
        assert_array_equal(out, np.quantile(a, [0.1, 0.9], axis=1))


def test_large_values_and_extreme_integers():
    info = np.iinfo(np.int64)
    a = np.array([info.min, -1, 0, 5, info.max, info.max - 1, 3], dtype=np.int64)
    for split in (None, 0):
        x = em.array(a, split=split)
        for method in ("lower", "higher", "nearest"):
            _same(st.quantile(x, [0.0, 0.4, 1.0], method=method),
                  np.quantile(a, [0.0, 0.4, 1.0], method=method))
        b = np.array([1e308, -1e308, 5e-324, -0.0, 0.0, 1e-300])
        _same(st.quantile(em.array(b, split=split), [0, 0.5, 1], method="lower"),
              np.quantile(b, [0, 0.5, 1], method="lower"))


def test_bad_arguments_raise_numpys_errors():
    x = em.arange(6.0, split=0)
    with pytest.raises(ValueError, match="Quantiles"):
        st.quantile(x, 1.5)
    with pytest.raises(ValueError, match="Percentiles"):
        st.percentile(x, [50, 101])
    with pytest.raises(ValueError, match="not a valid method"):
        st.quantile(x, 0.5, method="bogus")
    with pytest.raises(NotImplementedError):
        st.quantile(x, 0.5, method="hazen")
    with pytest.raises(TypeError):
        st.median(em.array([1 + 1j, 2], split=0))
    with pytest.raises(TypeError):
        st.quantile(em.array([True, False], split=0), 0.5)
    with pytest.raises(em.AxisError):
        st.median(x, axis=1)
    with pytest.raises(NotImplementedError):
        st.quantile(x, 0.5, weights=np.ones(6))


class _Counter:
    def __init__(self, monkeypatch):
        self.calls = {"Allreduce": 0, "Allgatherv": 0, "Alltoallv": 0, "Allgather": 0}
        for name in self.calls:
            original = getattr(Communicator, name)

            def counting(comm, *args, _name=name, _original=original, **kwargs):
                self.calls[_name] += 1
                return _original(comm, *args, **kwargs)

            monkeypatch.setattr(Communicator, name, counting)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_split_axis_selection_never_gathers(dtype, rng, monkeypatch, comm):
    a = _data(rng, (40, 3), dtype)
    x = em.array(a, split=0)
    counter = _Counter(monkeypatch)
    result = st.quantile(x, [0.1, 0.5, 0.9], axis=0)
    median = st.median(x)
    counts = dict(counter.calls)
    assert counts["Allgatherv"] == 0 and counts["Alltoallv"] == 0 and counts["Allgather"] == 0
    if comm.size > 1:
        assert 2 <= counts["Allreduce"] <= 2 * 66
    else:
        assert counts["Allreduce"] == 0
    monkeypatch.undo()
    _same(result, np.quantile(a, [0.1, 0.5, 0.9], axis=0))
    _same(median, np.median(a))


def test_one_selection_needs_at_most_66_allreduces(rng, monkeypatch, comm):
    a = rng.standard_normal(1000) * 1e300
    a[:3] = [-np.inf, np.inf, 5e-324]
    x = em.array(a, split=0)
    counter = _Counter(monkeypatch)
    result = st.nanquantile(x, [0.0, 0.37, 1.0])
    counts = dict(counter.calls)
    monkeypatch.undo()
    assert counts["Allreduce"] <= 66
    assert counts["Allgatherv"] == counts["Alltoallv"] == 0
    if comm.size > 1:
        assert counts["Allreduce"] >= 3
    _same(result, np.nanquantile(a, [0.0, 0.37, 1.0]))


def test_non_split_axis_needs_no_communication(rng, monkeypatch):
    a = _data(rng, (6, 5), "float64")
    x = em.array(a, split=0)
    counter = _Counter(monkeypatch)
    result = st.median(x, axis=1)
    assert sum(counter.calls.values()) == 0
    monkeypatch.undo()
    _same(result, np.median(a, axis=1))


def test_uneven_counts_and_empty_blocks(rng, comm):
    a = _data(rng, (2, 5), "float64")
    for split in (0, 1):
        x = em.array(a, split=split)
        if comm.size > 1:
            counts = [0] * comm.size
            counts[-1] = a.shape[split]
            x = x.redistribute(counts)
        _same(st.median(x, axis=split), np.median(a, axis=split))
        _same(st.quantile(x, [0.25, 0.75]), np.quantile(a, [0.25, 0.75]))
