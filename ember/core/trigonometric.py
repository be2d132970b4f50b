"""Trigonometric and hyperbolic ufuncs: sin, cos, tan, arcsin, arccos, arctan, arctan2,
sinh, cosh, tanh, arcsinh, arccosh, arctanh, deg2rad, rad2deg, degrees, radians, and
sinc; the array API names asin, acos, atan, atan2, asinh, acosh, atanh are aliases.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration. Types follow NumPy's loops:
booleans and integers give the smallest float type holding them; arctan2 and the angle
conversions have no complex loops; ``sinc`` (a NumPy function computing with ``pi``, a
float64) turns booleans and integers into float64. float16 and bfloat16 are computed in
float32 and rounded back. Special values and the branch cuts of the complex inverse
functions follow NumPy (C99).

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from . import dtypes
from .dndarray import DNDarray
from .exponential import float32_compute, ufunc_doc
from .ufunc import Ufunc, floating

__all__ = [
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "asin",
    "acos",
    "atan",
    "atan2",
    "asinh",
    "acosh",
    "atanh",
    "deg2rad",
    "rad2deg",
    "degrees",
    "radians",
    "sinc",
]


def _declare(name: str, nin: int, kernel, kinds: str, summary: str, example: str) -> Ufunc:
    return Ufunc(name, nin, kernel, float32_compute(floating(kinds)),
                 ufunc_doc(summary, example, "trigonometric", name))


def _arccos(x: torch.Tensor) -> torch.Tensor:
    result = torch.acos(x)
    if not x.is_complex():
        return result
    # C99 (NumPy): acos(x + 0j) = acos(x) - 0j, where torch drops the sign of the zero
    zero = result.imag == 0
    result = torch.complex(result.real, torch.where(zero, torch.copysign(
        torch.zeros_like(result.imag), -x.imag), result.imag))
    # finite values: Kahan's formula, accurate near 1 (torch loses acos(1 + 1e-300j))
    # 1 - x and 1 + x with a real 1 (the sign of a zero imaginary part matters)
    root_minus = torch.sqrt(torch.complex(1 - x.real, -x.imag))
    root_plus = torch.sqrt(torch.complex(1 + x.real, x.imag))
    kahan = torch.complex(2 * torch.atan2(root_minus.real, root_plus.real),
                          torch.asinh(root_plus.real * root_minus.imag
                                      - root_plus.imag * root_minus.real))
    return torch.where(torch.isfinite(x), kahan, result)


# NumPy's constants: pi/180 as a double rounded to the type; 180/pi for float32 computed
# as 180 / float32(pi)
_DEG2RAD = {torch.float32: float(np.float32(math.pi / 180)), torch.float64: math.pi / 180}
_RAD2DEG = {torch.float32: float(np.float32(180) / np.float32(math.pi)),
            torch.float64: 180 / math.pi}


def _deg2rad(x: torch.Tensor) -> torch.Tensor:
    return x * torch.tensor(_DEG2RAD[x.dtype], dtype=x.dtype, device=x.device)


def _rad2deg(x: torch.Tensor) -> torch.Tensor:
    return x * torch.tensor(_RAD2DEG[x.dtype], dtype=x.dtype, device=x.device)


def _sinc_rule(dt, name, strong=()):
    """NumPy's ``sinc`` computes ``pi * x``: booleans and integers become float64; the
    arithmetic is done in the input's type, as NumPy's."""
    if dt.kind in "bui":
        dt = dtypes.float64
    return dt, dt


def _sinc(x: torch.Tensor) -> torch.Tensor:
    """NumPy's formula: ``y = pi * x``, zeros replaced by the type's eps (1e-20 for
    complex numbers), ``sin(y) / y``."""
    y = x * torch.tensor(math.pi, dtype=x.dtype, device=x.device)
    eps = torch.finfo(x.dtype).eps if x.is_floating_point() else 1e-20
    y = torch.where(y != 0, y, torch.tensor(eps, dtype=x.dtype, device=x.device))
    if x.dtype in (torch.float16, torch.bfloat16):
        return torch.sin(y.float()).to(x.dtype) / y
    return torch.sin(y) / y


sin = _declare("sin", 1, torch.sin, "buifc", "Trigonometric sine, elementwise (radians).",
               ">>> sin(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
cos = _declare("cos", 1, torch.cos, "buifc", "Trigonometric cosine, elementwise (radians).",
               ">>> cos(em.zeros(2, split=0)).tolist()\n[1.0, 1.0]")
tan = _declare("tan", 1, torch.tan, "buifc", "Trigonometric tangent, elementwise (radians).",
               ">>> tan(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
arcsin = _declare("arcsin", 1, torch.asin, "buifc",
                  "Inverse sine, elementwise, in [-pi/2, pi/2] (NaN outside [-1, 1] for "
                  "real inputs).",
                  ">>> arcsin(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
arccos = _declare("arccos", 1, _arccos, "buifc",
                  "Inverse cosine, elementwise, in [0, pi] (NaN outside [-1, 1] for real "
                  "inputs).",
                  ">>> arccos(em.ones(2, split=0)).tolist()\n[0.0, 0.0]")
arctan = _declare("arctan", 1, torch.atan, "buifc", "Inverse tangent, elementwise.",
                  ">>> arctan(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
arctan2 = _declare("arctan2", 2, torch.atan2, "buif",
                   "The angle of the point ``(x2, x1)``, elementwise, in [-pi, pi] "
                   "(signs of zeros respected).",
                   ">>> arctan2(em.zeros(2, split=0), 1.0).tolist()\n[0.0, 0.0]")
sinh = _declare("sinh", 1, torch.sinh, "buifc", "Hyperbolic sine, elementwise.",
                ">>> sinh(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
cosh = _declare("cosh", 1, torch.cosh, "buifc", "Hyperbolic cosine, elementwise.",
                ">>> cosh(em.zeros(2, split=0)).tolist()\n[1.0, 1.0]")
tanh = _declare("tanh", 1, torch.tanh, "buifc", "Hyperbolic tangent, elementwise.",
                ">>> tanh(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
arcsinh = _declare("arcsinh", 1, torch.asinh, "buifc", "Inverse hyperbolic sine, elementwise.",
                   ">>> arcsinh(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
arccosh = _declare("arccosh", 1, torch.acosh, "buifc",
                   "Inverse hyperbolic cosine, elementwise (NaN below 1 for real inputs).",
                   ">>> arccosh(em.ones(2, split=0)).tolist()\n[0.0, 0.0]")
arctanh = _declare("arctanh", 1, torch.atanh, "buifc",
                   "Inverse hyperbolic tangent, elementwise (+-inf at +-1, NaN beyond for "
                   "real inputs).",
                   ">>> arctanh(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
deg2rad = _declare("deg2rad", 1, _deg2rad, "buif", "Convert angles from degrees to radians.",
                   ">>> deg2rad(em.array([0.0, 180.0], split=0)).tolist() == "
                   "[0.0, 3.1415927410125732]\nTrue")
rad2deg = _declare("rad2deg", 1, _rad2deg, "buif", "Convert angles from radians to degrees.",
                   ">>> rad2deg(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
radians = _declare("radians", 1, _deg2rad, "buif",
                   "Convert angles from degrees to radians (same as deg2rad).",
                   ">>> radians(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")
degrees = _declare("degrees", 1, _rad2deg, "buif",
                   "Convert angles from radians to degrees (same as rad2deg).",
                   ">>> degrees(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")

# the array API standard's names
asin = arcsin
acos = arccos
atan = arctan
atan2 = arctan2
asinh = arcsinh
acosh = arccosh
atanh = arctanh

_sinc_ufunc = Ufunc("sinc", 1, _sinc, _sinc_rule, "sinc")


def sinc(x) -> DNDarray:
    """The normalized sinc function, ``sin(pi x) / (pi x)``, elementwise (1 at 0).

    Same as ``numpy.sinc``: booleans and integers give float64, floating and complex
    inputs keep their type.

    Parameters
    ----------
    x : DNDarray or array_like
        Input values, of any split.

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
    >>> from ember.core.trigonometric import sinc
    >>> sinc(em.array([0.0, 0.5], dtype=em.float64, split=0)).tolist()
    [1.0, 0.6366197723675814]
    """
    return _sinc_ufunc(x)
