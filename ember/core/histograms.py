"""Histograms and binning: histogram, histogram_bin_edges, bincount, digitize.

Counting is local (each rank bins its own block) and one Allreduce of the bin counts
merges the ranks' histograms; the result is replicated. Bin edges are computed exactly
as NumPy computes them (``np.linspace`` on the replicated range, in NumPy's dtype), so
values on the edges land in the same bins. Replicated inputs need no communication.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
import torch

from . import dtypes
from .dndarray import DNDarray
from .reduction import _as_array

__all__ = ["histogram", "histogram_bin_edges", "bincount", "digitize"]

_ESTIMATORS = ("auto", "fd", "scott", "rice", "sturges", "sqrt")
_NOT_YET = ("doane", "stone")


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _numpy_dtype(dt: dtypes.dtype) -> np.dtype:
    """NumPy's dtype standing for ``dt`` (bfloat16 is binned as float32)."""
    return dt.numpy if dt.numpy is not None else np.dtype(np.float32)


def _replicated(value: Any) -> np.ndarray:
    """A small replicated argument (bins, edges) as a NumPy array."""
    if isinstance(value, DNDarray):
        return value.numpy()  # small by contract (bin edges); gathers it if split
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _distributed(x: DNDarray) -> bool:
    return x.split is not None and x.comm.size > 1


def _global_extremes(x: DNDarray, values: torch.Tensor) -> tuple[Any, Any]:
    """Global (min, max) of the local values of ``x`` as NumPy scalars of x's dtype.

    Communication: one Allreduce of 2 numbers when ``x`` is distributed. NaN propagates.
    """
    if values.dtype == torch.bool:
        values = values.to(torch.uint8)
    if values.numel():
        pair = torch.stack([values.min(), values.max()])
    else:
        big = math.inf if values.dtype.is_floating_point else torch.iinfo(values.dtype).max
        pair = torch.tensor([big, -big if values.dtype.is_floating_point else
                             torch.iinfo(values.dtype).min], dtype=values.dtype)
    if _distributed(x):
        if values.dtype.is_floating_point:
            merged = x.comm.Allreduce(torch.stack([pair[0], -pair[1]]), "min")
            pair = torch.stack([merged[0], -merged[1]])
        else:
            merged = x.comm.Allreduce(torch.stack([pair[0], ~pair[1]]).to(torch.int64), "min")
            pair = torch.stack([merged[0], ~merged[1]])
    kind = _numpy_dtype(x.dtype)
    low, high = pair.to(torch.float64 if kind.kind == "f" else torch.int64).cpu().numpy()
    return kind.type(low), kind.type(high)


def _outer_edges(x: DNDarray, values: torch.Tensor, range: Any) -> tuple[Any, Any]:
    """NumPy's ``_get_outer_edges``: the range, or the data's extremes (one Allreduce)."""
    if range is not None:
        first, last = range
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
    elif x.size == 0:
        first, last = 0, 1
    else:
        first, last = _global_extremes(x, values)
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
    if first == last:
        first, last = first - 0.5, last + 0.5
    return first, last


def _aligned_weights(x: DNDarray, weights: Any) -> torch.Tensor | None:
    """``weights`` as a tensor matching x's local block element for element.

    Communication: none for replicated weights or weights with x's distribution;
    otherwise one redistribution of the weights.
    """
    if weights is None:
        return None
    if isinstance(weights, DNDarray):
        w = weights
    else:
        from .creation import array

        w = array(_replicated(weights), comm=x.comm, device=x.device)
    if w.shape != x.shape:
        raise ValueError("weights should have the same shape as a.")
    if x.split is None:
        if w.split is not None:
            w = w.resplit(None)
        return w.larray.reshape(-1)
    if w.split is None:
        start = x.offsets[x.comm.rank]
        return w.larray.narrow(x.split, start, x.counts[x.comm.rank]).reshape(-1)
    if w.split != x.split:
        w = w.resplit(x.split)
    if w.counts != x.counts:
        w = w.redistribute(x.counts)
    return w.larray.reshape(-1)


def _local_flat(x: DNDarray) -> torch.Tensor:
    """This rank's share of the data, flattened (order is irrelevant to histograms)."""
    return x.larray.reshape(-1)


# --------------------------------------------------------------------------------------
# bin edges
# --------------------------------------------------------------------------------------
def _bin_edges(x: DNDarray, values: torch.Tensor, bins: Any, range: Any, weighted: bool
               ) -> np.ndarray:
    """NumPy's ``_get_bin_edges`` on replicated metadata and at most a few Allreduces."""
    if x.dtype.kind == "c":
        raise TypeError("histograms of complex numbers are not supported")
    if isinstance(bins, str):
        if bins in _NOT_YET:
            raise NotImplementedError(f"bins={bins!r} is not supported by ember yet "
                                      f"(supported: {', '.join(_ESTIMATORS)})")
        if bins not in _ESTIMATORS:
            raise ValueError(f"{bins!r} is not a valid estimator for `bins`")
        if weighted:
            raise TypeError("Automated estimation of the number of bins is not supported "
                            "for weighted data")
        first, last = _outer_edges(x, values, range)
        count = _estimate_bins(x, values, bins, range, first, last)
    elif np.ndim(bins) == 0:
        try:
            count = operator.index(bins)
        except TypeError as error:
            raise TypeError("`bins` must be an integer, a string, or an array") from error
        if count < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first, last = _outer_edges(x, values, range)
    elif np.ndim(bins) == 1:
        edges = _replicated(bins)
        if np.any(edges[:-1] > edges[1:]):
            raise ValueError("`bins` must increase monotonically, when an array")
        return edges
    else:
        raise ValueError("`bins` must be 1d, when an array")
    stand_in = np.empty(0, _numpy_dtype(x.dtype))
    bin_type = np.result_type(first, last, stand_in)
    if np.issubdtype(bin_type, np.integer):
        bin_type = np.result_type(bin_type, float)
    edges = np.linspace(first, last, count + 1, endpoint=True, dtype=bin_type)
    if np.any(edges[:-1] >= edges[1:]):
        raise ValueError(f"Too many bins for data range. Cannot create {count} "
                         "finite-sized bins.")
    return edges


def _estimate_bins(x: DNDarray, values: torch.Tensor, name: str, range: Any,
                   first: Any, last: Any) -> int:
    """NumPy's bin-count estimators on the (range-truncated) data, in NumPy's types.

    Communication (distributed data): one Allreduce of the size and one small Allgather
    of the counts (with ``range``), one Allreduce of the extremes, and those of
    :func:`percentile` ('fd', 'auto') or :func:`std` ('scott').
    """
    from .creation import array
    from .reduction import std
    from .statistics import percentile

    data = values
    if range is not None:
        data = values[(values >= float(first)) & (values <= float(last))]
    if _distributed(x):
        counts = tuple(x.comm.allgather_object(int(data.numel())))
        kept = DNDarray(data, (sum(counts),), 0, x.comm, counts)
    else:
        kept = array(data, comm=x.comm)
    size = kept.size
    if size == 0:
        return 1
    low, high = _global_extremes(kept, data)
    integral = np.issubdtype(type(high), np.integer)
    ptp = int(high) - int(low) if integral else high - low
    sturges = ptp / (np.log2(size) + 1.0)

    def fd():
        q75, q25 = percentile(kept, [75, 25]).numpy()
        return 2.0 * np.subtract(q75, q25) * size ** (-1.0 / 3.0)

    if name == "sqrt":
        width = ptp / np.sqrt(size)
    elif name == "sturges":
        width = sturges
    elif name == "rice":
        width = ptp / (2.0 * size ** (1.0 / 3))
    elif name == "scott":
        spread = std(kept)
        spread = (np.float64 if integral else type(high))(spread.item())
        width = (24.0 * np.pi ** 0.5 / size) ** (1.0 / 3.0) * spread
    elif name == "fd":
        width = fd()
    else:  # auto: NumPy 2's min(max(fd, sqrt / 2), sturges)
        width = min(max(fd(), ptp / np.sqrt(size) / 2), sturges)
    if not width:
        return 1
    if integral and width < 1:
        width = 1
    delta = int(last) - int(first) if np.issubdtype(type(last), np.integer) else last - first
    return int(np.ceil(delta / width))


# --------------------------------------------------------------------------------------
# the public functions
# --------------------------------------------------------------------------------------
def histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None,  # noqa: A002
                        weights: Any = None) -> DNDarray:
    """The bin edges :func:`histogram` would use (NumPy's ``histogram_bin_edges``).

    ``bins`` may be an int, a 1-d array of edges, or one of the estimators 'auto',
    'fd', 'scott', 'rice', 'sturges', 'sqrt' ('doane' and 'stone' raise
    NotImplementedError). The edges are replicated.

    Notes
    -----
    Communication: for an int ``bins`` without ``range`` on split data, one Allreduce
    of the global (min, max); none with ``range`` or explicit edges; estimators add the
    Allreduces of their statistics (see :func:`percentile`, :func:`var`).

    Examples
    --------
    >>> import ember as em
    >>> em.histogram_bin_edges(em.arange(5, split=0), bins=2).tolist()
    [0.0, 2.0, 4.0]
    """
    x = _as_array(a)
    values = _local_flat(x)
    edges = _bin_edges(x, values, bins, range, weights is not None)
    return _edges_array(edges, x)


def _edges_array(edges: np.ndarray, x: DNDarray) -> DNDarray:
    from .creation import array

    return array(np.ascontiguousarray(edges), comm=x.comm, device=x.device)


def histogram(a: Any, bins: Any = 10, range: Any = None,  # noqa: A002
              density: bool = False, weights: Any = None) -> tuple[DNDarray, DNDarray]:
    """Histogram of the values of ``a`` (flattened), NumPy's ``histogram``.

    Bins are half-open ``[edges[i], edges[i+1])`` except the last, which is closed;
    values outside the range (and NaN) are not counted. ``hist`` is int64, or the
    weights' dtype; with ``density`` it is the float64 probability density.

    Parameters
    ----------
    a : array_like
    bins : int, 1-d array_like or str
        Number of equal-width bins, the monotonically increasing edges, or an estimator
        name (see :func:`histogram_bin_edges`).
    range : (float, float), optional
        The outer edges; default the data's minimum and maximum.
    density : bool
    weights : array_like, optional
        Same shape as ``a``.

    Returns
    -------
    hist, bin_edges : DNDarray, DNDarray
        Both replicated.

    Notes
    -----
    Communication: on split data, one Allreduce of the 2 global extremes (int ``bins``
    without ``range`` only) and one Allreduce of the bin counts; none on replicated
    data (weights with another distribution than ``a`` are redistributed first).

    Examples
    --------
    >>> import ember as em
    >>> hist, edges = em.histogram(em.array([1, 2, 1], split=0), bins=[0, 1, 2, 3])
    >>> hist.tolist(), edges.tolist()
    ([0, 2, 1], [0, 1, 2, 3])
    """
    x = _as_array(a)
    values = _local_flat(x)
    w = _aligned_weights(x, weights)
    edges = _bin_edges(x, values, bins, range, weights is not None)
    uniform = not isinstance(bins, str) and np.ndim(bins) == 0
    first, last = (_outer_edges(x, values, range) if uniform and range is not None
                   else (edges[0], edges[-1]))
    counts = _count(values, w, edges, first, last, x)
    if _distributed(x):
        counts = x.comm.Allreduce(counts, "sum")
    hist = counts.cpu().numpy()
    if density:
        widths = np.array(np.diff(edges), float)
        hist = hist / widths / hist.sum()
    from .creation import array

    return array(hist, comm=x.comm, device=x.device), _edges_array(edges, x)


def _compare_dtype(data: torch.Tensor, edges: np.ndarray) -> torch.dtype:
    kind = np.result_type(_numpy_dtype(dtypes.from_torch(data.dtype)), edges.dtype)
    return dtypes.dtype(kind).torch


def _count(values: torch.Tensor, weights: torch.Tensor | None, edges: np.ndarray,
           first: Any, last: Any, x: DNDarray) -> torch.Tensor:
    """Local bin counts (length len(edges) - 1), NumPy's edge semantics."""
    bins = len(edges) - 1
    compare = _compare_dtype(values, edges)
    data = values.to(compare)
    edge_t = torch.as_tensor(edges, device=values.device).to(compare)
    low = _scalar_as(first, values, compare)
    high = _scalar_as(last, values, compare)
    keep = (data >= low) & (data <= high)
    index = torch.bucketize(data, edge_t, right=True) - 1
    index = index.clamp(0, max(bins - 1, 0))
    if weights is None:
        out_type = torch.int64
        w = None
    else:
        out_type = weights.dtype if weights.dtype != torch.bool else torch.int64
        w = weights.to(torch.float64 if out_type.is_floating_point or
                       out_type.is_complex else torch.int64)
    if bins == 0:
        return torch.zeros(0, dtype=out_type, device=values.device)
    index = index[keep]
    if w is None:
        return torch.bincount(index, minlength=bins).to(out_type)
    w = w[keep]
    total = torch.zeros(bins, dtype=w.dtype, device=values.device)
    total.index_add_(0, index, w)
    return total.to(out_type)


def _scalar_as(value: Any, data: torch.Tensor, compare: torch.dtype) -> torch.Tensor:
    """A range bound as NumPy compares it with the data: a Python float is weak (it
    takes the data's float dtype), anything else promotes with the data."""
    bound = torch.tensor(float(value), dtype=torch.float64, device=data.device)
    if type(value) is float and data.dtype.is_floating_point:
        bound = bound.to(data.dtype)
    return bound.to(compare)


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> DNDarray:
    """Number of occurrences of each value in a 1-d array of non-negative integers
    (NumPy's ``bincount``).

    The result has ``max(x.max() + 1, minlength)`` entries, int64 (float64 with
    ``weights``), replicated. Negative values raise ValueError on every rank.

    Notes
    -----
    Communication: on split data, one Allreduce of the global (min, max) and one of the
    counts; none on replicated data.

    Examples
    --------
    >>> import ember as em
    >>> em.bincount(em.array([0, 1, 1, 3], split=0)).tolist()
    [1, 2, 0, 1]
    """
    arr = _as_array(x)
    if operator.index(minlength) < 0:
        raise ValueError("'minlength' must not be negative")
    if arr.ndim != 1:
        raise ValueError("object too deep for desired array" if arr.ndim > 1
                         else "object of too small depth for desired array")
    if arr.dtype.kind not in "bui":
        raise TypeError(f"Cannot cast array data from dtype('{arr.dtype.name}') to "
                        "dtype('int64') according to the rule 'safe'")
    local = arr.larray.to(torch.int64)
    if local.numel():
        pair = torch.stack([local.min(), ~local.max()])
    else:
        pair = torch.tensor([torch.iinfo(torch.int64).max] * 2, device=local.device)
    if _distributed(arr):
        pair = arr.comm.Allreduce(pair, "min")
    low, high = int(pair[0]), int(~pair[1])
    if arr.size and low < 0:
        raise ValueError("'list' argument must have no negative elements")
    length = max(high + 1 if arr.size else 0, operator.index(minlength))
    w = _aligned_weights(arr, weights)
    if w is None or arr.size == 0:  # NumPy: empty input gives int64 even with weights
        counts = torch.bincount(local, minlength=length)
    else:
        counts = torch.zeros(length, dtype=torch.float64, device=local.device)
        counts.index_add_(0, local, w.to(torch.float64))
    if _distributed(arr):
        counts = arr.comm.Allreduce(counts, "sum")
    return DNDarray(counts.contiguous(), (length,), None, arr.comm)


def digitize(x: Any, bins: Any, right: bool = False) -> DNDarray:
    """Indices of the bins to which each value belongs (NumPy's ``digitize``).

    ``bins`` (1-d, monotonically increasing or decreasing) is replicated; the result is
    int64 with ``x``'s shape and distribution. NaN goes past the last bin, as NumPy.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.digitize(em.array([0.5, 1.0, 2.5], split=0), [0, 1, 2]).tolist()
    [1, 2, 3]
    """
    arr = _as_array(x)
    edges = _replicated(bins)
    if arr.dtype.kind == "c" or edges.dtype.kind == "c":
        raise TypeError("x may not be complex")
    if edges.ndim != 1:
        raise ValueError("object too deep for desired array" if edges.ndim > 1
                         else "object of too small depth for desired array")
    if edges.size and not (np.all(edges[1:] >= edges[:-1]) or np.all(edges[1:] <= edges[:-1])):
        raise ValueError("bins must be monotonically increasing or decreasing")
    compare = _compare_dtype(arr.larray, edges)
    data = arr.larray.to(compare)
    edge_t = torch.as_tensor(np.ascontiguousarray(edges), device=data.device).to(compare)
    increasing = edges.size < 2 or bool(edges[-1] >= edges[0])
    if increasing:
        index = torch.bucketize(data, edge_t, right=not right)
    else:
        index = len(edges) - torch.bucketize(data, edge_t.flip(0), right=not right)
    if data.is_floating_point():
        index = torch.where(torch.isnan(data), len(edges) if increasing else 0, index)
    local = index.to(torch.int64)
    return DNDarray(local.contiguous(), arr.shape, arr.split, arr.comm, arr.counts)
