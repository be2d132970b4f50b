"""Argument checks shared by every function. They read only replicated metadata, so every
rank raises the same error before any communication."""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

__all__ = ["AxisError", "sanitize_axis", "sanitize_shape", "sanitize_split"]


class AxisError(ValueError, IndexError):
    """An axis argument out of range for the array's dimensions (as NumPy's AxisError)."""


def sanitize_axis(axis: object, ndim: int, name: str = "axis") -> int:
    """Normalise one axis (negative counts from the end) for an array of ``ndim`` dims.

    Raises
    ------
    TypeError
        ``axis`` is not an integer.
    AxisError
        ``axis`` is out of range.
    """
    try:
        value = operator.index(axis)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(axis).__name__}") from None
    if not -ndim <= value < ndim:
        raise AxisError(f"{name} {value} is out of bounds for array of dimension {ndim}")
    return value % ndim


def sanitize_split(split: object, ndim: int) -> int | None:
    """Normalise a ``split`` argument: ``None`` (replicated) or an axis."""
    if split is None:
        return None
    return sanitize_axis(split, ndim, name="split")


def sanitize_shape(shape: object, name: str = "shape") -> tuple[int, ...]:
    """A shape as a tuple of non-negative ints (an int is a 1-d shape).

    Raises
    ------
    TypeError
        Not an int or a sequence of ints.
    ValueError
        A negative extent.
    """
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, (bool, np.bool_)):
        shape = (shape,)
    if not isinstance(shape, Sequence) and not hasattr(shape, "__iter__"):
        raise TypeError(f"{name} must be an int or a sequence of ints, got "
                        f"{type(shape).__name__}")
    try:
        result = tuple(operator.index(extent) for extent in shape)
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints, got {shape!r}") from None
    if any(extent < 0 for extent in result):
        raise ValueError(f"negative dimensions are not allowed in {name} {result}")
    return result
