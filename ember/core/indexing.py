"""Indexing: ``x[key]`` and ``x[key] = value`` (basic and advanced). NumPy's index
functions built on them (take, put, ...) are in :mod:`ember.core.taking`.

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

__all__: list[str] = []  # getitem/setitem are reached through DNDarray

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
