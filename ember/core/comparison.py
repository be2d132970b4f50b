"""Comparison and logical ufuncs: equal, not_equal, less, less_equal, greater,
greater_equal, logical_and, logical_or, logical_xor, logical_not; closeness and equality
tests: isclose, allclose, array_equal, array_equiv.

The ufuncs and isclose give boolean DNDarrays, elementwise as NumPy (never a single
truth value). Ordering comparisons of complex numbers are not supported (torch has no
complex order). allclose, array_equal and array_equiv give one Python bool, the same on
every rank.

Communication: that of aligning the operands, none when they share one distribution
(see :mod:`ember.core.alignment`); allclose, array_equal and array_equiv add one 1-byte
Allreduce to agree on the answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..comm import get_comm
from . import dtypes
from .alignment import align, broadcast_shapes
from .dndarray import DNDarray
from .ufunc import Ufunc, _common_dtype, _is_weak, _prepared, boolean

__all__ = [
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "isclose",
    "allclose",
    "array_equal",
    "array_equiv",
]


def _doc(summary: str, example: str) -> str:
    return f"""{summary}

    Same as NumPy's ufunc of this name (broadcasting, ``out=``, ``where=``, ``dtype=``,
    ``casting=``); the result is boolean.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
{example}
"""


def _declare(name: str, nin: int, kernel, kinds: str, summary: str, example: str) -> Ufunc:
    return Ufunc(name, nin, kernel, boolean(kinds), _doc(summary, example))


equal = _declare("equal", 2, torch.eq, "buifc", "Return (x1 == x2) elementwise.",
                 "    >>> em.equal(em.arange(3, split=0), 1).tolist()\n"
                 "    [False, True, False]")
not_equal = _declare("not_equal", 2, torch.ne, "buifc", "Return (x1 != x2) elementwise.",
                     "    >>> em.not_equal(em.arange(3, split=0), 1).tolist()\n"
                     "    [True, False, True]")
less = _declare("less", 2, torch.lt, "buif", "Return (x1 < x2) elementwise.",
                "    >>> em.less(em.arange(3, split=0), 1).tolist()\n    [True, False, False]")
less_equal = _declare("less_equal", 2, torch.le, "buif", "Return (x1 <= x2) elementwise.",
                      "    >>> em.less_equal(em.arange(3, split=0), 1).tolist()\n"
                      "    [True, True, False]")
greater = _declare("greater", 2, torch.gt, "buif", "Return (x1 > x2) elementwise.",
                   "    >>> em.greater(em.arange(3, split=0), 1).tolist()\n"
                   "    [False, False, True]")
greater_equal = _declare("greater_equal", 2, torch.ge, "buif", "Return (x1 >= x2) elementwise.",
                         "    >>> em.greater_equal(em.arange(3, split=0), 1).tolist()\n"
                         "    [False, True, True]")
logical_and = _declare("logical_and", 2, torch.logical_and, "buifc",
                       "The truth value of x1 AND x2, elementwise.",
                       "    >>> em.logical_and(em.arange(3, split=0), 1).tolist()\n"
                       "    [False, True, True]")
logical_or = _declare("logical_or", 2, torch.logical_or, "buifc",
                      "The truth value of x1 OR x2, elementwise.",
                      "    >>> em.logical_or(em.arange(3, split=0), 0).tolist()\n"
                      "    [False, True, True]")
logical_xor = _declare("logical_xor", 2, torch.logical_xor, "buifc",
                       "The truth value of x1 XOR x2, elementwise.",
                       "    >>> em.logical_xor(em.arange(3, split=0), 1).tolist()\n"
                       "    [True, False, False]")
logical_not = _declare("logical_not", 1, torch.logical_not, "buifc",
                       "The truth value of NOT x, elementwise.",
                       "    >>> em.logical_not(em.arange(3, split=0)).tolist()\n"
                       "    [True, False, False]")


# --------------------------------------------------------------------------------------
# closeness and whole-array equality
# --------------------------------------------------------------------------------------
_COMPLEX_TO_REAL = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}


def _numpy_type(*items: Any) -> dtypes.dtype:
    """NumPy's result dtype for strong dtypes and weak Python scalars; where a weak
    float (complex) meets only integers, booleans or nothing, float64 (complex128), as
    NumPy and Python, rather than ember's default float."""
    result = dtypes.result_type(*items)
    strong = [item for item in items if not _is_weak(item)]
    weak_inexact = any(isinstance(item, (float, complex)) for item in items if _is_weak(item))
    if weak_inexact and all(dt.kind in "bui" for dt in strong):
        return dtypes.complex128 if result.kind == "c" else dtypes.float64
    return result


def _real(item: Any) -> Any:
    """The type of ``abs(item)``: a weak scalar or a dtype."""
    if _is_weak(item):
        return abs(item)
    return _COMPLEX_TO_REAL.get(item, item)


def isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08,
            equal_nan: bool = False) -> DNDarray:
    """Return a boolean array, true where ``a`` and ``b`` are equal within a tolerance.

    As NumPy: ``absolute(a - b) <= (atol + rtol * absolute(b))`` for finite ``b``, or
    ``a == b`` (equal infinities); ``b`` is first made floating (float64 for integers
    and booleans), and each step is computed in the dtype NumPy chooses for it. The
    test is not symmetric in ``a`` and ``b``.

    Parameters
    ----------
    a, b : array_like
        DNDarrays of any split, NumPy data or Python scalars; they broadcast together.
    rtol, atol : array_like
        The relative and absolute tolerances (scalars or arrays broadcasting with
        ``a`` and ``b``).
    equal_nan : bool
        Whether NaNs in the same places compare equal.

    Returns
    -------
    DNDarray
        Boolean, of the broadcast shape (0-d for scalar inputs, where NumPy gives a
        NumPy bool), distributed like the largest distributed operand.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> em.isclose(em.array([1.0, 2.0, 1e-8], split=0), [1.000001, 2.1, 1e-9]).tolist()
    [True, False, True]
    >>> em.isclose(em.array([1.0, float("nan")]), [1.0, float("nan")], equal_nan=True).tolist()
    [True, True]
    """
    args = (a, b, rtol, atol)
    comm = next((arg.comm for arg in args if isinstance(arg, DNDarray)), get_comm())
    operands = _prepared(args, comm)
    types = [arg if _is_weak(arg) else _common_dtype([arg]) for arg in operands]
    x_t, y_t, rtol_t, atol_t = types
    if _is_weak(y_t):  # NumPy: a Python int becomes a float
        y_t = y_t if isinstance(y_t, (float, complex)) else float(y_t)
    elif y_t.kind in "bui":
        y_t = dtypes.float64
    own = y_t if not _is_weak(y_t) else _numpy_type(y_t)  # b as NumPy holds it
    diff = _numpy_type(x_t, y_t)  # a - b, a == b
    scaled = _numpy_type(rtol_t, _real(y_t))  # rtol * abs(b)
    tol = _numpy_type(atol_t, scaled)  # atol + rtol * abs(b)
    compare = dtypes.promote_types(_COMPLEX_TO_REAL.get(diff, diff), tol)

    aligned = align(operands, comm)
    device = next((blk.device for blk in aligned.blocks if isinstance(blk, torch.Tensor)),
                  torch.device("cpu"))

    def local(i: int, dt: dtypes.dtype) -> torch.Tensor:
        block = aligned.blocks[i]
        if isinstance(block, torch.Tensor):
            return block.to(device=device, dtype=dt.torch)
        return torch.tensor(block, dtype=dt.torch, device=device)

    x, y, y_own = local(0, diff), local(1, diff), local(1, own)
    bound = local(3, tol) + (local(2, scaled) * torch.abs(y_own).to(scaled.torch)).to(tol.torch)
    close = torch.abs(x - y).to(compare.torch) <= bound.to(compare.torch)
    result = (close & torch.isfinite(y_own)) | (x == y)
    if equal_nan:
        result |= torch.isnan(x) & torch.isnan(y_own)
    return aligned.wrap(result.expand(aligned.local_shape).contiguous())


def _agreed(local: DNDarray) -> bool:
    """Whether every element of the boolean ``local`` is true, agreed over the ranks."""
    return local.comm.all_agree(bool(local.larray.all()))


def allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08,
             equal_nan: bool = False) -> bool:
    """Return True if ``a`` and ``b`` are equal within a tolerance everywhere.

    ``isclose(a, b, rtol, atol, equal_nan)`` for every element, as NumPy: see
    :func:`isclose`.

    Returns
    -------
    bool
        A Python bool, the same on every rank.

    Raises
    ------
    ValueError
        If the shapes do not broadcast.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a
    distribution), plus one 1-byte Allreduce.

    Examples
    --------
    >>> import ember as em
    >>> em.allclose(em.array([1.0, 1e-7], split=0), [1.000001, 1e-8])
    False
    >>> em.allclose(em.array([1.0, 1e-8], split=0), [1.000001, 1e-9])
    True
    """
    return _agreed(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _shape(obj: Any) -> tuple[int, ...]:
    """The shape ``obj`` has as an array (ValueError/TypeError if it has none)."""
    if hasattr(obj, "shape") and not isinstance(obj, type):
        return tuple(obj.shape)
    return tuple(np.shape(obj))


def _equal_or_both_nan(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    return (x1 == x2) | (torch.isnan(x1) & torch.isnan(x2))


_equal_nan = Ufunc("equal", 2, _equal_or_both_nan, boolean(),
                   "equal, with NaNs in the same places comparing equal.")


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    """True if two arrays have the same shape and elements, False otherwise.

    Parameters
    ----------
    a1, a2 : array_like
        DNDarrays of any split, NumPy data or Python scalars.
    equal_nan : bool
        Whether NaNs in the same places compare equal (a complex number is NaN when
        either part is).

    Returns
    -------
    bool
        A Python bool, the same on every rank; False for different shapes.

    Notes
    -----
    Communication: none for different shapes; else that of aligning the operands
    (none when they share a distribution) plus one 1-byte Allreduce.

    Examples
    --------
    >>> import ember as em
    >>> em.array_equal(em.arange(3, split=0), [0, 1, 2])
    True
    >>> em.array_equal(em.arange(3, split=0), [[0, 1, 2]])
    False
    >>> em.array_equal(em.array([1.0, float("nan")], split=0), [1.0, float("nan")],
    ...                equal_nan=True)
    True
    """
    try:
        same_shape = _shape(a1) == _shape(a2)
    except (TypeError, ValueError):
        return False
    if not same_shape:
        return False
    return _agreed(_equal_nan(a1, a2) if equal_nan else equal(a1, a2))


def array_equiv(a1: Any, a2: Any) -> bool:
    """True if ``a1`` and ``a2`` broadcast together and are equal everywhere.

    Parameters
    ----------
    a1, a2 : array_like
        DNDarrays of any split, NumPy data or Python scalars.

    Returns
    -------
    bool
        A Python bool, the same on every rank; False when the shapes do not broadcast.

    Notes
    -----
    Communication: none when the shapes do not broadcast; else that of aligning the
    operands (none when they share a distribution) plus one 1-byte Allreduce.

    Examples
    --------
    >>> import ember as em
    >>> em.array_equiv(em.array([[1, 2], [1, 2]], split=0), [1, 2])
    True
    >>> em.array_equiv(em.array([[1, 2], [1, 2]], split=0), [1, 2, 3])
    False
    """
    try:
        broadcast_shapes(_shape(a1), _shape(a2))
    except (TypeError, ValueError):
        return False
    return _agreed(equal(a1, a2))
