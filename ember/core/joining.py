"""Joining arrays: concatenate, stack and their variants, append.

Inputs may be DNDarrays of any split, NumPy arrays or nested sequences (replicated). The
result takes the split of the first split input (mapped to the result's axes); the other
inputs are brought to it with at most one collective each, and replicated ones are sliced
locally.

Communication (n: bytes of the result, P processes):

==========================================  ============================================
joining along an axis that is not split     none when the operands agree (replicated
(concatenate, stack, hstack, ...)           ones are sliced locally); else one Alltoallv
                                            per operand split otherwise
joining along the split axis                one Alltoallv in all; each rank sends its
                                            share of the split operands and receives its
                                            balanced block (~n/P)
==========================================  ============================================

The splitting functions, :func:`insert` and :func:`delete` live in
:mod:`ember.core.splitting` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..comm import sanitize_comm
from . import redistribution
from .creation import as_dndarray
from .distribution import balanced_counts, local_range, offsets
from .dndarray import DNDarray
from .dtypes import can_cast, result_type
from .dtypes import dtype as as_dtype
from .reduction import _flattened, _store
from .shaping import ATLEAST_AXES, _with_axes
from .splitting import (
    unstack,
)
from .validation import sanitize_axis

__all__ = [
    "concatenate",
    "concat",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "column_stack",
    "append",
]


# --------------------------------------------------------------------------------------
# operands
# --------------------------------------------------------------------------------------
def _operands(arrays: Any, verb: str) -> list[DNDarray]:
    """The arrays to join as DNDarrays on one communicator."""
    if isinstance(arrays, DNDarray):  # NumPy iterates over the first axis
        if arrays.ndim == 0:
            raise TypeError(f"{verb}: arrays must be a sequence of arrays, got a 0-d array")
        arrays = unstack(arrays)
    try:
        items = list(arrays)
    except TypeError:
        raise TypeError(f"{verb}: arrays must be a sequence of arrays, got "
                        f"{type(arrays).__name__}") from None
    if not items:
        raise ValueError(f"need at least one array to {verb}")
    first = next((a for a in items if isinstance(a, DNDarray)), None)
    comm = sanitize_comm(None) if first is None else first.comm
    operands = [as_dndarray(a, like=first) for a in items]
    if any(x.comm is not comm for x in operands):
        raise ValueError(f"{verb}: the arrays live on different communicators")
    return operands


def _target_dtype(arrays: list[DNDarray], dtype: Any, out: Any, casting: str, name: str):
    """The result dtype (``out``'s, ``dtype`` or the promotion of the inputs), after
    NumPy's casting check of every input."""
    if out is not None and dtype is not None:
        raise TypeError(f"{name}() only takes `out` or `dtype` as an argument, but both "
                        "were provided.")
    if out is not None and not isinstance(out, DNDarray):
        raise TypeError(f"out must be a DNDarray, got {type(out).__name__}")
    target = (out.dtype if out is not None else as_dtype(dtype) if dtype is not None
              else result_type(*arrays))
    for x in arrays:
        if not can_cast(x.dtype, target, casting):
            raise TypeError(f"Cannot cast array data from dtype('{x.dtype.name}') to "
                            f"dtype('{target.name}') according to the rule '{casting}'")
    return target


def _check_out(out: DNDarray | None, shape: tuple[int, ...]) -> None:
    if out is None:
        return
    if out.ndim != len(shape):
        raise ValueError("Output array has wrong dimensionality")
    if out.shape != shape:
        raise ValueError("Output array is the wrong shape")


def _joined_shape(arrays: list[DNDarray], axis: Any) -> tuple[int, tuple[int, ...]]:
    """The normalised axis and the shape of ``arrays`` concatenated along it."""
    first = arrays[0]
    if first.ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = sanitize_axis(axis, first.ndim)
    for i, x in enumerate(arrays[1:], start=1):
        if x.ndim != first.ndim:
            raise ValueError(
                "all the input arrays must have same number of dimensions, but the array "
                f"at index 0 has {first.ndim} dimension(s) and the array at index {i} has "
                f"{x.ndim} dimension(s)")
        for d in range(first.ndim):
            if d != axis and x.shape[d] != first.shape[d]:
                raise ValueError(
                    "all the input array dimensions except for the concatenation axis must "
                    f"match exactly, but along dimension {d}, the array at index 0 has size "
                    f"{first.shape[d]} and the array at index {i} has size {x.shape[d]}")
    shape = list(first.shape)
    shape[axis] = sum(x.shape[axis] for x in arrays)
    return axis, tuple(shape)


def _insert_axes(x: DNDarray, positions: Sequence[int]) -> DNDarray:
    """``x`` with size-1 axes at ``positions`` (a view: the join copies anyway)."""
    return _with_axes(x, positions, copy=False)


def _atleast(x: DNDarray, ndim: int) -> DNDarray:
    return _insert_axes(x, ATLEAST_AXES[ndim].get(x.ndim, ()))


# --------------------------------------------------------------------------------------
# the joining engine
# --------------------------------------------------------------------------------------
def _join(arrays: list[DNDarray], axis: int, shape: tuple[int, ...], dtype) -> DNDarray:
    """``arrays`` (validated) concatenated along ``axis`` into a ``dtype`` array."""
    comm = arrays[0].comm
    leader = next((x for x in arrays if x.split is not None), None)
    if leader is None or comm.size == 1:
        local = torch.cat([x.larray.to(dtype.torch) for x in arrays], axis)
        return DNDarray(local, shape, None if leader is None else leader.split, comm)
    if leader.split == axis:
        return _join_along_split(arrays, axis, shape, dtype)
    split, counts = leader.split, leader.counts
    blocks = [_conform(x, split, counts).to(dtype.torch) for x in arrays]
    return DNDarray(torch.cat(blocks, axis), shape, split, comm, counts)


def _conform(x: DNDarray, split: int, counts: tuple[int, ...]) -> torch.Tensor:
    """``x``'s block when split along ``split`` with ``counts`` (at most one Alltoallv)."""
    comm = x.comm
    if x.split is None:
        start, stop = local_range(counts, comm.rank)
        return x.larray.narrow(split, start, stop - start)
    if x.split == split:
        return redistribution.change_counts(x.larray, x.shape, split, x.counts, counts, comm)
    local, _ = redistribution.change_split(x.larray, x.shape, x.split, x.counts, split, comm,
                                           counts)
    return local


def _windows(arrays: list[DNDarray], axis: int, counts: tuple[int, ...]
             ) -> list[list[tuple[int, int]]]:
    """``windows[i][r]``: the rows ``[lo, hi)`` of operand i (along ``axis``) that fall in
    rank r's block of the result."""
    starts, begin, windows = offsets(counts), 0, []
    for x in arrays:
        extent = x.shape[axis]
        windows.append([(min(max(start - begin, 0), extent),
                         min(max(start + count - begin, 0), extent))
                        for start, count in zip(starts, counts, strict=True)])
        begin += extent
    return windows


def _piece(x: DNDarray, axis: int, window: tuple[int, int], source: int, dest: int
           ) -> tuple[int, list[int]]:
    """Where, in ``source``'s block of ``x``, the rows of ``window`` bound for ``dest``
    start (along ``axis``), and the shape of that piece."""
    lo, hi = window
    shape = list(x.shape)
    if x.split == axis:  # the rows of the window that source holds
        first, last = local_range(x.counts, source)
        start, length = max(lo, first) - first, max(0, min(hi, last) - max(lo, first))
    elif x.split is None:  # every rank holds it: each keeps its own rows
        start, length = lo, (hi - lo if source == dest else 0)
    else:  # source holds its columns of every row
        start, length = lo, hi - lo
        shape[x.split] = x.counts[source]
    shape[axis] = length
    return (start if length else 0), shape


def _join_along_split(arrays: list[DNDarray], axis: int, shape: tuple[int, ...], dtype
                      ) -> DNDarray:
    """Concatenation along the result's split axis with one Alltoallv: every rank packs
    its pieces for every destination (grouped by destination, operands in order) into one
    buffer; the receiver cuts what it gets by the known piece shapes and assembles its
    balanced block in result order."""
    comm = arrays[0].comm
    me, ranks = comm.rank, range(comm.size)
    counts = balanced_counts(shape[axis], comm.size)
    windows = _windows(arrays, axis, counts)
    outgoing, send_counts = [], []
    for dest in ranks:
        pieces = []
        for x, window in zip(arrays, windows, strict=True):
            start, piece_shape = _piece(x, axis, window[dest], me, dest)
            pieces.append(x.larray.narrow(axis, start, piece_shape[axis]).reshape(-1))
        outgoing += [p.to(dtype.torch) for p in pieces]
        send_counts.append(sum(p.numel() for p in pieces))
    incoming = [[_piece(x, axis, window[me], source, me)[1]
                 for x, window in zip(arrays, windows, strict=True)] for source in ranks]
    sizes = [[int(np.prod(s, dtype=np.int64)) for s in row] for row in incoming]
    recv_counts = [sum(row) for row in sizes]
    received = comm.Alltoallv(torch.cat(outgoing), send_counts, 0, (sum(recv_counts),),
                              recv_counts, 0)
    flat = received.split([n for row in sizes for n in row])
    portions = []
    for i, x in enumerate(arrays):
        pieces = [flat[source * len(arrays) + i].view(incoming[source][i]) for source in ranks]
        portions.append(torch.cat(pieces, axis if x.split in (None, axis) else x.split))
    return DNDarray(torch.cat(portions, axis), shape, axis, comm, counts)


# --------------------------------------------------------------------------------------
# joining
# --------------------------------------------------------------------------------------
def concatenate(arrays: Sequence[Any], /, axis: int | None = 0, out: DNDarray | None = None,
                *, dtype: Any = None, casting: str = "same_kind") -> DNDarray:
    """Join a sequence of arrays along an existing axis.

    Parameters
    ----------
    arrays : sequence of array_like
        DNDarrays of any split, NumPy arrays or sequences; the same shape except along
        ``axis``.
    axis : int or None
        The axis to join along; None flattens every array first (C order).
    out : DNDarray, optional
        Where to put the result (its dtype is the result's; inputs are cast to it under
        ``casting``).
    dtype : dtype-like, optional
        The result's dtype; default the promotion of the inputs' dtypes (NumPy 2).
    casting : {"no", "equiv", "safe", "same_kind", "unsafe"}
        Which input casts are allowed.

    Returns
    -------
    DNDarray
        Split like the first split input (replicated if none is). Along that split axis
        the result is balanced; along another axis it keeps that input's counts.

    Raises
    ------
    ValueError
        No arrays; 0-d arrays; shapes that differ off ``axis``; ``out`` of the wrong shape.
    AxisError
        ``axis`` out of range.
    TypeError
        A cast not allowed by ``casting``; both ``out`` and ``dtype`` given.

    Notes
    -----
    Communication: joining along an axis that is not the result's split axis needs none
    when the inputs already share the first split input's distribution (replicated
    inputs are sliced locally); each input split otherwise is brought to it with one
    Alltoallv. Joining along the split axis takes one Alltoallv in all: each rank sends
    its share of the split inputs and receives its balanced block (about n/P bytes in and
    out per rank for n bytes of result). ``axis=None`` adds what :func:`ember.ravel`
    needs; ``out`` with another distribution one redistribution.

    Examples
    --------
    >>> import ember as em
    >>> em.concatenate([em.arange(3, split=0), [7, 8]]).tolist()
    [0, 1, 2, 7, 8]
    >>> em.concatenate([em.zeros((2, 2), split=0), em.ones((2, 1))], axis=1).shape
    (2, 3)
    """
    operands = _operands(arrays, "concatenate")
    target = _target_dtype(operands, dtype, out, casting, "concatenate")
    if axis is None:
        operands, axis = [_flattened(x) for x in operands], 0
    axis, shape = _joined_shape(operands, axis)
    _check_out(out, shape)
    result = _join(operands, axis, shape, target)
    return result if out is None else _store(result, out)


def concat(arrays: Sequence[Any], /, axis: int | None = 0, out: DNDarray | None = None, *,
           dtype: Any = None, casting: str = "same_kind") -> DNDarray:
    """Join arrays along an existing axis: the array API name of :func:`concatenate`.

    Parameters, result and communication as :func:`concatenate`.

    Notes
    -----
    Communication: as :func:`concatenate`.

    Examples
    --------
    >>> import ember as em
    >>> em.concat([em.arange(2, split=0), em.arange(3, split=0)], axis=0).tolist()
    [0, 1, 0, 1, 2]
    """
    return concatenate(arrays, axis, out, dtype=dtype, casting=casting)


def stack(arrays: Sequence[Any], axis: int = 0, out: DNDarray | None = None, *,
          dtype: Any = None, casting: str = "same_kind") -> DNDarray:
    """Join arrays of one shape along a new axis.

    Parameters
    ----------
    arrays : sequence of array_like
        All of the same shape.
    axis : int
        The position of the new axis in the result.
    out, dtype, casting
        As :func:`concatenate`.

    Returns
    -------
    DNDarray
        Split like the first split input, along that input's split axis shifted past the
        new axis; with its counts.

    Raises
    ------
    ValueError
        No arrays, or arrays of different shapes.
    AxisError
        ``axis`` out of range for the result.
    TypeError
        As :func:`concatenate`.

    Notes
    -----
    Communication: none when the inputs share the first split input's distribution or
    are replicated; otherwise one Alltoallv per input split differently.

    Examples
    --------
    >>> import ember as em
    >>> em.stack([em.arange(3, split=0), em.arange(3)], axis=1).tolist()
    [[0, 0], [1, 1], [2, 2]]
    """
    operands = _operands(arrays, "stack")
    if any(x.shape != operands[0].shape for x in operands):
        raise ValueError("all input arrays must have the same shape")
    target = _target_dtype(operands, dtype, out, casting, "stack")
    axis = sanitize_axis(axis, operands[0].ndim + 1)
    expanded = [_insert_axes(x, (axis,)) for x in operands]
    shape = list(expanded[0].shape)
    shape[axis] = len(expanded)
    _check_out(out, tuple(shape))
    result = _join(expanded, axis, tuple(shape), target)
    return result if out is None else _store(result, out)


def vstack(tup: Sequence[Any], *, dtype: Any = None, casting: str = "same_kind") -> DNDarray:
    """Stack arrays vertically (row-wise): 1-d arrays of length N become rows (1, N),
    then :func:`concatenate` along axis 0.

    Parameters
    ----------
    tup : sequence of array_like
        DNDarrays of any split, NumPy arrays, sequences or scalars.
    dtype, casting
        As :func:`concatenate`.

    Returns
    -------
    DNDarray
        Split like the first split input (its split axis mapped to the result's axes).

    Notes
    -----
    Communication: as :func:`concatenate` (a split 1-d input becomes split along axis 1).

    Examples
    --------
    >>> import ember as em
    >>> em.vstack([em.arange(3, split=0), [5, 6, 7]]).tolist()
    [[0, 1, 2], [5, 6, 7]]
    """
    operands = [_atleast(x, 2) for x in _operands(tup, "concatenate")]
    return concatenate(operands, 0, dtype=dtype, casting=casting)


def hstack(tup: Sequence[Any], *, dtype: Any = None, casting: str = "same_kind") -> DNDarray:
    """Stack arrays horizontally (column-wise): along axis 0 for 1-d arrays, else axis 1
    (0-d arrays count as 1-d).

    Parameters
    ----------
    tup : sequence of array_like
        DNDarrays of any split, NumPy arrays, sequences or scalars.
    dtype, casting
        As :func:`concatenate`.

    Returns
    -------
    DNDarray
        Split like the first split input (its split axis mapped to the result's axes).

    Notes
    -----
    Communication: as :func:`concatenate`.

    Examples
    --------
    >>> import ember as em
    >>> em.hstack([em.arange(3, split=0), 9]).tolist()
    [0, 1, 2, 9]
    """
    operands = [_atleast(x, 1) for x in _operands(tup, "concatenate")]
    axis = 0 if operands[0].ndim == 1 else 1
    return concatenate(operands, axis, dtype=dtype, casting=casting)


def dstack(tup: Sequence[Any]) -> DNDarray:
    """Stack arrays depth-wise (along axis 2): (N,) becomes (1, N, 1), (M, N) becomes
    (M, N, 1).

    Parameters
    ----------
    tup : sequence of array_like
        DNDarrays of any split, NumPy arrays, sequences or scalars.

    Returns
    -------
    DNDarray
        Split like the first split input (its split axis mapped to the result's axes).

    Notes
    -----
    Communication: as :func:`concatenate`.

    Examples
    --------
    >>> import ember as em
    >>> em.dstack([em.arange(2, split=0), [5, 6]]).tolist()
    [[[0, 5], [1, 6]]]
    """
    operands = [_atleast(x, 3) for x in _operands(tup, "concatenate")]
    return concatenate(operands, 2)


def column_stack(tup: Sequence[Any]) -> DNDarray:
    """Stack 1-d arrays as columns of a 2-d array (2-d arrays are kept as they are).

    Parameters
    ----------
    tup : sequence of array_like
        DNDarrays of any split, NumPy arrays, sequences or scalars.

    Returns
    -------
    DNDarray
        Split like the first split input (its split axis mapped to the result's axes).

    Notes
    -----
    Communication: as :func:`concatenate` (a split 1-d input is a column split along
    axis 0).

    Examples
    --------
    >>> import ember as em
    >>> em.column_stack([em.arange(3, split=0), [5, 6, 7]]).tolist()
    [[0, 5], [1, 6], [2, 7]]
    """
    columns = {0: (0, 1), 1: (1,)}
    operands = [_insert_axes(x, columns.get(x.ndim, ()))
                for x in _operands(tup, "concatenate")]
    return concatenate(operands, 1)


def append(arr: Any, values: Any, axis: int | None = None) -> DNDarray:
    """``values`` appended to the end of ``arr``.

    With ``axis=None`` both are flattened first (as NumPy); otherwise this is
    ``concatenate((arr, values), axis)``, and shapes must agree off ``axis``.

    Parameters
    ----------
    arr, values : array_like
    axis : int or None

    Returns
    -------
    DNDarray
        As :func:`concatenate` of the two.

    Raises
    ------
    ValueError
        Shapes that differ off ``axis``.

    Notes
    -----
    Communication: as :func:`concatenate` (plus what :func:`ember.ravel` needs for
    ``axis=None``).

    Examples
    --------
    >>> import ember as em
    >>> em.append(em.arange(3, split=0), [7, 8]).tolist()
    [0, 1, 2, 7, 8]
    """
    arr = as_dndarray(arr)
    values = as_dndarray(values, like=arr)
    if axis is None:
        arr = arr if arr.ndim == 1 else _flattened(arr)
        values, axis = _flattened(values), 0
    return concatenate((arr, values), axis)


