"""Comparison and logical ufuncs: equal, not_equal, less, less_equal, greater,
greater_equal, logical_and, logical_or, logical_xor, logical_not.

Results are boolean DNDarrays, elementwise as NumPy (never a single truth value).
Ordering comparisons of complex numbers are not supported (torch has no complex order).

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import torch

from .ufunc import Ufunc, boolean

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
