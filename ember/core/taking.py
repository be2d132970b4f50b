"""take, put, take_along_axis and put_along_axis: NumPy's index functions, on top of
the indexing of :mod:`ember.core.indexing` (``x[key]`` and ``x[key] = value``)."""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np
import torch

from . import advanced_indexing as adv
from .creation import as_dndarray as _as_array
from .distribution import offsets
from .dndarray import DNDarray
from .indexing import _prepared_value, getitem, setitem
from .reduction import _flattened
from .validation import sanitize_axis

__all__ = ["take", "put", "take_along_axis", "put_along_axis"]


_MODES = ("raise", "wrap", "clip")


def _check_mode(mode: str) -> None:
    if mode not in _MODES:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")


def _flat_view(a: DNDarray) -> DNDarray | None:
    """``a`` as a 1-D view of its blocks (C order), or None when that needs data to move
    (split along an axis other than the first)."""
    if a.ndim == 1:
        return a
    if a.split not in (None, 0) or not a.larray.is_contiguous():
        return None
    rest = int(np.prod(a.shape[1:], dtype=np.int64))
    counts = None if a.split is None else tuple(c * rest for c in a.counts)
    return DNDarray(a.larray.view(-1), (a.size,), a.split, a.comm, counts)


def _integer_indices(indices: Any) -> int | torch.Tensor | DNDarray:
    """Indices for take/put: an int, an int64 tensor or an int64 DNDarray (booleans are
    read as integers, as NumPy's take does; Python lists of floats are truncated)."""
    if isinstance(indices, DNDarray):
        if indices.dtype.kind not in "biu":
            raise TypeError(f"Cannot cast array data from dtype('{indices.dtype.name}') to "
                            "dtype('int64') according to the rule 'same_kind'")
        if indices.ndim == 0:
            return int(indices.larray.item())
        return indices.astype("int64", copy=False)
    if isinstance(indices, (numbers.Integral, np.integer)):
        return operator.index(indices)
    data = indices.detach().cpu().numpy() if isinstance(indices, torch.Tensor) else \
        np.asarray(indices)
    if data.dtype.kind not in "biu" and not (data.dtype.kind == "f" and
                                              not isinstance(indices, np.ndarray)):
        raise TypeError(f"Cannot cast array data from dtype('{data.dtype}') to "
                        "dtype('int64') according to the rule 'same_kind'")
    if data.ndim == 0:
        return int(data)
    return torch.from_numpy(np.ascontiguousarray(data.astype(np.int64)))


def _apply_mode(index: Any, size: int, mode: str) -> Any:
    """Indices wrapped or clipped into ``[0, size)`` (``mode`` "wrap"/"clip"), locally."""
    if mode == "raise":
        return index
    count = index.size if isinstance(index, DNDarray) else (
        index.numel() if isinstance(index, torch.Tensor) else 1)
    if size == 0 and count:
        raise IndexError("cannot do a non-empty take from an empty axes.")

    def fix(t):
        return torch.remainder(t, size) if mode == "wrap" else t.clamp(0, max(size - 1, 0))

    if isinstance(index, DNDarray):
        return DNDarray(fix(index.larray), index.shape, index.split, index.comm, index.counts)
    if isinstance(index, torch.Tensor):
        return fix(index)
    return int(fix(torch.tensor(index)))


def take(a: Any, indices: Any, axis: int | None = None, out: DNDarray | None = None,
         mode: str = "raise") -> DNDarray:
    """Take elements from an array along an axis (NumPy's ``take``).

    Parameters
    ----------
    a : array_like
        The source array.
    indices : int or array_like of int
        The indices (a DNDarray of any split, NumPy data or a list).
    axis : int, optional
        The axis to take along; the flattened array when None.
    out : DNDarray, optional
        Receives the result (of the result's shape).
    mode : {"raise", "wrap", "clip"}
        Out-of-range indices: IndexError, wrapped around, or clipped to the ends
        ("clip" also disables negative indices, as NumPy).

    Returns
    -------
    DNDarray
        ``a[(slice(None),) * axis + (indices,)]``; ``out`` when given.

    Raises
    ------
    IndexError
        An index out of range with mode "raise" (on every rank).
    ValueError
        An unknown mode, or ``out`` of the wrong shape.

    Notes
    -----
    Communication: that of :func:`getitem` with an integer array: none when ``axis`` is
    not the split axis (a distributed index array is gathered: one Allgatherv), else one
    Alltoall and two Alltoallv; ``axis=None`` on an array split along a later axis first
    costs one Alltoallv (flattening).

    Examples
    --------
    >>> import ember as em
    >>> em.take(em.arange(10, split=0) * 10, [7, 1, 1]).tolist()
    [70, 10, 10]
    >>> em.take(em.arange(6).reshape(2, 3), [-1, 5], axis=1, mode="clip").tolist()
    [[0, 2], [3, 5]]
    """
    _check_mode(mode)
    a = _as_array(a)
    if axis is None:
        a, axis = _flattened(a), 0
    else:
        axis = sanitize_axis(axis, a.ndim)
    index = _apply_mode(_integer_indices(indices), a.shape[axis], mode)
    result = getitem(a, (slice(None),) * axis + (index,))
    if out is None:
        return result
    if not isinstance(out, DNDarray) or out.shape != result.shape:
        raise ValueError("output array does not match result of ndarray.take")
    setitem(out, Ellipsis, result)
    return out


def put(a: DNDarray, ind: Any, v: Any, mode: str = "raise") -> None:
    """Replace elements of the flattened ``a`` at ``ind`` by ``v``, in place (NumPy's
    ``put``); ``v`` is repeated (or cut) to the number of indices.

    Parameters
    ----------
    a : DNDarray
        The target, modified in place.
    ind : int or array_like of int
        Flat (C-order) indices; a DNDarray of any split, NumPy data or a list.
    v : scalar or array_like
        The values (cast to ``a.dtype`` as NumPy does).
    mode : {"raise", "wrap", "clip"}
        As :func:`take`.

    Raises
    ------
    TypeError
        If ``a`` is not a DNDarray.
    IndexError
        An index out of range with mode "raise" (on every rank).

    Notes
    -----
    Communication: that of :func:`setitem` with an integer array on the flattened
    array: when ``a`` is split along its first axis (or replicated) none for replicated
    indices and values, else one Alltoall and two Alltoallv. An array split along a
    later axis is indexed through unravelled indices (same costs; one 8-byte Allreduce
    checks distributed indices). Repeating a distributed ``v`` is a gather (as
    :func:`take`).

    Examples
    --------
    >>> import ember as em
    >>> x = em.zeros((2, 3), dtype=em.int64, split=0)
    >>> em.put(x, [0, 4, 5], [7, 8])
    >>> x.tolist()
    [[7, 0, 0], [0, 8, 7]]
    """
    if not isinstance(a, DNDarray):
        raise TypeError(f"put: a must be a DNDarray, got {type(a).__name__}")
    _check_mode(mode)
    index = _apply_mode(_integer_indices(ind), a.size, mode)
    if isinstance(index, DNDarray):
        index = _flattened(index) if index.ndim != 1 else index
    elif isinstance(index, torch.Tensor):
        index = index.reshape(-1)
    count = index.size if isinstance(index, DNDarray) else (
        index.numel() if isinstance(index, torch.Tensor) else 1)
    values = _prepared_value(v, a)
    values = _flattened(values) if isinstance(values, DNDarray) else values.reshape(-1)
    length = values.size if isinstance(values, DNDarray) else values.numel()
    if length == 0 or count == 0:
        return
    if length != count:
        values = getitem(values, torch.arange(count) % length) if isinstance(
            values, DNDarray) else values[torch.arange(count, device=values.device) % length]
    flat = _flat_view(a)
    if flat is not None:
        setitem(flat, index, values)
        return
    setitem(a, _unravel(index, a), values)


def _unravel(index: Any, a: DNDarray) -> tuple:
    """Flat indices as one index array per axis of ``a`` (bounds checked first)."""
    size = a.size
    if isinstance(index, int):
        index = torch.tensor([index])
    if isinstance(index, torch.Tensor):
        bad = (index < -size) | (index >= size)
        if bool(bad.any()):
            raise adv.out_of_bounds(int(index[bad][0]), 0, size)
        return tuple(_unravel_local(torch.remainder(index, max(size, 1)), a.shape))
    block = index.larray
    bad = (block < -size) | (block >= size)
    error = adv.out_of_bounds(int(block[bad][0]), 0, size) if bool(bad.any()) else None
    a.comm.raise_if_any(error)
    columns = _unravel_local(torch.remainder(block, max(size, 1)), a.shape)
    return tuple(DNDarray(c.contiguous(), index.shape, index.split, index.comm, index.counts)
                 for c in columns)


def _unravel_local(flat: torch.Tensor, shape: tuple[int, ...]) -> list[torch.Tensor]:
    """C-order multi-indices of non-negative flat indices (one tensor per axis)."""
    columns = []
    for extent in reversed(shape):
        columns.append(torch.remainder(flat, extent))
        flat = torch.div(flat, extent, rounding_mode="floor")
    return columns[::-1]


def _along(arr: DNDarray, indices: Any, axis: int | None, name: str
           ) -> tuple[DNDarray, Any, int]:
    """Checked ``(arr, indices, axis)`` of take/put_along_axis (``axis=None``: flat)."""
    if isinstance(indices, DNDarray):
        kind = indices.dtype.kind
    else:
        indices = torch.as_tensor(np.asarray(indices)) if not isinstance(
            indices, torch.Tensor) else indices
        kind = "b" if indices.dtype == torch.bool else (
            "f" if indices.is_floating_point() or indices.is_complex() else "i")
    if kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        return arr, indices, None
    axis = sanitize_axis(axis, arr.ndim)
    if indices.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    return arr, indices, axis


def _along_key(shape: tuple[int, ...], indices: Any, axis: int) -> tuple:
    """NumPy's fancy index for take/put_along_axis: ranges on the other axes."""
    key = []
    for d, extent in enumerate(shape):
        if d == axis:
            key.append(indices)
        else:
            view = [1] * len(shape)
            view[d] = extent
            key.append(torch.arange(extent).reshape(view))
    return tuple(key)


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1) -> DNDarray:
    """Take values from ``arr`` by matching 1-D index and data slices along ``axis``
    (NumPy's ``take_along_axis``; the indices come from argsort, argpartition, ...).

    Parameters
    ----------
    arr : array_like
        The source array.
    indices : array_like of int
        Of ``arr``'s number of dimensions; broadcasts with ``arr`` outside ``axis``.
    axis : int or None
        The axis to take along (default the last); None: ``arr`` flattened and 1-D
        ``indices``.

    Returns
    -------
    DNDarray

    Raises
    ------
    IndexError
        Non-integer indices, or an index out of range (on every rank).
    ValueError
        ``indices`` of another number of dimensions.

    Notes
    -----
    Communication: none when ``arr`` is replicated (the result is distributed like
    ``indices``) or split along another axis than ``axis`` with ``indices`` of its shape
    there (replicated indices are cut locally, distributed ones aligned with one
    Alltoallv at most; one 8-byte Allreduce checks them); along ``axis`` (or with
    broadcasting across the split axis), that of :func:`getitem` with one integer array
    per axis: one Alltoall and two Alltoallv (volume: the requested elements).

    Examples
    --------
    >>> import ember as em
    >>> a = em.array([[10, 30, 20], [60, 40, 50]], split=0)
    >>> em.take_along_axis(a, em.array([[0, 2], [1, 1]]), axis=1).tolist()
    [[10, 20], [40, 40]]
    """
    arr, indices, axis = _along(_as_array(arr), indices, axis, "take_along_axis")
    if axis is None:
        return getitem(_flattened(arr), (indices,))
    split = arr.split
    if split is not None and split != axis and arr.shape[split] > 1 and all(
            indices.shape[d] == arr.shape[d] for d in range(arr.ndim) if d != axis):
        return _gather_along(arr, indices, axis)
    return getitem(arr, _along_key(arr.shape, indices, axis))


def _gather_along(arr: DNDarray, indices: Any, axis: int) -> DNDarray:
    """take_along_axis of an array split along another axis: the indices are cut (or
    redistributed) to ``arr``'s blocks, then one local ``torch.gather``.

    Communication: none for replicated indices or indices with ``arr``'s distribution;
    else one Alltoallv of the indices; one 8-byte Allreduce checks distributed ones.
    """
    comm, split, size = arr.comm, arr.split, arr.shape[axis]
    if isinstance(indices, DNDarray):
        block = adv.operand_block(indices.astype("int64", copy=False), arr.ndim, split,
                                  arr.counts)
        bad = (block < -size) | (block >= size)
        comm.raise_if_any(adv.out_of_bounds(int(block[bad][0]), axis, size)
                          if bool(bad.any()) else None)
    else:
        full = indices.to(torch.int64)
        bad = (full < -size) | (full >= size)
        if bool(bad.any()):
            raise adv.out_of_bounds(int(full[bad][0]), axis, size)
        start = offsets(arr.counts)[comm.rank]
        block = full.narrow(split, start, arr.counts[comm.rank])
    block = torch.where(block < 0, block + size, block).to(arr.larray.device)
    local = torch.gather(arr.larray, axis, block)
    return DNDarray(local, tuple(indices.shape), split, comm, arr.counts)


def put_along_axis(arr: DNDarray, indices: Any, values: Any, axis: int | None) -> None:
    """Put ``values`` into ``arr`` by matching 1-D index and data slices along ``axis``,
    in place (NumPy's ``put_along_axis``).

    Parameters
    ----------
    arr : DNDarray
        The target, modified in place.
    indices : array_like of int
        Of ``arr``'s number of dimensions; broadcasts with ``arr`` outside ``axis``.
    values : scalar or array_like
        Broadcast to the shape of ``indices``.
    axis : int or None
        None: ``arr`` flattened and 1-D ``indices``.

    Raises
    ------
    TypeError
        If ``arr`` is not a DNDarray.
    IndexError, ValueError
        As :func:`take_along_axis`; ValueError if ``values`` does not broadcast.

    Notes
    -----
    Communication: that of :func:`setitem` with one integer array per axis: none for a
    replicated ``arr`` with replicated indices and values, or a split one with
    replicated indices and values (each rank writes what it owns); otherwise one
    Alltoall and two Alltoallv.

    Examples
    --------
    >>> import ember as em
    >>> a = em.zeros((2, 3), dtype=em.int64, split=0)
    >>> em.put_along_axis(a, em.array([[2], [0]]), 9, axis=1)
    >>> a.tolist()
    [[0, 0, 9], [9, 0, 0]]
    """
    if not isinstance(arr, DNDarray):
        raise TypeError(f"put_along_axis: arr must be a DNDarray, got {type(arr).__name__}")
    arr, indices, axis = _along(arr, indices, axis, "put_along_axis")
    if axis is None:
        flat = _flat_view(arr)
        if flat is None:
            raise NotImplementedError("put_along_axis: axis=None on an array split along "
                                      "an axis other than the first is not supported")
        setitem(flat, (indices,), values)
        return
    setitem(arr, _along_key(arr.shape, indices, axis), values)
