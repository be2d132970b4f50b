"""Arithmetic ufuncs: add, subtract, multiply, divide, floor_divide, remainder, negative,
positive, absolute.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration; results, dtypes and special
values follow NumPy (integer division by zero gives 0, as NumPy, where torch would raise).

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import torch

from . import dtypes
from .ufunc import Ufunc, floating, real_of, same

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "mod",
    "negative",
    "positive",
    "absolute",
    "abs",
]

_COMM = """
    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).
"""


def _doc(summary: str, example: str) -> str:
    return f"""{summary}

    Same as NumPy's ufunc of this name: broadcasting, ``out=``, ``where=``, ``dtype=``
    and ``casting=``; the operands may be DNDarrays of any split, NumPy data or scalars.
{_COMM}
    Examples
    --------
    >>> import ember as em
{example}
"""


def _integer_safe(op):
    """``op`` with NumPy's integer semantics for a zero divisor: the result is 0."""

    def kernel(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        if x1.is_floating_point() or x1.is_complex():
            return op(x1, x2)
        zero = x2 == 0
        if not bool(zero.any()):
            return op(x1, x2)
        result = op(x1, torch.where(zero, torch.ones_like(x2), x2))
        return torch.where(zero, torch.zeros_like(result), result)

    return kernel


def _reject_bool(name: str, advice: str):
    def rule_check(dt, ufunc_name):
        if dt.kind == "b":
            from .ufunc import UFuncTypeError

            raise UFuncTypeError(f"numpy boolean {name} is not supported, {advice}")
        return same("uifc")(dt, ufunc_name)

    return rule_check


def _absolute(x: torch.Tensor) -> torch.Tensor:
    return x.clone() if x.dtype == torch.bool else torch.abs(x)


add = Ufunc("add", 2, torch.add, same(), _doc(
    "Add arguments elementwise.",
    "    >>> em.add(em.arange(3, split=0), 10).tolist()\n    [10, 11, 12]"))

subtract = Ufunc("subtract", 2, torch.sub, _reject_bool(
    "subtract, the `-` operator,", "use the bitwise_xor, the `^` operator, or the logical_xor "
    "function instead."), _doc(
    "Subtract arguments elementwise.",
    "    >>> em.subtract(em.arange(3, split=0), 1).tolist()\n    [-1, 0, 1]"))

multiply = Ufunc("multiply", 2, torch.mul, same(), _doc(
    "Multiply arguments elementwise.",
    "    >>> em.multiply(em.arange(3, split=0), 2).tolist()\n    [0, 2, 4]"))

true_divide = Ufunc("divide", 2, torch.true_divide,
                    floating(integers_to=dtypes.float64), _doc(
    "Divide arguments elementwise (true division; integers give float64, as NumPy).",
    "    >>> em.divide(em.arange(3, split=0), 2).tolist()\n    [0.0, 0.5, 1.0]"))
divide = true_divide

floor_divide = Ufunc("floor_divide", 2, _integer_safe(torch.floor_divide),
                     same("uif", bools_to=dtypes.int8), _doc(
    "The largest integer smaller or equal to the division of the inputs.",
    "    >>> em.floor_divide(em.arange(5, split=0), 2).tolist()\n    [0, 0, 1, 1, 2]"))

remainder = Ufunc("remainder", 2, _integer_safe(torch.remainder),
                  same("uif", bools_to=dtypes.int8), _doc(
    "The elementwise remainder of division, with the sign of the divisor (Python's %).",
    "    >>> em.remainder(em.arange(-2, 3, split=0), 3).tolist()\n    [1, 2, 0, 1, 2]"))
mod = remainder

negative = Ufunc("negative", 1, torch.neg, _reject_bool(
    "negative, the `-` operator,", "use the `~` operator or the logical_not function "
    "instead."), _doc(
    "Numerical negative, elementwise.",
    "    >>> em.negative(em.arange(3, split=0)).tolist()\n    [0, -1, -2]"))

positive = Ufunc("positive", 1, torch.clone, same("uifc"), _doc(
    "Numerical positive (a copy), elementwise.",
    "    >>> em.positive(em.arange(3, split=0)).tolist()\n    [0, 1, 2]"))

absolute = Ufunc("absolute", 1, _absolute, real_of(), _doc(
    "Absolute value elementwise (the modulus for complex numbers).",
    "    >>> em.absolute(em.arange(-2, 1, split=0)).tolist()\n    [2, 1, 0]"))
abs = absolute  # noqa: A001 (NumPy's name)
