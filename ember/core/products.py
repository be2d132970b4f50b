"""Vector products of the elementwise/reduction layer: vecdot.

(Matrix products live in ``ember.linalg``.)
"""

from __future__ import annotations

from typing import Any

from . import dtypes
from .alignment import broadcast_shapes
from .complex_math import conjugate
from .creation import asarray
from .dndarray import DNDarray
from .validation import AxisError

__all__ = ["vecdot"]


def _operand(x: Any, comm: Any) -> DNDarray:
    return x if isinstance(x, DNDarray) else asarray(x, comm=comm)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> DNDarray:
    """Vector dot product along ``axis``: ``sum(conj(x1) * x2, axis)`` (NumPy's and the
    array API's ``vecdot``).

    Parameters
    ----------
    x1, x2 : array_like
        Broadcast together except along ``axis``, where their extents must be equal.
    axis : int
        The axis of the broadcast shape holding the vectors (negative counts from the
        end; the array API requires it to be negative, NumPy allows either).

    Returns
    -------
    DNDarray
        The broadcast shape without ``axis``, of dtype ``result_type(x1, x2)``
        (booleans: the logical OR of the ANDs, as NumPy).

    Raises
    ------
    ValueError
        If the extents along ``axis`` differ or the other axes do not broadcast.
    AxisError
        If ``axis`` is out of range for the broadcast shape.

    Notes
    -----
    Communication: that of aligning the operands for the product (none when they share
    a distribution) plus, when ``axis`` is the split axis, one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.vecdot(em.array([[1, 2], [3, 4]], split=0), em.array([1, 1])).tolist()
    [3, 7]
    >>> em.vecdot(em.array([1j, 2]), em.array([1j, 1])).item()
    (3+0j)
    """
    from .reduction import any as any_of
    from .reduction import sum as total

    first = _operand(x1, None)
    second = _operand(x2, first.comm)
    ndim = max(first.ndim, second.ndim)
    if ndim == 0:
        raise ValueError("vecdot: the inputs must have at least one dimension")
    if not -ndim <= axis < ndim:
        raise AxisError(axis, ndim)
    position = axis % ndim
    extents = {x.shape[position - ndim + x.ndim] if position - ndim + x.ndim >= 0 else 1
               for x in (first, second)}
    if len(extents) != 1:
        raise ValueError(f"vecdot: the inputs' extents along axis {axis} differ: "
                         f"{first.shape} and {second.shape}")
    broadcast_shapes(first.shape, second.shape)
    result = dtypes.result_type(first.dtype, second.dtype)
    if result == dtypes.bool_:
        return any_of(first & second, axis=position)
    product = conjugate(first) * second if result.kind == "c" else first * second
    return total(product, axis=position, dtype=result)
