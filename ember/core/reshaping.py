"""Reshaping: reshape, ravel and flatten of distributed arrays (part of ember.core.shaping).

A rank's block of an array split along axis s is, in C order, a range of columns of the
array viewed as a matrix ``(prod(shape[:s]), rest)``. A reshape keeps the C order, so it
maps column ranges of one matrix view to column ranges of another: when both views are
the same matrix and every block holds whole slabs of the new split axis, nothing moves;
otherwise the elements travel with one Alltoallv, or two through flat C-order ranges.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import torch

from .creation import as_dndarray as _as_array
from .distribution import balanced_counts, local_range, offsets
from .dndarray import DNDarray
from .redistribution import change_counts
from .validation import sanitize_split

__all__ = ["reshape", "ravel", "flatten"]


class _Natural:
    """The default ``new_split`` of :func:`reshape`: the axis that holds the old one."""

    def __repr__(self) -> str:
        return "<natural>"


_NATURAL = _Natural()


# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
def _local_shape(shape: Sequence[int], split: int | None, counts: Sequence[int] | None,
                 rank: int) -> tuple[int, ...]:
    """The shape of ``rank``'s block of an array of ``shape`` cut into ``counts``."""
    if split is None:
        return tuple(shape)
    return (*shape[:split], counts[rank], *shape[split + 1:])


def _fresh(local: torch.Tensor) -> torch.Tensor:
    """A contiguous copy of ``local`` (results never share memory with their input)."""
    return local.clone(memory_format=torch.contiguous_format)


# --------------------------------------------------------------------------------------
# reshape: argument handling
# --------------------------------------------------------------------------------------
def _target_shape(shape: Any, size: int) -> tuple[int, ...]:
    """``shape`` with its unknown extent (a negative one) worked out for ``size`` items."""
    try:
        dims = [operator.index(shape)]
    except TypeError:
        if not hasattr(shape, "__iter__"):
            raise TypeError(f"shape must be an integer or a sequence of integers, got "
                            f"{type(shape).__name__}") from None
        try:
            dims = [operator.index(extent) for extent in shape]
        except TypeError:
            raise TypeError(f"shape must contain integers, got {tuple(shape)!r}") from None
    unknown = [axis for axis, extent in enumerate(dims) if extent < 0]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    known = math.prod(extent for extent in dims if extent >= 0)
    shown = "(" + ",".join("newaxis" if e < 0 else str(e) for e in dims) + ")"
    if unknown:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {shown}")
        dims[unknown[0]] = size // known
    elif known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shown}")
    return tuple(dims)


def _check_order(order: Any, allowed: str, function: str) -> None:
    """NumPy's checks of an ``order`` argument; only C order (and its aliases) is kept."""
    if order in allowed:
        return
    if order == "F":
        raise NotImplementedError(f"{function}: order='F' is not supported (ember arrays "
                                  "are C-ordered)")
    if order == "K":
        raise ValueError(f"order 'K' is not permitted for {function}")
    raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")


def _natural_split(shape: Sequence[int], split: int | None, new_shape: Sequence[int]
                   ) -> int | None:
    """The new axis holding the outermost part of the old split axis.

    That is the first new axis reaching past the axes in front of the old split axis:
    the smallest ``j`` with ``prod(new_shape[:j + 1]) > prod(shape[:split])``. A split
    axis of extent 0 or 1 keeps its position (clamped); a 0-d result is replicated.
    """
    if split is None or not new_shape:
        return None
    outer = math.prod(shape[:split])
    if shape[split] > 1:
        for axis in range(len(new_shape)):
            if math.prod(new_shape[:axis + 1]) > outer:
                return axis
    return min(split, len(new_shape) - 1)


# --------------------------------------------------------------------------------------
# reshape: moving flat C-order ranges
# --------------------------------------------------------------------------------------
# The block of an array split along axis s is, in C order, a range of columns of the
# array viewed as a matrix (prod(shape[:s]), rest): "column ranges". With one leading row
# it is a range of the flattened array: a "flat range". A reshape keeps the flat order,
# so it maps column ranges of one matrix view to column ranges of another; the moves
# below go between flat ranges and column ranges with one Alltoallv each.
def _row_layout(start: int, length: int, width: int) -> tuple[int, int, int, int]:
    """How the flat range ``[start, start + length)`` covers rows of ``width`` items.

    Returns ``(first, head, rows, tail)``: ``head`` items in columns ``[first, first +
    head)`` of a partial first row, then ``rows`` full rows, then ``tail`` items in
    columns ``[0, tail)``.
    """
    first = start % width
    head = min(length, (width - first) % width)
    rows, tail = divmod(length - head, width)
    return first, head, rows, tail


def _column_part(start: int, length: int, width: int, low: int, high: int
                 ) -> tuple[slice, slice, slice, int]:
    """Where the flat range holds columns ``[low, high)`` of a matrix of ``width`` columns.

    Returns slices into the range's head, full rows (a column slice) and tail, and the
    number of items, which appear in flat order as head part, row parts, tail part.
    """
    first, head, rows, tail = _row_layout(start, length, width)
    in_head = slice(min(max(low - first, 0), head), min(max(high - first, 0), head))
    in_tail = slice(min(low, tail), min(high, tail))
    total = (in_head.stop - in_head.start) + rows * (high - low) + (in_tail.stop - in_tail.start)
    return in_head, slice(low, high), in_tail, total


def _range_pieces(flat: torch.Tensor, length: int, width: int, start: int
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Views of a flat range's head, full rows (a matrix) and tail."""
    _, head, rows, _ = _row_layout(start, length, width)
    body = head + rows * width
    return flat[:head], flat[head:body].view(rows, width), flat[body:]


def _flat_to_columns(flat: torch.Tensor, flat_counts: Sequence[int], width: int,
                     column_counts: Sequence[int], comm) -> torch.Tensor:
    """From flat ranges to column ranges of the matrix with ``width`` columns.

    Returns this rank's columns, flattened in C order. Communication: one Alltoallv;
    the sender packs, the receiver gets its block in order.
    """
    rank, starts, lows = comm.rank, offsets(flat_counts), offsets(column_counts)
    head, body, tail = _range_pieces(flat, flat_counts[rank], width, starts[rank])
    pieces, send = [], []
    for low, count in zip(lows, column_counts, strict=True):
        in_head, columns, in_tail, total = _column_part(
            starts[rank], flat_counts[rank], width, low, low + count)
        pieces += [head[in_head], body[:, columns].reshape(-1), tail[in_tail]]
        send.append(total)
    low, high = lows[rank], lows[rank] + column_counts[rank]
    receive = [_column_part(start, count, width, low, high)[3]
               for start, count in zip(starts, flat_counts, strict=True)]
    return comm.Alltoallv(torch.cat(pieces), send, 0, (sum(receive),), receive, 0)


def _columns_to_flat(block: torch.Tensor, column_counts: Sequence[int], width: int,
                     flat_counts: Sequence[int], comm) -> torch.Tensor:
    """From column ranges of the matrix with ``width`` columns to flat ranges.

    ``block`` is this rank's columns (rows x its columns). Returns this rank's flat
    range. Communication: one Alltoallv; the sender's pieces are consecutive, the
    receiver unpacks.
    """
    rank, starts, lows = comm.rank, offsets(flat_counts), offsets(column_counts)
    low, high = lows[rank], lows[rank] + column_counts[rank]
    send = [_column_part(start, count, width, low, high)[3]
            for start, count in zip(starts, flat_counts, strict=True)]
    parts = [_column_part(starts[rank], flat_counts[rank], width, low, low + count)
             for low, count in zip(lows, column_counts, strict=True)]
    receive = [part[3] for part in parts]
    moved = comm.Alltoallv(block.reshape(-1), send, 0, (sum(receive),), receive, 0)
    flat = torch.empty(flat_counts[rank], dtype=block.dtype, device=block.device)
    head, body, tail = _range_pieces(flat, flat_counts[rank], width, starts[rank])
    for piece, (in_head, columns, in_tail, _) in zip(moved.split(receive), parts, strict=True):
        sizes = [in_head.stop - in_head.start, piece.numel(), in_tail.stop - in_tail.start]
        sizes[1] -= sizes[0] + sizes[2]
        first, middle, last = piece.split(sizes)
        head[in_head] = first
        body[:, columns] = middle.view(body.shape[0], columns.stop - columns.start)
        tail[in_tail] = last
    return flat


def _kept_counts(x: DNDarray, shape: tuple[int, ...], split: int) -> tuple[int, ...] | None:
    """The result's counts if every rank's elements can stay where they are, else None.

    They can when the old and the new split axis have the same number of elements in
    front of them (the blocks are then column ranges of the same matrix view) and each
    block is a whole number of slabs of the new split axis.
    """
    if x.size == 0:
        return balanced_counts(shape[split], x.comm.size)
    outer, inner = math.prod(x.shape[:x.split]), math.prod(x.shape[x.split + 1:])
    new_inner = math.prod(shape[split + 1:])
    if outer != math.prod(shape[:split]) or any(c * inner % new_inner for c in x.counts):
        return None
    return tuple(c * inner // new_inner for c in x.counts)


def _moved_reshape(x: DNDarray, shape: tuple[int, ...], split: int
                   ) -> tuple[torch.Tensor, tuple[int, ...]]:
    """This rank's block of ``x`` reshaped to ``shape``, balanced along ``split``, for
    a reshape whose elements must move (see :func:`reshape` for the cost)."""
    comm, size = x.comm, x.size
    outer, inner = math.prod(x.shape[:x.split]), math.prod(x.shape[x.split + 1:])
    new_outer, new_inner = math.prod(shape[:split]), math.prod(shape[split + 1:])
    columns = [count * inner for count in x.counts]
    counts = balanced_counts(shape[split], comm.size)
    targets = [count * new_inner for count in counts]
    block = x.larray.reshape(outer, columns[comm.rank])
    if outer == new_outer:
        moved = change_counts(block, (outer, size // outer), 1, columns, targets, comm)
    else:
        flat, flat_counts = block.reshape(-1), columns
        if outer > 1:
            flat_counts = targets if new_outer == 1 else balanced_counts(size, comm.size)
            flat = _columns_to_flat(block, columns, size // outer, flat_counts, comm)
        if new_outer > 1:
            moved = _flat_to_columns(flat, flat_counts, size // new_outer, targets, comm)
        else:
            moved = change_counts(flat, (size,), 0, flat_counts, targets, comm)
    return moved.reshape(_local_shape(shape, split, counts, comm.rank)), counts


def _own_copy(result: torch.Tensor, source: torch.Tensor, copy: bool | None) -> torch.Tensor:
    """Apply ``copy`` to a block obtained from ``source`` without communication."""
    shares = result.untyped_storage().data_ptr() == source.untyped_storage().data_ptr()
    if copy is False and not shares:
        raise ValueError("Unable to avoid creating a copy while reshaping.")
    return _fresh(result) if copy and shares else result


def _reshaped(x: DNDarray, shape: tuple[int, ...], split: int | None, copy: bool | None
              ) -> DNDarray:
    comm = x.comm
    if not x.is_distributed():
        whole = x.larray.reshape(shape)
        counts = None
        if split is not None:
            counts = balanced_counts(shape[split], comm.size)
            start, stop = local_range(counts, comm.rank)
            whole = whole.narrow(split, start, stop - start)
            if copy is None:
                whole = whole.contiguous()
        return DNDarray(_own_copy(whole, x.larray, copy), shape, split, comm, counts)
    counts = None if split is None else _kept_counts(x, shape, split)
    if counts is not None:
        local = x.larray.reshape(_local_shape(shape, split, counts, comm.rank))
        return DNDarray(_own_copy(local, x.larray, copy), shape, split, comm, counts)
    if copy is False:
        raise ValueError("Unable to avoid creating a copy while reshaping: the data must "
                         "move between processes.")
    if split is None:
        return DNDarray(x._full_tensor().reshape(shape), shape, None, comm)
    local, counts = _moved_reshape(x, shape, split)
    return DNDarray(local, shape, split, comm, counts)


# --------------------------------------------------------------------------------------
# reshape, ravel, flatten
# --------------------------------------------------------------------------------------
def reshape(a: Any, /, shape: int | Sequence[int], order: str = "C", *,
            new_split: int | None | _Natural = _NATURAL, copy: bool | None = None
            ) -> DNDarray:
    """Give a new shape to an array without changing its data (global C order).

    Parameters
    ----------
    a : array_like
        The array.
    shape : int or sequence of int
        The new shape; one extent may be -1 (worked out from the others).
    order : {"C", "A"}
        Index order; ember arrays are C-ordered, so "A" is "C".
    new_split : int or None, optional
        The result's split axis; None makes the result replicated. By default the new
        axis holding the outermost part of ``a``'s split axis: the first new axis whose
        extent reaches past the axes in front of it (``(N, 64)`` split 0 becomes
        ``(N * 64,)`` split 0 and back; ``(A, B, C)`` split 1 becomes ``(A, B * C)``
        split 1); None when ``a`` is replicated.
    copy : bool or None, optional
        True: always copy. None: share memory with ``a``'s blocks when no element moves
        between processes and the local reshape is a view (NumPy's view). False: never
        copy (ValueError if a copy is needed).

    Returns
    -------
    DNDarray

    Raises
    ------
    ValueError
        If the sizes do not match, more than one extent is -1, or ``copy=False`` cannot
        be honoured; for an unknown ``order``.
    TypeError
        If ``shape`` is not integers.
    AxisError
        If ``new_split`` is out of range.
    NotImplementedError
        For ``order="F"``.

    Notes
    -----
    Communication: none when ``a`` is replicated, or when every rank's elements can stay
    where they are: when both the old and the new split axis have the same number of
    elements in front of them (for example both have only extent-1 axes in front) and
    each rank's block is a whole number of slabs of the new split axis. The result's
    counts are then worked out from the old ones (they may be unbalanced). Otherwise the
    result is balanced and the data moves with one Alltoallv (each rank sends and
    receives about n/P items), or two when neither split axis is led by extent-1 axes
    and the numbers in front differ (the first re-cuts the array into flat C-order
    ranges). With ``new_split=None`` of a split array: one Allgatherv of the array.
    The array is never gathered otherwise.

    Examples
    --------
    >>> import ember as em
    >>> x = em.reshape(em.arange(6, split=0), (2, 3))
    >>> x.tolist(), x.split
    ([[0, 1, 2], [3, 4, 5]], 0)
    """
    x = _as_array(a)
    _check_order(order, "CA", "reshaping")
    shape = _target_shape(shape, x.size)
    if new_split is _NATURAL:
        split = _natural_split(x.shape, x.split, shape)
    else:
        split = sanitize_split(new_split, len(shape))
    return _reshaped(x, shape, split, copy)


def ravel(a: Any, order: str = "C") -> DNDarray:
    """The array flattened to one dimension, in C order (always a copy here).

    Parameters
    ----------
    a : array_like
    order : {"C", "K", "A"}
        Ember arrays are C-ordered, so all three read the elements in C order.

    Returns
    -------
    DNDarray
        1-d, split along 0 when ``a`` is split (replicated otherwise).

    Raises
    ------
    NotImplementedError
        For ``order="F"``.
    ValueError
        For an unknown ``order``.

    Notes
    -----
    Communication: as :func:`reshape` to ``(a.size,)``: none when ``a`` is replicated or
    split along axis 0 (or an axis led only by extent-1 axes); otherwise one Alltoallv
    into balanced flat ranges.

    Examples
    --------
    >>> import ember as em
    >>> em.ravel(em.arange(6, split=0).reshape(2, 3)).tolist()
    [0, 1, 2, 3, 4, 5]
    """
    x = _as_array(a)
    _check_order(order, "CKA", "ravel")
    return _reshaped(x, (x.size,), _natural_split(x.shape, x.split, (x.size,)), True)


def flatten(a: Any, order: str = "C") -> DNDarray:
    """A 1-d copy of the array in C order (function form of ``ndarray.flatten``).

    Same as :func:`ravel`; see there for the parameters and communication.

    Notes
    -----
    Communication: as :func:`ravel`.

    Examples
    --------
    >>> import ember as em
    >>> em.flatten(em.ones((2, 2), split=1)).shape
    (4,)
    """
    return ravel(a, order)
