"""Elementwise selection: where(condition, x, y) (and where(condition), which is nonzero).

Communication: that of aligning the three operands (see :mod:`ember.core.alignment`),
none when they share one distribution.
"""

from __future__ import annotations

from typing import Any

import torch

from ..comm import get_comm
from .alignment import align
from .dndarray import DNDarray
from .ufunc import _check_python_ints, _common_dtype, _is_weak, _local, _prepared

__all__ = ["where"]


def where(condition: Any, x: Any = None, y: Any = None) -> DNDarray | tuple[DNDarray, ...]:
    """Return elements chosen from ``x`` or ``y`` depending on ``condition``.

    Parameters
    ----------
    condition : array_like of bool
        Where true, take ``x``, else ``y``; any dtype, read as its truth value
        (non-zero).
    x, y : array_like
        The values to choose from: DNDarrays of any split, NumPy data or Python scalars.
        ``condition``, ``x`` and ``y`` broadcast together.

    Returns
    -------
    DNDarray
        Of dtype ``result_type(x, y)``, Python scalars being weak (NEP 50), and of the
        broadcast shape; distributed like the largest distributed operand.
    tuple of DNDarray
        With only ``condition``: ``nonzero(condition)`` (as NumPy; see
        :func:`ember.nonzero`).

    Raises
    ------
    ValueError
        If only one of ``x`` and ``y`` is given, or the shapes do not broadcast.
    OverflowError
        If a Python integer does not fit the result's integer dtype (NumPy wraps it
        silently instead).

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution;
    see :mod:`ember.core.alignment`); with one argument that of :func:`ember.nonzero`.

    Examples
    --------
    >>> import ember as em
    >>> x = em.arange(5, split=0)
    >>> where(x < 2, x, 10 * x).tolist()
    [0, 1, 20, 30, 40]
    >>> where(x > 2, x, 0.5).dtype
    ember.float32
    >>> [i.tolist() for i in where(x > 2)]
    [[3, 4]]
    """
    if x is None and y is None:
        from .searching import nonzero

        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    args = (condition, x, y)
    comm = next((a.comm for a in args if isinstance(a, DNDarray)), get_comm())
    operands = _prepared(args, comm)
    result = _common_dtype(operands[1:])
    _check_python_ints(operands[1:], result)
    aligned = align(operands, comm)
    cond, first, second = aligned.blocks
    device = next((b.device for b in aligned.blocks if isinstance(b, torch.Tensor)),
                  torch.device("cpu"))
    if _is_weak(cond):
        mask = torch.tensor(bool(cond), device=device)
    else:
        mask = cond.to(device) != 0 if cond.dtype != torch.bool else cond.to(device)
    local = torch.where(mask, _local(first, result.torch, device),
                        _local(second, result.torch, device))
    return aligned.wrap(local.expand(aligned.local_shape).contiguous())
