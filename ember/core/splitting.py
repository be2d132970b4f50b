"""Splitting arrays and editing them along an axis: split, array_split, hsplit, vsplit,
dsplit, unstack, insert, delete.

Pieces and edits keep the data where it is whenever they can: splitting and deleting
along the split axis leave each rank its own rows (uneven counts, computed
arithmetically from the replicated arguments); results are new arrays where NumPy would
return views.

Communication:

==========================================  ============================================
split family, delete                        none
insert along the split axis                 one Alltoallv of the rows whose owner changes
unstack along the split axis                one Alltoallv (one Allgatherv for 1-d input)
==========================================  ============================================
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import torch

from . import redistribution
from .creation import array, as_dndarray
from .distribution import balanced_counts, local_range, offsets
from .dndarray import DNDarray
from .reshaping import ravel
from .validation import sanitize_axis

__all__ = ["split", "array_split", "hsplit", "vsplit", "dsplit", "unstack", "insert", "delete"]


# --------------------------------------------------------------------------------------
# shared with joining
# --------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------
# splitting
# --------------------------------------------------------------------------------------
def _section_bounds(indices_or_sections: Any, extent: int) -> list[tuple[int, int]]:
    """``[start, stop)`` of each piece, by NumPy's ``array_split`` rules."""
    if isinstance(indices_or_sections, DNDarray):
        indices_or_sections = indices_or_sections.tolist()
    try:
        points = [0, *list(indices_or_sections), extent]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extra = divmod(extent, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        points = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))).tolist()
    bounds = []
    for first, last in zip(points[:-1], points[1:], strict=True):
        start, stop, _ = slice(first, last).indices(extent)
        bounds.append((start, max(start, stop)))
    return bounds


def _slab(x: DNDarray, axis: int, start: int, stop: int) -> DNDarray:
    """A copy of ``x[..., start:stop, ...]`` (along ``axis``) left where its data is."""
    shape = list(x.shape)
    shape[axis] = stop - start
    counts = x.counts
    if x.split == axis:  # each rank keeps its rows of the piece
        ranges = [local_range(x.counts, r) for r in range(x.comm.size)]
        counts = tuple(max(0, min(stop, last) - max(start, first)) for first, last in ranges)
        first = ranges[x.comm.rank][0]
        start = max(start, first) - first if counts[x.comm.rank] else 0
        stop = start + counts[x.comm.rank]
    local = x.larray.narrow(axis, start, stop - start).clone(memory_format=torch.contiguous_format)
    return DNDarray(local, shape, x.split, x.comm, counts)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[DNDarray]:
    """Split an array into pieces along ``axis``; unlike :func:`split`, ``N`` sections
    need not divide the extent (the first ``extent % N`` pieces get one more).

    Parameters
    ----------
    ary : array_like
    indices_or_sections : int or sequence of int
        The number of pieces, or the indices where pieces start (Python slice rules:
        negative indices count from the end, decreasing indices give empty pieces).
    axis : int

    Returns
    -------
    list of DNDarray
        New arrays with ``ary``'s split. Pieces along the split axis keep their data on
        the ranks that hold it: their counts are uneven, possibly zero on some ranks
        (call ``.balance()`` to even them out).

    Raises
    ------
    ValueError
        A number of sections that is not positive.
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> [p.tolist() for p in em.array_split(em.arange(5, split=0), 3)]
    [[0, 1], [2, 3], [4]]
    """
    x = as_dndarray(ary)
    axis = sanitize_axis(axis, x.ndim)
    bounds = _section_bounds(indices_or_sections, x.shape[axis])
    return [_slab(x, axis, start, stop) for start, stop in bounds]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[DNDarray]:
    """Split an array into equal pieces (or at given indices) along ``axis``.

    As :func:`array_split`, except that a number of sections must divide the extent.

    Raises
    ------
    ValueError
        "array split does not result in an equal division".
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none; pieces along the split axis are not balanced (see
    :func:`array_split`).

    Examples
    --------
    >>> import ember as em
    >>> [p.tolist() for p in em.split(em.arange(6, split=0), [2, 3])]
    [[0, 1], [2], [3, 4, 5]]
    """
    x = as_dndarray(ary)
    axis = sanitize_axis(axis, x.ndim)
    try:
        len(indices_or_sections)
    except TypeError:
        if x.shape[axis] % indices_or_sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(x, indices_or_sections, axis)


def hsplit(ary: Any, indices_or_sections: Any) -> list[DNDarray]:
    """:func:`split` along axis 1 (axis 0 for 1-d arrays).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> [p.shape for p in em.hsplit(em.zeros((2, 4), split=0), 2)]
    [(2, 2), (2, 2)]
    """
    x = as_dndarray(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list[DNDarray]:
    """:func:`split` along axis 0 of an array of at least 2 dimensions.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> [p.shape for p in em.vsplit(em.zeros((4, 2), split=0), 2)]
    [(2, 2), (2, 2)]
    """
    x = as_dndarray(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[DNDarray]:
    """:func:`split` along axis 2 of an array of at least 3 dimensions.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> [p.shape for p in em.dsplit(em.zeros((1, 2, 4), split=2), [1])]
    [(1, 2, 1), (1, 2, 3)]
    """
    x = as_dndarray(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[DNDarray, ...]:
    """The arrays obtained by indexing ``x`` at each position along ``axis`` (array API).

    Returns
    -------
    tuple of DNDarray
        ``x.shape[axis]`` new arrays of ``x``'s shape without ``axis``. Along an axis that
        is not split they keep ``x``'s distribution. Along the split axis each piece
        would lie on one rank, so ``x`` is first re-split along its longest other axis
        (the first of equal ones) and the pieces are split along it; pieces of a 1-d
        array are replicated.

    Raises
    ------
    ValueError
        A 0-d input.
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none unless ``axis`` is the split axis; then one Alltoallv of the
    array (one Allgatherv for 1-d input).

    Examples
    --------
    >>> import ember as em
    >>> [p.tolist() for p in em.unstack(em.array([[0, 1], [2, 3]], split=0))]
    [[0, 1], [2, 3]]
    """
    x = as_dndarray(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = sanitize_axis(axis, x.ndim)
    if x.split == axis:
        others = [a for a in range(x.ndim) if a != axis]
        x = x.resplit(max(others, key=lambda a: (x.shape[a], -a)) if others else None)
    split = None if x.split is None else x.split - (x.split > axis)
    shape = x.shape[:axis] + x.shape[axis + 1:]
    local = x.larray.movedim(axis, 0).clone(memory_format=torch.contiguous_format)
    return tuple(DNDarray(piece, shape, split, x.comm, x.counts) for piece in local.unbind(0))


# --------------------------------------------------------------------------------------
# insert and delete
# --------------------------------------------------------------------------------------
def _flat_and_axis(x: DNDarray, axis: Any) -> tuple[DNDarray, int]:
    """NumPy's rule: axis None flattens (unless 1-d) and works on the last axis."""
    if axis is None:
        return (x if x.ndim == 1 else ravel(x)), 0
    return x, sanitize_axis(axis, x.ndim)


def _index_array(obj: Any) -> np.ndarray:
    if isinstance(obj, DNDarray):
        return obj.numpy()
    if isinstance(obj, torch.Tensor):
        return obj.cpu().numpy()
    return np.array(obj)


def _local_window(x: DNDarray, axis: int, extent: int) -> tuple[int, int]:
    """The global rows ``[lo, hi)`` along ``axis`` (of extent ``extent``) held here."""
    if x.split == axis:
        return local_range(x.counts, x.comm.rank)
    return 0, extent


def _deleted(obj: Any, extent: int, axis: int) -> range | np.ndarray:
    """The positions ``delete`` removes, by NumPy's rules: an ascending range, or sorted
    unique int64 positions."""
    if isinstance(obj, slice):
        removed = range(*obj.indices(extent))
        return removed if removed.step > 0 else removed[::-1]
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, (bool, np.bool_)):
        index = np.array([obj])
    else:
        index = _index_array(obj)
        if index.size == 0 and not isinstance(obj, np.ndarray):
            index = index.astype(np.int64)
        if index.dtype == bool:
            if index.shape != (extent,):
                raise ValueError("boolean array argument obj to delete must be one "
                                 f"dimensional and match the axis length of {extent}")
            return np.flatnonzero(index)
        if index.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
    index = index.reshape(-1).astype(np.int64)
    bad = index[(index < -extent) | (index >= extent)]
    if bad.size:
        raise IndexError(f"index {bad[0]} is out of bounds for axis {axis} with size {extent}")
    return np.unique(np.where(index < 0, index + extent, index))


def _removed_between(removed: range | np.ndarray, lo: int, hi: int) -> slice | np.ndarray:
    """The removed positions in ``[lo, hi)``, relative to ``lo`` (a slice or an array)."""
    if isinstance(removed, range):
        def first_at_or_after(value: int) -> int:
            steps = -((removed.start - value) // removed.step)  # ceil division
            return min(max(steps, 0), len(removed))

        inside = removed[first_at_or_after(lo):first_at_or_after(hi)]
        return slice(inside.start - lo, inside.stop - lo, inside.step)
    a, b = np.searchsorted(removed, [lo, hi])
    return removed[a:b] - lo


def _count(selection: slice | np.ndarray, extent: int) -> int:
    if isinstance(selection, slice):
        return len(range(*selection.indices(extent)))
    return len(selection)


def delete(arr: Any, obj: Any, axis: int | None = None) -> DNDarray:
    """A new array with the sub-arrays at ``obj`` along ``axis`` removed.

    Parameters
    ----------
    arr : array_like
    obj : int, slice, sequence of int or boolean mask
        What to remove (NumPy's rules: negative indices count from the end, repeated ones
        count once; a mask must have the axis' length).
    axis : int or None
        None flattens ``arr`` first (unless it is 1-d).

    Returns
    -------
    DNDarray
        ``arr``'s split. Along the split axis every rank drops its own rows, so the
        counts are uneven (call ``.balance()`` to even them out).

    Raises
    ------
    IndexError
        An index out of range, or an index array that is not integer or boolean.
    ValueError
        A boolean mask of the wrong shape.
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none (the new counts follow from the replicated ``obj``), except what
    :func:`ember.ravel` needs for ``axis=None``.

    Examples
    --------
    >>> import ember as em
    >>> em.delete(em.arange(6, split=0), [0, 4]).tolist()
    [1, 2, 3, 5]
    """
    x, axis = _flat_and_axis(as_dndarray(arr), axis)
    extent = x.shape[axis]
    removed = _deleted(obj, extent, axis)
    lo, hi = _local_window(x, axis, extent)
    keep = torch.ones(hi - lo, dtype=torch.bool)
    gone = _removed_between(removed, lo, hi)
    keep[gone if isinstance(gone, slice) else torch.from_numpy(gone)] = False
    local = x.larray[(slice(None),) * axis + (keep.to(x.larray.device),)]
    shape = list(x.shape)
    shape[axis] = extent - len(removed)
    counts = x.counts
    if x.split == axis:
        windows = [local_range(x.counts, r) for r in range(x.comm.size)]
        counts = tuple((b - a) - _count(_removed_between(removed, a, b), b - a)
                       for a, b in windows)
    return DNDarray(local, shape, x.split, x.comm, counts)


def _broadcast_rows(values: torch.Tensor, shape: list[int]) -> torch.Tensor:
    """``values`` broadcast to ``shape`` as NumPy's item assignment does."""
    while values.dim() > len(shape) and values.shape[0] == 1:
        values = values[0]
    try:
        return values.broadcast_to(shape)
    except RuntimeError:
        raise ValueError(f"shape mismatch: value array of shape {tuple(values.shape)} could "
                         f"not be broadcast to indexing result of shape {tuple(shape)}") from None


def _insertion(x: DNDarray, obj: Any, values: Any, axis: int
               ) -> tuple[np.ndarray, torch.Tensor]:
    """NumPy's insert rules: the final positions of the new rows (in the order of
    ``values``' rows) and those rows (replicated, ``x``'s dtype)."""
    extent, scalar = x.shape[axis], False
    if isinstance(obj, slice):
        index = np.arange(*obj.indices(extent), dtype=np.int64)
    else:
        index = _index_array(obj)
        if index.dtype == bool:
            if index.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            index = np.flatnonzero(index)
        elif index.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional or "
                             "scalar")
        scalar = index.ndim == 0
    rows = array(values, dtype=x.dtype, ndmin=x.ndim, comm=x.comm, device=x.device)
    rows = rows._full_tensor()
    if index.size == 1:
        position = operator.index(index.item())
        if position < -extent or position > extent:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {extent}")
        rows = rows.movedim(0, axis) if scalar else rows
        position += extent if position < 0 else 0
        positions = position + np.arange(rows.shape[axis], dtype=np.int64)
    else:
        if index.size == 0 and not isinstance(obj, np.ndarray):
            index = index.astype(np.int64)
        if index.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        positions = np.where(index < 0, index + extent, index).astype(np.int64)
        positions[np.argsort(positions, kind="stable")] += np.arange(positions.size)
        size = extent + positions.size
        bad = positions[(positions < -size) | (positions >= size)]
        if bad.size:
            raise IndexError(f"index {bad[0]} is out of bounds for axis {axis} with size {size}")
        positions = positions % max(size, 1)
        if np.unique(positions).size != positions.size:
            raise ValueError("shape mismatch: the positions of the inserted values overlap")
    shape = list(x.shape)
    shape[axis] = positions.size
    return positions, _broadcast_rows(rows, shape)


def _interleave(old: torch.Tensor, new: torch.Tensor, positions: np.ndarray, lo: int,
                hi: int, axis: int) -> torch.Tensor:
    """Rows ``[lo, hi)`` of the result along ``axis``: row k of ``new`` at
    ``positions[k]`` where that falls in the window, the rows of ``old`` in order
    elsewhere."""
    device = old.device
    positions = torch.from_numpy(positions).to(device)
    inside = ((positions >= lo) & (positions < hi)).nonzero().reshape(-1)
    slots = positions[inside] - lo
    shape = list(old.shape)
    shape[axis] = hi - lo
    block = old.new_empty(shape)
    block.index_copy_(axis, slots, new.index_select(axis, inside))
    is_new = torch.zeros(hi - lo, dtype=torch.bool, device=device)
    is_new[slots] = True
    block.index_copy_(axis, (~is_new).nonzero().reshape(-1), old)
    return block


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> DNDarray:
    """A new array with ``values`` inserted before the indices ``obj`` along ``axis``.

    NumPy's rules, including their two broadcasting modes: a scalar ``obj`` inserts
    ``values`` as one slab whose first axis is moved to ``axis`` (``insert(a, 1, [1, 2],
    axis=1)`` inserts one column), while a sequence ``obj`` inserts one slab per index,
    ``values`` broadcast to them (``insert(a, [1], [1, 2], axis=1)`` inserts two
    columns).

    Parameters
    ----------
    arr : array_like
    obj : int, slice or sequence of int
        The indices before which to insert (a boolean mask: where it is True).
    values : array_like
        Cast to ``arr``'s dtype.
    axis : int or None
        None flattens ``arr`` first (unless it is 1-d).

    Returns
    -------
    DNDarray
        ``arr``'s split; balanced along it when inserting along the split axis, else with
        ``arr``'s counts.

    Raises
    ------
    IndexError
        An index out of range, or a non-integer index array.
    ValueError
        A multi-dimensional ``obj``, or ``values`` that do not broadcast.
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none when ``axis`` is not the split axis; along it, one Alltoallv of
    the rows whose owner changes (about the number of inserted rows per rank boundary).
    A split ``values`` array is gathered (one Allgatherv), as is a split ``obj``; plus
    what :func:`ember.ravel` needs for ``axis=None``.

    Examples
    --------
    >>> import ember as em
    >>> em.insert(em.arange(4, split=0), 1, [8, 9]).tolist()
    [0, 8, 9, 1, 2, 3]
    >>> em.insert(em.zeros((2, 2), dtype=em.int64), [1], [5, 6], axis=1).tolist()
    [[0, 5, 6, 0], [0, 5, 6, 0]]
    """
    x, axis = _flat_and_axis(as_dndarray(arr), axis)
    positions, rows = _insertion(x, obj, values, axis)
    shape = list(x.shape)
    shape[axis] += positions.size
    comm, size = x.comm, shape[axis]
    if x.split != axis:
        if x.split is not None:
            start, stop = local_range(x.counts, comm.rank)
            rows = rows.narrow(x.split, start, stop - start)
        local = _interleave(x.larray, rows, positions, 0, size, axis)
        return DNDarray(local, shape, x.split, comm, x.counts)
    counts = balanced_counts(size, comm.size)
    bounds = np.array([*offsets(counts), size])
    old_before = bounds - np.searchsorted(np.sort(positions), bounds)
    old = redistribution.change_counts(x.larray, x.shape, axis, x.counts,
                                       np.diff(old_before).tolist(), comm)
    lo, hi = local_range(counts, comm.rank)
    return DNDarray(_interleave(old, rows, positions, lo, hi, axis), shape, axis, comm, counts)
