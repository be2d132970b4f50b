"""Padding (NumPy's ``pad``): constant, edge, reflect, symmetric and wrap modes.

Along axes that are not split the padding is local. Along the split axis the first rank
holds the padding before and the last rank the padding after; constant padding needs no
communication, the other modes fetch exactly the distinct source rows of the padding
(the halo, possibly from far ranks) with one Alltoallv (:mod:`ember.core.row_moves`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import row_moves
from .creation import as_dndarray as _as_array
from .dndarray import DNDarray

__all__ = ["pad"]


# --------------------------------------------------------------------------------------
_PAD_MODES = {"constant": {"constant_values"}, "edge": set(), "wrap": set(),
              "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}}
_UNSUPPORTED_PAD_MODES = ("empty", "linear_ramp", "maximum", "mean", "median", "minimum")


def _as_pairs(value: Any, ndim: int, as_index: bool = False) -> list[tuple[Any, Any]]:
    """NumPy's reading of ``pad_width``/``constant_values``: one (before, after) pair per
    axis from a scalar, one pair, or one pair per axis."""
    value = np.array(value)
    if as_index:
        value = np.round(value).astype(np.intp, copy=False)
    if value.ndim < 3 and value.size == 1:
        value = value.ravel()
        pairs = [(value[0], value[0])] * ndim
    elif value.ndim < 3 and value.size == 2 and value.shape != (2, 1):
        value = value.ravel()
        pairs = [(value[0], value[1])] * ndim
    else:
        pairs = [tuple(pair) for pair in np.broadcast_to(value, (ndim, 2)).tolist()]
    if as_index and any(v < 0 for pair in pairs for v in pair):
        raise ValueError("index can't contain negative values")
    return [(int(p), int(q)) for p, q in pairs] if as_index else pairs


def _pad_sources(positions: torch.Tensor, n: int, mode: str) -> torch.Tensor:
    """The source row of each padded position (``positions`` counted from the first
    original row, so the before-padding is negative)."""
    if mode == "edge" or (mode == "reflect" and n == 1):
        return positions.clamp(0, n - 1)
    if mode == "wrap":
        return positions % n
    period = 2 * (n - 1) if mode == "reflect" else 2 * n
    phase = positions % period
    mirror = period - phase if mode == "reflect" else period - 1 - phase
    return torch.where(phase < n, phase, mirror)


def _filled(like: torch.Tensor, axis: int, extent: int, value: Any) -> torch.Tensor:
    shape = list(like.shape)
    shape[axis] = extent
    fill = torch.as_tensor(np.asarray(value)).to(device=like.device, dtype=like.dtype)
    return fill.expand(shape)


def _pad_constant(x: DNDarray, axis: int, before: int, after: int, values) -> DNDarray:
    """Constant padding along one axis: local (the first and last ranks pad the split
    axis)."""
    local, comm = x.larray, x.comm
    split_here = axis == x.split
    head = before if not split_here or comm.rank == 0 else 0
    tail = after if not split_here or comm.rank == comm.size - 1 else 0
    local = torch.cat([_filled(local, axis, head, values[0]), local,
                       _filled(local, axis, tail, values[1])], axis)
    shape = list(x.shape)
    shape[axis] += before + after
    return DNDarray(local, shape, x.split, comm, _padded_counts(x, axis, before, after))


def _padded_counts(x: DNDarray, axis: int, before: int, after: int):
    if axis != x.split:
        return x.counts
    counts = list(x.counts)
    counts[0] += before
    counts[-1] += after
    return tuple(counts)


def _pad_from_sources(x: DNDarray, axis: int, before: int, after: int, mode: str
                      ) -> DNDarray:
    """Edge, reflect, symmetric or wrap padding along one axis."""
    n = x.shape[axis]
    if axis != x.split:
        positions = torch.arange(-before, n + after, device=x.larray.device)
        local = x.larray.index_select(axis, _pad_sources(positions, n, mode))
        shape = list(x.shape)
        shape[axis] += before + after
        return DNDarray(local, shape, x.split, x.comm, x.counts)
    counts = _padded_counts(x, axis, before, after)
    blocks = [[block] for block in row_moves.target_ranges(x.counts)]

    def halo(start: int, stop: int) -> row_moves.Intervals:
        sources = _pad_sources(torch.arange(start, stop), n, mode)
        return row_moves.runs(np.unique(sources.numpy()))

    blocks[0] = row_moves.merge(blocks[0], halo(-before, 0))
    blocks[-1] = row_moves.merge(blocks[-1], halo(n, n + after))
    sources = _pad_sources(row_moves.my_targets(counts, x.comm.rank) - before, n, mode)
    return row_moves.fetch_rows(x, blocks, sources, counts)


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> DNDarray:
    """Pad an array.

    Parameters
    ----------
    array : array_like
        The array to pad.
    pad_width : int or sequence
        Rows to add before and after each axis: one int for all, ``(before, after)``
        for all axes, or one ``(before, after)`` pair per axis (NumPy's forms).
    mode : {"constant", "edge", "reflect", "symmetric", "wrap"}
        How to fill: ``constant_values`` (default 0; same forms as ``pad_width``), the
        edge value, the reflection without (reflect) or with (symmetric) the edge, or
        the wrap-around. Reflections longer than the axis repeat as in NumPy.
    **kwargs
        ``constant_values`` for "constant"; ``reflect_type="even"`` for "reflect" and
        "symmetric".

    Returns
    -------
    DNDarray
        The padded array with the input's dtype and split. Along the split axis the
        first rank holds the padding before and the last rank the padding after; the
        other rows stay where they were (no rebalancing).

    Raises
    ------
    TypeError
        A ``pad_width`` that is not integral.
    ValueError
        Negative or ill-shaped pad widths, an unknown mode, a keyword the mode does not
        take, or padding an empty axis in a mode other than "constant".
    NotImplementedError
        NumPy's modes "empty", "linear_ramp", "maximum", "mean", "median", "minimum", a
        callable mode, and ``reflect_type="odd"``.

    Notes
    -----
    Communication: none along axes that are not split, none for "constant". Along the
    split axis in the other modes one Alltoallv carrying, to the first and last ranks,
    the distinct source rows of their padding (at most min(pad width, extent) rows
    each: the halo, possibly from far ranks), nothing else.

    Examples
    --------
    >>> import ember as em
    >>> em.pad(em.arange(4, split=0), (2, 1), mode="reflect").tolist()
    [2, 1, 0, 1, 2, 3, 2]
    >>> em.pad(em.array([[1, 2]], split=0), 1, constant_values=9).tolist()
    [[9, 9, 9, 9], [9, 1, 2, 9], [9, 9, 9, 9]]
    """
    x = _as_array(array)
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    widths = _as_pairs(widths, x.ndim, as_index=True)
    _check_pad_mode(mode, kwargs)
    if x.size == 0 and mode != "constant":
        for axis, pair in enumerate(widths):
            if x.shape[axis] == 0 and any(pair):
                raise ValueError(f"can't extend empty axis {axis} using modes other than "
                                 "'constant' or 'empty'")
    values = _as_pairs(kwargs.get("constant_values", 0), x.ndim)
    result = x.copy()
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        if mode == "constant":
            result = _pad_constant(result, axis, before, after, values[axis])
        else:
            result = _pad_from_sources(result, axis, before, after, mode)
    return result


def _check_pad_mode(mode: Any, kwargs: dict) -> None:
    if callable(mode):
        raise NotImplementedError("pad: a callable mode is not supported")
    if mode in _UNSUPPORTED_PAD_MODES:
        raise NotImplementedError(f"pad: mode {mode!r} is not supported")
    if mode not in _PAD_MODES:
        raise ValueError(f"mode {mode!r} is not supported")
    unsupported = set(kwargs) - _PAD_MODES[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode {mode!r}: {unsupported}")
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type == "odd":
        raise NotImplementedError("pad: reflect_type='odd' is not supported")
    if reflect_type != "even":
        raise ValueError(f"reflect_type must be 'even' or 'odd', got {reflect_type!r}")
