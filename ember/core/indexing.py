"""Indexing: ``x[key]`` and ``x[key] = value`` (basic and advanced), take, put,
take_along_axis, put_along_axis.

Keys follow NumPy exactly: integers, slices of any step, ``...``, ``None``, boolean masks
(whole-array or per-axis, Python bools too), integer arrays and lists (repeats, any order,
pointwise pairs that broadcast), as DNDarrays of any split, NumPy arrays or lists, and
mixes of these; result shapes follow NumPy's rules, including the placement of the index
dimensions when advanced indices are separated by a slice. Where NumPy returns a view,
ember returns a new array; an index that selects one element gives a 0-d DNDarray.

Communication (P processes; "the split axis" is the indexed array's):

===========================================  ============================================
key                                          communication of ``x[key]``
===========================================  ============================================
slices (positive step), ``...``, ``None``,   none: every element stays where it is; the
integers on other axes                       new counts are computed arithmetically
                                             (uneven, possibly zero, never rebalanced)
integer on the split axis                    one Bcast of the selected slab from its owner
                                             (the result is replicated)
negative step along the split axis           one Sendrecv (:func:`ember.flip` of the
                                             selected part)
boolean mask (aligned with the array)        none, or, when the split axis is the first
                                             masked axis, one Allgather of one integer per
                                             rank (the result is split there, unbalanced);
                                             a split axis later in the mask: one Alltoallv
                                             first (re-split along the first masked axis)
integer arrays on other axes                 none (distributed index arrays: one
                                             Allgatherv of them)
integer arrays on the split axis             one Alltoall of the request counts, one
                                             Alltoallv of the indices, one Alltoallv of
                                             the rows (the result is split along the
                                             first index dimension)
===========================================  ============================================

Assignment writes into the owning blocks: basic keys with scalars or replicated values
need no communication; a distributed value is aligned with the selection (at most one
Alltoallv); integer arrays on the split axis route (index, value) pairs to the owners
with one Alltoall and two Alltoallv (none when the index arrays and the value are
replicated: each rank writes what it owns).

Out-of-range indices raise NumPy's IndexError on every rank: replicated indices are
checked before any communication; distributed ones are agreed on within the request
exchange, or with one small Allreduce.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from . import advanced_indexing as adv
from .distribution import offsets
from .dndarray import DNDarray
from .validation import sanitize_axis

__all__ = ["take", "put", "take_along_axis", "put_along_axis"]

_INVALID_INDEX = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                  "and integer or boolean arrays are valid indices")
_INVALID_ARRAY = "arrays used as indices must be of integer (or boolean) type"


# --------------------------------------------------------------------------------------
# parsing a key (replicated metadata and replicated data only: no communication)
# --------------------------------------------------------------------------------------
@dataclass
class _Item:
    """One element of a key. ``kind``: "new", "ellipsis", "bool0", "int", "slice",
    "array" (int64 tensor or DNDarray) or "mask" (bool tensor or DNDarray); ``axis``:
    the first axis of the indexed array it applies to."""

    kind: str
    payload: Any = None
    axis: int | None = None

    @property
    def consumed(self) -> int:
        if self.kind in ("int", "slice", "array"):
            return 1
        return self.payload.ndim if self.kind == "mask" else 0


def _index_tensor(obj: Any) -> torch.Tensor:
    """A list, tuple, NumPy array or tensor used as an index, as a bool or int64 tensor."""
    if isinstance(obj, torch.Tensor):
        tensor = obj.detach()
    else:
        try:
            data = np.asarray(obj)
        except ValueError:
            raise IndexError(_INVALID_INDEX) from None
        if data.size == 0 and not isinstance(obj, np.ndarray):
            data = data.astype(np.int64)  # NumPy reads an empty list as integers
        if data.dtype.kind not in "biuf":
            raise IndexError(_INVALID_INDEX)
        if data.dtype.kind == "f":
            raise IndexError(_INVALID_ARRAY)
        tensor = torch.from_numpy(np.ascontiguousarray(data))
    if tensor.dtype == torch.bool:
        return tensor
    if tensor.is_floating_point() or tensor.is_complex():
        raise IndexError(_INVALID_ARRAY)
    return tensor.to(torch.int64)


def _classify(obj: Any) -> _Item:
    if obj is None:
        return _Item("new")
    if obj is Ellipsis:
        return _Item("ellipsis")
    if isinstance(obj, slice):
        return _Item("slice", obj)
    if isinstance(obj, (bool, np.bool_)):
        return _Item("bool0", bool(obj))
    if isinstance(obj, (numbers.Integral, np.integer)):
        return _Item("int", operator.index(obj))
    if isinstance(obj, DNDarray):
        if obj.dtype.kind not in "biu":
            raise IndexError(_INVALID_ARRAY)
        if obj.ndim == 0:
            return _Item("bool0" if obj.dtype.kind == "b" else "int", obj.larray.item())
        kind = "mask" if obj.dtype.kind == "b" else "array"
        if obj.split is None:
            return _Item(kind, _index_tensor(obj.larray))
        return _Item(kind, obj if kind == "mask" else obj.astype("int64", copy=False))
    if isinstance(obj, (np.ndarray, torch.Tensor, list, tuple)):
        tensor = _index_tensor(obj)
        if tensor.dim() == 0:
            return _Item("bool0" if tensor.dtype == torch.bool else "int", tensor.item())
        return _Item("mask" if tensor.dtype == torch.bool else "array", tensor)
    if hasattr(obj, "__index__") and not isinstance(obj, (float, complex, np.inexact)):
        return _Item("int", operator.index(obj))
    raise IndexError(_INVALID_INDEX)


def _parse(x: DNDarray, key: Any) -> tuple[list[_Item], bool]:
    """The key as one item per indexed axis (``...`` expanded), validated against ``x``;
    and whether it is an advanced index."""
    raw = key if isinstance(key, tuple) else (key,)
    items = [_classify(obj) for obj in raw]
    if sum(item.kind == "ellipsis" for item in items) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(item.consumed for item in items)
    if consumed > x.ndim:
        raise IndexError(f"too many indices for array: array is {x.ndim}-dimensional, but "
                         f"{consumed} were indexed")
    fill = [_Item("slice", slice(None))] * (x.ndim - consumed)
    at = next((i for i, item in enumerate(items) if item.kind == "ellipsis"), len(items))
    items = items[:at] + fill + items[at + 1:]
    axis = 0
    for i, item in enumerate(items):
        items[i] = _validated(_Item(item.kind, item.payload, axis), x)
        axis += item.consumed
    advanced = any(item.kind in ("array", "mask", "bool0") for item in items)
    return items, advanced


def _validated(item: _Item, x: DNDarray) -> _Item:
    """Bounds of integers and replicated index arrays (made non-negative), mask shapes."""
    if item.kind == "int":
        size = x.shape[item.axis]
        if not -size <= item.payload < size:
            raise adv.out_of_bounds(item.payload, item.axis, size)
        return _Item("int", item.payload % size, item.axis)
    if item.kind == "array" and isinstance(item.payload, torch.Tensor):
        size, index = x.shape[item.axis], item.payload
        bad = (index < -size) | (index >= size)
        if bool(bad.any()):
            raise adv.out_of_bounds(int(index[bad][0]), item.axis, size)
        return _Item("array", torch.where(index < 0, index + size, index), item.axis)
    if item.kind == "mask":
        for j, extent in enumerate(item.payload.shape):
            size = x.shape[item.axis + j]
            if extent != size:
                raise IndexError(f"boolean index did not match indexed array along axis "
                                 f"{item.axis + j}; size of axis is {size} but size of "
                                 f"corresponding boolean axis is {extent}")
    return item


# --------------------------------------------------------------------------------------
# basic indexing: a view of each rank's block, counts by arithmetic
# --------------------------------------------------------------------------------------
@dataclass
class _Basic:
    """The basic part of a key, in positive-step form.

    ``key`` indexes this rank's block (a torch basic index: a view), or is None on ranks
    that take no part (an integer picking from the split axis on another rank);
    ``shape``/``split``/``counts`` describe the result; ``flips`` are result axes to
    reverse (negative steps); ``root`` is the rank owning the slab an integer picks from
    the split axis; ``indexers`` and ``masks`` are the advanced items, by result axis.
    """

    key: tuple | None
    shape: tuple[int, ...]
    split: int | None
    counts: tuple[int, ...] | None
    flips: list[int] = field(default_factory=list)
    root: int | None = None
    advanced: list[tuple[int, _Item]] = field(default_factory=list)


def _split_slice(steps: range, counts: Sequence[int], rank: int
                 ) -> tuple[slice, tuple[int, ...]]:
    """This rank's local slice and every rank's count for the positive-step ``steps``
    along the split axis."""
    new_counts, mine = [], slice(0, 0)
    for owner, (start, count) in enumerate(zip(offsets(counts), counts, strict=True)):
        first = max(steps.start, start)
        first = steps.start + -(-(first - steps.start) // steps.step) * steps.step
        stop = min(steps.stop, start + count)
        taken = max(0, -(-(stop - first) // steps.step))
        new_counts.append(taken)
        if owner == rank and taken:
            mine = slice(first - start, first - start + (taken - 1) * steps.step + 1,
                         steps.step)
    return mine, tuple(new_counts)


def _positive(item: _Item, size: int) -> tuple[range, bool]:
    """The selected positions in increasing order, and whether the key reverses them."""
    steps = range(*item.payload.indices(size))
    if not steps:
        return range(0, 0, 1), False
    if steps.step < 0:
        return steps[::-1], True
    return steps, False


def _plan(x: DNDarray, items: list[_Item], advanced: bool) -> _Basic:
    rank = x.comm.rank
    plan = _Basic([], [], None, None)
    key = plan.key
    for item in items:
        out = len(plan.shape)
        if item.kind in ("new", "bool0"):
            key.append(None)
            plan.shape.append(1)
            if item.kind == "bool0":
                plan.advanced.append((out, _Item("mask", torch.tensor([item.payload]))))
        elif item.kind == "int" and not advanced:
            if item.axis == x.split:
                plan.root = _owner(x.counts, item.payload)
                start = offsets(x.counts)[plan.root]
                key.append(item.payload - start if rank == plan.root else 0)
            else:
                key.append(item.payload)
        elif item.kind == "slice":
            steps, flipped = _positive(item, x.shape[item.axis])
            if flipped:
                plan.flips.append(out)
            if item.axis == x.split:
                local, plan.counts = _split_slice(steps, x.counts, rank)
                plan.split = out
                key.append(local)
            else:
                key.append(slice(steps.start, steps.stop, steps.step))
            plan.shape.append(len(steps))
        else:  # integer in an advanced key, index array, mask: indexed afterwards
            for j in range(max(item.consumed, 1)):
                if item.axis + j == x.split:
                    plan.split, plan.counts = out + j, x.counts
                key.append(slice(None))
                plan.shape.append(x.shape[item.axis + j])
            plan.advanced.append((out, item))
    if plan.root is not None and rank != plan.root:
        plan.key = None
    plan.key = None if plan.key is None else tuple(plan.key)
    plan.shape = tuple(plan.shape)
    return plan


def _owner(counts: Sequence[int], index: int) -> int:
    starts = offsets(counts)
    return next(r for r in range(len(counts) - 1, -1, -1)
                if starts[r] <= index and counts[r] > 0)


def _basic_result(x: DNDarray, plan: _Basic) -> DNDarray:
    """The basic part of the selection as a DNDarray (a view of ``x``'s blocks unless an
    integer picked from the split axis or an axis was reversed)."""
    comm = x.comm
    if plan.root is not None:
        if plan.key is not None:
            local = x.larray[plan.key].clone(memory_format=torch.contiguous_format)
        else:
            local = torch.empty(plan.shape, dtype=x.larray.dtype, device=x.larray.device)
        local = comm.Bcast(local, root=plan.root)
    else:
        local = x.larray[plan.key]
    y = DNDarray(local, plan.shape, plan.split, comm, plan.counts)
    local_flips = [axis for axis in plan.flips if axis != y.split]
    if local_flips:
        y = DNDarray(torch.flip(y.larray, local_flips), y.shape, y.split, comm, y.counts)
    if y.split is not None and y.split in plan.flips:
        from .rearranging import flip

        y = flip(y, y.split)
    return y


def _indexers(plan: _Basic, x: DNDarray) -> list[adv.Indexer]:
    """The advanced items as integer indexers (masks become integer arrays)."""
    indexers = []
    for position, item in plan.advanced:
        if item.kind == "mask":
            indexers.extend(adv.mask_indexers(item.payload, position))
        elif item.kind == "int":
            indexers.append(adv.Indexer(position, torch.tensor(item.payload), None, 0))
        else:
            size = x.shape[item.axis]
            indexers.append(adv.Indexer(position, item.payload, item.axis, size))
    return indexers


def _single_mask(plan: _Basic) -> tuple[int, Any] | None:
    """``(position, mask)`` if the only advanced item is one boolean mask."""
    if len(plan.advanced) == 1 and plan.advanced[0][1].kind == "mask":
        position, item = plan.advanced[0]
        return position, item.payload
    return None


def getitem(x: DNDarray, key: Any) -> DNDarray:
    """``x[key]`` with NumPy's semantics (see the module docstring for the keys).

    Returns a new array (never a view). Distribution of the result: the input's split
    where its axis survives a slice (counts computed arithmetically, possibly uneven or
    zero); replicated when an integer removes the split axis; split along the selection
    axis, with data-dependent counts, for a boolean mask whose first axis is the split
    axis; split along the first index dimension for integer arrays on the split axis.

    Raises
    ------
    IndexError
        As NumPy, on every rank: an index out of range, too many indices, a mask of the
        wrong shape, a non-integer index, index arrays that do not broadcast.

    Notes
    -----
    Communication: none for basic indexing (slices with positive steps, integers on
    axes that are not split, ``...``, ``None``); one Bcast from the owner for an integer
    on the split axis; one Sendrecv for a negative step along it; for a boolean mask,
    aligning it with ``x`` and, split along the first masked axis, one Allgather of one
    integer per rank (a split axis later in the mask costs one Alltoallv of ``x``);
    for integer arrays on the split axis, one Alltoall of the request counts and two
    Alltoallv (indices out, rows back); on other axes none (one Allgatherv of a
    distributed index array).
    """
    items, advanced = _parse(x, key)
    plan = _plan(x, items, advanced)
    y = _basic_result(x, plan)
    if not plan.advanced:
        if plan.root is None and not plan.flips:  # still a view of x's blocks
            local = y.larray.clone(memory_format=torch.contiguous_format)
            y = DNDarray(local, y.shape, y.split, y.comm, y.counts)
        return y
    single = _single_mask(plan)
    if single is not None:
        return adv.mask_get(y, *single)
    return adv.advanced_get(y, _indexers(plan, x))


# --------------------------------------------------------------------------------------
# assignment
# --------------------------------------------------------------------------------------
def _is_scalar(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.generic))


def _prepared_value(value: Any, x: DNDarray) -> Any:
    """``value`` cast to ``x``'s dtype as NumPy's assignment does (unsafe casting; a
    Python int out of range is an OverflowError): a DNDarray, or a replicated tensor."""
    target = x.dtype
    device = x.larray.device
    if isinstance(value, DNDarray):
        if value.comm is not x.comm:
            raise ValueError("the value lives on another communicator than the array")
        value = value.astype(target, copy=False).to(x.device)
        return value._full_tensor() if value.size == 1 else value  # one element: replicate
    if isinstance(value, torch.Tensor):
        return value.detach().to(device=device, dtype=target.torch)
    if _is_scalar(value):
        from .creation import _cast_scalar

        return _cast_scalar(value, target).to(device)
    numpy_target = target.numpy if target.numpy is not None else np.float64
    try:
        data = np.asarray(value, dtype=numpy_target)
    except TypeError:
        data = np.asarray(value).astype(numpy_target)
    return torch.from_numpy(np.ascontiguousarray(data)).to(device=device, dtype=target.torch)


def setitem(x: DNDarray, key: Any, value: Any) -> None:
    """``x[key] = value`` with NumPy's semantics, writing into ``x``'s blocks in place.

    ``value`` (a scalar, NumPy data or a DNDarray of any split) is cast to ``x.dtype``
    as NumPy does (``x[...] = 1.7`` on integers truncates) and broadcast to the
    selection. With repeated integer indices, the last one in C order wins (on the CPU).

    Raises
    ------
    IndexError
        As :func:`getitem`, on every rank.
    ValueError
        If the value does not broadcast to the selection.

    Notes
    -----
    Communication: basic keys: none for a scalar or replicated value (a distributed
    value is aligned with the selection: at most one Alltoallv, one Allgatherv when the
    selection is replicated). Boolean mask: aligning the mask (none when it shares
    ``x``'s distribution); one Allgather of one integer per rank when the value has an
    entry per selected element and the split axis is the first masked axis. Integer
    arrays on the split axis: none when the index arrays and value are replicated (each
    rank writes what it owns), else one Alltoall and two Alltoallv (indices and values
    to their owners). Integer arrays on other axes: none (distributed index arrays are
    gathered: one Allgatherv).
    """
    items, advanced = _parse(x, key)
    plan = _plan(x, items, advanced)
    value = _prepared_value(value, x)
    if not plan.advanced:
        value = adv.fit_value(value, plan.shape)
        if plan.split is not None:
            value = adv.flip_value(value, [a for a in plan.flips if a == plan.split],
                                   len(plan.shape))
        block = adv.value_block(value, plan.shape, plan.split, plan.counts, x.comm)
        block = adv.flip_value(block, [a for a in plan.flips if a != plan.split],
                               len(plan.shape))
        if plan.key is not None:
            x.larray[plan.key] = block
        return
    view = x.larray[plan.key]
    y = DNDarray(view, plan.shape, plan.split, x.comm, plan.counts)
    single = _single_mask(plan)
    if single is not None:
        position, mask = single
        if y.split is None or not position < y.split < position + mask.ndim:
            adv.mask_set(view, y, position, mask, value, plan.flips)
            return
    adv.advanced_set(view, y, _indexers(plan, x), value, plan.flips)


# --------------------------------------------------------------------------------------
# take, put, take_along_axis, put_along_axis
# --------------------------------------------------------------------------------------
_MODES = ("raise", "wrap", "clip")


def _as_array(a: Any) -> DNDarray:
    if isinstance(a, DNDarray):
        return a
    from .creation import asarray

    return asarray(a)


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


def _flat(a: DNDarray) -> DNDarray:
    """``a`` flattened in C order (one Alltoallv first if split along a later axis)."""
    view = _flat_view(a)
    if view is not None:
        return view
    if a.split not in (None, 0):
        a = a.resplit(0)
    return _flat_view(DNDarray(a.larray.contiguous(), a.shape, a.split, a.comm, a.counts))


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
        a, axis = _flat(a), 0
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
        index = _flat(index) if index.ndim != 1 else index
    elif isinstance(index, torch.Tensor):
        index = index.reshape(-1)
    count = index.size if isinstance(index, DNDarray) else (
        index.numel() if isinstance(index, torch.Tensor) else 1)
    values = _prepared_value(v, a)
    values = _flat(values) if isinstance(values, DNDarray) else values.reshape(-1)
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
        return getitem(_flat(arr), (indices,))
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
