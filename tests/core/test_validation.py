"""Argument validation shared by all functions."""

import numpy as np
import pytest

import ember as em
from ember.core.validation import sanitize_axis, sanitize_shape, sanitize_split


@pytest.mark.parametrize("axis,ndim,expected", [(0, 1, 0), (-1, 1, 0), (2, 3, 2), (-3, 3, 0),
                                                (np.int64(1), 2, 1)])
def test_sanitize_axis(axis, ndim, expected):
    assert sanitize_axis(axis, ndim) == expected


@pytest.mark.parametrize("axis,ndim", [(1, 1), (-2, 1), (0, 0), (5, 3)])
def test_axis_out_of_range_is_axis_error(axis, ndim):
    with pytest.raises(em.AxisError) as info:
        sanitize_axis(axis, ndim)
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)


@pytest.mark.parametrize("axis", [1.0, "0", None, [0]])
def test_non_integer_axis_is_type_error(axis):
    with pytest.raises(TypeError):
        sanitize_axis(axis, 2)


def test_sanitize_split():
    assert sanitize_split(None, 2) is None
    assert sanitize_split(-1, 2) == 1
    with pytest.raises(em.AxisError, match="split"):
        sanitize_split(2, 2)


@pytest.mark.parametrize("shape,expected", [(3, (3,)), ((2, 3), (2, 3)), ([], ()), ((0,), (0,)),
                                            (np.int32(4), (4,)), ((np.int64(2), 1), (2, 1))])
def test_sanitize_shape(shape, expected):
    assert sanitize_shape(shape) == expected


def test_negative_shape_is_value_error():
    with pytest.raises(ValueError, match="negative"):
        sanitize_shape((2, -1))


@pytest.mark.parametrize("shape", [2.5, "3", (2, 1.5), None])
def test_bad_shape_type_is_type_error(shape):
    with pytest.raises(TypeError):
        sanitize_shape(shape)
