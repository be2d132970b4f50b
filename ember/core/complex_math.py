"""Complex parts: real, imag, conj (conjugate), angle.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration. Types follow NumPy: real and
imag of complex numbers are their real counterpart and keep any other type (imag of a
real array is zeros of its type); conjugate keeps the type (booleans become int8, NumPy's
loop choice); angle gives floats (booleans float64, integers the smallest float type
holding them, complex numbers their real counterpart).

Unlike NumPy, ``real`` and ``imag`` return new arrays, never views into the input.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import math

import torch

from . import dtypes
from .arithmetic import multiply
from .dndarray import DNDarray
from .exponential import float32_compute, ufunc_doc
from .ufunc import Ufunc, real_of, same

__all__ = ["real", "imag", "conj", "conjugate", "angle"]

def _real(x: torch.Tensor) -> torch.Tensor:
    return (x.real if x.is_complex() else x).clone()


def _imag(x: torch.Tensor) -> torch.Tensor:
    return x.imag.clone() if x.is_complex() else torch.zeros_like(x)


def _conj(x: torch.Tensor) -> torch.Tensor:
    return torch.conj_physical(x) if x.is_complex() else x.clone()


_COMPLEX_TO_REAL = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}


def _angle_rule(dt, name, strong=()):
    """NumPy's ``arctan2(0, z)``: a boolean meets the Python int 0 (int64 -> float64),
    integers give the smallest float holding them, complex numbers their real type."""
    if dt.kind == "b":
        dt = dtypes.float64
    elif dt.kind in "iu":
        dt = dtypes.promote_types(dt, dtypes.float16)
    if dt.kind == "c":
        return dt, _COMPLEX_TO_REAL[dt]
    return dt, dt


def _angle(x: torch.Tensor) -> torch.Tensor:
    if x.is_complex():
        return torch.atan2(x.imag, x.real)
    return torch.atan2(torch.zeros_like(x), x)


_real_ufunc = Ufunc("real", 1, _real, real_of(), "real")
_imag_ufunc = Ufunc("imag", 1, _imag, real_of(), "imag")
_angle_ufunc = Ufunc("angle", 1, _angle, float32_compute(_angle_rule), "angle")

conjugate = Ufunc("conjugate", 1, _conj, same(bools_to=dtypes.int8), ufunc_doc(
    "The complex conjugate, elementwise (a copy of real inputs).",
    ">>> conjugate(em.array([1 + 2j], split=0)).tolist()\n[(1-2j)]",
    "complex_math", "conjugate"))
conj = conjugate


def real(val) -> DNDarray:
    """The real part of the elements.

    Same as ``numpy.real``: complex inputs give their real counterpart (complex64 ->
    float32), other inputs a copy of the same type. Unlike NumPy, the result is a new
    array, not a view.

    Parameters
    ----------
    val : DNDarray or array_like
        Input values, of any split.

    Returns
    -------
    DNDarray
        With the distribution of ``val``.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.complex_math import real
    >>> real(em.array([1 + 2j, 3 - 4j], split=0)).tolist()
    [1.0, 3.0]
    """
    return _real_ufunc(val)


def imag(val) -> DNDarray:
    """The imaginary part of the elements.

    Same as ``numpy.imag``: complex inputs give their real counterpart (complex64 ->
    float32), other inputs zeros of the same type. Unlike NumPy, the result is a new
    array, not a view.

    Parameters
    ----------
    val : DNDarray or array_like
        Input values, of any split.

    Returns
    -------
    DNDarray
        With the distribution of ``val``.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.complex_math import imag
    >>> imag(em.array([1 + 2j, 3 - 4j], split=0)).tolist()
    [2.0, -4.0]
    """
    return _imag_ufunc(val)


def angle(z, deg: bool = False) -> DNDarray:
    """The counterclockwise angle from the positive real axis, elementwise.

    Same as ``numpy.angle``: ``arctan2(imag(z), real(z))`` in (-pi, pi] (the signs of
    zeros respected, so ``angle(-0.0)`` is pi), in degrees when ``deg`` is true.
    Booleans give float64, integers the smallest float type holding them, complex
    numbers their real counterpart.

    Parameters
    ----------
    z : DNDarray or array_like
        Input values, of any split.
    deg : bool, optional
        Return degrees instead of radians (default False).

    Returns
    -------
    DNDarray
        With the distribution of ``z``.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.complex_math import angle
    >>> angle(em.array([1.0, 1j, -1.0], split=0), deg=True).tolist()
    [0.0, 90.0, 180.0]
    """
    result = _angle_ufunc(z)
    if deg:
        result = multiply(result, 180 / math.pi, out=result)
    return result

