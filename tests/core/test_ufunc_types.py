"""Binary floating ufuncs on two different integer dtypes pick NumPy's loop: each operand
goes to its own smallest float first (int8 with uint8 gives float16, not the float32 of
their common type int16)."""

import itertools

import numpy as np
import pytest

import ember as em
from ember.testing import assert_allclose

INTEGERS = ["bool", "int8", "uint8", "int16", "int32", "int64"]
UFUNCS = ["arctan2", "hypot", "logaddexp", "logaddexp2", "copysign", "nextafter", "divide",
          "float_power"]


@pytest.mark.parametrize("name", UFUNCS)
def test_integer_pairs_give_numpys_float(name):
    for first, second in itertools.combinations_with_replacement(INTEGERS, 2):
        a = np.arange(1, 6).astype(first)
        b = (np.arange(5) % 3 + 1).astype(second)
        expected = getattr(np, name)(a, b)
        actual = getattr(em, name)(em.array(a, split=0), em.array(b))
        assert actual.dtype == em.dtype(expected.dtype), (name, first, second)
        rtol = 1e-3 if expected.dtype == np.float16 else 1e-6
        assert_allclose(actual, expected, rtol=rtol)
