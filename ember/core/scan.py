"""The one scan mechanism, and the scans built on it: cumulative sums and products, and
discrete differences.

A scan along an axis that is not the split axis needs no communication: each rank scans
its block. Along the split axis each rank scans its block, one Exscan of the per-rank
totals (one row of the block) gives every rank the combined total of the ranks before
it, and that prefix is added to (multiplied into) the block. ``diff`` along the split
axis needs, on each rank, the last ``n`` rows of the ranks before it: one Sendrecv ring
shift moves them (point-to-point messages instead, when blocks shorter than ``n`` make
the rows come from further away).

Types follow NumPy: sums and products of booleans and integers accumulate in int64
(uint8 too, where NumPy would use uint64, which ember does not have); float16 and
bfloat16 accumulate in float32 and round each output once (NumPy rounds every partial
sum of a float16 scan to float16, so float16 results may differ in the last bits).
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np
import torch

from . import dtypes
from .distribution import offsets as _offsets
from .dndarray import DNDarray
from .reduction import _as_array, _flattened, _store
from .validation import sanitize_axis

__all__ = [
    "cumsum",
    "cumprod",
    "cumulative_sum",
    "cumulative_prod",
    "nancumsum",
    "nancumprod",
    "diff",
]

_LOW_PRECISION = (torch.float16, torch.bfloat16)
_TORCH_SCANS = {"sum": torch.cumsum, "prod": torch.cumprod}


class _NoValue:
    """Marks an argument that was not given (``None`` is a valid ``prepend``)."""

    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE = _NoValue()


# --------------------------------------------------------------------------------------
# the mechanism
# --------------------------------------------------------------------------------------
def _scanned(dt: dtypes.dtype) -> dtypes.dtype:
    """The result dtype of a sum or product scan without ``dtype=`` (NumPy's rules)."""
    return dtypes.int64 if dt.kind in "bui" else dt


def _compute(dt: dtypes.dtype) -> torch.dtype:
    """Where a scan with result dtype ``dt`` accumulates."""
    if dt.kind in "bui":
        return torch.int64  # exact modulo 2**64, so narrower integer results wrap as NumPy's
    return torch.float32 if dt.torch in _LOW_PRECISION else dt.torch


def _scan(a: Any, axis: Any, dtype: Any, out: DNDarray | None, op: str, skip_nan: bool,
          include_initial: bool = False) -> DNDarray:
    """Scan ``a`` with ``op`` ("sum" or "prod") along ``axis`` (None: the flattened array).

    NaN is read as the neutral element when ``skip_nan``; ``include_initial`` puts the
    neutral element in front (on the first rank when the split axis is scanned).

    Communication: none unless ``axis`` is the split axis; then one Exscan of one row
    of the block (flattening an array split along another axis than 0 costs one
    Alltoallv first).
    """
    x = _as_array(a)
    if axis is None:
        x = _flattened(x) if x.ndim != 1 else x
        axis = 0
    else:
        axis = sanitize_axis(axis, x.ndim)
    result = dtypes.dtype(dtype) if dtype is not None else _scanned(x.dtype)
    neutral = 0 if op == "sum" else 1
    local = x.larray
    if skip_nan and (local.dtype.is_floating_point or local.is_complex()):
        local = torch.where(torch.isnan(local), torch.full((), neutral, dtype=local.dtype),
                            local)
    # cast to the result type first (NumPy casts the input), then widen to accumulate
    local = local.to(result.torch).to(_compute(result))
    scanned = _TORCH_SCANS[op](local, dim=axis) if local.numel() else local
    comm, counts = x.comm, x.counts
    along_split = x.split == axis
    if along_split and comm.size > 1:
        if local.shape[axis]:
            total = scanned.narrow(axis, local.shape[axis] - 1, 1)
        else:
            shape = [1 if i == axis else e for i, e in enumerate(local.shape)]
            total = torch.full(shape, neutral, dtype=local.dtype, device=local.device)
        prefix = comm.Exscan(total.contiguous(), op=op)
        scanned = scanned + prefix if op == "sum" else scanned * prefix
    shape = list(x.shape)
    if include_initial:
        shape[axis] += 1
        if not along_split or comm.rank == 0:
            first = [1 if i == axis else e for i, e in enumerate(scanned.shape)]
            initial = torch.full(first, neutral, dtype=scanned.dtype, device=scanned.device)
            scanned = torch.cat([initial, scanned], dim=axis)
        if along_split:
            counts = (counts[0] + 1, *counts[1:])
    value = DNDarray(scanned.to(result.torch).contiguous(), shape, x.split, comm,
                     counts if x.split is not None else None)
    return value if out is None else _store(value, out)


def _scan_doc(summary: str, example: str, extra: str = "") -> str:
    return f"""{summary}

    Parameters
    ----------
    a : array_like
        Input array.
    axis : int, optional
        The axis of the scan; None (the default) scans the flattened array (C order; a
        split array comes out split along axis 0).
    dtype : dtype-like, optional
        Type of the result and of the accumulation; by default booleans and integers
        give int64 and other types keep theirs (float16/bfloat16 accumulate in float32
        and round each output once).
    out : DNDarray, optional
        Where to store the result (any split); it is returned.{extra}

    Returns
    -------
    DNDarray
        Same shape as ``a`` (1-d when ``axis`` is None) and same split.

    Raises
    ------
    AxisError
        ``axis`` out of range (on every rank, before any communication).

    Notes
    -----
    Communication: none unless ``axis`` is the split axis; then one Exscan of the
    per-rank totals (one row of the block).

    Examples
    --------
{example}
    """


# --------------------------------------------------------------------------------------
# the scans
# --------------------------------------------------------------------------------------
def cumsum(a: Any, axis: int | None = None, dtype: Any = None, out: DNDarray | None = None
           ) -> DNDarray:
    return _scan(a, axis, dtype, out, "sum", False)


def cumprod(a: Any, axis: int | None = None, dtype: Any = None, out: DNDarray | None = None
            ) -> DNDarray:
    return _scan(a, axis, dtype, out, "prod", False)


def nancumsum(a: Any, axis: int | None = None, dtype: Any = None,
              out: DNDarray | None = None) -> DNDarray:
    return _scan(a, axis, dtype, out, "sum", True)


def nancumprod(a: Any, axis: int | None = None, dtype: Any = None,
               out: DNDarray | None = None) -> DNDarray:
    return _scan(a, axis, dtype, out, "prod", True)


def _cumulative(x: Any, axis: int | None, dtype: Any, out: DNDarray | None,
                include_initial: bool, op: str) -> DNDarray:
    x = _as_array(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` "
                             "argument is required.")
        axis = 0
    return _scan(x, axis if x.ndim else None, dtype, out, op, False, include_initial)


def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                   out: DNDarray | None = None, include_initial: bool = False) -> DNDarray:
    return _cumulative(x, axis, dtype, out, include_initial, "sum")


def cumulative_prod(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                    out: DNDarray | None = None, include_initial: bool = False) -> DNDarray:
    return _cumulative(x, axis, dtype, out, include_initial, "prod")


cumsum.__doc__ = _scan_doc(
    "Cumulative sum of the elements along an axis (NumPy's ``cumsum``).", """\
    >>> import ember as em
    >>> em.core.scan.cumsum(em.arange(1, 6, split=0)).tolist()
    [1, 3, 6, 10, 15]""")
cumprod.__doc__ = _scan_doc(
    "Cumulative product of the elements along an axis (NumPy's ``cumprod``).", """\
    >>> import ember as em
    >>> em.core.scan.cumprod(em.arange(1, 6, split=0)).tolist()
    [1, 2, 6, 24, 120]""")
nancumsum.__doc__ = _scan_doc(
    "Cumulative sum treating NaN as zero (NumPy's ``nancumsum``).", """\
    >>> import ember as em
    >>> em.core.scan.nancumsum(em.array([1.0, float("nan"), 2.0], split=0)).tolist()
    [1.0, 1.0, 3.0]""")
nancumprod.__doc__ = _scan_doc(
    "Cumulative product treating NaN as one (NumPy's ``nancumprod``).", """\
    >>> import ember as em
    >>> em.core.scan.nancumprod(em.array([2.0, float("nan"), 3.0], split=0)).tolist()
    [2.0, 2.0, 6.0]""")
_CUMULATIVE_EXTRA = """
    include_initial : bool, optional
        Whether to start with the neutral element (0 for sums, 1 for products), making
        the result one longer along ``axis`` (array API 2024.12).

    ``axis`` may be None only for arrays of at most one dimension (ValueError
    otherwise)."""
cumulative_sum.__doc__ = _scan_doc(
    "Cumulative sum along an axis (the array API's and NumPy's ``cumulative_sum``).", """\
    >>> import ember as em
    >>> em.core.scan.cumulative_sum(em.arange(1, 4, split=0), include_initial=True).tolist()
    [0, 1, 3, 6]""", _CUMULATIVE_EXTRA)
cumulative_prod.__doc__ = _scan_doc(
    "Cumulative product along an axis (the array API's and NumPy's ``cumulative_prod``).",
    """\
    >>> import ember as em
    >>> em.core.scan.cumulative_prod(em.arange(1, 4, split=0)).tolist()
    [1, 2, 6]""", _CUMULATIVE_EXTRA)


# --------------------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------------------
def _edge(value: Any, x: DNDarray, axis: int) -> tuple[torch.Tensor, dtypes.dtype]:
    """``prepend``/``append`` as a replicated tensor shaped like ``x`` but along ``axis``
    (a scalar broadcast to extent 1), with its dtype (strong, as NumPy's asanyarray)."""
    if isinstance(value, DNDarray):
        tensor = value.resplit(None).larray if value.split is not None else value.larray
    elif isinstance(value, torch.Tensor):
        tensor = value
    else:
        tensor = torch.from_numpy(np.array(value))
    kind = dtypes.from_torch(tensor.dtype)
    tensor = tensor.to(x.larray.device)
    if tensor.ndim == 0:
        shape = list(x.shape)
        shape[axis] = 1
        tensor = tensor.expand(shape)
    if tensor.ndim != x.ndim or builtins.any(
            e != f for i, (e, f) in enumerate(zip(tensor.shape, x.shape, strict=True))
            if i != axis):
        raise ValueError(f"all the input array dimensions except for the concatenation axis "
                         f"must match exactly: got {tuple(tensor.shape)} and {x.shape} "
                         f"(axis {axis})")
    return tensor, kind


def _halo_sizes(counts: tuple[int, ...], n: int) -> list[int]:
    """Rows each rank needs from the ranks before it: the ``n`` before its block."""
    starts = _offsets(counts)
    return [builtins.min(n, start) if count else 0 for start, count in zip(starts, counts,
                                                                          strict=True)]


def _halo(block: torch.Tensor, axis: int, counts: tuple[int, ...], n: int, comm
          ) -> torch.Tensor:
    """The rows preceding this rank's block along ``axis`` (at most ``n``).

    One Sendrecv ring shift when every rank's rows come from its predecessor; else one
    message from each rank that owns some of them (rows known from ``counts``).
    """
    need = _halo_sizes(counts, n)
    rank, size = comm.rank, comm.size
    row_shape = list(block.shape)

    def shaped(rows: int) -> list[int]:
        return [rows if i == axis else e for i, e in enumerate(row_shape)]

    if builtins.all(need[r] <= counts[r - 1] for r in range(1, size)):
        give = need[(rank + 1) % size] if rank + 1 < size else 0
        sent = block.narrow(axis, block.shape[axis] - give, give).contiguous()
        return comm.Sendrecv(sent, dest=(rank + 1) % size, source=(rank - 1) % size,
                             recv_shape=shaped(need[rank]))
    starts = _offsets(counts)
    pending, pieces = [], []
    for dest in range(size):  # loop over ranks (metadata), never over data
        first = starts[dest] - need[dest]
        lo, hi = builtins.max(first, starts[rank]), builtins.min(starts[dest],
                                                                 starts[rank] + counts[rank])
        if dest != rank and hi > lo:
            piece = block.narrow(axis, lo - starts[rank], hi - lo).contiguous()
            pending.append(comm.Isend(piece, dest, tag=7))
    first = starts[rank] - need[rank]
    for source in range(rank):
        lo = builtins.max(first, starts[source])
        hi = builtins.min(starts[rank], starts[source] + counts[source])
        if hi > lo:
            pieces.append(comm.Irecv(shaped(hi - lo), block, source, tag=7))
    received = [p.wait() for p in pieces]
    for p in pending:
        p.wait()
    return torch.cat(received, dim=axis) if received else block.new_empty(shaped(0))


def _differences(t: torch.Tensor, n: int, axis: int) -> torch.Tensor:
    """The ``n``-th differences along ``axis`` (empty when too short); booleans by xor."""
    length = t.shape[axis]
    if length <= n:
        return t.narrow(axis, 0, 0)
    return torch.diff(t, n=n, dim=axis)


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NO_VALUE,
         append: Any = _NO_VALUE) -> DNDarray:
    """The ``n``-th discrete difference along ``axis`` (NumPy's ``diff``).

    Parameters
    ----------
    a : array_like
        Input array, at least one-dimensional.
    n : int, optional
        How many times to take differences (0 returns ``a`` itself).
    axis : int, optional
        The axis (default: the last).
    prepend, append : array_like, optional
        Values put in front of / after ``a`` along ``axis`` first; a scalar stands for
        a slab of extent 1. They count as strongly typed arrays for the result dtype,
        as in NumPy (an int8 array with ``prepend=0`` gives int64). Split DNDarrays
        are gathered first (they are meant to be small).

    Returns
    -------
    DNDarray
        Shape of ``a`` with ``axis`` shortened by ``n`` (after prepending/appending),
        same split. Booleans give ``a[1:] != a[:-1]``, as NumPy.

    Raises
    ------
    ValueError
        ``n`` negative, or ``a`` zero-dimensional.
    AxisError
        ``axis`` out of range.

    Notes
    -----
    Communication: none unless ``axis`` is the split axis; then one Sendrecv ring shift
    of the ``n`` boundary rows per neighbour (where blocks shorter than ``n`` hold them,
    one point-to-point message from each rank holding some). ``prepend``/``append`` go
    to the first/last rank's block. Output row ``i`` lives with input row ``i + n``.

    Examples
    --------
    >>> import ember as em
    >>> em.core.scan.diff(em.array([1, 2, 4, 7, 0], split=0)).tolist()
    [1, 2, 3, -7]
    >>> em.core.scan.diff(em.array([1, 2, 4, 7, 0], split=0), n=2).tolist()
    [1, 1, -10]
    """
    x = _as_array(a)
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = sanitize_axis(axis, x.ndim)
    if n == 0:
        return x
    edges = [None, None]
    kinds = [x.dtype]
    for i, value in enumerate((prepend, append)):
        if value is not _NO_VALUE:
            edges[i], kind = _edge(value, x, axis)
            kinds.append(kind)
    result = dtypes.result_type(*kinds)
    comm, split, counts = x.comm, x.split, x.counts
    local = x.larray.to(result.torch)
    along_split = split == axis
    parts = []
    for i, edge in enumerate(edges):
        if edge is None:
            continue
        if split is not None and not along_split:
            start = _offsets(counts)[comm.rank]
            edge = edge.narrow(split, start, counts[comm.rank])
        if along_split:
            owner = 0 if i == 0 else comm.size - 1
            extra = edge.shape[axis]
            counts = tuple(c + extra if r == owner else c for r, c in enumerate(counts))
            if comm.rank != owner:
                continue
        parts.append((i, edge.to(result.torch)))
    blocks = [p for i, p in parts if i == 0] + [local] + [p for i, p in parts if i == 1]
    local = torch.cat(blocks, dim=axis) if len(blocks) > 1 else local
    shape = list(x.shape)
    shape[axis] += builtins.sum(e.shape[axis] for e in edges if e is not None)
    if along_split and comm.size > 1:
        local = torch.cat([_halo(local, axis, counts, n, comm), local], dim=axis)
        need = _halo_sizes(counts, n)
        counts = tuple(builtins.max(0, c + h - n) for c, h in zip(counts, need, strict=True))
    local = _differences(local, n, axis)
    shape[axis] = builtins.max(0, shape[axis] - n)
    if along_split and comm.size == 1:
        counts = (shape[axis],)
    return DNDarray(local.contiguous(), shape, split, comm, counts)
