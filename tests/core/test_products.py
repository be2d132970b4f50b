"""vecdot against NumPy's, for every split of both operands, dtypes and axes."""

import numpy as np
import pytest

import ember as em
from ember.testing import assert_allclose, assert_array_equal, splits_of

CASES = [((5, 3), (5, 3), -1), ((5, 3), (3,), -1), ((4, 1, 3), (2, 3), -1),
         ((7, 2), (7, 2), 0), ((2, 3, 4), (2, 3, 4), -2), ((1,), (1,), 0), ((0, 3), (3,), -1),
         ((2,), (4, 2), -1)]


def _data(rng, shape, dtype):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.startswith("int"):
        return rng.integers(-9, 9, shape).astype(dtype)
    a = rng.standard_normal(shape)
    if dtype.startswith("complex"):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex128", "bool"])
@pytest.mark.parametrize("shapes", CASES, ids=str)
def test_vecdot_matches_numpy(shapes, dtype, rng):
    shape1, shape2, axis = shapes
    a, b = _data(rng, shape1, dtype), _data(rng, shape2, dtype)
    expected = np.vecdot(a, b, axis=axis)
    for split1 in splits_of(a.ndim):
        for split2 in splits_of(b.ndim)[:2]:
            actual = em.vecdot(em.array(a, split=split1), em.array(b, split=split2), axis=axis)
            if dtype in ("int32", "bool"):
                assert_array_equal(actual, expected)
            else:
                assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def test_vecdot_accepts_numpy_and_mixed_dtypes(rng):
    a = rng.standard_normal((6, 4))
    b = np.arange(4, dtype=np.int32)
    assert_allclose(em.vecdot(em.array(a, split=0), b), np.vecdot(a, b))
    assert_allclose(em.vecdot(a, em.array(b)), np.vecdot(a, b))


def test_vecdot_errors_on_every_rank():
    x = em.ones((3, 4), split=0)
    with pytest.raises(ValueError, match="extents"):
        em.vecdot(x, em.ones(3))
    with pytest.raises(ValueError):
        em.vecdot(x, em.ones((2, 4)))
    with pytest.raises(em.AxisError):
        em.vecdot(x, x, axis=2)
    with pytest.raises(ValueError, match="at least one"):
        em.vecdot(em.array(1.0), em.array(2.0))
