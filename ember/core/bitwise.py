"""Bitwise ufuncs: bitwise_and, bitwise_or, bitwise_xor, invert (bitwise_not,
bitwise_invert), left_shift, right_shift (bitwise_left_shift, bitwise_right_shift) and
bitwise_count.

Each is one :class:`~ember.core.ufunc.Ufunc` declaration with NumPy's loop choices:
booleans and integers only (floating and complex inputs raise ``UFuncTypeError``, a
``TypeError``); the shifts and bitwise_count have no boolean loop, so booleans are
computed as int8; bitwise_count gives uint8. Shifts by the bit width or more, or by a
negative amount, give what NumPy gives: 0 for left shifts, 0 or -1 (the sign) for right
shifts.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import torch

from . import dtypes
from .ufunc import Ufunc, _check_kind, same

__all__ = [
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "invert",
    "bitwise_not",
    "bitwise_invert",
    "left_shift",
    "right_shift",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "bitwise_count",
]


def _doc(summary: str, example: str) -> str:
    return f"""{summary}

    Same as NumPy's ufunc of this name: broadcasting, ``out=``, ``where=``, ``dtype=``
    and ``casting=``; the operands may be DNDarrays of any split, NumPy data or scalars,
    of boolean or integer dtypes (``UFuncTypeError``, a ``TypeError``, for others).

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
{example}
"""


def _bits(x: torch.Tensor) -> int:
    return x.element_size() * 8


def _left_shift(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """``x1 << x2`` with NumPy's C semantics: shifts outside [0, bits) give 0."""
    valid = (x2 >= 0) & (x2 < _bits(x1))
    shifted = torch.bitwise_left_shift(x1, torch.where(valid, x2, torch.zeros_like(x2)))
    return torch.where(valid, shifted, torch.zeros_like(shifted))


def _right_shift(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """``x1 >> x2`` (arithmetic for signed types); shifts outside [0, bits) give the sign
    fill: -1 for negative ``x1``, else 0 (NumPy's C semantics)."""
    bits = _bits(x1)
    valid = (x2 >= 0) & (x2 < bits)
    shifted = torch.bitwise_right_shift(x1, torch.where(valid, x2, torch.zeros_like(x2)))
    signed = x1.dtype != torch.uint8
    fill = torch.bitwise_right_shift(x1, bits - 1) if signed else torch.zeros_like(x1)
    return torch.where(valid, shifted, fill)


_POPCOUNT = torch.tensor([bin(byte).count("1") for byte in range(256)], dtype=torch.uint8)


def _bitwise_count(x: torch.Tensor) -> torch.Tensor:
    """The number of 1-bits in ``|x|`` (NumPy's bitwise_count), by a byte lookup table."""
    if x.dtype != torch.uint8:
        x = torch.abs(x)  # the minimum wraps to itself: one bit, as NumPy
    size = x.element_size()
    flat = x.reshape(-1).contiguous().view(torch.uint8).reshape(-1, size)
    table = _POPCOUNT.to(x.device)
    counts = table[flat.to(torch.int64)].sum(dim=1, dtype=torch.uint8)
    return counts.reshape(x.shape)


def _popcount_rule(dt: dtypes.dtype, name: str, strong: tuple = ()
                   ) -> tuple[dtypes.dtype, dtypes.dtype]:
    """Integers (booleans as int8) in, uint8 out: NumPy's bitwise_count loops."""
    if dt.kind == "b":
        dt = dtypes.int8
    _check_kind(dt, "ui", name)
    return dt, dtypes.uint8


bitwise_and = Ufunc("bitwise_and", 2, torch.bitwise_and, same("bui"), _doc(
    "Compute the bit-wise AND of two arrays elementwise (logical AND for booleans).",
    "    >>> bitwise_and(em.arange(4, split=0), 6).tolist()\n    [0, 0, 2, 2]"))

bitwise_or = Ufunc("bitwise_or", 2, torch.bitwise_or, same("bui"), _doc(
    "Compute the bit-wise OR of two arrays elementwise (logical OR for booleans).",
    "    >>> bitwise_or(em.arange(4, split=0), 4).tolist()\n    [4, 5, 6, 7]"))

bitwise_xor = Ufunc("bitwise_xor", 2, torch.bitwise_xor, same("bui"), _doc(
    "Compute the bit-wise XOR of two arrays elementwise (logical XOR for booleans).",
    "    >>> bitwise_xor(em.arange(4, split=0), 1).tolist()\n    [1, 0, 3, 2]"))

invert = Ufunc("invert", 1, torch.bitwise_not, same("bui"), _doc(
    "Compute the bit-wise NOT elementwise (two's complement; logical NOT for booleans).",
    "    >>> invert(em.arange(3, split=0)).tolist()\n    [-1, -2, -3]"))
bitwise_not = invert
bitwise_invert = invert

left_shift = Ufunc("left_shift", 2, _left_shift, same("ui", bools_to=dtypes.int8), _doc(
    "Shift the bits of an integer to the left (booleans compute as int8, as NumPy).\n\n"
    "    Shifts by the bit width or more, or by a negative amount, give 0, as NumPy.",
    "    >>> left_shift(em.arange(4, split=0), 2).tolist()\n    [0, 4, 8, 12]"))
bitwise_left_shift = left_shift

right_shift = Ufunc("right_shift", 2, _right_shift, same("ui", bools_to=dtypes.int8), _doc(
    "Shift the bits of an integer to the right (arithmetic shift for signed types).\n\n"
    "    Shifts by the bit width or more, or by a negative amount, give -1 for negative\n"
    "    values and 0 otherwise, as NumPy.",
    "    >>> right_shift(em.arange(-2, 6, 2, split=0), 1).tolist()\n    [-1, 0, 1, 2]"))
bitwise_right_shift = right_shift

bitwise_count = Ufunc("bitwise_count", 1, _bitwise_count, _popcount_rule, _doc(
    "The number of 1-bits in the absolute value of each element (NumPy 2); uint8 result.",
    "    >>> bitwise_count(em.arange(-2, 4, split=0)).tolist()\n    [1, 1, 0, 1, 1, 2]"))
