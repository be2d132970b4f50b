"""Set operations: unique and the array API's unique_*, isin, in1d, intersect1d, union1d,
setdiff1d, setxor1d.

Every function works on order-preserving int64 *keys* of the values (integers and
booleans: themselves; floats: the sign-flipped bit pattern, -0.0 folded onto 0.0, NaN
after +inf), so that NaN handling is exact and one mechanism serves every dtype.
Complex inputs are not supported (NotImplementedError).

The distributed mechanism, :func:`_merge_by_key`, is a sample sort that carries payload
columns and merges equal keys at their owner:

1. each rank reduces its own keys first (``torch.unique``; payloads merged with sum /
   min / max), which cuts the volume to the local distinct values;
2. splitters are chosen from a weighted sample of every rank's distinct keys (one
   Allgather of ``16 P + 1`` int64 per rank);
3. each distinct key travels, with its payload columns, to the rank owning its key range
   (one Alltoall of the counts, one Alltoallv of ``(1 + payloads) * 8`` bytes per local
   distinct key); equal keys from every rank meet there and are merged again;
4. the result is sorted and split along axis 0 with data-dependent counts (one Allgather
   of one integer per rank); results are not balanced afterwards;
5. when every input element needs an answer (``return_inverse``, ``isin``), the owners
   send back one row per key they received (one Alltoallv more).

Because equal keys always meet at one owner, no exchange across rank boundaries is
needed. Replicated inputs are handled locally, without communication, and give
replicated results. Python sequences and scalars are converted as NumPy converts them
(Python floats become float64), so that membership tests compare what NumPy compares.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import torch

from ..comm import Communicator
from . import dtypes
from .creation import array, from_local
from .distribution import balanced_counts, local_range
from .dndarray import DNDarray
from .order_keys import decode_wide_keys, wide_keys
from .reshaping import ravel
from .validation import sanitize_axis

__all__ = [
    "unique",
    "unique_values",
    "unique_counts",
    "unique_inverse",
    "unique_all",
    "isin",
    "in1d",
    "intersect1d",
    "union1d",
    "setdiff1d",
    "setxor1d",
]

_ABSENT = torch.iinfo(torch.int64).max  # "no position": the neutral element of amin
_SAMPLES = 16  # splitter samples per rank and per process (oversampling factor)


class UniqueAllResult(NamedTuple):
    """The result of :func:`unique_all`."""

    values: DNDarray
    indices: DNDarray
    inverse_indices: DNDarray
    counts: DNDarray


class UniqueCountsResult(NamedTuple):
    """The result of :func:`unique_counts`."""

    values: DNDarray
    counts: DNDarray


class UniqueInverseResult(NamedTuple):
    """The result of :func:`unique_inverse`."""

    values: DNDarray
    inverse_indices: DNDarray


# --------------------------------------------------------------------------------------
# inputs and keys
# --------------------------------------------------------------------------------------
def _as_array(obj: Any, name: str) -> DNDarray:
    """A DNDarray of ``obj``; Python data is typed as NumPy types it (floats: float64)."""
    if isinstance(obj, DNDarray):
        x = obj
    elif isinstance(obj, (np.ndarray, np.generic, torch.Tensor)) or hasattr(obj, "__dlpack__"):
        x = array(obj, copy=None)
    else:
        x = array(np.asarray(obj), copy=None)
    if x.dtype.kind == "c":
        raise NotImplementedError(f"{name}: complex dtypes are not supported")
    return x


def _nan_base(dtype: torch.dtype) -> int:
    """The first key after +inf's: keys from here on stand for NaN."""
    keys, _ = wide_keys(torch.tensor([math.inf], dtype=dtype))
    return int(keys[0]) + 1


def _to_keys(values: torch.Tensor, nan_keys: torch.Tensor | int | None = None) -> torch.Tensor:
    """Order-preserving int64 keys of ``values`` (1-D).

    Every NaN gets the same key unless ``nan_keys`` is given: then NaN number i gets key
    ``NaN base + nan_keys[i]`` (distinct NaNs, still sorted after +inf).
    """
    if not values.is_floating_point():
        return values.to(torch.int64)
    keys, nan = wide_keys(values + 0)  # + 0 turns -0.0 into 0.0
    if nan_keys is not None:
        keys = torch.where(nan, _nan_base(values.dtype) + nan_keys, keys)
    return keys


def _from_keys(keys: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """The values of ``dtype`` whose keys :func:`_to_keys` made."""
    if not dtype.is_floating_point:
        return keys.to(dtype)
    nan = keys >= _nan_base(dtype)
    return decode_wide_keys(keys.masked_fill(nan, 0), dtype).masked_fill(nan, math.nan)


def _nan_mask(values: torch.Tensor) -> torch.Tensor:
    if values.is_floating_point():
        return torch.isnan(values)
    return torch.zeros(values.shape, dtype=torch.bool, device=values.device)


def _flat_positions(x: DNDarray) -> torch.Tensor:
    """The global C-order position of every element of this rank's block, flattened."""
    device = x.larray.device
    position = torch.zeros((), dtype=torch.int64, device=device)
    for axis, extent in enumerate(x.lshape):
        start = x.offsets[x.comm.rank] if axis == x.split else 0
        stride = math.prod(x.shape[axis + 1:])
        position = position.unsqueeze(-1) + (torch.arange(extent, device=device) + start) * stride
    return position.reshape(-1)


def _share(x: DNDarray, distributed: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """This rank's share of ``x``'s elements, flattened, and their global positions.

    Split arrays: the local block. Replicated arrays: all of it, or, when taking part in
    a distributed operation, a balanced slice of it, so that every element is taken once
    over all ranks. No communication.
    """
    if x.split is not None:
        return x.larray.reshape(-1), _flat_positions(x)
    flat = x.larray.reshape(-1)
    start, stop = 0, flat.numel()
    if distributed:
        start, stop = local_range(balanced_counts(flat.numel(), x.comm.size), x.comm.rank)
    positions = torch.arange(start, stop, dtype=torch.int64, device=flat.device)
    return flat[start:stop], positions


# --------------------------------------------------------------------------------------
# the mechanism: distinct keys with merged payloads
# --------------------------------------------------------------------------------------
def _reduce_rows(keys: torch.Tensor, payloads: list[torch.Tensor], ops: list[str]):
    """Distinct sorted ``keys`` (rows of a 2-D tensor compare lexicographically), each
    payload column merged with its op, and the inverse."""
    rows = keys.dim() == 2
    distinct, inverse = torch.unique(keys, sorted=True, return_inverse=True,
                                     dim=0 if rows else None)
    merged = [torch.zeros(distinct.shape[:1], dtype=torch.int64, device=keys.device)
              .scatter_reduce_(0, inverse, column, op, include_self=False)
              for column, op in zip(payloads, ops, strict=True)]
    return distinct, merged, inverse


def _lex_order(keys: torch.Tensor) -> torch.Tensor:
    """The stable sorting permutation of ``keys`` (rows lexicographically if 2-D)."""
    if keys.dim() == 1:
        return torch.sort(keys, stable=True).indices
    order = torch.arange(keys.shape[0], device=keys.device)
    for column in reversed(range(keys.shape[1])):  # least significant column first
        order = order[torch.sort(keys[order, column], stable=True).indices]
    return order


def _splitters(distinct: torch.Tensor, comm: Communicator) -> torch.Tensor:
    """``P - 1`` keys cutting the union of every rank's sorted ``distinct`` keys into
    ranges of about equal weight (a weighted regular sample; one Allgather)."""
    per_rank = _SAMPLES * comm.size
    n = distinct.shape[0]
    if n:
        picks = ((2 * torch.arange(per_rank, device=distinct.device) + 1) * n) // (2 * per_rank)
        samples = distinct[picks]
    else:
        samples = distinct.new_zeros((per_rank, *distinct.shape[1:]))
    size = distinct.new_full((1, *distinct.shape[1:]), n)
    gathered = comm.Allgather(torch.cat([samples, size]))
    samples = gathered[:, :-1].reshape(-1, *distinct.shape[1:])
    weights = gathered[:, -1:].reshape(comm.size, 1, -1)[..., 0].expand(-1, per_rank)
    order = _lex_order(samples)
    cumulative = torch.cumsum(weights.reshape(-1)[order], 0)
    samples = samples[order]
    if cumulative[-1] == 0:
        return samples[: comm.size - 1]
    targets = (cumulative[-1] * torch.arange(1, comm.size, device=samples.device)) // comm.size
    where = torch.searchsorted(cumulative, targets).clamp(max=samples.shape[0] - 1)
    return samples[where]


def _owners(distinct: torch.Tensor, splitters: torch.Tensor) -> torch.Tensor:
    """For each key, the number of splitters strictly below it: the rank owning it."""
    if distinct.dim() == 1:
        return torch.searchsorted(splitters, distinct)
    n = distinct.shape[0]
    order = _lex_order(torch.cat([distinct, splitters]))  # keys before equal splitters
    below = torch.cumsum(order >= n, 0)
    owners = torch.empty(n, dtype=torch.int64, device=distinct.device)
    owners[order[order < n]] = below[order < n]
    return owners


def _merge_by_key(keys: torch.Tensor, payloads: list[torch.Tensor], ops: list[str],
                  comm: Communicator, distributed: bool, answer: bool):
    """The distinct keys of all ranks' ``keys`` with their payloads merged.

    Parameters
    ----------
    keys : torch.Tensor
        This rank's int64 keys: 1-D, or 2-D whose rows are compared lexicographically.
    payloads, ops : lists
        int64 columns as long as ``keys`` and their merge ops ("sum", "amin", "amax").
    distributed : bool
        False: ``keys`` is the whole input (identical on every rank); no communication.
    answer : bool
        Also return, for each of this rank's keys, a row ``(position of its distinct
        key in the result, merged payloads...)``.

    Returns
    -------
    distinct : torch.Tensor
        This rank's block of the sorted distinct keys (all of them if not distributed).
    merged : list of torch.Tensor
        The merged payloads of ``distinct``.
    counts : tuple of int or None
        Each rank's number of distinct keys (None if not distributed).
    answers : torch.Tensor or None
        ``(len(keys), 1 + len(payloads))`` int64, if ``answer``.

    Notes
    -----
    Communication (distributed): one Allgather of the samples, one Alltoall of the send
    counts, one Alltoallv of the local distinct keys with their payloads, one Allgather
    of one integer per rank, and with ``answer`` one Alltoallv back of as many rows.
    """
    distinct, merged, inverse = _reduce_rows(keys, payloads, ops)
    if not distributed or comm.size == 1:
        answers = torch.stack([inverse, *(m[inverse] for m in merged)], 1) if answer else None
        return distinct, merged, (distinct.shape[0],) if distributed else None, answers
    send = torch.bincount(_owners(distinct, _splitters(distinct, comm)), minlength=comm.size)
    receive = comm.Alltoall(send)
    send, receive = send.tolist(), receive.tolist()
    width = 1 if keys.dim() == 1 else keys.shape[1]
    rows = torch.cat([distinct.reshape(-1, width), *(m[:, None] for m in merged)], 1)
    rows = comm.Alltoallv(rows, send, 0, (sum(receive), rows.shape[1]), receive, 0)
    received = rows[:, :width] if keys.dim() == 2 else rows[:, 0]
    result, merged, at_owner = _reduce_rows(received, list(rows[:, width:].unbind(1)), ops)
    mine = torch.tensor([result.shape[0]], dtype=torch.int64, device=keys.device)
    counts = tuple(comm.Allgather(mine).reshape(-1).tolist())
    if not answer:
        return result, merged, counts, None
    start = sum(counts[: comm.rank])
    replies = torch.stack([start + at_owner, *(m[at_owner] for m in merged)], 1)
    replies = comm.Alltoallv(replies, receive, 0, (len(distinct), replies.shape[1]), send, 0)
    return result, merged, counts, replies[inverse]


def _wrap(local: torch.Tensor, distributed: bool, comm: Communicator,
          counts: tuple[int, ...] | None) -> DNDarray:
    """A 1-D result: split 0 with ``counts`` (found if None) if distributed, else
    replicated."""
    if distributed and counts is None and comm.size == 1:
        counts = (local.shape[0],)
    return from_local(local, 0 if distributed else None, comm, counts)


# --------------------------------------------------------------------------------------
# unique
# --------------------------------------------------------------------------------------
def unique(ar: Any, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           sorted: bool = True) -> DNDarray | tuple[DNDarray, ...]:
    """Find the sorted unique elements of an array.

    Parameters
    ----------
    ar : array_like
        Input array, flattened unless ``axis`` is given.
    return_index : bool
        Also return the (flat, or along ``axis``) index of each unique value's first
        occurrence.
    return_inverse : bool
        Also return the indices into the unique values that rebuild ``ar``: shaped as
        ``ar`` for ``axis=None`` (NumPy 2), 1-D along ``axis`` otherwise.
    return_counts : bool
        Also return how often each unique value occurs.
    axis : int, optional
        Unique subarrays along this axis, sorted lexicographically (as NumPy: a
        subarray holding NaN equals no other). A 1-D array takes 0 as None.
    equal_nan : bool
        Collapse every NaN into one (True, the default) or keep each NaN apart
        (``axis=None`` only, as NumPy).
    sorted : bool
        Accepted for compatibility; the result is always sorted.

    Returns
    -------
    unique : DNDarray
        The sorted unique values: when ``ar`` is split, split along 0 (along ``axis``
        if given) with data-dependent (unbalanced) counts; replicated when it is not.
    unique_indices, unique_inverse, unique_counts : DNDarray, optional
        int64, 1-D. Indices and counts are split along 0 as the unique values are. The
        inverse is distributed as ``ar`` (same shape, split and counts); with ``axis``
        it is 1-D, split along 0 as ``ar`` along ``axis``.

    Raises
    ------
    AxisError
        If ``axis`` is out of range.
    NotImplementedError
        For complex dtypes.

    Notes
    -----
    Communication (split input): each rank reduces its block with ``torch.unique``; then
    one Allgather of ``16 P + 1`` int64 splitter samples per rank, one Alltoall of ``P``
    counts, one Alltoallv of each rank's distinct values with the requested indices and
    counts (``8 * (1 + returns)`` bytes each), one Allgather of one integer per rank and,
    for ``return_inverse``, one Alltoallv back of one row per distinct value. Never a
    gather of the data. Replicated input: none. With ``axis`` the same, on rows of
    keys sorted lexicographically (the samples and rows then carry one key per element
    of a subarray), after one Alltoallv (``ar.resplit(axis)``) when ``ar`` is split
    along another axis.

    Examples
    --------
    >>> import ember as em
    >>> em.unique(em.array([1, 1, 2, 2, 3, 3], split=0)).tolist()
    [1, 2, 3]
    >>> values, counts = em.unique(em.array([2, 6, 2, 1], split=0), return_counts=True)
    >>> values.tolist(), counts.tolist()
    ([1, 2, 6], [1, 2, 1])
    """
    x = _as_array(ar, "unique")
    if axis is not None:
        axis = sanitize_axis(axis, x.ndim)
        if x.ndim > 1:
            return _unique_along(x, axis, return_index, return_inverse, return_counts)
    distributed = x.split is not None
    values, positions = _share(x, distributed)
    floating = values.is_floating_point()
    keys = _to_keys(values, None if equal_nan or not floating else positions)
    payloads, ops = [], []
    if return_index:
        payloads.append(positions)
        ops.append("amin")
    if return_counts:
        payloads.append(torch.ones_like(keys))
        ops.append("sum")
    distinct, merged, counts, answers = _merge_by_key(keys, payloads, ops, x.comm,
                                                      distributed, bool(return_inverse))
    results = [_wrap(_from_keys(distinct, values.dtype), distributed, x.comm, counts)]
    counts = results[0].counts
    if return_index:
        results.append(_wrap(merged[0], distributed, x.comm, counts))
    if return_inverse:
        inverse = answers[:, 0].reshape(x.lshape)
        results.append(DNDarray(inverse, x.shape, x.split, x.comm, x.counts))
    if return_counts:
        results.append(_wrap(merged[-1], distributed, x.comm, counts))
    return results[0] if len(results) == 1 else tuple(results)


def _unique_along(x: DNDarray, axis: int, return_index: bool, return_inverse: bool,
                  return_counts: bool) -> DNDarray | tuple[DNDarray, ...]:
    """unique of the subarrays along ``axis``: rows of keys, compared lexicographically.

    A row holding NaN equals no other row (as NumPy's structured comparison).
    """
    if x.split is not None and x.split != axis:
        x = x.resplit(axis)
    distributed = x.split is not None
    moved = x.larray.movedim(axis, 0)
    rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
    start = x.offsets[x.comm.rank] if distributed else 0
    positions = torch.arange(start, start + rows.shape[0], device=rows.device)
    width = rows.shape[1]
    flat = rows.reshape(-1)
    nan_ids = (positions[:, None] * width + torch.arange(width, device=rows.device)).reshape(-1)
    keys = _to_keys(flat, nan_ids if flat.is_floating_point() else None)
    keys = keys.reshape(rows.shape) if width else keys.new_zeros((rows.shape[0], 1))
    payloads, ops = [], []
    if return_index:
        payloads.append(positions)
        ops.append("amin")
    if return_counts:
        payloads.append(torch.ones_like(positions))
        ops.append("sum")
    distinct, merged, counts, answers = _merge_by_key(keys, payloads, ops, x.comm,
                                                      distributed, bool(return_inverse))
    values = _from_keys(distinct[:, :width].reshape(-1), x.larray.dtype)
    values = values.reshape(distinct.shape[0], *moved.shape[1:]).movedim(0, axis)
    results = [from_local(values.contiguous(), axis if distributed else None, x.comm, counts)]
    if return_index:
        results.append(_wrap(merged[0], distributed, x.comm, counts))
    if return_inverse:
        results.append(DNDarray(answers[:, 0], (x.shape[axis],), 0 if distributed else None,
                                x.comm, x.counts))
    if return_counts:
        results.append(_wrap(merged[-1], distributed, x.comm, counts))
    return results[0] if len(results) == 1 else tuple(results)


def unique_values(x: Any, /) -> DNDarray:
    """The unique elements of ``x`` (array API): ``unique(x, equal_nan=False)``.

    Every NaN is kept apart, as NumPy's ``unique_values`` does; the result is sorted
    (NumPy's may not be). Distribution and communication as :func:`unique`.

    Notes
    -----
    Communication: as :func:`unique` without extra returns.

    Examples
    --------
    >>> import ember as em
    >>> em.unique_values(em.array([1.0, float("nan"), 1.0, float("nan")], split=0)).tolist()
    [1.0, nan, nan]
    """
    return unique(x, equal_nan=False)


def unique_counts(x: Any, /) -> UniqueCountsResult:
    """The unique elements of ``x`` and their counts (array API; NaNs kept apart).

    Returns
    -------
    UniqueCountsResult
        Named tuple ``(values, counts)``, distributed as by :func:`unique`.

    Notes
    -----
    Communication: as :func:`unique` with ``return_counts``.

    Examples
    --------
    >>> import ember as em
    >>> em.unique_counts(em.array([1, 1, 2], split=0)).counts.tolist()
    [2, 1]
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False))


def unique_inverse(x: Any, /) -> UniqueInverseResult:
    """The unique elements of ``x`` and the indices rebuilding ``x`` (array API).

    Returns
    -------
    UniqueInverseResult
        Named tuple ``(values, inverse_indices)``; ``inverse_indices`` has ``x``'s
        shape and distribution. NaNs are kept apart.

    Notes
    -----
    Communication: as :func:`unique` with ``return_inverse``.

    Examples
    --------
    >>> import ember as em
    >>> em.unique_inverse(em.array([1, 1, 2], split=0)).inverse_indices.tolist()
    [0, 0, 1]
    """
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False))


def unique_all(x: Any, /) -> UniqueAllResult:
    """The unique elements of ``x`` with first indices, inverse indices and counts.

    Returns
    -------
    UniqueAllResult
        Named tuple ``(values, indices, inverse_indices, counts)`` (array API; NaNs
        kept apart), distributed as by :func:`unique`.

    Notes
    -----
    Communication: as :func:`unique` with every return.

    Examples
    --------
    >>> import ember as em
    >>> em.unique_all(em.array([1, 1, 2], split=0)).indices.tolist()
    [0, 2]
    """
    return UniqueAllResult(*unique(x, return_index=True, return_inverse=True,
                                   return_counts=True, equal_nan=False))


# --------------------------------------------------------------------------------------
# membership
# --------------------------------------------------------------------------------------
def _check_kind(kind: str | None, *arrays: DNDarray) -> None:
    if kind not in (None, "sort", "table"):
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    if kind == "table" and any(a.dtype.kind not in "biu" for a in arrays):
        raise ValueError("The 'table' method is only supported for boolean or integer "
                         "arrays. Please select 'sort' or None for kind.")


def isin(element: Any, test_elements: Any, assume_unique: bool = False,
         invert: bool = False, *, kind: str | None = None) -> DNDarray:
    """Test whether each element of ``element`` is in ``test_elements``.

    Parameters
    ----------
    element : array_like
        The values to look up; the result has its shape and distribution.
    test_elements : array_like
        The values to test against (flattened).
    assume_unique : bool
        Accepted for compatibility; the result is the same either way.
    invert : bool
        Return ``element not in test_elements`` instead.
    kind : {None, "sort", "table"}
        Validated as NumPy does ("table" needs integer or boolean inputs); the algorithm
        is chosen by the distribution, not by ``kind``.

    Returns
    -------
    DNDarray
        bool, shaped and distributed as ``element``. NaN is never in anything.

    Raises
    ------
    ValueError
        For an invalid ``kind``.
    NotImplementedError
        For complex inputs.

    Notes
    -----
    Communication: none when ``test_elements`` is replicated or there is one process
    (each rank runs ``torch.isin`` on its block). When ``test_elements`` is split over
    several processes: the test values and the distinct local values of ``element``
    (all of it when ``element`` is replicated) are routed by key range to owner ranks
    as in :func:`unique` (one Allgather of samples, one Alltoall of counts, one
    Alltoallv of 16 bytes per distinct value, one Allgather of one integer per rank),
    and each owner answers every query (one Alltoallv of 16 bytes per query).

    Examples
    --------
    >>> import ember as em
    >>> em.isin(em.array([0, 2, 4, 6], split=0), em.array([4, 2], split=0)).tolist()
    [False, True, True, False]
    """
    e = _as_array(element, "isin")
    t = _as_array(test_elements, "isin")
    _check_kind(kind, e, t)
    common = dtypes.promote_types(e.dtype, t.dtype).torch
    values = e.larray.reshape(-1).to(common)
    if t.is_distributed():
        found = _isin_routed(values, t, common)
    else:
        test = _to_keys(t.larray.reshape(-1).to(common))
        found = torch.isin(_to_keys(values), test)
    found = (found & ~_nan_mask(values)) ^ bool(invert)
    return DNDarray(found.reshape(e.lshape), e.shape, e.split, e.comm, e.counts)


def _isin_routed(values: torch.Tensor, t: DNDarray, common: torch.dtype) -> torch.Tensor:
    """Membership of each of this rank's ``values`` in the split ``t`` (see isin)."""
    test, _ = _share(t, True)
    keys = torch.cat([_to_keys(values), _to_keys(test.to(common))])
    in_test = torch.cat([torch.zeros_like(values, dtype=torch.int64),
                         torch.ones_like(test, dtype=torch.int64)])
    *_, answers = _merge_by_key(keys, [in_test], ["amax"], t.comm, True, True)
    return answers[: values.numel(), 1] == 1


def in1d(ar1: Any, ar2: Any, assume_unique: bool = False, invert: bool = False, *,
         kind: str | None = None) -> DNDarray:
    """Test whether each element of the flattened ``ar1`` is in ``ar2``.

    NumPy deprecated ``in1d`` (2.0) and removed it (2.4); ember keeps it as
    ``isin(ar1, ar2, ...).ravel()``.

    Returns
    -------
    DNDarray
        1-D bool of ``ar1.size`` elements: split along 0 if ``ar1`` is split, else
        replicated.

    Notes
    -----
    Communication: as :func:`isin`, plus that of :func:`ember.ravel` (one Alltoallv
    when ``ar1`` is split along an axis other than 0).

    Examples
    --------
    >>> import ember as em
    >>> em.in1d(em.array([[1, 2], [3, 4]], split=1), [2, 3]).tolist()
    [False, True, True, False]
    """
    return ravel(isin(ar1, ar2, assume_unique, invert, kind=kind))


# --------------------------------------------------------------------------------------
# operations on two sets
# --------------------------------------------------------------------------------------
def _two_sets(ar1: Any, ar2: Any, name: str, nan_apart: bool):
    """The distinct keys of both inputs, with the first position of each in either.

    Returns ``(keys, first1, first2, counts, dtype, comm, distributed)``: ``first1`` is
    the first flat position of a key in ``ar1`` (``_ABSENT`` if none), likewise
    ``first2``. ``nan_apart``: a NaN of ``ar1`` differs from a NaN of ``ar2``.
    """
    x1, x2 = _as_array(ar1, name), _as_array(ar2, name)
    common = dtypes.promote_types(x1.dtype, x2.dtype).torch
    distributed = x1.split is not None or x2.split is not None
    (v1, p1), (v2, p2) = _share(x1, distributed), _share(x2, distributed)
    nan1, nan2 = (0, 1) if nan_apart else (None, None)
    keys = torch.cat([_to_keys(v1.to(common), nan1), _to_keys(v2.to(common), nan2)])
    absent1 = torch.full_like(p2, _ABSENT)
    absent2 = torch.full_like(p1, _ABSENT)
    firsts = [torch.cat([p1, absent1]), torch.cat([absent2, p2])]
    distinct, (first1, first2), counts, _ = _merge_by_key(
        keys, firsts, ["amin", "amin"], x1.comm, distributed, False)
    return distinct, first1, first2, counts, common, x1.comm, distributed


def _select(keys: torch.Tensor, mask: torch.Tensor, dtype: torch.dtype, comm: Communicator,
            distributed: bool, *extra: torch.Tensor) -> tuple[DNDarray, ...]:
    """The values of the selected keys (and the selected ``extra`` columns) as results."""
    values = _wrap(_from_keys(keys[mask], dtype), distributed, comm, None)
    return (values, *(_wrap(column[mask], distributed, comm, values.counts) for column in extra))


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False,
                return_indices: bool = False) -> DNDarray | tuple[DNDarray, DNDarray, DNDarray]:
    """The sorted unique values found in both ``ar1`` and ``ar2`` (flattened).

    Parameters
    ----------
    ar1, ar2 : array_like
    assume_unique : bool
        Accepted for compatibility; the result for unique inputs is the same.
    return_indices : bool
        Also return the flat index of each common value's first occurrence in ``ar1``
        and in ``ar2``.

    Returns
    -------
    intersect1d : DNDarray
        In the promoted dtype of the inputs; split along 0 (data-dependent counts) if
        either input is split, else replicated. NaN is never common.
    comm1, comm2 : DNDarray
        int64, distributed as the values, if ``return_indices``.

    Notes
    -----
    Communication: one pass of the mechanism of :func:`unique` over both inputs' blocks
    (a replicated input contributes a balanced slice), with two int64 index columns:
    one Allgather of samples, one Alltoall of counts, one Alltoallv of 24 bytes per
    local distinct value, two Allgathers of one integer per rank.

    Examples
    --------
    >>> import ember as em
    >>> em.intersect1d(em.array([1, 3, 4, 3], split=0), [3, 1, 2, 1]).tolist()
    [1, 3]
    """
    keys, first1, first2, _, dtype, comm, distributed = _two_sets(ar1, ar2, "intersect1d", True)
    both = (first1 != _ABSENT) & (first2 != _ABSENT)
    if return_indices:
        return _select(keys, both, dtype, comm, distributed, first1, first2)
    return _select(keys, both, dtype, comm, distributed)[0]


def union1d(ar1: Any, ar2: Any) -> DNDarray:
    """The sorted unique values found in either ``ar1`` or ``ar2`` (flattened).

    Returns
    -------
    DNDarray
        In the promoted dtype; split along 0 (data-dependent counts) if either input is
        split, else replicated. NaNs collapse into one.

    Notes
    -----
    Communication: as :func:`intersect1d`.

    Examples
    --------
    >>> import ember as em
    >>> em.union1d(em.array([-1, 0, 1], split=0), [-2, 0, 2]).tolist()
    [-2, -1, 0, 1, 2]
    """
    keys, _, _, counts, dtype, comm, distributed = _two_sets(ar1, ar2, "union1d", False)
    return _wrap(_from_keys(keys, dtype), distributed, comm, counts)


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> DNDarray:
    """The sorted unique values found in exactly one of ``ar1`` and ``ar2``.

    Parameters
    ----------
    ar1, ar2 : array_like
    assume_unique : bool
        Accepted for compatibility; the result for unique inputs is the same.

    Returns
    -------
    DNDarray
        In the promoted dtype; split along 0 (data-dependent counts) if either input is
        split, else replicated. As in NumPy, a NaN in each input gives two NaNs.

    Notes
    -----
    Communication: as :func:`intersect1d`.

    Examples
    --------
    >>> import ember as em
    >>> em.setxor1d(em.array([1, 2, 3, 2, 4], split=0), [2, 3, 5, 7, 5]).tolist()
    [1, 4, 5, 7]
    """
    keys, first1, first2, _, dtype, comm, distributed = _two_sets(ar1, ar2, "setxor1d", True)
    return _select(keys, (first1 != _ABSENT) ^ (first2 != _ABSENT), dtype, comm,
                   distributed)[0]


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> DNDarray:
    """The unique values of ``ar1`` that are not in ``ar2``.

    Parameters
    ----------
    ar1, ar2 : array_like
    assume_unique : bool
        If True, ``ar1`` is taken as unique: the result keeps ``ar1``'s flat order
        instead of being sorted (as NumPy).

    Returns
    -------
    DNDarray
        In ``ar1``'s dtype; split along 0 (data-dependent counts) if either input is
        split, else replicated. NaNs of ``ar1`` are kept.

    Notes
    -----
    Communication: :func:`unique` of ``ar1`` (with ``assume_unique``,
    :func:`ember.ravel` instead: one Alltoallv when ``ar1`` is split along an axis
    other than 0), then :func:`isin`
    against ``ar2``; the selection itself is local plus one Allgather of one integer
    per rank.

    Examples
    --------
    >>> import ember as em
    >>> em.setdiff1d(em.array([1, 2, 3, 2, 4, 1], split=0), [3, 4, 5, 6]).tolist()
    [1, 2]
    """
    x1, x2 = _as_array(ar1, "setdiff1d"), _as_array(ar2, "setdiff1d")
    first = ravel(x1) if assume_unique else unique(x1)
    if first.split is None and x2.split is not None:
        first = first.resplit(0)  # a local slice: no communication
    keep = isin(first, x2, invert=True)
    return from_local(first.larray[keep.larray], first.split, first.comm)
