"""Floating-point classification: isnan, isinf, isfinite, isposinf, isneginf, signbit,
and nan_to_num.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration. The tests give boolean arrays
for every numeric type (booleans and integers are finite and never NaN); isposinf,
isneginf and signbit have no complex loops, as NumPy. ``nan_to_num`` keeps the type and
replaces the real and imaginary parts of complex numbers separately.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import torch

from .dndarray import DNDarray
from .exponential import ufunc_doc
from .ufunc import Ufunc, UFuncTypeError, boolean, same

__all__ = ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "nan_to_num"]


def _declare(name: str, kernel, kinds: str, summary: str, example: str) -> Ufunc:
    return Ufunc(name, 1, kernel, boolean(kinds),
                 ufunc_doc(summary, example, "classification", name))


def _real_only(dt, name, strong=()):
    if dt.kind == "c":
        raise UFuncTypeError(f"This operation is not supported for {dt.name} values because "
                             "it would be ambiguous.")
    return boolean("buif")(dt, name)


isnan = _declare("isnan", torch.isnan, "buifc",
                 "Test elementwise for NaN (either part NaN for complex numbers).",
                 ">>> isnan(em.array([1.0, float('nan')], split=0)).tolist()\n[False, True]")
isinf = _declare("isinf", torch.isinf, "buifc",
                 "Test elementwise for positive or negative infinity (either part for "
                 "complex numbers).",
                 ">>> isinf(em.array([1.0, float('-inf')], split=0)).tolist()\n[False, True]")
isfinite = _declare("isfinite", torch.isfinite, "buifc",
                    "Test elementwise for finiteness (neither infinity nor NaN).",
                    ">>> isfinite(em.array([1.0, float('nan')], split=0)).tolist()\n"
                    "[True, False]")
signbit = _declare("signbit", torch.signbit, "buif",
                   "True where the sign bit is set (less than zero, -0.0 and NaNs with the "
                   "sign bit included).",
                   ">>> signbit(em.array([1.0, -0.0], split=0)).tolist()\n[False, True]")

_isposinf = Ufunc("isposinf", 1, torch.isposinf, _real_only, "isposinf")
_isneginf = Ufunc("isneginf", 1, torch.isneginf, _real_only, "isneginf")


def isposinf(x, out: DNDarray | None = None) -> DNDarray:
    """Test elementwise for positive infinity.

    Same as ``numpy.isposinf``; complex inputs raise ``TypeError`` (ambiguous).

    Parameters
    ----------
    x : DNDarray or array_like
        Real input values, of any split.
    out : DNDarray, optional
        Where to store the result (any split; the result is redistributed to it).

    Returns
    -------
    DNDarray
        Boolean.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.classification import isposinf
    >>> isposinf(em.array([float('inf'), float('-inf'), 1.0], split=0)).tolist()
    [True, False, False]
    """
    return _isposinf(x, out=out)


def isneginf(x, out: DNDarray | None = None) -> DNDarray:
    """Test elementwise for negative infinity.

    Same as ``numpy.isneginf``; complex inputs raise ``TypeError`` (ambiguous).

    Parameters
    ----------
    x : DNDarray or array_like
        Real input values, of any split.
    out : DNDarray, optional
        Where to store the result (any split; the result is redistributed to it).

    Returns
    -------
    DNDarray
        Boolean.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.classification import isneginf
    >>> isneginf(em.array([float('inf'), float('-inf'), 1.0], split=0)).tolist()
    [False, True, False]
    """
    return _isneginf(x, out=out)


def _nan_to_num_kernel(nan: float, posinf: float | None, neginf: float | None):
    def real_kernel(x: torch.Tensor) -> torch.Tensor:
        info = torch.finfo(x.dtype)

        def value(v: float | None, default: float) -> torch.Tensor:
            # cast like NumPy's copyto: values beyond the type's range become infinite
            return torch.tensor(default if v is None else v, dtype=torch.float64,
                                device=x.device).to(x.dtype)

        result = torch.where(torch.isnan(x), value(nan, 0.0), x)
        result = torch.where(torch.isposinf(x), value(posinf, info.max), result)
        return torch.where(torch.isneginf(x), value(neginf, info.min), result)

    def kernel(x: torch.Tensor) -> torch.Tensor:
        if x.is_complex():
            return torch.complex(real_kernel(x.real), real_kernel(x.imag))
        if x.is_floating_point():
            return real_kernel(x)
        return x.clone()

    return kernel


def nan_to_num(x, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> DNDarray:
    """Replace NaN by ``nan``, infinities by ``posinf``/``neginf`` (default: the largest
    finite magnitudes of the type).

    Same as ``numpy.nan_to_num``: the type is kept; complex numbers have their real and
    imaginary parts replaced separately; booleans and integers are returned unchanged.
    With ``copy=False`` a DNDarray ``x`` is changed in place and returned (other inputs
    are always copied).

    Parameters
    ----------
    x : DNDarray or array_like
        Input values, of any split.
    copy : bool, optional
        Return a new array (default) or change ``x`` in place.
    nan, posinf, neginf : float, optional
        The replacements; values beyond the type's range become infinite, as in NumPy.

    Returns
    -------
    DNDarray
        With the distribution of ``x``.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.classification import nan_to_num
    >>> nan_to_num(em.array([float('nan'), float('inf'), 1.0], split=0), posinf=9.0).tolist()
    [0.0, 9.0, 1.0]
    """
    in_place = not copy and isinstance(x, DNDarray)
    if in_place and x.dtype.kind not in "fc":
        return x
    values = [None if v is None else float(v) for v in (posinf, neginf)]
    ufunc = Ufunc("nan_to_num", 1, _nan_to_num_kernel(float(nan), *values), same(),
                  "nan_to_num")
    return ufunc(x, out=x if in_place else None)
