"""Searching: nonzero, argwhere, flatnonzero, compress, extract, choose, select,
searchsorted, topk.

Communication (P processes; details in each docstring):

- nonzero, argwhere, flatnonzero: one Allgather of one integer per rank (the hit counts),
  after one Alltoallv of the boolean mask when C order differs from rank order (split
  along an axis preceded by one of extent > 1). Replicated input: none.
- compress, extract: a replicated condition: none (counts are arithmetic); a distributed
  one: one Alltoallv aligning it and one Allgather of the counts.
- choose, select: that of aligning the operands (none when they share a distribution).
- searchsorted: ``a`` replicated: none; ``a`` split: one Allreduce of ``v.size`` int64.
- topk: along a non-split axis none; along the split axis one Allgatherv of at most P*k
  candidates per slice.

Results of data-dependent size (nonzero, argwhere, flatnonzero, compress, extract) keep
the data where it is: each rank holds the hits of its own block, counts uneven, never
rebalanced.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import torch

from ..comm import Communicator, get_comm
from . import dtypes
from .alignment import align
from .creation import array, from_local
from .creation import as_dndarray as _as_array
from .distribution import local_range, offsets
from .dndarray import DNDarray
from .order_keys import order_key
from .redistribution import change_counts
from .reduction import _flattened, _store
from .ufunc import (
    _check_python_ints,
    _common_dtype,
    _is_weak,
    _local,
    _prepared,
    _strong_dtype,
)
from .validation import sanitize_axis

__all__ = ["nonzero", "argwhere", "flatnonzero", "compress", "extract", "choose", "select",
           "searchsorted", "topk"]

Mask = DNDarray | torch.Tensor  # a 1-D boolean condition: distributed, or replicated data


# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
def _comm_of(*args: Any) -> Communicator:
    return next((a.comm for a in args if isinstance(a, DNDarray)), get_comm())


def _truth(t: torch.Tensor) -> torch.Tensor:
    """The truth value (non-zero) of each element; NaN is true, as in NumPy."""
    return t if t.dtype == torch.bool else t != 0


def _like(x: DNDarray, local: torch.Tensor) -> DNDarray:
    """``local`` wrapped with ``x``'s shape and distribution."""
    return DNDarray(local, x.shape, x.split, x.comm, x.counts)


def _in_c_order(x: DNDarray) -> DNDarray:
    """``x`` distributed so that its blocks, read in C order and rank order, give the
    whole array in C order: split along an axis preceded only by axes of extent 1.

    Communication: none if it already is; else one Alltoallv (a resplit to the first
    axis of extent other than 1).
    """
    if x.split is None or x.size == 0 or all(e == 1 for e in x.shape[:x.split]):
        return x
    return x.resplit(next(i for i, e in enumerate(x.shape) if e != 1))


def _hits(a: Any) -> DNDarray:
    """The global coordinates of the non-zero elements, shape (hits, ndim), int64, in
    C order: split along the hits (data-dependent counts) or replicated."""
    x = _as_array(a)
    mask = _in_c_order(_like(x, _truth(x.larray)))
    hits = torch.nonzero(mask.larray)
    if mask.split is None:
        return DNDarray(hits, tuple(hits.shape), None, x.comm)
    hits[:, mask.split] += mask.offsets[x.comm.rank]
    return from_local(hits, 0, x.comm)


# --------------------------------------------------------------------------------------
# nonzero, argwhere, flatnonzero
# --------------------------------------------------------------------------------------
def nonzero(a: Any) -> tuple[DNDarray, ...]:
    """The indices of the non-zero elements, one int64 array per dimension.

    Parameters
    ----------
    a : array_like
        Any dtype; an element counts if it is non-zero (NaN counts).

    Returns
    -------
    tuple of DNDarray
        ``a.ndim`` 1-D int64 arrays, the hits in C order (NumPy's row-major order). A
        split ``a`` gives arrays split along the hits: each rank holds the hits of its
        own block (uneven counts, not rebalanced); a replicated ``a`` replicated arrays.

    Raises
    ------
    ValueError
        For a 0-d array (as NumPy 2; use ``atleast_1d``).

    Notes
    -----
    Communication: none for a replicated array; else one Allgather of one integer per
    rank (the hit counts), preceded by one Alltoallv of the boolean mask (1 byte per
    element) when ``a`` is split along an axis that follows an axis of extent > 1,
    since only then does C order differ from rank order.

    Examples
    --------
    >>> import ember as em
    >>> rows, cols = em.nonzero(em.array([[0, 3], [4, 0]], split=0))
    >>> rows.tolist(), cols.tolist()
    ([0, 1], [1, 0])
    """
    x = _as_array(a)
    if x.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead.")
    hits = _hits(x)
    return tuple(DNDarray(hits.larray[:, axis].contiguous(), (hits.shape[0],), hits.split,
                          hits.comm, hits.counts) for axis in range(x.ndim))


def argwhere(a: Any) -> DNDarray:
    """The coordinates of the non-zero elements, one row per element (int64).

    Parameters
    ----------
    a : array_like

    Returns
    -------
    DNDarray
        Shape ``(hits, a.ndim)``, rows in C order; split along axis 0 (each rank the
        hits of its block, uneven counts) when ``a`` is split, else replicated. A 0-d
        ``a`` gives shape (1, 0) or (0, 0), as NumPy.

    Notes
    -----
    Communication: as :func:`nonzero`.

    Examples
    --------
    >>> import ember as em
    >>> em.argwhere(em.array([[0, 3], [4, 0]], split=1)).tolist()
    [[0, 1], [1, 0]]
    """
    return _hits(a)


def flatnonzero(a: Any) -> DNDarray:
    """The indices of the non-zero elements of the flattened array (int64).

    Parameters
    ----------
    a : array_like

    Returns
    -------
    DNDarray
        1-D, increasing; split along axis 0 (each rank the hits of its block, uneven
        counts) when ``a`` is split, else replicated.

    Notes
    -----
    Communication: as :func:`nonzero`.

    Examples
    --------
    >>> import ember as em
    >>> em.flatnonzero(em.array([[0, 3], [4, 0]], split=0)).tolist()
    [1, 2]
    """
    x = _as_array(a)
    if x.ndim == 0:
        x = DNDarray(x.larray.reshape(1), (1,), None, x.comm)
    hits = _hits(x)
    strides = torch.tensor(np.cumprod((1, *x.shape[:0:-1]))[::-1].copy(),
                           dtype=torch.int64, device=hits.larray.device)
    flat = (hits.larray * strides).sum(1)
    return DNDarray(flat, (hits.shape[0],), hits.split, hits.comm, hits.counts)


# --------------------------------------------------------------------------------------
# compress, extract
# --------------------------------------------------------------------------------------
def _mask_of(condition: Any, comm: Communicator, flatten: bool) -> Mask:
    """The condition as a 1-D boolean mask: a DNDarray, or a replicated tensor."""
    if isinstance(condition, DNDarray):
        mask = _like(condition, _truth(condition.larray))
        if flatten:
            mask = _flattened(mask)
        elif mask.ndim != 1:
            raise ValueError("condition must be a 1-d array")
        return mask if mask.split is not None else mask.larray
    mask = _truth(array(condition, copy=None, comm=comm).larray)
    if flatten:
        return mask.reshape(-1)
    if mask.dim() != 1:
        raise ValueError("condition must be a 1-d array")
    return mask


def _out_of_bounds(mask: torch.Tensor, start: int, n: int, axis: int) -> IndexError | None:
    """NumPy's IndexError for the first true entry at a global index >= n, if any;
    ``mask`` holds the entries from global index ``start`` on."""
    beyond = torch.nonzero(mask[max(0, n - start):])
    if not len(beyond):
        return None
    index = max(start, n) + int(beyond[0, 0])
    return IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")


def _fit(mask: Mask, n: int, axis: int) -> Mask:
    """``mask`` cut or padded (with False) to length ``n``, as NumPy treats a condition
    of another length; IndexError (on every rank) if an entry past ``n`` is true.

    Communication: one 8-byte Allreduce for a distributed mask longer than ``n``.
    """
    if isinstance(mask, torch.Tensor):
        if len(mask) > n:
            error = _out_of_bounds(mask, 0, n, axis)
            if error is not None:
                raise error
        return torch.cat([mask[:n], mask.new_zeros(max(0, n - len(mask)))])
    comm, start = mask.comm, mask.offsets[mask.comm.rank]
    counts, local = list(mask.counts), mask.larray
    if mask.shape[0] > n:
        comm.raise_if_any(_out_of_bounds(local, start, n, axis))
        counts = [max(0, min(c, n - s)) for c, s in zip(counts, mask.offsets, strict=True)]
        local = local[:counts[comm.rank]]
    elif mask.shape[0] < n:
        counts[-1] += n - mask.shape[0]
        if comm.rank == comm.size - 1:
            local = torch.cat([local, local.new_zeros(n - mask.shape[0])])
    return DNDarray(local, (n,), 0, comm, counts)


def _select(t: torch.Tensor, mask: torch.Tensor, axis: int) -> torch.Tensor:
    return t.index_select(axis, torch.nonzero(mask.to(t.device)).reshape(-1))


def _shape_with(shape: tuple[int, ...], axis: int, extent: int) -> tuple[int, ...]:
    return shape[:axis] + (extent,) + shape[axis + 1:]


def _compress_along(x: DNDarray, mask: Mask, axis: int) -> DNDarray:
    """The slices of ``x`` along ``axis`` where ``mask`` (of length ``x.shape[axis]``)
    is true, each rank keeping its own."""
    comm, rank = x.comm, x.comm.rank
    if isinstance(mask, DNDarray):
        if x.split == axis:  # both cut along axis: bring the mask to x's counts
            local = change_counts(mask.larray, mask.shape, 0, mask.counts, x.counts, comm)
            return from_local(_select(x.larray, local, axis), axis, comm)
        if x.split is None:  # x replicated: cut it like the mask
            start, stop = local_range(mask.counts, rank)
            block = x.larray.narrow(axis, start, stop - start)
            return from_local(_select(block, mask.larray, axis), axis, comm)
        mask = mask._full_tensor()  # x split along another axis: the whole mask
    if x.split == axis:
        start, stop = local_range(x.counts, rank)
        prefix = torch.cat([mask.new_zeros(1, dtype=torch.int64), mask.cumsum(0)]).tolist()
        counts = [prefix[s + c] - prefix[s] for s, c in zip(offsets(x.counts), x.counts,
                                                            strict=True)]
        local = _select(x.larray, mask[start:stop], axis)
        return DNDarray(local, _shape_with(x.shape, axis, sum(counts)), axis, comm, counts)
    local = _select(x.larray, mask, axis)
    shape = _shape_with(x.shape, axis, int(mask.sum()))
    return DNDarray(local, shape, x.split, comm, x.counts)


def compress(condition: Any, a: Any, axis: int | None = None,
             out: DNDarray | None = None) -> DNDarray:
    """The slices of ``a`` along ``axis`` where ``condition`` is true.

    Parameters
    ----------
    condition : array_like, 1-D
        Read as truth values. Shorter than the axis: the missing entries count as
        False; longer: the extra entries must be False (else IndexError), as NumPy.
    a : array_like
    axis : int, optional
        None (default): select from the flattened array.
    out : DNDarray, optional
        Receives the result (cast to its dtype, moved to its distribution).

    Returns
    -------
    DNDarray
        A new array (never a view). Along a non-split axis it keeps ``a``'s
        distribution; along the split axis (or flattened) each rank keeps its selected
        slices (uneven counts, not rebalanced); a replicated ``a`` with a distributed
        condition is cut like the condition.

    Raises
    ------
    ValueError
        If ``condition`` is not 1-D.
    AxisError
        For a bad ``axis``.
    IndexError
        If ``condition`` is longer than the axis with a true entry past its end.

    Notes
    -----
    Communication: none for a replicated condition (NumPy data or a replicated
    DNDarray): each rank selects from its block, counts known arithmetically. A
    distributed condition: one Alltoallv aligning it to ``a`` along ``axis`` (one
    Allgatherv of it when ``a`` is split along another axis) and one Allgather of the
    counts. ``axis=None`` flattens ``a`` first: one Alltoallv of ``a`` when it is split
    along an axis that follows an axis of extent > 1. A distributed condition longer
    than the axis adds one 8-byte Allreduce (the bounds check).

    Examples
    --------
    >>> import ember as em
    >>> em.compress([True, False, True], em.array([[1, 2], [3, 4], [5, 6]], split=0),
    ...             axis=0).tolist()
    [[1, 2], [5, 6]]
    >>> em.compress([False, True], em.arange(4, split=0)).tolist()
    [1]
    """
    x = _as_array(a, _comm_of(condition, a))
    if x.ndim == 0:
        x = DNDarray(x.larray.reshape(1), (1,), None, x.comm)
    if axis is not None:
        axis = sanitize_axis(axis, x.ndim)
    mask = _mask_of(condition, x.comm, flatten=False)
    if axis is None:
        x, axis = _flattened(x), 0
    result = _compress_along(x, _fit(mask, x.shape[axis], axis), axis)
    return result if out is None else _store(result, out)


def extract(condition: Any, arr: Any) -> DNDarray:
    """The elements of the flattened ``arr`` where the flattened ``condition`` is true.

    Parameters
    ----------
    condition : array_like
        Any shape, read as truth values and flattened; length rules as
        :func:`compress`.
    arr : array_like

    Returns
    -------
    DNDarray
        1-D; split along 0 (each rank its selected elements, uneven counts) when
        ``arr`` or ``condition`` is split, else replicated.

    Raises
    ------
    IndexError
        If ``condition`` has more elements than ``arr`` and one past ``arr.size`` is
        true.

    Notes
    -----
    Communication: as :func:`compress` with ``axis=None``; ``extract(x > 0, x)`` on a
    split ``x`` needs only the Allgather of the counts (plus one Alltoallv of ``x`` and
    of the condition if C order does not follow rank order).

    Examples
    --------
    >>> import ember as em
    >>> x = em.arange(6, split=0)
    >>> em.extract(x % 2 == 0, x).tolist()
    [0, 2, 4]
    """
    x = _flattened(_as_array(arr, _comm_of(condition, arr)))
    mask = _fit(_mask_of(condition, x.comm, flatten=True), x.size, 0)
    return _compress_along(x, mask, 0)


# --------------------------------------------------------------------------------------
# choose, select
# --------------------------------------------------------------------------------------
def _choice_list(choices: Any) -> list[Any]:
    """``choices`` as a list of operands (an array: its slices along axis 0)."""
    if isinstance(choices, DNDarray):
        if choices.ndim == 0:
            raise ValueError("0-d arrays are not sequences of choices")
        if choices.split == 0:
            choices = choices.resplit(1 if choices.ndim > 1 else None)
        split = None if choices.split is None else choices.split - 1
        return [DNDarray(block, choices.shape[1:], split, choices.comm, choices.counts)
                for block in choices.larray.unbind(0)]
    if isinstance(choices, torch.Tensor):
        return list(choices.unbind(0))
    return list(choices)


def choose(a: Any, choices: Any, out: DNDarray | None = None, mode: str = "raise"
           ) -> DNDarray:
    """Build an array from ``choices`` by index: ``result[i] = choices[a[i]][i]``.

    Parameters
    ----------
    a : array_like of int
        Indices into ``choices`` (booleans and integers; a float array is a
        TypeError, as NumPy's 'safe' cast to int64).
    choices : sequence of array_like, or an array
        The candidates (an array: its slices along axis 0). ``a`` and every choice
        broadcast together.
    out : DNDarray, optional
        Receives the result (cast to its dtype, moved to its distribution).
    mode : {"raise", "wrap", "clip"}
        Out-of-range indices: an error, taken modulo ``len(choices)``, or clipped.

    Returns
    -------
    DNDarray
        The broadcast shape, dtype ``result_type(*choices)`` (Python scalars weak),
        distributed like the largest distributed operand.

    Raises
    ------
    ValueError
        An unknown ``mode``, no choices, shapes that do not broadcast, or (mode
        "raise") an index out of range on any rank: every rank raises.
    TypeError
        If ``a`` is not of an integer or boolean type.
    OverflowError
        If a Python int choice does not fit the result dtype (NumPy wraps it).

    Notes
    -----
    Communication: that of aligning ``a`` and the choices (none when they share a
    distribution; see :mod:`ember.core.alignment`); ``mode="raise"`` on a distributed
    result adds one 8-byte Allreduce agreeing on the range check. A choices array
    split along axis 0 is first resplit (one Alltoallv, or one Allgatherv if 1-D).

    Examples
    --------
    >>> import ember as em
    >>> em.choose(em.array([0, 1, 1, 0], split=0), [[1, 2, 3, 4], 0]).tolist()
    [1, 0, 0, 4]
    >>> em.choose(em.array([2, -1], split=0), [10, 20], mode="wrap").tolist()
    [10, 20]
    """
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    choices = _choice_list(choices)
    if not choices:
        raise ValueError("0-length sequence.")
    comm = _comm_of(a, *choices)
    operands = _prepared((a, *choices), comm)
    index = operands[0]
    index_dtype = np.asarray(index).dtype if _is_weak(index) else _strong_dtype(index)
    if index_dtype.kind not in "biu":
        raise TypeError(f"Cannot cast array data from dtype('{index_dtype.name}') to "
                        "dtype('int64') according to the rule 'safe'")
    result = _common_dtype(operands[1:])
    _check_python_ints(operands[1:], result)
    aligned = align(operands, comm)
    blocks = aligned.blocks
    device = next((b.device for b in blocks if isinstance(b, torch.Tensor)),
                  torch.device("cpu"))
    index = _local(blocks[0], torch.int64, device).expand(aligned.local_shape)
    n = len(choices)
    if mode == "raise":
        bad = bool(((index < 0) | (index >= n)).any())
        error = ValueError("invalid entry in choice array") if bad else None
        if aligned.split is None:
            if error is not None:
                raise error
        else:
            comm.raise_if_any(error)
    index = index.remainder(n) if mode == "wrap" else index.clamp(0, n - 1)
    stacked = torch.stack([_local(b, result.torch, device).expand(aligned.local_shape)
                           for b in blocks[1:]])
    local = torch.gather(stacked, 0, index.unsqueeze(0)).squeeze(0)
    value = aligned.wrap(local.contiguous())
    return value if out is None else _store(value, out)


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0
           ) -> DNDarray:
    """Elements from ``choicelist`` where the matching condition is the first true one.

    Parameters
    ----------
    condlist : sequence of array_like of bool
        The conditions; the first true one picks the choice.
    choicelist : sequence of array_like
        One choice per condition.
    default : scalar or array_like
        Where no condition holds.

    Returns
    -------
    DNDarray
        The broadcast shape of all operands, dtype ``result_type(*choicelist,
        default)`` with Python scalars weak (NumPy 2), distributed like the largest
        distributed operand.

    Raises
    ------
    ValueError
        Lists of different lengths, empty lists, or shapes that do not broadcast.
    TypeError
        A condition that is not boolean.

    Notes
    -----
    Communication: that of aligning all the operands (none when they share a
    distribution; see :mod:`ember.core.alignment`).

    Examples
    --------
    >>> import ember as em
    >>> x = em.arange(6, split=0)
    >>> em.select([x < 2, x > 3], [x, x ** 2], default=-1).tolist()
    [0, 1, -1, -1, 16, 25]
    """
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    comm = _comm_of(*condlist, *choicelist, default)
    operands = _prepared((*condlist, *choicelist, default), comm)
    count = len(condlist)
    for i, cond in enumerate(operands[:count]):
        if _common_dtype([cond]) != dtypes.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    result = _common_dtype(operands[count:])
    _check_python_ints(operands[count:], result)
    aligned = align(operands, comm)
    blocks = aligned.blocks
    device = next((b.device for b in blocks if isinstance(b, torch.Tensor)),
                  torch.device("cpu"))
    local = _local(blocks[-1], result.torch, device)
    for cond, choice in zip(reversed(blocks[:count]), reversed(blocks[count:-1]),
                            strict=True):
        local = torch.where(_local(cond, torch.bool, device),
                            _local(choice, result.torch, device), local)
    return aligned.wrap(local.expand(aligned.local_shape).contiguous())


# --------------------------------------------------------------------------------------
# searchsorted
# --------------------------------------------------------------------------------------
def _search_key(t: torch.Tensor) -> torch.Tensor:
    """:func:`~ember.core.order_keys.order_key` in a type that ``a`` and ``v`` share:
    floats as float64 (exact for every float and int32), so both sides get int64 keys."""
    if t.is_floating_point() and t.dtype != torch.float64:
        t = t.to(torch.float64)
    return order_key(t)


def _values_of(v: Any, comm: Communicator) -> DNDarray:
    """``v`` as a DNDarray; Python data keeps NumPy's dtypes (float64, int64)."""
    if isinstance(v, DNDarray | torch.Tensor):
        return _as_array(v, comm)
    return array(np.asarray(v), copy=None, comm=comm)


def _sorter_tensor(sorter: Any, n: int, device: torch.device) -> torch.Tensor:
    """A validated permutation index (NumPy's errors)."""
    order = sorter._full_tensor() if isinstance(sorter, DNDarray) else torch.as_tensor(
        np.asarray(sorter))
    if order.is_floating_point() or order.is_complex() or order.dtype == torch.bool:
        raise TypeError("sorter must only contain integers")
    if order.dim() != 1 or order.numel() != n:
        raise ValueError("sorter.size must equal a.size")
    if n and (int(order.min()) < 0 or int(order.max()) >= n):
        raise ValueError("Sorter index out of range.")
    return order.to(device=device, dtype=torch.int64)


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> DNDarray:
    """Indices where ``v`` would be inserted into the sorted 1-D ``a`` to keep it sorted.

    Parameters
    ----------
    a : array_like, 1-D
        Sorted ascending in NumPy's order (NaN last), unless ``sorter`` is given.
    v : array_like
        The values to insert, any shape.
    side : {"left", "right"}
        The first suitable index, or the last.
    sorter : array_like of int, optional
        The permutation that sorts ``a`` (for example ``argsort(a)``).

    Returns
    -------
    DNDarray
        int64, ``v``'s shape and distribution (0-d for a scalar ``v``).

    Raises
    ------
    ValueError
        ``a`` not 1-D, a bad ``side``, or a ``sorter`` of the wrong size or range.
    TypeError
        A non-integer ``sorter``.
    NotImplementedError
        For complex values, and for ``sorter`` with a split ``a`` (sort ``a`` first).

    Notes
    -----
    The comparison is in NumPy's common type of ``a`` and ``v`` (Python floats meeting
    float32 compare in float64, as NumPy), with NaN after +inf and -0.0 equal to 0.0.

    Communication: none when ``a`` is replicated (each rank searches for its block of
    ``v``). For a split ``a`` the answer is the sum over ranks of the elements of each
    block before the insertion point: each rank searches its block for all of ``v``,
    then one Allreduce(sum) of ``v.size`` int64; a split ``v`` is first gathered (one
    Allgatherv) and the result cut back to its distribution.

    Examples
    --------
    >>> import ember as em
    >>> a = em.array([1.0, 2.0, 2.0, 3.0], split=0)
    >>> em.searchsorted(a, [2.0, 2.5, 0.0]).tolist()
    [1, 3, 0]
    >>> em.searchsorted(a, 2.0, side="right").item()
    3
    """
    x = _as_array(a, _comm_of(a, v))
    if x.ndim != 1:
        raise ValueError(f"searchsorted: a must be 1-dimensional, got {x.ndim} dimensions")
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    values = _values_of(v, x.comm)
    common = dtypes.result_type(x.dtype, values.dtype)
    if common.kind == "c":
        raise NotImplementedError("searchsorted: complex values are not supported")
    if sorter is not None and x.split is not None:
        raise NotImplementedError("searchsorted: sorter with a split `a` is not supported; "
                                  "sort `a` instead")
    keys = _search_key(x.larray.to(common.torch))
    if sorter is not None:
        keys = keys[_sorter_tensor(sorter, x.size, keys.device)]
    block = values.larray if x.split is None else values._full_tensor()
    found = torch.searchsorted(keys, _search_key(block.to(common.torch)).reshape(-1),
                               right=side == "right").reshape(block.shape)
    if x.split is not None:
        found = x.comm.Allreduce(found, op="sum")
        if values.split is not None:
            start, stop = local_range(values.counts, x.comm.rank)
            found = found.narrow(values.split, start, stop - start).contiguous()
    return _like(values, found)


# --------------------------------------------------------------------------------------
# topk
# --------------------------------------------------------------------------------------
class TopkResult(NamedTuple):
    """The result of :func:`topk`: the selected values and their int64 indices."""

    values: DNDarray
    indices: DNDarray


def _stable_top(t: torch.Tensor, k: int, axis: int, largest: bool
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``k`` (or fewer) elements of ``t`` along ``axis`` in a stable sort,
    descending if ``largest`` (NaN counts as largest), and their positions."""
    keys = t.to(torch.uint8) if t.dtype == torch.bool else t
    order = torch.sort(keys, dim=axis, descending=largest, stable=True).indices
    order = order.narrow(axis, 0, min(k, t.shape[axis]))
    return torch.take_along_dim(t, order, axis), order


def _gather_candidates(values: torch.Tensor, indices: torch.Tensor, axis: int,
                       counts: list[int], comm: Communicator
                       ) -> tuple[torch.Tensor, torch.Tensor]:
    """Every rank's candidates concatenated along ``axis`` in rank order: values and
    indices travel together as bytes in one Allgatherv."""
    rows = [v.movedim(axis, 0).contiguous() for v in (values, indices)]
    inner = tuple(rows[0].shape[1:])
    slab = int(np.prod(inner, dtype=np.int64))
    if slab == 0:  # an extent 0 elsewhere: nothing to send (the same on every rank)
        shape = _shape_with(tuple(values.shape), axis, sum(counts))
        return values.new_empty(shape), indices.new_empty(shape)
    if comm.size == 1:
        return values, indices
    packed = torch.cat([r.reshape(len(r), slab).view(torch.uint8) for r in rows], dim=1)
    gathered = comm.Allgatherv(packed, 0, counts)
    width = slab * values.element_size()
    total = (sum(counts), *inner)
    parts = (gathered[:, :width], gathered[:, width:])
    return tuple(part.clone(memory_format=torch.contiguous_format).view(r.dtype)
                 .reshape(total).movedim(0, axis) for part, r in zip(parts, rows, strict=True))


def topk(a: Any, k: int, /, axis: int = -1, *, largest: bool = True, sorted: bool = True
         ) -> TopkResult:
    """The ``k`` largest (or smallest) elements along ``axis`` and their indices, like
    ``torch.topk`` (NumPy has no topk).

    Parameters
    ----------
    a : array_like
        Real or boolean values.
    k : int
        How many, ``0 <= k <= a.shape[axis]``.
    axis : int
        The axis to select along (default: the last).
    largest : bool
        The largest (default) or the smallest elements.
    sorted : bool
        Accepted for torch compatibility; the result is always sorted (largest first,
        or smallest first when ``largest`` is False).

    Returns
    -------
    TopkResult
        A named tuple ``(values, indices)``: ``a``'s shape with ``k`` along ``axis``;
        values of ``a``'s dtype, indices int64 (global positions along ``axis``). Ties
        are taken lowest index first, as a stable sort would; NaN counts as larger
        than every number (NumPy's sort order), so it comes first with
        ``largest=True`` and last otherwise. Along a non-split axis the result keeps
        ``a``'s distribution; along the split axis it is replicated.

    Raises
    ------
    AxisError
        For a bad ``axis`` (any axis of a 0-d array).
    ValueError
        If ``k`` is out of range.
    TypeError
        If ``k`` is not an integer.
    NotImplementedError
        For complex arrays.

    Notes
    -----
    Each rank stably sorts its block along ``axis`` (O(n log n) local work).

    Communication: none along a non-split axis. Along the split axis each rank keeps
    its best ``min(k, block)`` candidates with their global indices; one Allgatherv
    collects those of every rank (at most P*k per slice, values and indices in one
    message) and every rank picks the final ``k`` from them.

    Examples
    --------
    >>> import ember as em
    >>> values, indices = em.topk(em.array([3, 1, 4, 1, 5, 9, 2], split=0), 3)
    >>> values.tolist(), indices.tolist()
    ([9, 5, 4], [5, 4, 2])
    >>> em.topk(em.array([2.0, 1.0, 2.0], split=0), 2, largest=False).indices.tolist()
    [1, 0]
    """
    x = _as_array(a)
    axis = sanitize_axis(axis, x.ndim)
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"k must be an integer, got {type(k).__name__}") from None
    if not 0 <= k <= x.shape[axis]:
        raise ValueError(f"k = {k} is out of range for axis {axis} of extent "
                         f"{x.shape[axis]}")
    if x.dtype.kind == "c":
        raise NotImplementedError("topk: complex arrays are not supported (not ordered)")
    comm, shape = x.comm, _shape_with(x.shape, axis, k)
    values, indices = _stable_top(x.larray, k, axis, largest)
    if x.split != axis:
        return TopkResult(DNDarray(values, shape, x.split, comm, x.counts),
                          DNDarray(indices, shape, x.split, comm, x.counts))
    indices = indices + x.offsets[comm.rank]
    counts = [min(k, c) for c in x.counts]
    values, indices = _gather_candidates(values, indices, axis, counts, comm)
    values, order = _stable_top(values, k, axis, largest)
    indices = torch.take_along_dim(indices, order, axis)
    return TopkResult(DNDarray(values.contiguous(), shape, None, comm),
                      DNDarray(indices.contiguous(), shape, None, comm))
