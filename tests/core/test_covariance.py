"""cov and corrcoef against NumPy for every split, rowvar, weights and dtypes."""

import warnings

import numpy as np
import pytest

import ember as em
from ember.comm import Communicator
from ember.core import covariance as C
from ember.testing import assert_allclose, splits_of

SHAPES = [(3, 7), (2, 2), (1, 4), (5,), (4, 1), (2, 0)]


def _close(actual, expected, rtol=1e-10):
    assert_allclose(actual, expected, rtol=rtol, atol=1e-12, split=None)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32"])
@pytest.mark.parametrize("shape", SHAPES)
def test_cov_and_corrcoef_every_split(shape, dtype, rng):
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    rtol = 1e-5 if dtype == "float32" else 1e-10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            for rowvar in (True, False):
                _close(C.cov(x, rowvar=rowvar), np.cov(a, rowvar=rowvar), rtol)
                _close(C.cov(x, rowvar=rowvar, bias=True), np.cov(a, rowvar=rowvar, bias=True),
                       rtol)
                _close(C.cov(x, rowvar=rowvar, ddof=0), np.cov(a, rowvar=rowvar, ddof=0), rtol)
                _close(C.corrcoef(x, rowvar=rowvar), np.corrcoef(a, rowvar=rowvar), rtol)


@pytest.mark.parametrize("shape", [(3, 7), (6,)])
def test_weights_and_y(shape, rng):
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape) + a
    n = shape[-1]
    fw = np.arange(n) % 3 + 1
    aw = np.linspace(0.1, 1.0, n)
    for split in splits_of(len(shape)):
        x = em.array(a, split=split)
        for y_split in splits_of(len(shape)):
            y = em.array(b, split=y_split)
            _close(C.cov(x, y), np.cov(a, b))
            _close(C.corrcoef(x, y), np.corrcoef(a, b))
        for ddof in (None, 0, 2):
            _close(C.cov(x, fweights=fw, ddof=ddof), np.cov(a, fweights=fw, ddof=ddof))
            _close(C.cov(x, aweights=aw, ddof=ddof), np.cov(a, aweights=aw, ddof=ddof))
            _close(C.cov(x, fweights=fw, aweights=em.array(aw, split=0), ddof=ddof),
                   np.cov(a, fweights=fw, aweights=aw, ddof=ddof))
        if len(shape) == 2:
            _close(C.cov(x.T, rowvar=False, aweights=aw), np.cov(a.T, rowvar=False,
                                                                  aweights=aw))


def test_special_values_and_shapes():
    a = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split in splits_of(2):
            x = em.array(a, split=split)
            _close(C.cov(x), np.cov(a))
            _close(C.corrcoef(x), np.corrcoef(a))
            result = C.cov(em.array(np.zeros((0, 3)), split=split))
            assert result.shape == (0, 0)
            with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
                C.cov(em.array(np.ones((2, 1)), split=split))
    scalar = C.cov(em.array(np.array([1.0, 2.0, 4.0]), split=0))
    assert scalar.shape == () and abs(scalar.item() - np.cov([1.0, 2.0, 4.0])) < 1e-12
    assert C.corrcoef(em.array(np.array([1.0, 2.0, 4.0]), split=0)).item() == 1.0
    assert C.cov(em.array(np.ones((2, 3), np.float32), split=1)).dtype == em.float64
    assert C.cov(em.array(np.ones((2, 3)), split=1), dtype="float32").dtype == em.float32


def test_errors():
    x = em.array(np.ones((2, 5)), split=1)
    with pytest.raises(ValueError):
        C.cov(em.zeros((2, 2, 2), split=0))
    with pytest.raises(ValueError):
        C.cov(x, ddof=1.5)
    with pytest.raises(TypeError):
        C.cov(x, fweights=[1, 2, 1.5, 1, 1])
    with pytest.raises(RuntimeError):
        C.cov(x, fweights=[1, 2, 1])
    with pytest.raises(RuntimeError):
        C.cov(x, aweights=np.ones((5, 1)))
    with pytest.raises(ValueError):
        C.cov(x, aweights=[1, -2, 1, 1, 1])
    with pytest.raises(ValueError):
        C.cov(x, em.ones((2, 4), split=1))


def test_cov_communication(rng, monkeypatch, comm):
    a = rng.standard_normal((4, 30))
    x = em.array(a, split=1)
    calls = []
    for name in ("Allreduce", "Allgatherv", "Alltoallv"):
        original = getattr(Communicator, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Communicator, name, counting)
    result = C.cov(x)
    counted = list(calls)
    monkeypatch.undo()
    assert counted == (["Allreduce", "Allreduce"] if comm.size > 1 else [])
    _close(result, np.cov(a))
