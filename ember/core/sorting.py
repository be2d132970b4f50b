"""Sorting: sort and argsort (parallel sample sort along the split axis), partition, lexsort.

Every function orders values as NumPy does: NaN after everything else (after ``+inf``),
``-0.0`` equal to ``0.0``, complex numbers lexicographically by (real, imaginary) with
the NaN rules of NumPy, and equal elements in their original relative order (stable).
``descending=True`` is the exact reverse order that keeps equal elements in their
original order (the array API's definition): NaN first.

Communication, by where the sort axis lies:

=======================================  ==============================================
sort axis                                communication
=======================================  ==============================================
not the split axis (or not distributed)  none: each rank sorts its own block
the split axis of a 1-d array (also of   parallel sample sort: one Allgather of
an array whose other extents are all 1,  regular samples (about ``16 P`` per rank,
and ``axis=None``)                       capped), one Allgather of the P x P send
                                         counts, one Alltoallv of the data (plus one
                                         of the global indices for argsort)
the split axis of an n-d array           one Alltoallv re-cutting the array along its
                                         longest other axis, a local sort, one
                                         Alltoallv back to the original counts
=======================================  ==============================================

The sample sort orders elements by the key (value, global index): splitters are such
pairs, so runs of equal values (an all-zero array) are divided between ranks like any
other values. Its result keeps the split axis with the counts that the splitters
produce (close to balanced; not rebalanced afterwards).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator
from . import redistribution
from .alignment import align
from .creation import asarray
from .distribution import offsets
from .dndarray import DNDarray
from .order_keys import order_key
from .reduction import _flattened
from .validation import AxisError, sanitize_axis

__all__ = ["sort", "argsort", "partition", "argpartition", "lexsort"]

_SORT_KINDS = "qhms"  # quicksort, heapsort, mergesort, stable: NumPy reads the first letter
_MAX_SAMPLES = 1 << 16  # total samples gathered by the sample sort (unless P*(P-1) is more)


# --------------------------------------------------------------------------------------
# argument checks (replicated metadata only: every rank raises the same error)
# --------------------------------------------------------------------------------------
def _check_kind(kind: Any) -> None:
    """NumPy's check of ``kind``; every valid kind gives the same (stable) sort."""
    if kind is None:
        return
    if not isinstance(kind, str):
        raise TypeError(f"sort kind must be str, not {type(kind).__name__}")
    if not kind or kind[0].lower() not in _SORT_KINDS:
        raise ValueError(f"sort kind must be one of 'quick', 'heap', or 'stable' (got {kind!r})")


def _check_order(order: Any, name: str) -> None:
    if order is not None:
        raise NotImplementedError(f"{name}: order= (structured arrays) is not supported")


def _kth_positions(kth: Any, extent: int, check_bounds: bool) -> np.ndarray:
    """``kth`` as non-negative positions, with NumPy's errors."""
    if isinstance(kth, DNDarray):
        kth = kth.numpy()
    if isinstance(kth, (bool, np.bool_)):
        raise ValueError("Booleans unacceptable as partition index")
    values = np.asarray(kth)
    if values.dtype == bool:
        raise ValueError("Booleans unacceptable as partition index")
    if values.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    if values.ndim > 1:
        raise ValueError("kth must be a scalar or a 1-d sequence of integers")
    values = values.reshape(-1).astype(np.int64)
    values = np.where(values < 0, values + extent, values)
    if check_bounds:
        for k in values:
            if not 0 <= k < extent:
                raise ValueError(f"kth(={k}) out of bounds ({extent})")
    return values


# --------------------------------------------------------------------------------------
# order keys: integers ordered as NumPy orders the values
# --------------------------------------------------------------------------------------
def _key_columns(t: torch.Tensor, descending: bool) -> list[torch.Tensor]:
    """The integer key columns (most significant first) ordering ``t`` as NumPy does.

    Complex numbers: (NaN class, real, imaginary), the class being 0 without NaN, 1
    with a NaN imaginary part only, 2 with a NaN real part only, 3 with both (NumPy
    puts ``x + nanj`` after every number without NaN, then ``nan + yj``).
    ``descending`` inverts every key (``~k`` reverses the order of integers).
    """
    if t.is_complex():
        real, imag = t.real, t.imag
        nan_class = torch.isnan(real).to(torch.int8) * 2 + torch.isnan(imag).to(torch.int8)
        columns = [nan_class, order_key(real), order_key(imag)]
    else:
        columns = [order_key(t)]
    return [~column for column in columns] if descending else columns


def _uses_numpy(t: torch.Tensor) -> bool:
    """Whether ``t``'s local sort runs in NumPy (CPU, a dtype NumPy has)."""
    return t.device.type == "cpu" and t.dtype != torch.bfloat16


def _argsort_key(key: torch.Tensor, dim: int) -> torch.Tensor:
    """The stable ascending argsort (int64) of integer keys along ``dim``.

    On the CPU, keys of at most 32 bits are packed with their position into one int64
    (key in the high half) and sorted with NumPy's fast (vectorized) sort: the packed
    values are distinct, so any sort is stable. Wider keys use NumPy's stable sort.
    """
    extent = key.shape[dim]
    if key.device.type != "cpu":
        return torch.sort(key, dim=dim, stable=True).indices
    values = key.numpy()
    if key.element_size() > 4 or extent >= 1 << 31:
        return torch.from_numpy(np.argsort(values, axis=dim, kind="stable"))
    position = np.arange(extent, dtype=np.int64).reshape(
        [extent if axis == dim else 1 for axis in range(key.dim())])
    packed = values.astype(np.int64)
    packed <<= 32
    packed |= position
    packed.sort(axis=dim)
    packed &= 0xFFFF_FFFF
    return torch.from_numpy(packed)


def _lex_argsort(columns: Sequence[torch.Tensor], dim: int) -> torch.Tensor:
    """The stable argsort along ``dim`` of rows of key ``columns`` (most significant
    first): one stable sort per column, least significant first."""
    order = None
    for column in reversed(columns):
        if order is not None:
            column = column.gather(dim, order)
        step = _argsort_key(column, dim)
        order = step if order is None else order.gather(dim, step)
    return order


def _local_argsort(sources: Sequence[torch.Tensor], dim: int, descending: bool
                   ) -> torch.Tensor:
    """The stable argsort along ``dim`` by ``sources`` (the primary key first)."""
    columns = [column for source in sources for column in _key_columns(source, descending)]
    return _lex_argsort(columns, dim)


def _needs_stable(values: np.ndarray, ordered: np.ndarray) -> bool:
    """Whether NumPy's fast sort of ``values`` (giving ``ordered``) may have lost what
    tells equal floats apart: the order of ``-0.0`` and ``0.0``, or a NaN's sign and
    payload (the vectorized sort returns canonical NaNs)."""
    if values.dtype.kind != "f" or values.size == 0:
        return False
    zeros = nans = True
    if ordered.ndim == 1:  # sorted: zeros and NaNs are found by binary search
        zero = ordered.dtype.type(0)  # of the array's dtype, so that nothing is converted
        zeros = np.searchsorted(ordered, zero, "left") < np.searchsorted(ordered, zero, "right")
        nans = bool(np.isnan(ordered[-1]))
    if zeros and (np.signbit(values) & (values == 0)).any():
        return True
    if not nans:
        return False
    unsigned = f"u{values.itemsize}"
    canonical = np.array(np.nan, dtype=values.dtype).view(unsigned)
    return bool((values.view(unsigned)[np.isnan(values)] != canonical).any())


def _local_sort(t: torch.Tensor, dim: int, descending: bool) -> torch.Tensor:
    """``t`` sorted along ``dim`` in NumPy's order, stable (equal elements that can be
    told apart, like ``-0.0`` and ``0.0``, keep their order)."""
    if t.is_complex():
        return t.gather(dim, _local_argsort([t], dim, descending))
    if not _uses_numpy(t):
        return torch.sort(t, dim=dim, descending=descending, stable=True).values
    values = t.numpy()
    ordered = np.sort(values, axis=dim)
    if _needs_stable(values, ordered):  # the reverse of a stable sort of the reversed values
        ordered = np.sort(np.flip(values, dim) if descending else values, axis=dim,
                          kind="stable")
    if descending:
        ordered = np.flip(ordered, dim).copy()  # (a copy: torch rejects negative strides)
    return torch.from_numpy(ordered)


# --------------------------------------------------------------------------------------
# the parallel sample sort of 1-d blocks
# --------------------------------------------------------------------------------------
def _rows(sources: Sequence[torch.Tensor], ties: torch.Tensor | None, offset: int,
          positions: torch.Tensor, descending: bool) -> torch.Tensor:
    """The full keys (key columns..., global index) of the locally sorted elements at
    ``positions``, as an int64 matrix (one row per position).

    ``ties`` holds each sorted element's global index; None means ``offset`` plus its
    position (for a sort of values, where equal values cannot be told apart).
    """
    columns = [c.to(torch.int64) for s in sources for c in _key_columns(s[positions],
                                                                         descending)]
    columns.append(positions + offset if ties is None else ties[positions])
    return torch.stack(columns, dim=1)


def _lex_less(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Row-wise lexicographic ``a < b`` of two int64 matrices of the same shape."""
    less = a[:, -1] < b[:, -1]
    for column in range(a.shape[1] - 2, -1, -1):
        less = (a[:, column] < b[:, column]) | ((a[:, column] == b[:, column]) & less)
    return less


def _count_less(sources, ties, offset, probes: torch.Tensor, descending: bool) -> torch.Tensor:
    """For each probe row, how many locally sorted elements have a smaller full key.

    A binary search for all probes at once: ``log2(n)`` steps of work on the probes
    only (the keys of the probed elements are computed as they are read).
    """
    n = sources[0].shape[0]
    low = torch.zeros(probes.shape[0], dtype=torch.int64, device=probes.device)
    high = torch.full_like(low, n)
    for _ in range(n.bit_length()):  # each step halves every interval
        middle = (low + high) // 2
        open_ = low < high
        less = _lex_less(_rows(sources, ties, offset, middle.clamp(max=n - 1), descending),
                         probes)
        low = torch.where(open_ & less, middle + 1, low)
        high = torch.where(open_ & ~less, middle, high)
    return low


def _samples_per_rank(size: int) -> int:
    return max(size - 1, min(16 * size, _MAX_SAMPLES // size))


def _splitters(sources, ties, offset: int, counts: Sequence[int], comm: Communicator,
               descending: bool) -> torch.Tensor:
    """P - 1 full keys dividing the elements into P nearly equal parts.

    Each rank takes ``k`` regular samples of its sorted block, each standing for
    ``n_r / k`` elements; every rank sorts all samples and picks the same splitters
    where the samples' cumulative weight crosses ``i n / P``.

    Communication: one Allgather of ``k`` key rows per rank.
    """
    size, n_local = comm.size, counts[comm.rank]
    k = _samples_per_rank(size)
    device = sources[0].device
    if n_local:
        positions = ((torch.arange(k, device=device) * 2 + 1) * n_local) // (2 * k)
        rows = _rows(sources, ties, offset, positions, descending)
    else:
        width = sum(len(_key_columns(s[:0], descending)) for s in sources) + 1
        rows = torch.zeros((k, width), dtype=torch.int64, device=device)
    samples = comm.Allgather(rows).reshape(size * k, -1)
    weights = torch.tensor(counts, dtype=torch.float64, device=device).div(k)
    weights = weights.repeat_interleave(k)
    order = _lex_argsort([samples[:, c] for c in range(samples.shape[1])], 0)
    cumulative = weights[order].cumsum(0)
    targets = torch.arange(1, size, dtype=torch.float64, device=device) * (sum(counts) / size)
    chosen = torch.searchsorted(cumulative, targets, right=True).clamp(max=size * k - 1)
    return samples[order[chosen]]


def _sample_sort(sources: list[torch.Tensor], counts: Sequence[int], comm: Communicator,
                 descending: bool, indices: bool) -> tuple[torch.Tensor, tuple[int, ...]]:
    """Sort 1-d blocks split with ``counts`` across ``comm``, by ``sources`` (primary
    key first); return this rank's block of the sorted values of ``sources[0]`` (or of
    the global indices if ``indices``) and the result's counts.

    Communication: one Allgather of the samples, one Allgather of the P x P send
    counts, one Alltoallv per source exchanged (the values for a sort; every source
    and the indices for an argsort).
    """
    rank, offset = comm.rank, offsets(counts)[comm.rank]
    plain = not indices and len(sources) == 1 and not sources[0].is_complex()
    if plain:  # values only: equal values are interchangeable, ties by position
        sources, ties = [_local_sort(sources[0], 0, descending)], None
    else:
        order = _local_argsort(sources, 0, descending)
        sources = [source.index_select(0, order) for source in sources]  # (fast gather)
        ties = order + offset
    splitters = _splitters(sources, ties, offset, counts, comm, descending)
    bounds = _count_less(sources, ties, offset, splitters, descending)
    edges = torch.cat([bounds.new_zeros(1), bounds, bounds.new_full((1,), counts[rank])])
    sends = comm.Allgather(edges.diff()).reshape(comm.size, comm.size)
    receive = sends[:, rank].tolist()
    new_counts = tuple(int(c) for c in sends.sum(0).tolist())
    send = sends[rank].tolist()
    exchanged = [*sources, ties] if indices else sources[:1]

    def move(t: torch.Tensor) -> torch.Tensor:
        return comm.Alltoallv(t, send, 0, (new_counts[rank],), receive, 0)

    received = [move(t) for t in exchanged]
    if plain:
        return _local_sort(received[0], 0, descending), new_counts
    # runs arrive in rank order, so a stable sort keeps equal keys in global-index order
    order = _local_argsort(received[:len(sources)] if indices else received, 0, descending)
    return received[-1 if indices else 0].index_select(0, order), new_counts


# --------------------------------------------------------------------------------------
# dispatch on the distribution
# --------------------------------------------------------------------------------------
def _sorted(arrays: Sequence[DNDarray], axis: int, descending: bool, indices: bool
            ) -> DNDarray:
    """Sort ``arrays`` (same shape and distribution; the first is the primary key)
    along ``axis``; the sorted first array, or the int64 indices if ``indices``."""
    x = arrays[0]
    locals_ = [array.larray for array in arrays]
    comm, shape, split = x.comm, x.shape, x.split
    if split != axis or not x.is_distributed() or x.size == 0:
        return DNDarray(_local_result(locals_, axis, descending, indices), shape, split,
                        comm, x.counts)
    others = [extent for i, extent in enumerate(shape) if i != axis]
    if all(extent == 1 for extent in others):
        flat = [t.reshape(-1) for t in locals_]
        result, counts = _sample_sort(flat, x.counts, comm, descending, indices)
        local_shape = list(shape)
        local_shape[axis] = counts[comm.rank]
        return DNDarray(result.reshape(local_shape), shape, split, comm, counts)
    return _sorted_by_resplit(locals_, x, axis, descending, indices)


def _local_result(locals_: Sequence[torch.Tensor], axis: int, descending: bool,
                  indices: bool) -> torch.Tensor:
    if indices:
        return _local_argsort(locals_, axis, descending)
    if len(locals_) == 1:
        return _local_sort(locals_[0], axis, descending)
    return locals_[0].gather(axis, _local_argsort(locals_, axis, descending))


def _sorted_by_resplit(locals_, x: DNDarray, axis: int, descending: bool, indices: bool
                       ) -> DNDarray:
    """Re-cut along the longest other axis, sort locally, re-cut back to ``x.counts``."""
    comm, shape = x.comm, x.shape
    other = max((i for i in range(x.ndim) if i != axis), key=lambda i: shape[i])
    moved = []
    for t in locals_:
        local, counts = redistribution.change_split(t, shape, axis, x.counts, other, comm)
        moved.append(local)
    result = _local_result(moved, axis, descending, indices)
    back, _ = redistribution.change_split(result, shape, other, counts, axis, comm, x.counts)
    return DNDarray(back, shape, axis, comm, x.counts)


def _prepared(a: Any, axis: Any) -> tuple[DNDarray, int]:
    """``a`` as a DNDarray and ``axis`` normalised (None: the flattened array)."""
    x = asarray(a)
    if axis is None:
        return _flattened(x), 0
    return x, sanitize_axis(axis, x.ndim)


# --------------------------------------------------------------------------------------
# the public functions
# --------------------------------------------------------------------------------------
def sort(a: Any, axis: int | None = -1, kind: str | None = None, order: Any = None, *,
         descending: bool = False, stable: bool = True) -> DNDarray:
    """Return a sorted copy of an array (NumPy's ``sort``, with the array API's
    ``descending`` and ``stable``).

    Parameters
    ----------
    a : array_like
        The array; DNDarrays of any split, NumPy data, sequences.
    axis : int or None
        The axis to sort along (negative counts from the end); None sorts the
        flattened array.
    kind : {None, 'quicksort', 'mergesort', 'heapsort', 'stable'}
        Checked as NumPy does; every kind gives the same stable sort.
    order : None
        Structured arrays are not supported.
    descending : bool
        Sort in descending order: the reverse of the ascending order, keeping equal
        elements in their original order (NaN first).
    stable : bool
        Accepted; the sort is always stable.

    Returns
    -------
    DNDarray
        Same shape, dtype and split as ``a`` (``axis=None``: 1-d, split along 0 if
        ``a`` is split). Along the split axis of a 1-d array the counts are those the
        sample sort produced (close to balanced).

    Raises
    ------
    AxisError
        If ``axis`` is out of range (a 0-d array has no axis to sort along).
    ValueError, TypeError
        For an invalid ``kind``.
    NotImplementedError
        If ``order`` is given.

    Notes
    -----
    Communication: none along an axis that is not the split axis. Along the split
    axis of a 1-d array (or ``axis=None``), a parallel sample sort: one Allgather of
    regular samples (about ``16 P`` keys per rank), one Allgather of the P x P send
    counts and one Alltoallv of the data; a split array of more dimensions flattened
    by ``axis=None`` is first re-cut along axis 0 (one Alltoallv). Along the split axis
    of an n-d array: one Alltoallv to re-cut it along its longest other axis, a local
    sort, one Alltoallv back to the original counts.

    Examples
    --------
    >>> import ember as em
    >>> em.sort(em.array([3, 1, 2, 1], split=0)).tolist()
    [1, 1, 2, 3]
    >>> em.sort(em.array([[3, 1], [0, 2]], split=0), axis=0, descending=True).tolist()
    [[3, 2], [0, 1]]
    """
    _check_kind(kind)
    _check_order(order, "sort")
    x, axis = _prepared(a, axis)
    return _sorted([x], axis, bool(descending), indices=False)


def argsort(a: Any, axis: int | None = -1, kind: str | None = None, order: Any = None, *,
            descending: bool = False, stable: bool = True) -> DNDarray:
    """Return the indices that sort an array (NumPy's ``argsort`` with
    ``kind="stable"``: equal elements by index; the array API's ``descending``).

    Parameters
    ----------
    a : array_like
    axis : int or None
        The axis to sort along; None: indices into the flattened array.
    kind, order, descending, stable
        As for :func:`sort`.

    Returns
    -------
    DNDarray
        int64 indices (global positions along ``axis``), distributed like the result
        of :func:`sort`.

    Raises
    ------
    AxisError, ValueError, TypeError, NotImplementedError
        As for :func:`sort`.

    Notes
    -----
    Communication: that of :func:`sort`; the sample sort moves the global indices
    with one more Alltoallv.

    Examples
    --------
    >>> import ember as em
    >>> em.argsort(em.array([3, 1, 2, 1], split=0)).tolist()
    [1, 3, 2, 0]
    """
    _check_kind(kind)
    _check_order(order, "argsort")
    x, axis = _prepared(a, axis)
    return _sorted([x], axis, bool(descending), indices=True)


def _partition_call(a: Any, kth: Any, axis: Any, kind: str, order: Any, name: str
                    ) -> tuple[DNDarray, int]:
    if kind != "introselect":
        raise ValueError(f"select kind must be 'introselect' (got {kind!r})")
    _check_order(order, name)
    x, axis = _prepared(a, axis)
    _kth_positions(kth, x.shape[axis], check_bounds=x.size > 0)
    return x, axis


def partition(a: Any, kth: Any, axis: int | None = -1, kind: str = "introselect",
              order: Any = None) -> DNDarray:
    """Return a partitioned copy of an array (NumPy's ``partition``).

    The element at each position in ``kth`` is the one a sort would put there, the
    elements before it are not greater and those after it not smaller. Ember returns a
    full sort, which satisfies this contract for every ``kth`` (NumPy's order within
    the parts is unspecified).

    Parameters
    ----------
    a : array_like
    kth : int or sequence of int
        Positions along ``axis`` (negative counts from the end).
    axis : int or None
        The axis to partition along; None: the flattened array.
    kind : {'introselect'}
    order : None
        Structured arrays are not supported.

    Returns
    -------
    DNDarray
        Distributed as the result of :func:`sort`.

    Raises
    ------
    ValueError
        If a ``kth`` is out of range or boolean, or ``kind`` is not 'introselect'.
    TypeError
        If ``kth`` is not integer.
    AxisError
        If ``axis`` is out of range.
    NotImplementedError
        If ``order`` is given.

    Notes
    -----
    Communication: that of :func:`sort`.

    Examples
    --------
    >>> import ember as em
    >>> p = em.partition(em.array([3, 4, 2, 1], split=0), 2).numpy()
    >>> int(p[2]), bool(p[:2].max() <= 3 <= p[3:].min())
    (3, True)
    """
    x, axis = _partition_call(a, kth, axis, kind, order, "partition")
    return _sorted([x], axis, False, indices=False)


def argpartition(a: Any, kth: Any, axis: int | None = -1, kind: str = "introselect",
                 order: Any = None) -> DNDarray:
    """Return indices that partition an array (NumPy's ``argpartition``).

    Ember returns the stable :func:`argsort`, which satisfies the partition contract
    for every ``kth``.

    Parameters
    ----------
    a, kth, axis, kind, order
        As for :func:`partition`.

    Returns
    -------
    DNDarray
        int64 indices, distributed as the result of :func:`argsort`.

    Raises
    ------
    ValueError, TypeError, AxisError, NotImplementedError
        As for :func:`partition`.

    Notes
    -----
    Communication: that of :func:`argsort`.

    Examples
    --------
    >>> import ember as em
    >>> em.argpartition(em.array([3, 4, 2, 1], split=0), 2).tolist()[2]
    0
    """
    x, axis = _partition_call(a, kth, axis, kind, order, "argpartition")
    return _sorted([x], axis, False, indices=True)


def _lexsort_keys(keys: Any) -> list[DNDarray]:
    """``keys`` as a non-empty list of DNDarrays of one shape (rows of an array)."""
    if isinstance(keys, (DNDarray, np.ndarray, torch.Tensor)):
        keys = asarray(keys)
        if keys.ndim == 0:
            raise TypeError("need sequence of keys with len > 0 in lexsort")
        if keys.ndim == 1:  # a sequence of 0-d keys, as NumPy reads it
            return [asarray(0, comm=keys.comm)]
        if keys.split == 0:
            keys = keys.resplit(1)
        split = None if keys.split is None else keys.split - 1
        rows = [keys.larray[i] for i in range(keys.shape[0])]
        return [DNDarray(row, keys.shape[1:], split, keys.comm, keys.counts) for row in rows]
    try:
        keys = [asarray(key) for key in keys]
    except TypeError:
        raise TypeError("need sequence of keys with len > 0 in lexsort") from None
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    if len({key.shape for key in keys}) > 1:
        raise ValueError("all keys need to be the same shape")
    return keys


def lexsort(keys: Any, axis: int = -1) -> DNDarray:
    """Indirect stable sort by several keys (NumPy's ``lexsort``): the last key is the
    primary one, ties are broken by the key before it, and so on, then by index.

    Parameters
    ----------
    keys : sequence of array_like, or array_like
        Keys of one shape; the rows of a 2-d (or more) array are the keys.
    axis : int
        The axis to sort along (negative counts from the end).

    Returns
    -------
    DNDarray
        int64 indices along ``axis``, distributed like the largest distributed key
        (as :func:`argsort` of it).

    Raises
    ------
    TypeError
        If there is no key, or ``axis`` is not an integer.
    ValueError
        If the keys' shapes differ.
    AxisError
        If ``axis`` is out of range.

    Notes
    -----
    Communication: bringing the keys to one distribution (see
    :func:`ember.core.alignment.align`; a key array split along its first axis is
    re-cut first), then that of :func:`argsort`, with one Alltoallv per key in the
    sample sort.

    Examples
    --------
    >>> import ember as em
    >>> first = em.array([2, 1, 2, 1], split=0)
    >>> last = em.array([0, 0, 1, 1], split=0)
    >>> em.lexsort([first, last]).tolist()
    [1, 0, 3, 2]
    """
    arrays = _lexsort_keys(keys)
    shape = arrays[0].shape
    if not shape:
        if operator.index(axis) not in (-1, 0):
            raise AxisError(f"axis {axis} is out of bounds for array of dimension 0")
        return asarray(0, dtype="int64", comm=arrays[0].comm)
    axis = sanitize_axis(axis, len(shape))
    aligned = align(arrays, arrays[0].comm)
    wrapped = [aligned.wrap(block) for block in reversed(aligned.blocks)]
    return _sorted(wrapped, axis, False, indices=True)
