"""Reductions that ignore NaN (nansum, nanmean, nanmin, ...) and the weighted average.

All are built on the reduction mechanism of :mod:`ember.core.reduction`: NaN is
replaced by the reduction's neutral element on each local block, and where a result
needs two statistics (a sum and a count, a minimum and an "all NaN" flag) both are
stacked into one partial result, so that reducing the split axis still costs exactly
one Allreduce of (a small multiple of) the result's size. Integer and boolean inputs
hold no NaN: their results are those of the plain reductions, as in NumPy.

NumPy's warnings and errors are kept: an all-NaN slice makes nanmin/nanmax NaN with a
RuntimeWarning, nanmean NaN ("Mean of empty slice"), nanvar/nanstd NaN ("Degrees of
freedom <= 0 for slice."), and nanargmin/nanargmax raise ValueError on every rank.
Warnings are local: when the split axis is not reduced, only the ranks holding such a
slice warn (agreeing would cost a collective).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch

from . import dtypes
from .dndarray import DNDarray
from .reduction import (
    _arg_extreme,
    _as_array,
    _finish,
    _floating_mean,
    _moment_compute,
    _moments,
    _orderable,
    _real,
    _reduce,
    max,
    mean,
    min,
    prod,
    reduced_axes,
    sum,
)

__all__ = [
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
    "nanmin",
    "nanmax",
    "nanargmin",
    "nanargmax",
    "average",
]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _inexact(x: DNDarray) -> bool:
    return x.dtype.kind in "fc"


def _filled(x: DNDarray, value: float) -> DNDarray:
    """``x`` with NaN replaced by ``value`` (a new local block, same distribution)."""
    local = x.larray
    fill = torch.full((), value, dtype=local.dtype, device=local.device)
    return DNDarray(torch.where(torch.isnan(local), fill, local), x.shape, x.split, x.comm,
                    x.counts)


def _stacked(x: DNDarray, parts: list[torch.Tensor]) -> DNDarray:
    """Local blocks shaped like ``x``'s stacked along a new leading axis, as one array
    distributed like ``x`` (so one reduction of it reduces all of them together)."""
    split = None if x.split is None else x.split + 1
    return DNDarray(torch.stack(parts), (len(parts), *x.shape), split, x.comm, x.counts)


def _shifted(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(a + 1 for a in axes)


def _warn(message: str, bad: torch.Tensor) -> None:
    if bad.numel() and bool(bad.any()):
        warnings.warn(message, RuntimeWarning, stacklevel=3)


# --------------------------------------------------------------------------------------
# sums and products
# --------------------------------------------------------------------------------------
def nansum(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
           keepdims: bool = False) -> DNDarray:
    """Sum over the given axes, NaN counting as zero (NumPy's ``nansum``).

    Types as :func:`~ember.core.reduction.sum`; the sum of an all-NaN slice is 0.

    Notes
    -----
    Communication: that of :func:`~ember.core.reduction.sum`: none unless the split
    axis is reduced; then one Allreduce of the result's size.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nansum
    >>> nansum(em.array([1.0, float("nan"), 2.0], split=0)).item()
    3.0
    """
    x = _as_array(a)
    return sum(_filled(x, 0) if _inexact(x) else x, axis, dtype, out, keepdims)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
            keepdims: bool = False) -> DNDarray:
    """Product over the given axes, NaN counting as one (NumPy's ``nanprod``).

    Notes
    -----
    Communication: that of :func:`~ember.core.reduction.prod`: none unless the split
    axis is reduced; then one Allreduce of the result's size.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanprod
    >>> nanprod(em.array([2.0, float("nan"), 3.0], split=0)).item()
    6.0
    """
    x = _as_array(a)
    return prod(_filled(x, 1) if _inexact(x) else x, axis, dtype, out, keepdims)


# --------------------------------------------------------------------------------------
# minimum and maximum
# --------------------------------------------------------------------------------------
def _nan_extreme(a: Any, axis: Any, out: DNDarray | None, keepdims: bool, kind: str
                 ) -> DNDarray:
    x = _as_array(a)
    if not _inexact(x):
        return (min if kind == "min" else max)(x, axis, out, keepdims)
    name = "fmin" if kind == "min" else "fmax"
    _orderable(x.dtype, name)
    axes = reduced_axes(axis, x.ndim)
    local = x.larray
    nan = torch.isnan(local)
    worst = torch.full((), math.inf if kind == "min" else -math.inf, dtype=local.dtype,
                       device=local.device)
    # "all NaN" is the AND of the per-element NaN flags: a min of 1/0 flags, or a max of
    # -1/0 flags; it travels in the same Allreduce as the values.
    flag = nan.to(local.dtype) if kind == "min" else -nan.to(local.dtype)
    stacked = _stacked(x, [torch.where(nan, worst, local), flag])
    torch_op = torch.amin if kind == "min" else torch.amax
    both = _reduce(stacked, _shifted(axes), True, None, name,
                   lambda t, dims: torch_op(t, dim=dims, keepdim=True), kind,
                   lambda dt: dt, lambda dt: dt, False).larray
    values, all_nan = both[0], both[1] != 0
    _warn("All-NaN slice encountered", all_nan)
    values = torch.where(all_nan, torch.full((), math.nan, dtype=values.dtype), values)
    return _finish(x, values, axes, keepdims, x.dtype, out)


def nanmin(a: Any, axis: Any = None, out: DNDarray | None = None, keepdims: bool = False
           ) -> DNDarray:
    """Minimum over the given axes, ignoring NaN (NumPy's ``nanmin``).

    An all-NaN slice gives NaN and a RuntimeWarning "All-NaN slice encountered"; an
    empty reduction raises ValueError. Complex inputs are not supported (as
    :func:`~ember.core.reduction.min`).

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of twice
    the result's size (the minima and the "all NaN" flags together).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanmin
    >>> nanmin(em.array([3.0, float("nan"), 1.0], split=0)).item()
    1.0
    """
    return _nan_extreme(a, axis, out, keepdims, "min")


def nanmax(a: Any, axis: Any = None, out: DNDarray | None = None, keepdims: bool = False
           ) -> DNDarray:
    """Maximum over the given axes, ignoring NaN (NumPy's ``nanmax``).

    Notes
    -----
    Communication: as :func:`nanmin`.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanmax
    >>> nanmax(em.array([3.0, float("nan"), 1.0], split=0)).item()
    3.0
    """
    return _nan_extreme(a, axis, out, keepdims, "max")


def nanargmin(a: Any, axis: int | None = None, out: DNDarray | None = None, *,
              keepdims: bool = False) -> DNDarray:
    """Indices of the minima along an axis, ignoring NaN (NumPy's ``nanargmin``).

    Raises
    ------
    ValueError
        "All-NaN slice encountered" when a slice holds only NaN (on every rank), or the
        reduction is empty.

    Notes
    -----
    Communication: that of :func:`~ember.core.reduction.argmin` (one Allreduce of
    (value, index) pairs when the split axis is reduced); when it is not, one 8-byte
    Allreduce more for the ranks to agree on the All-NaN error.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanargmin
    >>> nanargmin(em.array([float("nan"), 3.0, 1.0], split=0)).item()
    2
    """
    return _arg_extreme(a, axis, out, keepdims, "argmin", skip_nan=True)


def nanargmax(a: Any, axis: int | None = None, out: DNDarray | None = None, *,
              keepdims: bool = False) -> DNDarray:
    """Indices of the maxima along an axis, ignoring NaN (NumPy's ``nanargmax``).

    Notes
    -----
    Communication: as :func:`nanargmin`.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanargmax
    >>> nanargmax(em.array([float("nan"), 3.0, 1.0], split=0)).item()
    1
    """
    return _arg_extreme(a, axis, out, keepdims, "argmax", skip_nan=True)


# --------------------------------------------------------------------------------------
# mean, variance, standard deviation
# --------------------------------------------------------------------------------------
def _inexact_dtype(dtype: Any) -> dtypes.dtype:
    chosen = dtypes.dtype(dtype)
    if chosen.kind not in "fc":
        raise TypeError("If a is inexact, then dtype must be inexact")
    return chosen


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
            keepdims: bool = False) -> DNDarray:
    """Mean over the given axes, ignoring NaN (NumPy's ``nanmean``).

    An all-NaN slice gives NaN and a RuntimeWarning "Mean of empty slice". Types as
    :func:`~ember.core.reduction.mean`.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of twice
    the result's size (sums and counts of the non-NaN values together).

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanmean
    >>> nanmean(em.array([1.0, float("nan"), 3.0], split=0)).item()
    2.0
    """
    x = _as_array(a)
    if not _inexact(x):
        return mean(x, axis, dtype, out, keepdims)
    axes = reduced_axes(axis, x.ndim)
    result = _inexact_dtype(dtype) if dtype is not None else x.dtype
    compute = _moment_compute(result)
    local = x.larray.to(compute)
    valid = ~torch.isnan(local)
    zero = torch.zeros((), dtype=compute, device=local.device)
    stacked = _stacked(x, [torch.where(valid, local, zero), valid.to(compute)])
    both = sum(stacked, _shifted(axes), dtype=compute, keepdims=True).larray
    total, count = both[0], both[1]
    _warn("Mean of empty slice", count == 0)
    return _finish(x, total / count, axes, keepdims, result, out)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
           ddof: float = 0, keepdims: bool = False, *, correction: float | None = None
           ) -> DNDarray:
    """Variance over the given axes, ignoring NaN (NumPy's ``nanvar``).

    Where fewer than ``ddof`` + 1 values are not NaN the result is NaN, with a
    RuntimeWarning "Degrees of freedom <= 0 for slice.". Complex inputs give real
    variances.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of
    (count, mean, M2) records of the result's size, merged with Chan et al.'s formulas.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanvar
    >>> nanvar(em.array([1.0, float("nan"), 3.0], split=0)).item()
    1.0
    """
    x = _as_array(a)
    ddof = correction if correction is not None else ddof
    axes = reduced_axes(axis, x.ndim)
    if dtype is not None:
        chosen = _inexact_dtype(dtype) if _inexact(x) else dtypes.dtype(dtype)
        result, compute = _real(chosen), chosen.torch
    else:
        result, compute = _real(_floating_mean(x.dtype)), _moment_compute(x.dtype)
    valid = ~torch.isnan(x.larray) if _inexact(x) else None
    count, _, m2 = _moments(x, axes, compute, valid)
    dof = count - ddof
    bad = dof <= 0
    if valid is not None:
        _warn("Degrees of freedom <= 0 for slice.", bad)
    else:
        dof = torch.clamp(dof, min=0)  # as var: inf or NaN, no special warning
    variance = m2 / torch.where(bad, 1, dof) if valid is not None else m2 / dof
    if valid is not None:
        variance = torch.where(bad, math.nan, variance)
    return _finish(x, variance, axes, keepdims, result, out)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: DNDarray | None = None,
           ddof: float = 0, keepdims: bool = False, *, correction: float | None = None
           ) -> DNDarray:
    """Standard deviation over the given axes, ignoring NaN (NumPy's ``nanstd``).

    Notes
    -----
    Communication: that of :func:`nanvar`.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import nanstd
    >>> nanstd(em.array([1.0, float("nan"), 3.0], split=0)).item()
    1.0
    """
    variance = nanvar(a, axis, dtype, None, ddof, True, correction=correction)
    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    return _finish(x, torch.sqrt(variance.larray), axes, keepdims, variance.dtype, out)


# --------------------------------------------------------------------------------------
# weighted average
# --------------------------------------------------------------------------------------
def _weights(weights: Any, x: DNDarray, axis: Any, axes: tuple[int, ...]) -> DNDarray:
    """``weights`` as an array broadcastable against ``x`` (NumPy's rules: the shape of
    ``x``, or that of ``x`` along ``axes``)."""
    from .creation import array

    w = weights if isinstance(weights, DNDarray) else array(weights, copy=None, comm=x.comm)
    if w.shape == x.shape:
        return w
    along = tuple(x.shape[i] for i in axes)
    if axis is None:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    if w.shape != along:
        raise ValueError("Shape of weights must be consistent with shape of a along "
                         "specified axis.")
    # put the weights' axes where ``axes`` are; a weight vector split along 0 keeps its
    # block, which becomes a block along the corresponding axis of ``x``
    shape = tuple(e if i in axes else 1 for i, e in enumerate(x.shape))
    local_shape = [1] * x.ndim
    for i, extent in zip(axes, w.lshape, strict=True):
        local_shape[i] = extent
    split = None if w.split is None else axes[w.split]
    return DNDarray(w.larray.reshape(local_shape), shape, split, x.comm, w.counts)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *,
            keepdims: bool = False) -> DNDarray | tuple[DNDarray, DNDarray]:
    """Weighted average over the given axes (NumPy's ``average``).

    Parameters
    ----------
    a : array_like
        The values.
    axis : None, int or tuple of ints, optional
        Axes to average over (None: all).
    weights : array_like, optional
        The shape of ``a``, or the extents of ``a`` along ``axis``; None weighs every
        value 1 (the mean).
    returned : bool, optional
        Also return the sum of the weights (broadcast to the average's shape).
    keepdims : bool, optional
        Keep the reduced axes with extent 1.

    Returns
    -------
    DNDarray, or (DNDarray, DNDarray) when ``returned``
        Of ``result_type(a, weights)``, at least float64 for integer ``a``.

    Raises
    ------
    ZeroDivisionError
        When the weights of some slice sum to zero (on every rank).
    ValueError
        When the weights' shape does not fit.

    Notes
    -----
    Communication: none unless the split axis is reduced; then one Allreduce of twice
    the result's size (weighted sums and weight sums together). Weights distributed
    differently from ``a`` are aligned first (see :mod:`ember.core.alignment`); when
    the split axis is not reduced, one 8-byte Allreduce agrees on the zero-weights
    error.

    Examples
    --------
    >>> import ember as em
    >>> from ember.core.nan_reduction import average
    >>> average(em.arange(4, split=0), weights=[1, 1, 1, 5]).item()
    2.25
    """
    from .alignment import align

    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    if weights is None:
        avg = mean(x, axes, keepdims=keepdims)
        if avg.size == 0:  # NumPy divides a.size by avg.size here, whatever ``returned``
            raise ZeroDivisionError("division by zero")
        if not returned:
            return avg
        count = math.prod(x.shape[i] for i in axes)
        scale = torch.full(avg.larray.shape, count, dtype=avg.larray.dtype,
                           device=avg.larray.device)
        return avg, DNDarray(scale, avg.shape, avg.split, x.comm, avg.counts)
    w = _weights(weights, x, axis, axes)
    result = dtypes.result_type(x.dtype, w.dtype)
    if x.dtype.kind in "bui":
        result = dtypes.result_type(result, dtypes.float64)
    aligned = align([x, w], x.comm)
    values, wlocal = (b.to(result.torch) for b in aligned.blocks)
    wlocal = wlocal.expand(aligned.local_shape)
    layout = aligned.wrap(values.contiguous())
    stacked = _stacked(layout, [values * wlocal, wlocal])
    both = sum(stacked, _shifted(axes), dtype=result, keepdims=True).larray
    total, scale = both[0], both[1]
    zero = bool((scale == 0).any()) if scale.numel() else False
    error = ZeroDivisionError("Weights sum to zero, can't be normalized") if zero else None
    if layout.split is not None and layout.split not in axes and x.comm.size > 1:
        x.comm.raise_if_any(error)
    elif error is not None:
        raise error
    avg = _finish(layout, total / scale, axes, keepdims, result, None)
    if not returned:
        return avg
    return avg, _finish(layout, scale, axes, keepdims, result, None)
