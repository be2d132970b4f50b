"""Order statistics: median, percentile, quantile and their NaN-ignoring variants.

Along axes that do not include the split axis every rank sorts its own block and picks
the order statistics locally (no communication). Along the split axis (or ``axis=None``
of a split array) nothing is gathered: values are mapped to order-preserving int64 keys
(floats: the sign-flip trick on the bit pattern; integers and booleans: themselves) and
the k-th smallest key of every output element is found by a search on the key range
that runs for all output elements (and all requested order statistics) at once. The
range is first narrowed to the global [min, max] of the keys (one Allreduce); then each
step fixes the next up-to-8 bits of the answer (a 256-way bisection: 255 pivots per
output element, fewer when the output is large), counting per pivot the local keys <=
it (a binary search in the locally sorted keys) and merging the counts with one
Allreduce. The number of steps is ceil(bits of the key range / bits per step): at most
64, a bound fixed by the dtype (8 steps for float64, 4 for float32 at full width),
never by the data size.

Communication (split axis reduced): one Allreduce of the valid-value counts (floating
inputs only), one Allreduce of the key range, and at most 64 (typically 8) Allreduces
of at most 65536 int64 counts (or 2 x q.size x output size when larger). Never an
Allgather or Alltoall of the data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from . import dtypes
from .dndarray import DNDarray
from .order_keys import decode_wide_keys, wide_keys
from .reduction import _as_array, _needs_merge, _store, reduced_axes

__all__ = ["median", "percentile", "quantile", "nanmedian", "nanpercentile", "nanquantile"]

_SUPPORTED_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")
_NUMPY_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                  "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
                  "normal_unbiased")
_INT64_MAX = torch.iinfo(torch.int64).max
_INT64_MIN = -_INT64_MAX - 1
_PIVOT_BUDGET = 1 << 16  # pivots per element and step: up to 255 (8 bits of the answer)


# --------------------------------------------------------------------------------------
# selection
# --------------------------------------------------------------------------------------
def _select(local: torch.Tensor, total: int, comm, distributed: bool,
            positions: Callable[[torch.Tensor], torch.Tensor]
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """The order statistics of each row of ``local`` (M, L): rank ``positions(n)[m, s]``
    among the non-NaN values of row m (over all ranks when ``distributed``).

    Returns the selected values (M, S) in ``local``'s dtype and the number of non-NaN
    values per row (M,) int64. Positions are clipped to the valid range; rows without
    values give arbitrary values (callers replace them).

    Communication: none unless ``distributed``; then one Allreduce of the counts (floats
    only), one of the key range and at most 64 of (M, S) counts.
    """
    keys, nan = wide_keys(local)
    keys = torch.sort(keys, dim=1).values.contiguous()
    rows = keys.shape[0]
    if nan is None:
        n = torch.full((rows,), total, dtype=torch.int64, device=keys.device)
    else:
        n = (~nan).sum(dim=1)
        if distributed:
            n = comm.Allreduce(n, "sum")
    k = positions(n)
    k = torch.minimum(k.clamp(min=0), (n - 1).clamp(min=0)[:, None])
    if not distributed:
        if keys.shape[1] == 0:
            chosen = torch.zeros(k.shape, dtype=torch.int64, device=keys.device)
        else:
            chosen = torch.gather(keys, 1, k)
    else:
        chosen = _bisect(keys, nan, n, k, comm)
    return decode_wide_keys(chosen, local.dtype), n


def _bisect(keys: torch.Tensor, nan: torch.Tensor | None, n: torch.Tensor,
            k: torch.Tensor, comm) -> torch.Tensor:
    """The k-th smallest key (0-based) of each row over all ranks, by bisection.

    ``keys`` (M, L) is sorted per row (NaN keys last); ``k`` is (M, S).
    """
    rows = keys.shape[0]
    if nan is None:
        valid = torch.full((rows,), keys.shape[1], dtype=torch.int64, device=keys.device)
    else:
        valid = (~nan).sum(dim=1)
    has = valid > 0
    if keys.shape[1]:
        low = keys[:, 0]
        high = torch.gather(keys, 1, (valid - 1).clamp(min=0)[:, None])[:, 0]
    else:
        low = high = torch.zeros(rows, dtype=torch.int64, device=keys.device)
    low = torch.where(has, low, _INT64_MAX)
    high = torch.where(has, high, -_INT64_MAX - 1)
    extremes = comm.Allreduce(torch.stack([low, ~high]), "min")
    low, high = extremes[0], ~extremes[1]
    empty = n == 0
    low, high = low.masked_fill(empty, 0), high.masked_fill(empty, 0)
    width = (high.cpu().numpy().view(np.uint64) - low.cpu().numpy().view(np.uint64))
    bits = int(width.max()).bit_length() if width.size else 0
    # the answer's offset from ``low`` is found ``digits`` bits per step, from the top
    # bit down, with 2**digits - 1 pivots per element and step (budgeted)
    per_step = max(1, min(8, int(math.log2(_PIVOT_BUDGET / max(k.numel(), 1) + 1))))
    low = low[:, None].expand(k.shape)
    span = (high[:, None] - low)[..., None] ^ _INT64_MIN  # hi - lo as unsigned, flipped
    found = torch.zeros(k.shape, dtype=torch.int64, device=keys.device)
    shift = bits
    while shift > 0:  # at most 64 steps: set by the key range's bit width
        digits = min(per_step, shift)
        shift -= digits
        steps = np.arange(1, 2 ** digits, dtype=np.uint64) << np.uint64(shift)
        offsets = torch.from_numpy((steps - np.uint64(1)).view(np.int64)).to(keys.device)
        # offsets from low are unsigned (mod 2**64); compare them with the sign flipped
        total = found[..., None] + offsets
        beyond = (total ^ _INT64_MIN) > span  # past the range's top: count everything
        pivots = torch.where(beyond, high[:, None, None], low[..., None] + total)
        below = torch.searchsorted(keys, pivots.reshape(rows, -1), right=True)
        below = comm.Allreduce(below, "sum").reshape(pivots.shape)
        digit = (below <= k[..., None]).sum(dim=-1)
        unit = int(np.array([1 << shift], dtype=np.uint64).view(np.int64)[0])
        found = found + digit * unit  # wraps modulo 2**64, as intended
    return low + found


# --------------------------------------------------------------------------------------
# q and the methods
# --------------------------------------------------------------------------------------
def _parse_q(q: Any, percent: bool) -> tuple[np.ndarray, bool]:
    weak = type(q) in (int, float)
    if isinstance(q, DNDarray):
        q = q.numpy()  # q is a handful of numbers; this gathers it if split
    if isinstance(q, torch.Tensor):
        q = q.cpu().numpy()
    q_np = np.asanyarray(q)
    if q_np.dtype.kind == "c" or q_np.dtype.kind not in "biuf":
        raise TypeError(f"q must be real numbers, got dtype {q_np.dtype}")
    if percent:
        q_np = np.true_divide(q_np, 100)
    q_np = np.asanyarray(q_np)
    if q_np.size == 0 or not (q_np.min() >= 0 and q_np.max() <= 1):
        name = "Percentiles" if percent else "Quantiles"
        bounds = "[0, 100]" if percent else "[0, 1]"
        raise ValueError(f"{name} must be in the range {bounds}")
    return q_np, weak


def _check_method(method: str) -> None:
    if method in _SUPPORTED_METHODS:
        return
    if method in _NUMPY_METHODS:
        raise NotImplementedError(f"method {method!r} is not supported by ember yet "
                                  f"(supported: {', '.join(_SUPPORTED_METHODS)})")
    raise ValueError(f"{method!r} is not a valid method. Use one of: "
                     f"{_SUPPORTED_METHODS + _NUMPY_METHODS}")


def _result_dtype(dt: dtypes.dtype, interpolates: bool, weak: bool,
                  gamma: np.dtype) -> dtypes.dtype:
    """NumPy's result type: the input's for picking methods, else that of the lerp."""
    if not interpolates:
        return dt
    if dt.kind == "b":
        raise TypeError("numpy boolean subtract, the `-` operator, is not supported: "
                        "interpolating quantiles of booleans are undefined")
    if dt.numpy is None:  # bfloat16
        return dt if weak else dtypes.promote_types(dt, dtypes.dtype(gamma))
    return dtypes.dtype(np.result_type(dt.numpy, 0.0 if weak else gamma))


def _lerp(a: torch.Tensor, b: torch.Tensor, gamma: torch.Tensor, dtype: torch.dtype
          ) -> torch.Tensor:
    """NumPy's ``_lerp``: ``a + (b-a) t``, or ``b - (b-a)(1-t)`` where ``t >= 0.5``.

    ``b - a`` is taken in the input's dtype, as NumPy does (integers: in int64, where
    NumPy would wrap around in a narrow integer type), then promoted to ``dtype``.
    """
    if not a.dtype.is_floating_point:
        a, b = a.to(torch.int64), b.to(torch.int64)
    diff = (b - a).to(dtype)
    a, b = a.to(dtype), b.to(dtype)
    t = gamma.to(dtype)
    rest = (1 - gamma).to(dtype)
    return torch.where(gamma >= 0.5, b - diff * rest, a + diff * t)


def _quantile_plan(method: str, q_np: np.ndarray, weak: bool, dt: dtypes.dtype, device):
    """(positions(n) -> (M, S) ranks, combine(values (M, S), n) -> (M, Q), result dtype)."""
    vdtype = torch.float64
    if q_np.dtype.kind == "f" and q_np.dtype != np.float16:
        vdtype = torch.float64 if q_np.dtype == np.float64 else torch.float32
    qt = torch.as_tensor(q_np.reshape(-1).astype(np.float64), device=device).to(vdtype)
    picks = method in ("lower", "higher", "nearest") or (
        method == "linear" and q_np.dtype.kind in "biu")
    result = _result_dtype(dt, not picks, weak, np.dtype(q_np.dtype if q_np.dtype.kind == "f"
                                                          else np.float64))
    size = qt.numel()

    def virtual(n):
        return (n - 1).to(vdtype)[:, None] * qt

    if picks:
        round_ = {"lower": torch.floor, "higher": torch.ceil, "nearest": torch.round,
                  "linear": torch.floor}[method]

        def positions(n):
            return round_(virtual(n)).to(torch.int64)

        def combine(values, n):
            return values.to(result.torch)

        return positions, combine, result

    state = {}

    def positions(n):
        v = virtual(n)
        if method == "midpoint":
            v = 0.5 * (torch.floor(v) + torch.ceil(v))
        last = (n - 1).to(vdtype)[:, None]
        previous = torch.floor(v)
        above = v >= last
        previous = torch.where(above, -1.0, previous).to(vdtype)
        below = v < 0
        previous = torch.where(below, 0.0, previous).to(vdtype)
        if method == "midpoint":
            gamma = torch.where(v % 1 == 0, 0.0, 0.5).to(vdtype)
        else:
            gamma = v - previous
        state["gamma"] = gamma
        first = torch.where(above, n[:, None] - 1, previous.to(torch.int64))
        second = torch.where(above, n[:, None] - 1,
                             torch.where(below, 0, previous.to(torch.int64) + 1))
        return torch.cat([first, second], dim=1)

    def combine(values, n):
        return _lerp(values[:, :size], values[:, size:], state["gamma"], result.torch)

    return positions, combine, result


def _median_plan(dt: dtypes.dtype):
    result = dtypes.float64 if dt.kind in "bui" else dt
    compute = torch.float32 if result.torch in (torch.float16, torch.bfloat16) else result.torch

    def positions(n):
        return torch.stack([(n - 1) // 2, n // 2], dim=1)

    def combine(values, n):
        a, b = values[:, :1].to(compute), values[:, 1:].to(compute)
        odd = (n % 2 == 1)[:, None]
        return torch.where(odd, a, (a + b) / 2).to(result.torch)

    return positions, combine, result


# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def _order_statistic(a: Any, axis: Any, out: DNDarray | None, keepdims: bool,
                     ignore_nan: bool, plan, q_shape: tuple[int, ...], empty_raises: bool
                     ) -> DNDarray:
    x = _as_array(a)
    axes = reduced_axes(axis, x.ndim)
    positions, combine, result = plan(x.dtype)
    kept = [i for i in range(x.ndim) if i not in axes]
    total = math.prod(x.shape[i] for i in axes)
    out_kept = [x.shape[i] for i in kept]
    if total == 0 and math.prod(out_kept) > 0:
        if empty_raises or result.kind not in "fc":
            raise IndexError("index -1 is out of bounds for axis 0 with size 0")
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=3)
    distributed = _needs_merge(x, axes)
    local = x.larray.permute(kept + list(axes))
    kept_local = list(local.shape[:len(kept)])
    rows = math.prod(kept_local)
    local = local.reshape(rows, math.prod(local.shape[len(kept):]))
    values, n = _select(local, total, x.comm, distributed, positions)
    stats = combine(values, n)  # (rows, Q)
    nan_rows = (n == 0) if ignore_nan else (n == 0) | (n < total)
    if result.kind in "fc":
        stats = stats.masked_fill(nan_rows[:, None], math.nan)
    if ignore_nan and total > 0 and bool((n == 0).any()):
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
    stats = stats.T.reshape(q_shape + tuple(kept_local))
    shape = list(q_shape)
    local_shape = list(q_shape)
    for i in range(x.ndim):
        if i in axes:
            if keepdims:
                shape.append(1)
                local_shape.append(1)
        else:
            shape.append(x.shape[i])
            local_shape.append(kept_local[kept.index(i)])
    split = None
    if x.split is not None and x.split not in axes:
        split = len(q_shape) + (x.split if keepdims else kept.index(x.split))
    value = DNDarray(stats.reshape(local_shape).contiguous(), tuple(shape), split, x.comm,
                     None if split is None else x.counts)
    return value if out is None else _store(value, out)


def _check_real(a: Any) -> None:
    if _as_array(a).dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")


def _quantile_call(a, q, axis, out, keepdims, method, ignore_nan, percent):
    x = _as_array(a)
    _check_real(x)
    q_np, weak = _parse_q(q, percent)
    _check_method(method)
    reduced_axes(axis, x.ndim)

    def plan(dt):
        return _quantile_plan(method, q_np, weak, dt, x.larray.device)

    return _order_statistic(x, axis, out, keepdims, ignore_nan, plan, q_np.shape,
                            empty_raises=not ignore_nan)


def _median_call(a, axis, out, keepdims, ignore_nan):
    x = _as_array(a)
    _check_real(x)
    return _order_statistic(x, axis, out, keepdims, ignore_nan, _median_plan, (),
                            empty_raises=False)


# --------------------------------------------------------------------------------------
# the public functions
# --------------------------------------------------------------------------------------
_COMMUNICATION = """
    Communication: none unless the split axis is reduced (or ``axis=None`` on a split
    array); then a distributed bisection on order-preserving int64 keys, without
    gathering: one Allreduce of the per-element non-NaN counts (floats only), one of the
    key range, and at most 64 (a bound set by the dtype's width) of int64 counts of the
    result's size times the number of order statistics needed.
"""


def median(a: Any, axis: Any = None, out: DNDarray | None = None,
           overwrite_input: bool = False, keepdims: bool = False) -> DNDarray:
    """Median along the given axes (NumPy's ``median``).

    Integers and booleans give float64; floats keep their dtype. A slice containing NaN
    has a NaN median; the median of nothing is NaN (with NumPy's RuntimeWarning).
    ``overwrite_input`` is accepted and ignored.

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.median(em.array([3, 1, 4, 1, 5], split=0)).item()
    3.0
    """
    return _median_call(a, axis, out, keepdims, ignore_nan=False)


def nanmedian(a: Any, axis: Any = None, out: DNDarray | None = None,
              overwrite_input: bool = False, keepdims: bool = False) -> DNDarray:
    """Median along the given axes, ignoring NaN (NumPy's ``nanmedian``).

    An all-NaN slice gives NaN and a RuntimeWarning("All-NaN slice encountered").

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.nanmedian(em.array([3.0, float("nan"), 1.0, 2.0], split=0)).item()
    2.0
    """
    return _median_call(a, axis, out, keepdims, ignore_nan=True)


def quantile(a: Any, q: Any, axis: Any = None, out: DNDarray | None = None,
             overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
             *, weights: Any = None, interpolation: Any = None) -> DNDarray:
    """The q-th quantiles along the given axes (NumPy's ``quantile``).

    Parameters
    ----------
    a : array_like
        Real input data.
    q : float or array_like of float
        Quantiles in [0, 1]; the result's leading axes are ``q``'s.
    axis : int, tuple of int or None
        Axes to reduce (None: all).
    method : {"linear", "lower", "higher", "nearest", "midpoint"}
        As NumPy; NumPy's other (Hyndman & Fan) methods raise NotImplementedError.
    keepdims : bool
    out : DNDarray, optional

    Result dtypes follow NumPy: picking methods keep the input dtype; interpolating
    ones give float64 for integers, and for float32 data float32 when ``q`` is a Python
    scalar but float64 when it is a float64 array.

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.quantile(em.arange(5, split=0), 0.5).item()
    2.0
    """
    _unsupported_options(weights, interpolation)
    return _quantile_call(a, q, axis, out, keepdims, method, False, False)


def percentile(a: Any, q: Any, axis: Any = None, out: DNDarray | None = None,
               overwrite_input: bool = False, method: str = "linear",
               keepdims: bool = False, *, weights: Any = None, interpolation: Any = None
               ) -> DNDarray:
    """The q-th percentiles along the given axes (NumPy's ``percentile``); as
    :func:`quantile` with ``q`` in [0, 100].

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.percentile(em.arange(5, split=0), 25).item()
    1.0
    """
    _unsupported_options(weights, interpolation)
    return _quantile_call(a, q, axis, out, keepdims, method, False, True)


def nanquantile(a: Any, q: Any, axis: Any = None, out: DNDarray | None = None,
                overwrite_input: bool = False, method: str = "linear",
                keepdims: bool = False, *, weights: Any = None, interpolation: Any = None
                ) -> DNDarray:
    """The q-th quantiles along the given axes, ignoring NaN (NumPy's ``nanquantile``).

    An all-NaN slice gives NaN and a RuntimeWarning("All-NaN slice encountered").

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.nanquantile(em.array([1.0, float("nan"), 3.0], split=0), 0.5).item()
    2.0
    """
    _unsupported_options(weights, interpolation)
    return _quantile_call(a, q, axis, out, keepdims, method, True, False)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: DNDarray | None = None,
                  overwrite_input: bool = False, method: str = "linear",
                  keepdims: bool = False, *, weights: Any = None,
                  interpolation: Any = None) -> DNDarray:
    """The q-th percentiles along the given axes, ignoring NaN (NumPy's
    ``nanpercentile``).

    Notes
    -----
    {communication}

    Examples
    --------
    >>> import ember as em
    >>> em.nanpercentile(em.array([1.0, float("nan"), 3.0], split=0), 50).item()
    2.0
    """
    _unsupported_options(weights, interpolation)
    return _quantile_call(a, q, axis, out, keepdims, method, True, True)


def _unsupported_options(weights: Any, interpolation: Any) -> None:
    if interpolation is not None:
        raise TypeError("the 'interpolation' argument was removed in NumPy 2; use 'method'")
    if weights is not None:
        raise NotImplementedError("weighted quantiles (method='inverted_cdf') are not "
                                  "supported by ember yet")


for _function in (median, nanmedian, quantile, percentile, nanquantile, nanpercentile):
    _function.__doc__ = _function.__doc__.replace("    {communication}\n",
                                                  _COMMUNICATION.strip("\n") + "\n")
del _function
