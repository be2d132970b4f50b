"""Diagonals and triangles: diag, diagonal, diagflat, tril, triu.

Nothing here communicates (except :func:`diagflat` flattening an array that is not
split along its first axis). Each rank works on its own block, using the global row and
column indices its block starts at:

- :func:`diagonal` of a split matrix: when the split axis is one of the two matrix
  axes, each rank holds a contiguous run of the diagonal, so the result is split along
  the diagonal axis with counts worked out from the input's (they may be uneven).
- :func:`diag` of a split vector: each rank builds the rows holding its elements; the
  ``|k|`` rows without an element go to the first (k < 0) or last (k > 0) rank.
- :func:`tril` / :func:`triu`: each rank masks its block by global row and column index.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import torch

from .distribution import offsets
from .dndarray import DNDarray
from .reshaping import _as_array, _fresh, reshape
from .validation import sanitize_axis

__all__ = ["diag", "diagonal", "diagflat", "tril", "triu"]


def _integer(value: Any, name: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None


def _global_indices(x: DNDarray, axis: int) -> torch.Tensor:
    """The global indices along ``axis`` of this rank's block (int64)."""
    start = 0 if x.split != axis else x.offsets[x.comm.rank]
    return torch.arange(start, start + x.lshape[axis], device=x.larray.device)


# --------------------------------------------------------------------------------------
# diagonals
# --------------------------------------------------------------------------------------
def _diagonal_length(rows: int, columns: int, offset: int) -> int:
    return max(0, min(rows, columns - offset) if offset >= 0 else min(rows + offset, columns))


def _diagonal_counts(x: DNDarray, offset: int, axis1: int, axis2: int) -> tuple[int, ...]:
    """How many diagonal elements each rank holds when ``x`` is split along axis1/axis2.

    Diagonal element i sits at row ``i + max(0, -offset)``, column ``i + max(0, offset)``.
    """
    length = _diagonal_length(x.shape[axis1], x.shape[axis2], offset)
    shift = max(0, -offset) if x.split == axis1 else max(0, offset)
    counts = []
    for start, count in zip(x.offsets, x.counts, strict=True):
        low, high = max(start - shift, 0), min(start + count - shift, length)
        counts.append(max(0, high - low))
    return tuple(counts)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> DNDarray:
    """The diagonal with ``offset`` of the matrices spanned by ``axis1`` and ``axis2``.

    Parameters
    ----------
    a : array_like
        At least 2-d.
    offset : int
        Above the main diagonal (positive) or below it (negative).
    axis1, axis2 : int
        The row and column axes of the matrices.

    Returns
    -------
    DNDarray
        ``a``'s shape without ``axis1`` and ``axis2``, with the diagonal axis appended
        last (as NumPy); a copy (NumPy returns a read-only view). When ``a`` is split
        along ``axis1`` or ``axis2`` the result is split along the diagonal axis, each
        rank keeping the diagonal elements of its block (uneven counts); otherwise the
        split axis keeps its counts.

    Raises
    ------
    ValueError
        For arrays of fewer than two dimensions, or ``axis1 == axis2``.
    AxisError
        An axis out of range.
    TypeError
        A non-integer ``offset``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.diagonal(em.arange(9, split=0).reshape(3, 3), 1).tolist()
    [1, 5]
    """
    x = _as_array(a)
    offset = _integer(offset, "offset")
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = sanitize_axis(axis1, x.ndim, "axis1"), sanitize_axis(axis2, x.ndim, "axis2")
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    kept = [axis for axis in range(x.ndim) if axis not in (axis1, axis2)]
    shape = (*(x.shape[axis] for axis in kept),
             _diagonal_length(x.shape[axis1], x.shape[axis2], offset))
    local_offset, split, counts = offset, x.split, x.counts
    if x.split in (axis1, axis2):
        start = x.offsets[x.comm.rank]
        local_offset = offset + start if x.split == axis1 else offset - start
        split, counts = len(shape) - 1, _diagonal_counts(x, offset, axis1, axis2)
    elif x.split is not None:
        split = kept.index(x.split)
    local = torch.diagonal(x.larray, local_offset, axis1, axis2)
    return DNDarray(_fresh(local), shape, split, x.comm, counts)


def _diagonal_matrix(x: DNDarray, k: int) -> DNDarray:
    """The square matrix with the vector ``x`` on its ``k``-th diagonal."""
    n = x.shape[0] + abs(k)
    local = x.larray
    if x.split is None:
        return DNDarray(torch.diag(local, k), (n, n), None, x.comm)
    counts = list(x.counts)
    counts[0 if k < 0 else -1] += abs(k)
    row_start = offsets(counts)[x.comm.rank]
    matrix = torch.zeros((counts[x.comm.rank], n), dtype=local.dtype, device=local.device)
    index = _global_indices(x, 0)
    matrix[index + max(0, -k) - row_start, index + max(0, k)] = local
    return DNDarray(matrix, (n, n), 0, x.comm, counts)


def diag(v: Any, k: int = 0) -> DNDarray:
    """Extract a diagonal (2-d input) or build a diagonal matrix (1-d input).

    Parameters
    ----------
    v : array_like
        1-d: the values of the ``k``-th diagonal of a square matrix of side
        ``len(v) + abs(k)``. 2-d: the matrix whose ``k``-th diagonal is returned.
    k : int
        Above the main diagonal (positive) or below it (negative).

    Returns
    -------
    DNDarray
        For a 2-d input as :func:`diagonal`. For a split vector, the matrix is split
        along its rows: each rank holds the rows carrying its elements, and the
        ``abs(k)`` rows without one go to the first rank (k < 0) or the last (k > 0).

    Raises
    ------
    ValueError
        If ``v`` is not 1-d or 2-d.
    TypeError
        A non-integer ``k``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.diag(em.array([1, 2], split=0), 1).tolist()
    [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    """
    x = _as_array(v)
    k = _integer(k, "k")
    if x.ndim == 1:
        return _diagonal_matrix(x, k)
    if x.ndim == 2:
        return diagonal(x, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v: Any, k: int = 0) -> DNDarray:
    """The square matrix with the flattened input on its ``k``-th diagonal.

    Parameters
    ----------
    v : array_like
        Flattened in C order.
    k : int
        Above the main diagonal (positive) or below it (negative).

    Returns
    -------
    DNDarray
        Split along its rows when ``v`` is split (see :func:`diag`).

    Notes
    -----
    Communication: that of flattening ``v`` (:func:`ember.ravel`): none when ``v`` is
    replicated or split along its first axis, else one Alltoallv.

    Examples
    --------
    >>> import ember as em
    >>> em.diagflat([[1, 2]]).tolist()
    [[1, 0], [0, 2]]
    """
    x = _as_array(v)
    k = _integer(k, "k")
    return _diagonal_matrix(reshape(x, -1), k)


# --------------------------------------------------------------------------------------
# triangles
# --------------------------------------------------------------------------------------
def _tri_mask(x: DNDarray, k: float) -> torch.Tensor:
    """NumPy's ``tri(N, M, k)`` on this rank's rows and columns of ``x``'s last two axes.

    That is ``row >= arange(-k, M - k)[column]`` with NumPy's integer arange, whose
    values are ``trunc(-k) + column * (trunc(1 - k) - trunc(-k))`` (for an integer k,
    simply ``column - k``; NumPy's values for a fractional k are kept).
    """
    first = math.trunc(-k)
    step = math.trunc(1 - k) - first
    rows = _global_indices(x, x.ndim - 2)
    columns = _global_indices(x, x.ndim - 1)
    return rows[:, None] >= first + columns[None, :] * step


def _triangle(m: Any, k: Any, lower: bool) -> DNDarray:
    """``m`` with the entries outside the triangle zeroed (last two axes).

    A 1-d input is a row repeated down a square matrix, as NumPy.
    """
    if not isinstance(k, numbers.Real):
        raise TypeError(f"k must be a real number, got {type(k).__name__}")
    x = _as_array(m)
    if x.ndim == 0:
        raise TypeError("tril/triu need an array of at least one dimension")
    if x.ndim == 1:
        n = x.shape[0]
        split = None if x.split is None else 1
        local = x.larray.unsqueeze(0).expand(n, x.lshape[0])
        x = DNDarray(local, (n, n), split, x.comm, x.counts)
    keep = _tri_mask(x, k) if lower else ~_tri_mask(x, k - 1)
    zero = torch.zeros((), dtype=x.larray.dtype, device=x.larray.device)
    return DNDarray(torch.where(keep, x.larray, zero), x.shape, x.split, x.comm, x.counts)


def tril(m: Any, k: int = 0) -> DNDarray:
    """Lower triangle: the entries above the ``k``-th diagonal set to zero.

    Parameters
    ----------
    m : array_like
        Works on the last two axes of an array of at least 2 dimensions; a 1-d input
        is treated as its row repeated (the result is square), as NumPy.
    k : int
        The diagonal above which to zero (positive: above the main one). A fractional
        value is accepted and gives NumPy's result.

    Returns
    -------
    DNDarray
        Same shape (square for 1-d input), dtype and distribution as ``m``.

    Raises
    ------
    TypeError
        For a 0-d input or a non-real ``k``.

    Notes
    -----
    Communication: none (each rank masks its block by global row and column index).

    Examples
    --------
    >>> import ember as em
    >>> em.tril(em.ones((3, 3), dtype=em.int64, split=0)).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    return _triangle(m, k, lower=True)


def triu(m: Any, k: int = 0) -> DNDarray:
    """Upper triangle: the entries below the ``k``-th diagonal set to zero.

    Parameters
    ----------
    m : array_like
        As for :func:`tril`.
    k : int
        The diagonal below which to zero (positive: above the main one). A fractional
        value is accepted and gives NumPy's result.

    Returns
    -------
    DNDarray
        Same shape (square for 1-d input), dtype and distribution as ``m``.

    Raises
    ------
    TypeError
        For a 0-d input or a non-real ``k``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.triu(em.ones((2, 3), dtype=em.int64, split=1), 1).tolist()
    [[0, 1, 1], [0, 0, 1]]
    """
    return _triangle(m, k, lower=False)
