"""Rounding: round (around) with ``decimals``, rint, floor, ceil, trunc, fix.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration (``round`` one per number of
decimals). Types follow NumPy 2: floor, ceil, trunc and fix keep booleans and integers
as they are (no complex loops); rint gives floats (booleans and integers become the
smallest float type holding them); round keeps integers as integers, turns booleans into
float16 (only for ``decimals=0``, as NumPy) and rounds the real and imaginary parts of
complex numbers. Halves round to even, as NumPy.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import functools
import operator

import torch

from . import dtypes
from .dndarray import DNDarray
from .exponential import float32_compute, ufunc_doc
from .ufunc import Ufunc, UFuncTypeError, floating, same

__all__ = ["round", "around", "rint", "floor", "ceil", "trunc", "fix"]


def _componentwise(op):
    """``op`` on real tensors, applied to the real and imaginary parts of complex ones."""

    def kernel(x: torch.Tensor) -> torch.Tensor:
        if x.is_complex():
            return torch.complex(op(x.real), op(x.imag))
        return op(x)

    return kernel


def _integral(op):
    """``op`` for floats; a copy for booleans and integers (already integral)."""

    def kernel(x: torch.Tensor) -> torch.Tensor:
        return op(x) if x.is_floating_point() else x.clone()

    return kernel


def _declare(name: str, kernel, rule, summary: str, example: str) -> Ufunc:
    return Ufunc(name, 1, kernel, float32_compute(rule),
                 ufunc_doc(summary, example, "rounding", name))


rint = _declare("rint", _componentwise(torch.round), floating(),
                "Round to the nearest integer, halves to even (a float result).",
                ">>> rint(em.array([0.5, 1.5, -2.5], split=0)).tolist()\n[0.0, 2.0, -2.0]")

floor = _declare("floor", _integral(torch.floor), same("buif"),
                 "The largest integer not above each element (integers stay integers).",
                 ">>> floor(em.array([-1.5, 1.5], split=0)).tolist()\n[-2.0, 1.0]")

ceil = _declare("ceil", _integral(torch.ceil), same("buif"),
                "The smallest integer not below each element (integers stay integers).",
                ">>> ceil(em.array([-1.5, 1.5], split=0)).tolist()\n[-1.0, 2.0]")

trunc = _declare("trunc", _integral(torch.trunc), same("buif"),
                 "Round towards zero, elementwise (integers stay integers).",
                 ">>> trunc(em.array([-1.5, 1.5], split=0)).tolist()\n[-1.0, 1.0]")

_fix = _declare("fix", _integral(torch.trunc), same("buif"), "fix", "")


def fix(x, out: DNDarray | None = None) -> DNDarray:
    """Round towards zero, elementwise (integers and booleans keep their type).

    Same as ``numpy.fix`` (the same values as :func:`trunc`).

    Parameters
    ----------
    x : DNDarray or array_like
        Real input values, of any split.
    out : DNDarray, optional
        Where to store the result (any split; the result is redistributed to it).

    Returns
    -------
    DNDarray

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.rounding import fix
    >>> fix(em.array([-2.5, 2.5], split=0)).tolist()
    [-2.0, 2.0]
    """
    return _fix(x, out=out)


def _round_rule(decimals: int):
    def rule(dt, name, strong=()):
        if dt.kind == "b":
            if decimals != 0:
                op = "multiply" if decimals > 0 else "divide"
                raise UFuncTypeError(f"Cannot cast ufunc '{op}' output from float64 to bool "
                                     "with casting rule 'same_kind'")
            return dtypes.float16, dtypes.float16
        if dt.kind in "iu":
            # integers: a copy, or (negative decimals) float64 arithmetic cast back
            return (dt if decimals >= 0 else dtypes.float64), dt
        return same("fc")(dt, name)

    return rule


def _power_of_ten(n: int) -> float:
    """10**n as NumPy computes it (exact up to 1e9, then repeated products by 10; inf
    beyond the float64 range), so that results agree to the last bit."""
    if n < 9:
        return 10.0**n
    if n > 400:
        return float("inf")
    scale = 1e9
    for _ in range(n - 9):
        scale *= 10.0
    return scale


@functools.lru_cache(maxsize=64)
def _round_ufunc(decimals: int) -> Ufunc:
    scale = _power_of_ten(abs(decimals))

    def real_round(x: torch.Tensor) -> torch.Tensor:
        if decimals == 0:
            return torch.round(x)
        factor = torch.tensor(scale, dtype=x.dtype, device=x.device)
        if decimals > 0:
            return torch.round(x * factor) / factor
        return torch.round(x / factor) * factor

    def kernel(x: torch.Tensor) -> torch.Tensor:
        if not (x.is_floating_point() or x.is_complex()):
            return x.clone()
        return _componentwise(real_round)(x)

    return Ufunc("round", 1, kernel, _round_rule(decimals), "round")


def round(a, decimals: int = 0, out: DNDarray | None = None) -> DNDarray:  # noqa: A001
    """Round to the given number of decimals, halves to even.

    Same as ``numpy.round``: ``decimals`` may be negative (tens, hundreds, ...);
    integers stay integers (rounded through float64 for negative ``decimals``);
    booleans give float16 (``decimals=0`` only); complex numbers have their real and
    imaginary parts rounded. Like NumPy, the value is ``rint(a * 10**decimals) /
    10**decimals``, so decimal fractions that are not exactly representable may round
    either way.

    Parameters
    ----------
    a : DNDarray or array_like
        Input values, of any split.
    decimals : int, optional
        Number of decimal places (default 0).
    out : DNDarray, optional
        Where to store the result (any split; the result is redistributed to it).

    Returns
    -------
    DNDarray

    Raises
    ------
    TypeError
        If ``decimals`` is not an integer, or (``UFuncTypeError``) for booleans with
        ``decimals`` other than 0.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.rounding import round
    >>> round(em.array([0.5, 1.5, 2.5], split=0)).tolist()
    [0.0, 2.0, 2.0]
    >>> round(em.array([1234, 1250], split=0), decimals=-2).tolist()
    [1200, 1200]
    """
    try:
        decimals = operator.index(decimals)
    except TypeError:
        raise TypeError(f"decimals must be an integer, got {type(decimals).__name__}") from None
    return _round_ufunc(decimals)(a, out=out)


around = round
