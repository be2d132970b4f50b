"""Rearranging elements: flip, roll, rot90, tile, repeat, pad, resize, trim_zeros.

NumPy returns views for some of these (flip, rot90); ember returns new arrays. Along
axes that are not split everything is local. Along the split axis the data moves with
at most one collective per call carrying only the rows that change owner:

==========================  ============================================================
flip (split axis)           one Sendrecv: rank r swaps its block with rank P-1-r; the
                            result's counts are the input's reversed
roll (split axis)           one Alltoallv of the rows changing owner; counts kept
tile / resize (split axis)  one Alltoallv; the result is balanced, each rank receives
                            each distinct source row it needs once
pad (split axis)            constant: none; other modes: one Alltoallv of the distinct
                            halo rows (the interior stays where it is)
repeat                      none (per-element repeats are replicated)
trim_zeros                  one Allreduce of 2 x ndim integers
==========================  ============================================================

The split-axis moves other than flip share one engine, :mod:`ember.core.row_moves`;
``pad`` lives in :mod:`ember.core.padding` (re-exported here).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from . import row_moves
from .creation import as_dndarray as _as_array
from .dndarray import DNDarray
from .reduction import reduced_axes
from .reshaping import ravel, reshape
from .validation import sanitize_axis

__all__ = ["flip", "fliplr", "flipud", "roll", "rot90", "tile", "repeat", "resize", "trim_zeros"]


# --------------------------------------------------------------------------------------
# flip
# --------------------------------------------------------------------------------------
def _reverse_blocks(local: torch.Tensor, x: DNDarray) -> torch.Tensor:
    """This rank's block of the array whose blocks are ``x``'s in reverse rank order:
    rank r receives the (already flipped) block of rank P-1-r."""
    comm = x.comm
    partner = comm.size - 1 - comm.rank
    if partner == comm.rank:
        return local
    shape = list(local.shape)
    shape[x.split] = x.counts[partner]
    return comm.Sendrecv(local, dest=partner, source=partner, recv_shape=shape)


def flip(m: Any, axis: Any = None) -> DNDarray:
    """Reverse the order of elements along the given axes.

    Parameters
    ----------
    m : array_like
        Input array.
    axis : None, int or tuple of ints, optional
        Axes to reverse; None reverses every axis.

    Returns
    -------
    DNDarray
        A new array (NumPy returns a view) with the input's dtype and split. Flipping
        the split axis reverses the counts: rank r holds the flipped block that rank
        P-1-r held, so uneven counts stay uneven (mirrored), nothing is rebalanced.

    Raises
    ------
    AxisError
        An axis out of range.
    ValueError
        A repeated axis.

    Notes
    -----
    Communication: none unless the split axis is flipped; then one Sendrecv per rank
    (rank r exchanges its block with rank P-1-r; the middle rank of an odd number of
    processes keeps its own). Each rank sends and receives one block.

    Examples
    --------
    >>> import ember as em
    >>> em.flip(em.arange(4, split=0)).tolist()
    [3, 2, 1, 0]
    >>> em.flip(em.array([[0, 1, 2], [3, 4, 5]], split=1), 1).tolist()
    [[2, 1, 0], [5, 4, 3]]
    """
    x = _as_array(m)
    axes = reduced_axes(axis, x.ndim)
    local = x.larray.flip(axes).contiguous() if axes else x.larray.clone(
        memory_format=torch.contiguous_format)
    if x.split is None or x.split not in axes:
        return DNDarray(local, x.shape, x.split, x.comm, x.counts)
    local = _reverse_blocks(local, x)
    return DNDarray(local, x.shape, x.split, x.comm, tuple(reversed(x.counts)))


def _flip_axis_of(m: Any, axis: int, minimum: int, name: str) -> DNDarray:
    x = _as_array(m)
    if x.ndim < minimum:
        raise ValueError(f"{name}: input must be >= {minimum}-d.")
    return flip(x, axis)


def fliplr(m: Any) -> DNDarray:
    """Reverse the order of elements along axis 1 (left/right).

    Parameters
    ----------
    m : array_like
        Input array, at least 2-D.

    Returns
    -------
    DNDarray
        ``flip(m, 1)``: a new array with the input's split.

    Raises
    ------
    ValueError
        If ``m`` has fewer than 2 dimensions.

    Notes
    -----
    Communication: as :func:`flip` (one Sendrecv when axis 1 is the split axis).

    Examples
    --------
    >>> import ember as em
    >>> em.fliplr(em.array([[1, 2], [3, 4]], split=0)).tolist()
    [[2, 1], [4, 3]]
    """
    return _flip_axis_of(m, 1, 2, "fliplr")


def flipud(m: Any) -> DNDarray:
    """Reverse the order of elements along axis 0 (up/down).

    Parameters
    ----------
    m : array_like
        Input array, at least 1-D.

    Returns
    -------
    DNDarray
        ``flip(m, 0)``: a new array with the input's split.

    Raises
    ------
    ValueError
        If ``m`` is 0-d.

    Notes
    -----
    Communication: as :func:`flip` (one Sendrecv when axis 0 is the split axis).

    Examples
    --------
    >>> import ember as em
    >>> em.flipud(em.array([[1, 2], [3, 4]], split=0)).tolist()
    [[3, 4], [1, 2]]
    """
    return _flip_axis_of(m, 0, 1, "flipud")


# --------------------------------------------------------------------------------------
# roll and rot90
# --------------------------------------------------------------------------------------
def _flattened(x: DNDarray) -> DNDarray:
    """``x`` as a 1-D array (:func:`ember.ravel` when the data is distributed)."""
    if x.ndim == 1:
        return x
    if not x.is_distributed():
        local = x.larray.reshape(-1)
        if x.split is None:
            return DNDarray(local, (x.size,), None, x.comm)
        return DNDarray(local, (x.size,), 0, x.comm, (x.size,))
    return ravel(x)


def _shifts_by_axis(shift: Any, axis: Any, ndim: int) -> dict[int, int]:
    """NumPy's pairing of ``shift`` and ``axis`` (both broadcast; repeated axes add up)."""
    try:
        pairs = np.broadcast(np.asarray(shift, dtype=object), np.asarray(axis, dtype=object))
    except ValueError:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences of the "
                         "same length") from None
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    totals: dict[int, int] = {}
    for amount, ax in pairs:
        ax = sanitize_axis(ax, ndim)
        try:
            totals[ax] = totals.get(ax, 0) + operator.index(amount)
        except TypeError:
            raise TypeError(f"shift must be an integer or a sequence of integers, got "
                            f"{type(amount).__name__}") from None
    return totals


def roll(a: Any, shift: Any, axis: Any = None) -> DNDarray:
    """Roll array elements along the given axes; elements shifted past the end come
    back at the start.

    Parameters
    ----------
    a : array_like
        Input array.
    shift : int or tuple of ints
        Places to shift by (negative: towards the start). With a tuple of axes, a tuple
        of shifts of the same length (or one shift for all); repeated axes add up.
    axis : int or tuple of ints, optional
        Axes to roll along; None rolls the flattened array and restores the shape (then
        the shifts add up).

    Returns
    -------
    DNDarray
        A new array with the input's dtype, split and counts.

    Raises
    ------
    AxisError
        An axis out of range.
    ValueError
        ``shift`` and ``axis`` of different lengths.
    TypeError
        A non-integer shift (NumPy truncates float shifts; ember refuses them).

    Notes
    -----
    Communication: none along axes that are not split. Along the split axis one
    Alltoallv: each row travels to the rank owning its shifted position (a block
    splits into at most two runs, so each rank sends to and receives from at most a
    few ranks); the counts are kept. ``axis=None`` on a distributed array of two or
    more dimensions goes through :func:`ember.ravel` and :func:`ember.reshape` (their
    communication added).

    Examples
    --------
    >>> import ember as em
    >>> em.roll(em.arange(5, split=0), 2).tolist()
    [3, 4, 0, 1, 2]
    >>> em.roll(em.array([[0, 1, 2], [3, 4, 5]], split=0), -1, axis=1).tolist()
    [[1, 2, 0], [4, 5, 3]]
    """
    x = _as_array(a)
    if axis is None:
        flat = _flattened(x)
        rolled = roll(flat, sum(_shifts_by_axis(shift, 0, 1).values()), 0)
        if x.ndim == 1:
            return rolled
        if not rolled.is_distributed():
            local = rolled.larray.reshape(x.shape)
            return DNDarray(local, x.shape, None if x.split is None else x.split, x.comm,
                            None if x.split is None else x.counts)
        return reshape(rolled, x.shape)
    shifts = {ax: s % x.shape[ax] for ax, s in _shifts_by_axis(shift, axis, x.ndim).items()
              if x.shape[ax]}
    local_axes = [ax for ax, s in shifts.items() if s and ax != x.split]
    local = x.larray.roll([shifts[ax] for ax in local_axes], local_axes) if local_axes \
        else x.larray.clone()
    result = DNDarray(local, x.shape, x.split, x.comm, x.counts)
    if shifts.get(x.split, 0):
        result = row_moves.cyclic(result, shifts[x.split], x.shape[x.split])
    return result


def _swapped(x: DNDarray, first: int, second: int) -> DNDarray:
    order = list(range(x.ndim))
    order[first], order[second] = order[second], order[first]
    return x._permuted(tuple(order))


def rot90(m: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> DNDarray:
    """Rotate an array by 90 degrees ``k`` times in the plane of ``axes``, from the
    first axis towards the second.

    Parameters
    ----------
    m : array_like
        Input array of at least 2 dimensions.
    k : int
        Number of quarter turns (negative: the other way).
    axes : (int, int)
        The plane of rotation: two different axes.

    Returns
    -------
    DNDarray
        A new array (NumPy returns a view); the split axis follows its data (a split
        axis in ``axes`` becomes the other axis of the plane when k is odd).

    Raises
    ------
    ValueError
        ``axes`` not two different axes in range (as NumPy, ValueError, not AxisError).

    Notes
    -----
    Communication: as :func:`flip` of one axis (k odd) or two axes (k = 2 mod 4): one
    Sendrecv per rank when the flipped axis is split, else none. The transposition is
    local.

    Examples
    --------
    >>> import ember as em
    >>> em.rot90(em.array([[1, 2], [3, 4]], split=0)).tolist()
    [[2, 4], [1, 3]]
    """
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    x = _as_array(m)
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == x.ndim:
        raise ValueError("Axes must be different.")
    if not all(-x.ndim <= ax < x.ndim for ax in axes):
        raise ValueError(f"Axes={axes} out of range for array of ndim={x.ndim}.")
    first, second = (ax % x.ndim for ax in axes)
    k = operator.index(k) % 4
    if k == 0:
        return x.copy()
    if k == 2:
        return flip(x, (first, second))
    # k == 1: transpose(flip(m, second)) == flip(transpose(m), first)
    return flip(_swapped(x, first, second), first if k == 1 else second)


# --------------------------------------------------------------------------------------
# tile, repeat, resize
# --------------------------------------------------------------------------------------
def _prepend_axes(x: DNDarray, count: int) -> DNDarray:
    """``x`` with ``count`` leading axes of length one."""
    if count <= 0:
        return x
    local = x.larray.reshape((1,) * count + tuple(x.larray.shape))
    split = None if x.split is None else x.split + count
    return DNDarray(local, (1,) * count + x.shape, split, x.comm, x.counts)


def _non_negative_ints(values: Any, name: str, message: str) -> tuple[int, ...]:
    try:
        result = tuple(operator.index(v) for v in values)
    except TypeError:
        raise TypeError(f"{name} must be integers, got {values!r}") from None
    if any(v < 0 for v in result):
        raise ValueError(message)
    return result


def tile(A: Any, reps: Any) -> DNDarray:
    """Construct an array by repeating ``A`` the number of times given by ``reps``.

    Parameters
    ----------
    A : array_like
        The input array.
    reps : int or sequence of ints
        Repetitions along each axis. With more entries than ``A`` has dimensions, ``A``
        gets leading axes of length one; with fewer, ``reps`` gets leading ones.

    Returns
    -------
    DNDarray
        The tiled array, split along the input's split axis (shifted by the prepended
        axes). When that axis is repeated the result is balanced; otherwise it keeps
        the input's counts.

    Raises
    ------
    TypeError
        A non-integer repetition.
    ValueError
        A negative repetition.

    Notes
    -----
    Communication: none unless the split axis is repeated (``reps`` > 1 there); then
    one Alltoallv in which each rank receives each distinct source row of its block of
    the result once (at most the whole input when its block spans a full period).

    Examples
    --------
    >>> import ember as em
    >>> em.tile(em.arange(3, split=0), 2).tolist()
    [0, 1, 2, 0, 1, 2]
    >>> em.tile(em.array([[1, 2]], split=1), (2, 1)).tolist()
    [[1, 2], [1, 2]]
    """
    try:
        reps = tuple(reps)
    except TypeError:
        reps = (reps,)
    reps = _non_negative_ints(reps, "reps", "negative dimensions are not allowed")
    x = _prepend_axes(_as_array(A), len(reps) - _as_array(A).ndim)
    reps = (1,) * (x.ndim - len(reps)) + reps
    local_reps = [1 if ax == x.split else r for ax, r in enumerate(reps)]
    local = x.larray.repeat(local_reps) if local_reps else x.larray.clone()
    shape = tuple(e * r for e, r in zip(x.shape, local_reps, strict=True))
    result = DNDarray(local, shape, x.split, x.comm, x.counts)
    if x.split is None or reps[x.split] == 1:
        return result
    return row_moves.cyclic(result, 0, x.shape[x.split] * reps[x.split])


def _repeat_counts(repeats: Any, n: int) -> int | np.ndarray:
    """``repeats`` as one int or one non-negative int per element (length ``n``)."""
    if isinstance(repeats, DNDarray):
        repeats = repeats.numpy()
    elif isinstance(repeats, torch.Tensor):
        repeats = repeats.detach().cpu().numpy()
    counts = np.asarray(repeats)
    if counts.ndim > 1:
        raise ValueError(f"repeats must be an integer or a 1-d sequence, got shape "
                         f"{counts.shape}")
    if counts.dtype.kind not in "biuf":
        raise TypeError(f"repeats must be integers, got dtype {counts.dtype}")
    counts = counts.astype(np.int64)
    if (counts < 0).any():
        raise ValueError("negative dimensions are not allowed")
    if counts.size == 1:
        return int(counts.reshape(()))
    if counts.size != n:
        raise ValueError(f"operands could not be broadcast together with shape ({n},) "
                         f"({counts.size},)")
    return counts


def repeat(a: Any, repeats: Any, axis: int | None = None) -> DNDarray:
    """Repeat each element of an array after itself.

    Parameters
    ----------
    a : array_like
        Input array.
    repeats : int or sequence of ints
        Repetitions of each element: one for all, or one per element along ``axis``.
    axis : int, optional
        The axis along which to repeat; None repeats the flattened array.

    Returns
    -------
    DNDarray
        The input's split (axis 0 of the flattened array for ``axis=None``); along the
        split axis each rank's count becomes the sum of its elements' repetitions.

    Raises
    ------
    AxisError
        ``axis`` out of range.
    ValueError
        Negative repetitions, or as many repetitions as neither 1 nor the axis extent.
    TypeError
        Repetitions that are not numbers.

    Notes
    -----
    Communication: none (each rank repeats its own rows; the new counts are computed
    from the replicated repetitions). A ``repeats`` DNDarray that is split is gathered
    first (one Allgatherv of its integers); ``axis=None`` on a distributed array of two
    or more dimensions goes through :func:`ember.ravel`.

    Examples
    --------
    >>> import ember as em
    >>> em.repeat(em.arange(3, split=0), 2).tolist()
    [0, 0, 1, 1, 2, 2]
    >>> em.repeat(em.array([[1, 2], [3, 4]], split=0), [1, 2], axis=0).tolist()
    [[1, 2], [3, 4], [3, 4]]
    """
    x = _as_array(a)
    if axis is None:
        x, axis = _flattened(x), 0
    else:
        axis = sanitize_axis(axis, x.ndim)
    counts = _repeat_counts(repeats, x.shape[axis])
    shape = list(x.shape)
    if isinstance(counts, int):
        local = x.larray.repeat_interleave(counts, dim=axis)
        new_counts = None if x.split != axis else tuple(c * counts for c in x.counts)
        shape[axis] *= counts
    else:
        mine = counts
        new_counts = None
        if x.split == axis:
            bounds = np.concatenate(([0], np.cumsum(counts)))
            ranges = row_moves.target_ranges(x.counts)
            new_counts = tuple(int(bounds[b] - bounds[a]) for a, b in ranges)
            mine = counts[slice(*ranges[x.comm.rank])]
        index = torch.from_numpy(np.repeat(np.arange(mine.size), mine))
        local = x.larray.index_select(axis, index.to(x.larray.device))
        shape[axis] = int(counts.sum())
    return DNDarray(local, shape, x.split, x.comm, new_counts if x.split is not None else None)


def resize(a: Any, new_shape: Any) -> DNDarray:
    """A new array of ``new_shape`` filled with the flattened input repeated cyclically.

    Parameters
    ----------
    a : array_like
        Array to resize.
    new_shape : int or tuple of ints
        Shape of the result.

    Returns
    -------
    DNDarray
        Zeros when the input or the result is empty (as NumPy). A replicated input gives
        a replicated result; a split one a result split along axis 0 (as
        :func:`ember.reshape` lays it out).

    Raises
    ------
    TypeError
        A shape that is not integers.
    ValueError
        A negative extent.

    Notes
    -----
    Communication: none for a replicated input. Otherwise :func:`ember.ravel`'s, then
    one Alltoallv in which each rank receives each distinct element it needs once
    (balanced 1-D layout), then :func:`ember.reshape`'s.

    Examples
    --------
    >>> import ember as em
    >>> em.resize(em.array([[0, 1], [2, 3]], split=0), (2, 3)).tolist()
    [[0, 1, 2], [3, 0, 1]]
    """
    if isinstance(new_shape, (int, np.integer)):
        new_shape = (new_shape,)
    shape = _non_negative_ints(new_shape, "new_shape",
                               "all elements of `new_shape` must be non-negative")
    x = _as_array(a)
    size = int(np.prod(shape, dtype=np.int64))
    if x.size == 0 or size == 0:
        from .creation import zeros

        split = 0 if x.split is not None and shape else None
        return zeros(shape, dtype=x.dtype, split=split, device=x.device, comm=x.comm)
    flat = _flattened(x)
    if not flat.is_distributed():
        local = flat.larray.repeat(-(-size // x.size))[:size].reshape(shape)
        split = 0 if x.split is not None and shape else None
        return DNDarray(local, shape, split, x.comm, None if split is None else (shape[0],))
    result = row_moves.cyclic(flat, 0, size)
    return result if len(shape) == 1 else reshape(result, shape)


# --------------------------------------------------------------------------------------
# trim_zeros
# --------------------------------------------------------------------------------------
_NONE = torch.iinfo(torch.int64).max


def _nonzero_bounds(x: DNDarray) -> tuple[list[int], list[int]]:
    """Per axis, the first and last global index holding a nonzero (first = _NONE when
    the array is all zeros)."""
    nonzero = x.larray != 0
    firsts, lasts = [], []
    for axis in range(x.ndim):
        others = tuple(ax for ax in range(x.ndim) if ax != axis)
        along = nonzero.any(dim=others) if others else nonzero
        where = torch.nonzero(along).reshape(-1)
        shift = x.offsets[x.comm.rank] if axis == x.split else 0
        firsts.append(int(where.min()) + shift if where.numel() else _NONE)
        lasts.append(int(where.max()) + shift if where.numel() else -1)
    bounds = torch.tensor(firsts + [-last for last in lasts], dtype=torch.int64)
    if x.is_distributed():
        bounds = x.comm.Allreduce(bounds, "min")
    bounds = bounds.tolist()
    return bounds[:x.ndim], [-b for b in bounds[x.ndim:]]


def _sliced(x: DNDarray, starts: Sequence[int], stops: Sequence[int]) -> DNDarray:
    """``x[start:stop, ...]`` per axis, as a copy; along the split axis each rank keeps
    its part of the range (counts shrink, nothing moves)."""
    local, counts = x.larray, x.counts
    for axis, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        if axis != x.split:
            local = local.narrow(axis, start, stop - start)
            continue
        blocks = row_moves.target_ranges(x.counts)
        counts = tuple(row_moves.overlap(start, stop, a, b) for a, b in blocks)
        a, b = blocks[x.comm.rank]
        local = local.narrow(axis, min(max(start, a), b) - a, counts[x.comm.rank])
    shape = [stop - start for start, stop in zip(starts, stops, strict=True)]
    return DNDarray(local.clone(memory_format=torch.contiguous_format), shape, x.split,
                    x.comm, counts)


def trim_zeros(filt: Any, trim: str = "fb", axis: Any = None) -> DNDarray:
    """Trim the leading and/or trailing zeros: the smallest box (along ``axis``) that
    holds every nonzero value.

    Parameters
    ----------
    filt : array_like
        Input array.
    trim : {"fb", "f", "b"}
        Trim the front ("f"), the back ("b") or both.
    axis : int or sequence of ints, optional
        Axes to trim; None trims every axis. An all-zero array becomes empty along the
        trimmed axes.

    Returns
    -------
    DNDarray
        A new array (NumPy returns a view, or a list for list input), with the input's
        dtype and split; along the split axis each rank keeps its part of the box, so
        the counts are the data-dependent ones (not rebalanced).

    Raises
    ------
    ValueError
        An unknown ``trim`` or a repeated axis.
    AxisError
        An axis out of range.

    Notes
    -----
    Communication: one Allreduce of 2 x ndim integers (the box's corners) when the
    array is distributed; the trimming itself is local.

    Examples
    --------
    >>> import ember as em
    >>> em.trim_zeros(em.array([0, 0, 1, 2, 0], split=0)).tolist()
    [1, 2]
    >>> em.trim_zeros(em.array([[0, 0, 0], [0, 5, 0]], split=0), axis=1).tolist()
    [[0], [5]]
    """
    x = _as_array(filt)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = reduced_axes(axis, x.ndim)
    if not axes:
        return x.copy()
    firsts, lasts = _nonzero_bounds(x)
    starts, stops = [0] * x.ndim, list(x.shape)
    for ax in axes:
        if firsts[0] == _NONE:
            stops[ax] = 0
            continue
        if "f" in trim:
            starts[ax] = firsts[ax]
        if "b" in trim:
            stops[ax] = lasts[ax] + 1
    return _sliced(x, starts, stops)
