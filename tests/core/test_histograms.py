"""histogram, histogram_bin_edges, bincount and digitize against NumPy, every split."""

import numpy as np
import pytest

import ember as em
from ember.comm import Communicator
from ember.core import histograms as H
from ember.testing import assert_allclose, assert_array_equal, splits_of

SHAPES = [(0,), (1,), (2,), (10,), (4, 3), (2, 1, 3)]


def _data(rng, shape, dtype):
    a = rng.standard_normal(shape) * 4
    if np.dtype(dtype).kind in "iu":
        a = np.abs(a) if np.dtype(dtype).kind == "u" else a
    return np.round(a, 1).astype(dtype)  # many values on the edges


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except (ValueError, TypeError) as error:
        return error


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "uint8"])
@pytest.mark.parametrize("shape", SHAPES)
def test_histogram_every_split(shape, dtype, rng):
    a = _data(rng, shape, dtype)
    cases = [(1, None), (3, None), (10, (-1, 2)), (4, (0.5, 0.5)), (5, (100, 200)),
             ([-3, 0, 1, 2.5, 7], None), (np.array([0, 1, 2, 4]), (0, 1)),
             ("auto", None), ("sqrt", None), ("sturges", (-2, 2)), ("rice", None),
             ("fd", None), ("scott", None)]
    for split in splits_of(len(shape)):
        x = em.array(a, split=split)
        for j, (bins, range_) in enumerate(cases):
            density = j % 2 == 1
            expected = _outcome(np.histogram, a, bins, range=range_, density=density)
            actual = _outcome(H.histogram, x, bins, range=range_, density=density)
            if isinstance(expected, Exception):
                assert type(actual) is type(expected), (bins, range_, actual)
                continue
            assert_array_equal(actual[1], expected[1], split=None)
            if density:
                assert_allclose(actual[0], expected[0], rtol=1e-12, split=None)
            else:
                assert_array_equal(actual[0], expected[0], split=None)
            edges = H.histogram_bin_edges(x, bins, range=range_)
            assert_array_equal(edges, np.histogram_bin_edges(a, bins, range=range_))


def test_values_on_edges_and_outside_range():
    a = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 4.0, -1.0, 5.0, np.nan])
    for split in (None, 0):
        x = em.array(a, split=split)
        for bins in ([0, 1, 2, 4], [1, 2]):
            hist, edges = H.histogram(x, bins)
            assert_array_equal(hist, np.histogram(a, bins)[0])
        hist, _ = H.histogram(x, 4, range=(0, 4))
        assert_array_equal(hist, np.histogram(a, 4, range=(0, 4))[0])
        with pytest.raises(ValueError, match="not finite"):
            H.histogram(x, 4)  # NaN makes the autodetected range non-finite
    b = np.array([0.1, 0.2, 0.3], np.float32)
    for split in (None, 0):
        hist, edges = H.histogram(em.array(b, split=split), 3, range=(0.1, 0.3))
        expected = np.histogram(b, 3, range=(0.1, 0.3))
        assert_array_equal(hist, expected[0])
        assert_array_equal(edges, expected[1])


@pytest.mark.parametrize("shape", [(9,), (5, 3)])
def test_weights_in_any_distribution(shape, rng):
    a = _data(rng, shape, "float64")
    w = rng.random(shape)
    iw = rng.integers(0, 4, shape)
    for split in splits_of(len(shape)):
        x = em.array(a, split=split)
        for w_split in splits_of(len(shape)):
            expected = np.histogram(a, 4, weights=w, density=w_split is None)
            hist, edges = H.histogram(x, 4, weights=em.array(w, split=w_split),
                                      density=w_split is None)
            assert_allclose(hist, expected[0], rtol=1e-12)
        assert_allclose(H.histogram(x, [-5, 0, 5], weights=w)[0],
                        np.histogram(a, [-5, 0, 5], weights=w)[0], rtol=1e-12)
        assert_array_equal(H.histogram(x, 3, weights=iw)[0], np.histogram(a, 3, weights=iw)[0])


def test_histogram_errors():
    x = em.arange(6.0, split=0)
    for bins, range_, error in [(0, None, ValueError), (2.5, None, TypeError),
                                ([[0, 1]], None, ValueError), ([2, 1], None, ValueError),
                                (3, (2, 1), ValueError), (3, (0, np.inf), ValueError),
                                ("bogus", None, ValueError)]:
        with pytest.raises(error):
            np.histogram(np.arange(6.0), bins, range=range_)
        with pytest.raises(error):
            H.histogram(x, bins, range=range_)
    with pytest.raises(ValueError, match="same shape"):
        H.histogram(x, 3, weights=np.ones(5))
    with pytest.raises(TypeError):
        H.histogram(x, "auto", weights=np.ones(6))
    with pytest.raises(NotImplementedError):
        H.histogram(x, "stone")


def test_histogram_communication(rng, monkeypatch, comm):
    a = rng.standard_normal(50)
    x = em.array(a, split=0)
    calls = []
    for name in ("Allreduce", "Allgatherv", "Alltoallv"):
        original = getattr(Communicator, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Communicator, name, counting)
    hist, _ = H.histogram(x, 7)
    counted = list(calls)
    monkeypatch.undo()
    assert counted == (["Allreduce", "Allreduce"] if comm.size > 1 else [])
    assert_array_equal(hist, np.histogram(a, 7)[0])


@pytest.mark.parametrize("n", [0, 1, 2, 11])
def test_bincount(n, rng):
    a = rng.integers(0, 6, n)
    w = rng.random(n)
    for split in (None, 0):
        x = em.array(a, split=split)
        assert_array_equal(H.bincount(x), np.bincount(a), split=None)
        assert_array_equal(H.bincount(x, minlength=9), np.bincount(a, minlength=9))
        assert_allclose(H.bincount(x, weights=w), np.bincount(a, weights=w), rtol=1e-12)
        assert_allclose(H.bincount(x, weights=em.array(w, split=split), minlength=2),
                        np.bincount(a, weights=w, minlength=2), rtol=1e-12)
        assert_array_equal(H.bincount(em.array(a.astype(np.uint8), split=split)),
                           np.bincount(a.astype(np.uint8)))
    b = np.array([True, False, True])
    assert_array_equal(H.bincount(em.array(b, split=0)), np.bincount(b))


def test_bincount_errors(comm):
    a = np.arange(7) - (comm.size + 3)  # the negative values sit on the first ranks only
    with pytest.raises(ValueError, match="negative"):
        np.bincount(a)
    with pytest.raises(ValueError, match="negative"):
        H.bincount(em.array(a, split=0))
    with pytest.raises(ValueError):
        H.bincount(em.arange(3, split=0), minlength=-1)
    with pytest.raises(TypeError):
        H.bincount(em.arange(3.0, split=0))
    with pytest.raises(ValueError):
        H.bincount(em.zeros((2, 2), dtype="int64", split=0))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_digitize_keeps_distribution(dtype, rng):
    a = _data(rng, (6, 5), dtype)
    if np.dtype(dtype).kind == "f":
        a[0, 0] = np.nan
    for split in splits_of(2):
        x = em.array(a, split=split)
        for bins in ([-2, 0, 1, 5], [5, 1, 0, -2], [0.5], []):
            for right in (False, True):
                assert_array_equal(H.digitize(x, bins, right=right),
                                   np.digitize(a, bins, right=right), split=split)
    with pytest.raises(ValueError, match="monotonically"):
        H.digitize(em.arange(3, split=0), [0, 2, 1])
