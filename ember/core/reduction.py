"""The one reduction mechanism, and the reductions built on it.

A reduction over axes that do not include the split axis needs no communication: each
rank reduces its block and the result keeps the split. Over the split axis each rank
reduces its block and one Allreduce of the result's size combines the partial results
(mean/var/std merge partial moments with Chan et al.'s formulas in that one Allreduce;
argmin/argmax merge (value, global index) pairs). The result is then replicated.

Types follow NumPy: sums and products of booleans and integers accumulate in int64
(uint8 too, where NumPy would use uint64, which ember does not have); float16 and
bfloat16 accumulate in float32 and round once; means and variances of integers are
float64; variances of complex numbers are real.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable
from typing import Any

import torch

from . import dtypes
from .creation import as_dndarray as _as_array
from .dndarray import DNDarray
from .validation import AxisError

__all__ = [
    "sum",
    "prod",
    "min",
    "max",
    "amin",
    "amax",
    "any",
    "all",
    "mean",
    "var",
    "std",
    "argmin",
    "argmax",
    "count_nonzero",
    "ptp",
]

_LOW_PRECISION = (torch.float16, torch.bfloat16)


# --------------------------------------------------------------------------------------
# the mechanism
# --------------------------------------------------------------------------------------
def reduced_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes.

    Raises
    ------
    AxisError
        An axis out of range.
    ValueError
        A repeated axis.
    TypeError
        A non-integer axis.
    """
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple) else (axis,)
    result = []
    for item in items:
        try:
            value = operator.index(item)
        except TypeError:
            raise TypeError(f"axis must be an integer or a tuple of integers, got "
                            f"{type(item).__name__}") from None
        if not -ndim <= value < ndim:
            raise AxisError(f"axis {value} is out of bounds for array of dimension {ndim}")
        result.append(value % ndim)
    if len(set(result)) != len(result):
        raise ValueError("duplicate value in 'axis'")
    return tuple(sorted(result))


def _result_layout(x: DNDarray, axes: tuple[int, ...], keepdims: bool
                   ) -> tuple[tuple[int, ...], int | None]:
    """Global shape and split of the result of reducing ``x`` over ``axes``."""
    if keepdims:
        shape = tuple(1 if i in axes else e for i, e in enumerate(x.shape))
    else:
        shape = tuple(e for i, e in enumerate(x.shape) if i not in axes)
    if x.split is None or x.split in axes:
        return shape, None
    return shape, x.split if keepdims else x.split - builtins.sum(a < x.split for a in axes)


def _finish(x: DNDarray, partial: torch.Tensor, axes: tuple[int, ...], keepdims: bool,
            result: dtypes.dtype, out: DNDarray | None) -> DNDarray:
    """Shape the combined partial result (reduced axes kept as size 1) into a DNDarray."""
    shape, split = _result_layout(x, axes, keepdims)
    local = partial.to(result.torch)
    if not keepdims:
        local = local.reshape([e for i, e in enumerate(local.shape) if i not in axes])
    value = DNDarray(local.contiguous(), shape, split, x.comm,
                     None if split is None else x.counts)
    return value if out is None else _store(value, out)


def _store(value: DNDarray, out: DNDarray) -> DNDarray:
    if not isinstance(out, DNDarray):
        raise TypeError(f"out must be a DNDarray, got {type(out).__name__}")
    if out.shape != value.shape:
        raise ValueError(f"output parameter has shape {out.shape}, expected {value.shape}")
    if (value.split, value.counts) != (out.split, out.counts):
        value = value.resplit(out.split)
        if out.split is not None and value.counts != out.counts:
            value = value.redistribute(out.counts)
    out.larray.copy_(value.larray.to(out.larray.dtype))
    return out


def _needs_merge(x: DNDarray, axes: tuple[int, ...]) -> bool:
    return x.split is not None and x.split in axes and x.comm.size > 1


def _reduce(a: Any, axis: Any, keepdims: bool, out: DNDarray | None, name: str,
            local_op: Callable[[torch.Tensor, tuple[int, ...]], torch.Tensor], merge_op: str,
            compute: Callable[[dtypes.dtype], dtypes.dtype],
            result: Callable[[dtypes.dtype], dtypes.dtype], has_identity: bool) -> DNDarray:
    """Reduce ``a`` over ``axis``: ``local_op`` on each block (keeping the reduced axes
    as size 1), then one Allreduce with ``merge_op`` when the split axis is reduced.

    Without an identity, reducing nothing is NumPy's "zero-size array to reduction
    operation ... which has no identity" ValueError; with one, the merge's neutral
    element stands for ranks (or whole reductions) without values.
    """
    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    if not has_identity and builtins.any(x.shape[i] == 0 for i in axes):
        raise ValueError(f"zero-size array to reduction operation {name} which has no "
                         "identity")
    local = x.larray.to(compute(x.dtype).torch)
    if not axes:  # torch reads dim=() as "all axes"; NumPy as "none"
        partial = local_op(local.unsqueeze(0), (0,))[0] if local.numel() else local
    elif local.numel() == 0:
        # Reduce a block of neutral inputs, so that the partial result has local_op's
        # dtype (count_nonzero, any, all change it) on every rank: the Allreduce needs one.
        shape = [1 if i in axes else e for i, e in enumerate(local.shape)]
        partial = local_op(_neutral_for(merge_op, shape, local.dtype, local.device), axes)
    else:
        partial = local_op(local, axes)
    if _needs_merge(x, axes):
        partial = x.comm.Allreduce(partial.contiguous(), op=merge_op)
    return _finish(x, partial, axes, keepdims, result(x.dtype), out)


def _neutral_for(op: str, shape: list[int], dtype: torch.dtype, device) -> torch.Tensor:
    """A partial result that does not change ``op``'s merge (for ranks without data)."""
    if op in ("min", "max"):
        if dtype == torch.bool:
            value: Any = op == "min"
        elif dtype.is_floating_point:
            value = math.inf if op == "min" else -math.inf
        else:
            info = torch.iinfo(dtype)
            value = info.max if op == "min" else info.min
        return torch.full(shape, value, dtype=dtype, device=device)
    return torch.full(shape, 1 if op in ("prod", "land") else 0, dtype=dtype, device=device)


# --------------------------------------------------------------------------------------
# dtype rules
# --------------------------------------------------------------------------------------
def _accumulator(dt: dtypes.dtype) -> dtypes.dtype:
    """Where sums and products accumulate (NumPy's rules; uint8 -> int64)."""
    if dt.kind in "bui":
        return dtypes.int64
    if dt.torch in _LOW_PRECISION:
        return dtypes.float32
    return dt


def _summed(dt: dtypes.dtype) -> dtypes.dtype:
    return dtypes.int64 if dt.kind in "bui" else dt


def _floating_mean(dt: dtypes.dtype) -> dtypes.dtype:
    return dtypes.float64 if dt.kind in "bui" else dt


def _real(dt: dtypes.dtype) -> dtypes.dtype:
    return {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}.get(dt, dt)


def _given(dtype: Any, default: Callable[[dtypes.dtype], dtypes.dtype]):
    """``default``, or the user's ``dtype=`` for both accumulation and result."""
    if dtype is None:
        return default
    chosen = dtypes.dtype(dtype)
    return lambda _: chosen


def _same(dt: dtypes.dtype) -> dtypes.dtype:
    return dt


def _orderable(dt: dtypes.dtype, name: str) -> dtypes.dtype:
    if dt.kind == "c":
        raise NotImplementedError(f"{name} of complex numbers is not supported")
    return dt


# --------------------------------------------------------------------------------------
# the reductions
# --------------------------------------------------------------------------------------
def sum(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,  # noqa: A001
        keepdims: bool = False) -> DNDarray:
    """Sum of array elements over the given axes (NumPy's ``sum``).

    Booleans and integers accumulate in int64; float16/bfloat16 in float32.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.sum(em.arange(5, split=0)).item()
    10
    """
    accumulate = _given(dtype, _accumulator)
    return _reduce(a, axis, keepdims, out, "add",
                   lambda t, axes: torch.sum(t, dim=axes, keepdim=True), "sum",
                   accumulate, _given(dtype, _summed), True)


def prod(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
         keepdims: bool = False) -> DNDarray:
    """Product of array elements over the given axes (NumPy's ``prod``).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.prod(em.arange(1, 5, split=0)).item()
    24
    """
    def local(t, axes):
        for axis in reversed(axes):
            t = torch.prod(t, dim=axis, keepdim=True)
        return t

    return _reduce(a, axis, keepdims, out, "multiply", local, "prod",
                   _given(dtype, _accumulator), _given(dtype, _summed), True)


def _extreme(a, axis, out, keepdims, kind: str) -> DNDarray:
    x = _as_array(a)
    name = "minimum" if kind == "min" else "maximum"
    _orderable(x.dtype, name)
    torch_op = torch.amin if kind == "min" else torch.amax
    return _reduce(x, axis, keepdims, out, name,
                   lambda t, axes: torch_op(t, dim=axes, keepdim=True), kind,
                   _same, _same, False)


def min(a: Any, axis: Any = None, out: DNDarray | None = None,  # noqa: A001
        keepdims: bool = False) -> DNDarray:
    """Minimum along the given axes; NaN propagates (NumPy's ``min``/``amin``).

    Raises ValueError for an empty reduction, as NumPy.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.min(em.arange(5, split=0)).item()
    0
    """
    return _extreme(a, axis, out, keepdims, "min")


def max(a: Any, axis: Any = None, out: DNDarray | None = None,  # noqa: A001
        keepdims: bool = False) -> DNDarray:
    """Maximum along the given axes; NaN propagates (NumPy's ``max``/``amax``).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.max(em.arange(5, split=0)).item()
    4
    """
    return _extreme(a, axis, out, keepdims, "max")


amin = min
amax = max


def any(a: Any, axis: Any = None, out: DNDarray | None = None,  # noqa: A001
        keepdims: bool = False) -> DNDarray:
    """Whether any element along the given axes is true (NumPy's ``any``).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size (1 byte per element).

    Examples
    --------
    >>> import ember as em
    >>> em.any(em.arange(3, split=0)).item()
    True
    """
    return _reduce(a, axis, keepdims, out, "logical_or",
                   lambda t, axes: torch.amax(t != 0, dim=axes, keepdim=True), "lor",
                   _same, lambda _: dtypes.bool_, True)


def all(a: Any, axis: Any = None, out: DNDarray | None = None,  # noqa: A001
        keepdims: bool = False) -> DNDarray:
    """Whether all elements along the given axes are true (NumPy's ``all``).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size (1 byte per element).

    Examples
    --------
    >>> import ember as em
    >>> em.all(em.arange(3, split=0)).item()
    False
    """
    return _reduce(a, axis, keepdims, out, "logical_and",
                   lambda t, axes: torch.amin(t != 0, dim=axes, keepdim=True), "land",
                   _same, lambda _: dtypes.bool_, True)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> DNDarray:
    """Number of non-zero values along the given axes (int64).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.count_nonzero(em.arange(4, split=0)).item()
    3
    """
    return _reduce(a, axis, keepdims, None, "count_nonzero",
                   lambda t, axes: torch.sum(t != 0, dim=axes, keepdim=True), "sum",
                   _same, lambda _: dtypes.int64, True)


def ptp(a: Any, axis: Any = None, out: DNDarray | None = None, keepdims: bool = False
        ) -> DNDarray:
    """Range of values (maximum - minimum) along the given axes (NumPy's ``ptp``).

    Notes
    -----
    Communication: that of :func:`max` and :func:`min` (two Allreduces when the split
    axis is reduced).

    Examples
    --------
    >>> import ember as em
    >>> em.ptp(em.arange(5, split=0)).item()
    4
    """
    from .arithmetic import subtract

    return subtract(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims), out=out)


# --------------------------------------------------------------------------------------
# moments
# --------------------------------------------------------------------------------------
def _moments(x: DNDarray, axes: tuple[int, ...], compute: torch.dtype,
             valid: torch.Tensor | None = None
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Global (count, mean, M2) per output element, reduced axes kept as size 1.

    ``valid`` (a boolean mask like the local block) restricts the moments to the
    elements where it is true (nanvar: the non-NaN ones).
    """
    local = x.larray.to(compute)
    shape = [1 if i in axes else e for i, e in enumerate(local.shape)]
    n_local = math.prod(local.shape[i] for i in axes)
    count = torch.full(shape, float(n_local), dtype=torch.float64, device=local.device)
    if not axes:  # torch reads dim=() as "all axes"; NumPy as "none"
        mean = local
        m2 = torch.zeros(shape, dtype=torch.float64, device=local.device)
    elif valid is not None and n_local and local.numel():
        count = torch.sum(valid, dim=axes, keepdim=True, dtype=torch.float64)
        zero = torch.zeros((), dtype=compute, device=local.device)
        total = torch.sum(torch.where(valid, local, zero), dim=axes, keepdim=True)
        mean = total / torch.clamp(count, min=1).to(total.dtype)
        squares = torch.where(valid, torch.abs(local - mean) ** 2, zero.real)
        m2 = torch.sum(squares, dim=axes, keepdim=True).double()
    elif n_local and local.numel():
        mean = torch.mean(local, dim=axes, keepdim=True)
        m2 = _squared_deviations(local, mean, axes)
    else:
        mean = torch.zeros(shape, dtype=compute, device=local.device)
        m2 = torch.zeros(shape, dtype=torch.float64, device=local.device)
    if _needs_merge(x, axes):
        count, merged_mean, m2 = x.comm.Allreduce_moments(count, mean, m2)
        mean = merged_mean.to(compute)
    return count, mean, m2


_BLOCK_ELEMENTS = 1 << 16  # 256 KiB of float32: a block stays in cache between passes


def _squared_deviations(local: torch.Tensor, mean: torch.Tensor,
                        axes: tuple[int, ...]) -> torch.Tensor:
    """Sum of ``|local - mean|**2`` over ``axes`` (kept as size 1), in float64.

    Works through blocks of rows along axis 0, so the deviations of a block are
    squared and summed while they are still in cache, and no temporary the size of
    ``local`` is allocated.
    """
    row = math.prod(local.shape[1:])
    rows = builtins.max(1, _BLOCK_ELEMENTS // builtins.max(row, 1))
    partials = []
    for start in range(0, local.shape[0], rows):
        block = local[start:start + rows]
        centre = mean if mean.shape[0] == 1 else mean[start:start + rows]
        deviation = block - centre
        if deviation.is_complex():
            deviation = torch.abs(deviation)
        deviation.mul_(deviation)
        # Sum the block in its own dtype (torch's widening sums along outer axes are
        # ~40x slower) and accumulate the short partial sums in float64.
        partials.append(torch.sum(deviation, dim=axes, keepdim=True).double())
    if 0 in axes:
        return torch.stack(partials).sum(dim=0)
    return torch.cat(partials, dim=0)


def _moment_compute(dt: dtypes.dtype) -> torch.dtype:
    if dt.kind in "bui":
        return torch.float64
    return torch.float32 if dt.torch in _LOW_PRECISION else dt.torch


def mean(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
         keepdims: bool = False) -> DNDarray:
    """Arithmetic mean along the given axes (NumPy's ``mean``).

    Integers give float64; float16/bfloat16 are averaged in float32. The mean of nothing
    is NaN.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of the
    result's size.

    Examples
    --------
    >>> import ember as em
    >>> em.mean(em.arange(5, split=0)).item()
    2.0
    """
    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    result = dtypes.dtype(dtype) if dtype is not None else _floating_mean(x.dtype)
    compute = result.torch if dtype is not None else _moment_compute(x.dtype)
    total = sum(x, axes, dtype=compute, keepdims=True).larray
    count = math.prod(x.shape[i] for i in axes)
    partial = total / count if count else torch.full_like(total, math.nan)
    return _finish(x, partial, axes, keepdims, result, out)


def var(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
        ddof: float = 0, keepdims: bool = False, *, correction: float | None = None
        ) -> DNDarray:
    """Variance along the given axes (NumPy's ``var``; ``correction`` is the array API's
    name for ``ddof``). Complex inputs give real variances.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of
    (count, mean, M2) records of the result's size, merged with Chan et al.'s formulas.

    Examples
    --------
    >>> import ember as em
    >>> em.var(em.arange(5, split=0)).item()
    2.0
    """
    x = _as_array(a)
    ddof = correction if correction is not None else ddof
    axes = reduced_axes(axis, x.ndim)
    result = _real(dtypes.dtype(dtype) if dtype is not None else _floating_mean(x.dtype))
    compute = dtypes.dtype(dtype).torch if dtype is not None else _moment_compute(x.dtype)
    count, _, m2 = _moments(x, axes, compute)
    partial = m2 / torch.clamp(count - ddof, min=0)
    return _finish(x, partial, axes, keepdims, result, out)


def std(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
        ddof: float = 0, keepdims: bool = False, *, correction: float | None = None
        ) -> DNDarray:
    """Standard deviation along the given axes (NumPy's ``std``).

    Notes
    -----
    Communication: that of :func:`var`.

    Examples
    --------
    >>> import ember as em
    >>> round(em.std(em.arange(5, split=0), ddof=1).item() ** 2, 12)
    2.5
    """
    variance = var(a, axis, dtype, None, ddof, True, correction=correction)
    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    return _finish(x, torch.sqrt(variance.larray), axes, keepdims, variance.dtype, out)


# --------------------------------------------------------------------------------------
# argmin / argmax
# --------------------------------------------------------------------------------------
def _arg_extreme(a: Any, axis: Any, out: DNDarray | None, keepdims: bool, kind: str,
                 skip_nan: bool = False) -> DNDarray:
    """argmin/argmax; with ``skip_nan`` NaN is no candidate (nanargmin/nanargmax), and a
    slice of NaNs only raises NumPy's "All-NaN slice encountered" ValueError on every rank.
    """
    x = _as_array(a)
    _orderable(x.dtype, kind)
    if axis is None and x.size == 0:
        raise ValueError(f"attempt to get {kind} of an empty sequence")
    if axis is None:
        flat = x if x.ndim == 1 else _flattened(x)
        result = _arg_extreme(flat, 0, None, False, kind, skip_nan)
        if keepdims:
            result = DNDarray(result.larray.reshape((1,) * x.ndim), (1,) * x.ndim, None,
                              x.comm)
        return result if out is None else _store(result, out)
    (axis,) = reduced_axes(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError(f"attempt to get {kind} of an empty sequence")
    local = x.larray.to(torch.uint8) if x.dtype.kind == "b" else x.larray
    torch_op = torch.argmin if kind == "argmin" else torch.argmax
    skip_nan = skip_nan and local.is_floating_point()
    if local.shape[axis] == 0:
        shape = [1 if i == axis else e for i, e in enumerate(local.shape)]
        values = torch.zeros(shape, dtype=local.dtype, device=local.device)
        indices = torch.full(shape, -1, dtype=torch.int64, device=local.device)
    else:
        if skip_nan:
            nan = torch.isnan(local)
            worst = torch.full((), math.inf if kind == "argmin" else -math.inf,
                               dtype=local.dtype, device=local.device)
            local = torch.where(nan, worst, local)
        indices = torch_op(local, dim=axis, keepdim=True)
        values = torch.gather(local, axis, indices)
        if x.split == axis:
            indices = indices + x.offsets[x.comm.rank]
        if skip_nan:  # a slice of NaNs offers no candidate
            indices = torch.where(torch.all(nan, dim=axis, keepdim=True), -1, indices)
    if _needs_merge(x, (axis,)):
        # 8-byte values: records of narrower ones are packed at odd strides, which the
        # communicator's unpacking of a one-element result cannot hand to torch.
        wide = torch.float64 if values.is_floating_point() else torch.int64
        values, indices = x.comm.Allreduce_argextreme(values.to(wide), indices, kind)
    if skip_nan:
        all_nan = bool((indices < 0).any()) if indices.numel() else False
        error = ValueError("All-NaN slice encountered") if all_nan else None
        if x.split is not None and x.split != axis and x.comm.size > 1:
            x.comm.raise_if_any(error)  # the slices differ between ranks: agree
        elif error is not None:
            raise error
    return _finish(x, indices, (axis,), keepdims, dtypes.int64, out)


def _flattened(x: DNDarray) -> DNDarray:
    """``x`` as a 1-d array in C order (split along 0 when ``x`` is split), sharing its
    memory when no data move (:func:`ember.reshape`).

    Communication: none for replicated arrays and arrays split along an axis preceded
    only by axes of extent 1; otherwise one Alltoallv.
    """
    from .reshaping import reshape

    return reshape(x, (x.size,))


def argmin(a: Any, axis: int | None = None, out: DNDarray | None = None, *,
           keepdims: bool = False) -> DNDarray:
    """Indices of the minimum values along an axis (flattened when ``axis`` is None); the
    first occurrence wins and NaN counts as the minimum, as NumPy.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of
    (value, global index) pairs of the result's size (flattening a non-0 split first
    costs one Alltoallv).

    Examples
    --------
    >>> import ember as em
    >>> em.argmin(em.array([3, 1, 2, 1], split=0)).item()
    1
    """
    return _arg_extreme(a, axis, out, keepdims, "argmin")


def argmax(a: Any, axis: int | None = None, out: DNDarray | None = None, *,
           keepdims: bool = False) -> DNDarray:
    """Indices of the maximum values along an axis (flattened when ``axis`` is None).

    Notes
    -----
    Communication: as :func:`argmin`.

    Examples
    --------
    >>> import ember as em
    >>> em.argmax(em.array([3, 1, 3, 1], split=0)).item()
    0
    """
    return _arg_extreme(a, axis, out, keepdims, "argmax")
