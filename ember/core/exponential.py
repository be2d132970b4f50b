"""Exponential and logarithmic ufuncs: exp, exp2, expm1, log, log2, log10, log1p,
logaddexp, logaddexp2.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration. Types follow NumPy's loops:
booleans and integers give the smallest float type holding them (int8 -> float16,
int16 -> float32, int32/int64 -> float64); ``logaddexp`` and ``logaddexp2`` have no
complex loops. float16 and bfloat16 are computed in float32 and rounded back, as NumPy
does for float16. Special values (NaN, infinities, signed zeros, branch cuts of the
complex logarithms) follow NumPy.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import math

import torch

from . import dtypes
from .ufunc import TypeRule, Ufunc, floating

__all__ = [
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "logaddexp2",
]

_NARROW = {dtypes.float16: dtypes.float32, dtypes.bfloat16: dtypes.float32}


def float32_compute(rule: TypeRule) -> TypeRule:
    """``rule`` with float16 and bfloat16 computed in float32 and rounded back to the
    result type (NumPy's float16 loops; torch lacks some CPU kernels for them)."""

    def wrapped(dt, name, strong=()):
        compute, result = rule(dt, name, strong)
        return _NARROW.get(compute, compute), result

    return wrapped


def ufunc_doc(summary: str, example: str, module: str, name: str, extra: str = "") -> str:
    """The docstring of a declared ufunc of this family: summary, NumPy equivalence,
    communication note and a doctest example (``example`` lines without indentation)."""
    shown = "\n".join(f"    {line}" for line in example.strip().splitlines())
    return f"""{summary}

    Same as ``numpy.{name}`` (broadcasting, ``out=``, ``where=``, ``dtype=`` and
    ``casting=``); the operands may be DNDarrays of any split, NumPy data or scalars.{extra}

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.{module} import {name}
{shown}
"""


def _declare(name: str, nin: int, kernel, kinds: str, summary: str, example: str,
             extra: str = "") -> Ufunc:
    return Ufunc(name, nin, kernel, float32_compute(floating(kinds)),
                 ufunc_doc(summary, example, "exponential", name, extra))


def _log1p(x: torch.Tensor) -> torch.Tensor:
    if not x.is_complex():
        return torch.log1p(x)
    # NumPy's formula (also its special values, e.g. log1p(inf + nan j) = inf + nan j)
    shifted = x.real + 1
    return torch.complex(torch.log(torch.hypot(shifted, x.imag)),
                         torch.atan2(x.imag, shifted))


def _logaddexp(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    # NumPy: x + log(2) for equal inputs (also -inf and inf)
    return torch.where(x1 == x2, x1 + math.log(2.0), torch.logaddexp(x1, x2))


def _logaddexp2(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    return torch.where(x1 == x2, x1 + 1.0, torch.logaddexp2(x1, x2))


exp = _declare("exp", 1, torch.exp, "buifc", "The exponential of all elements.",
               ">>> exp(em.zeros(2, split=0)).tolist()\n[1.0, 1.0]")

exp2 = _declare("exp2", 1, torch.exp2, "buifc", "``2**x`` for all elements.",
                ">>> exp2(em.arange(3, dtype=em.float32, split=0)).tolist()\n"
                "[1.0, 2.0, 4.0]")

expm1 = _declare("expm1", 1, torch.expm1, "buifc",
                 "``exp(x) - 1`` for all elements, accurate for small ``x``.",
                 ">>> expm1(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]")

log = _declare("log", 1, torch.log, "buifc",
               "Natural logarithm, elementwise (NaN for negative reals, -inf at 0).",
               ">>> log(em.ones(2, split=0)).tolist()\n[0.0, 0.0]")

log2 = _declare("log2", 1, torch.log2, "buifc", "Base-2 logarithm, elementwise.",
                ">>> log2(em.array([1.0, 8.0], split=0)).tolist()\n[0.0, 3.0]")

log10 = _declare("log10", 1, torch.log10, "buifc", "Base-10 logarithm, elementwise.",
                 ">>> log10(em.array([1.0, 100.0], split=0)).tolist()\n[0.0, 2.0]")

log1p = _declare("log1p", 1, _log1p, "buifc",
                 "``log(1 + x)`` for all elements, accurate for small real ``x``.",
                 ">>> log1p(em.zeros(2, split=0)).tolist()\n[0.0, 0.0]",
                 "\n\n    Complex inputs use NumPy's formula ``log(|1 + x|) + i angle(1 + x)``.")

logaddexp = _declare("logaddexp", 2, _logaddexp, "buif",
                     "``log(exp(x1) + exp(x2))`` elementwise, without overflow.",
                     ">>> logaddexp(em.zeros(2, split=0), 0.0).tolist() == "
                     "[0.6931471824645996] * 2\nTrue")

logaddexp2 = _declare("logaddexp2", 2, _logaddexp2, "buif",
                      "``log2(2**x1 + 2**x2)`` elementwise, without overflow.",
                      ">>> logaddexp2(em.zeros(2, split=0), 0.0).tolist()\n[1.0, 1.0]")
