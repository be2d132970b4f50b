"""Evenly spaced values: ``arange``, ``linspace``, ``logspace``, ``geomspace``.

Each rank computes only its block of the sequence, from the global positions of its
items, with NumPy's formulas, so values do not depend on the number of processes.

Communication: none.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, sanitize_comm
from .creation import _build
from .devices import sanitize_device
from .dndarray import DNDarray
from .dtypes import default_int_dtype, get_default_dtype
from .dtypes import dtype as as_dtype
from .validation import sanitize_axis

__all__ = ["arange", "linspace", "logspace", "geomspace"]


def arange(start: Any, /, stop: Any = None, step: Any = None, dtype: Any = None, *,
           split: int | None = None, device: Any = None, comm: Communicator | None = None
           ) -> DNDarray:
    """Evenly spaced values in ``[start, stop)`` with spacing ``step`` (NumPy's arange).

    ``arange(stop)``, ``arange(start, stop)`` and ``arange(start, stop, step)`` as in
    NumPy. Integer arguments give int64, any float argument ember's default float dtype.
    Values are computed as NumPy does: ``first + i * delta`` in the result dtype.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.arange(1, 10, 3, split=0).tolist()
    [1, 4, 7]
    """
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
            raise NotImplementedError(f"arange with a complex {name} is not supported")
        if not isinstance(value, numbers.Real):
            raise TypeError(f"arange: {name} must be a real number, got {type(value).__name__}")
    if step == 0:
        raise ZeroDivisionError("arange: step must not be zero")
    integral = all(isinstance(v, numbers.Integral) for v in (start, stop, step))
    target = as_dtype(dtype) if dtype is not None else (
        default_int_dtype() if integral else get_default_dtype())
    if integral:
        length = max(0, -((start - stop) // step))
    else:
        length = max(0, math.ceil((stop - start) / step))
    if target.kind == "b" and length > 2:
        raise TypeError("arange() is only supported for booleans when the result has at "
                        "most length 2.")
    place = sanitize_device(device).torch_device

    def block(local_shape, offset):
        if integral and target.kind in "iu":
            return torch.arange(start + offset * step, start + (offset + local_shape[0]) * step,
                                step, dtype=target.torch, device=place)[:local_shape[0]]
        # NumPy: first = T(start), delta = T(start + step) - first, x[i] = first + i * delta,
        # with float16 (here also bfloat16) computed in float32 from the rounded first two
        compute = target.torch if target.kind in "iu" or target.itemsize >= 4 else torch.float32
        first = torch.tensor(start, dtype=torch.float64).to(target.torch).to(compute)
        second = torch.tensor(start + step, dtype=torch.float64).to(target.torch).to(compute)
        delta = second - first
        index = torch.arange(offset, offset + local_shape[0], device=place).to(compute)
        return (first.to(place) + index * delta.to(place)).to(target.torch)

    return _build((length,), split, sanitize_comm(comm), block)


def _linspace_values(start: float, stop: float, num: int, endpoint: bool, index: torch.Tensor
                     ) -> tuple[torch.Tensor, float]:
    """NumPy's linspace formula in float64 at the given indices; also returns the step."""
    div = (num - 1) if endpoint else num
    delta = stop - start
    index = index.to(torch.float64)
    if div > 0:
        step = delta / div
        values = index / div * delta if step == 0 else index * step
    else:
        step = math.nan
        values = index * delta
    values = values + start
    if endpoint and num > 1:
        values = torch.where(index == num - 1, torch.tensor(stop, dtype=torch.float64), values)
    return values, step


def _check_num(num: Any) -> int:
    if not isinstance(num, numbers.Integral):
        raise TypeError(f"num must be an integer, got {type(num).__name__}")
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    return int(num)


def _real_endpoint(name: str, value: Any) -> float:
    if isinstance(value, DNDarray) or np.ndim(value) != 0:
        raise NotImplementedError(f"array-valued {name} is not supported; pass a scalar")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise NotImplementedError(f"complex {name} is not supported")
    return float(value)


def _spaced(start: float, stop: float, num: int, endpoint: bool, dtype: Any, split: Any,
            device: Any, comm: Any,
            transform: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
            ) -> DNDarray:
    """``transform(linspace values, their indices)`` in float64, cast to ``dtype``.

    Without ``transform`` (linspace) integer dtypes are floored, as NumPy 2's linspace;
    with one (logspace, geomspace) they are truncated, as NumPy's ``astype``.
    """
    target = get_default_dtype() if dtype is None else as_dtype(dtype)
    place = sanitize_device(device).torch_device

    def block(local_shape, offset):
        index = torch.arange(offset, offset + local_shape[0], device=place)
        values = _linspace_values(start, stop, num, endpoint, index)[0]
        if transform is not None:
            values = transform(values, index)
        elif target.kind in "iu":
            values = torch.floor(values)
        return values.to(target.torch)

    return _build((num,), split, sanitize_comm(comm), block)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, split: int | None = None, device: Any = None,
             comm: Communicator | None = None) -> DNDarray | tuple[DNDarray, float]:
    """``num`` evenly spaced values from ``start`` to ``stop`` (NumPy's formula, in
    float64, then cast; integer dtypes are floored as in NumPy 2).

    Only scalar ``start``/``stop`` are supported (array-valued endpoints raise
    NotImplementedError). The default dtype is ember's default float dtype.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.linspace(0, 1, 5, split=0).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    num = _check_num(num)
    start, stop = _real_endpoint("start", start), _real_endpoint("stop", stop)
    sanitize_axis(axis, 1)
    result = _spaced(start, stop, num, endpoint, dtype, split, device, comm)
    if retstep:
        return result, _linspace_values(start, stop, num, endpoint, torch.zeros(0))[1]
    return result


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10.0,
             dtype: Any = None, axis: int = 0, *, split: int | None = None, device: Any = None,
             comm: Communicator | None = None) -> DNDarray:
    """``base ** linspace(start, stop, num)`` (NumPy's logspace; scalar arguments).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.logspace(0, 2, 3, dtype=em.float64).tolist()
    [1.0, 10.0, 100.0]
    """
    num = _check_num(num)
    start, stop = _real_endpoint("start", start), _real_endpoint("stop", stop)
    base = _real_endpoint("base", base)
    sanitize_axis(axis, 1)
    return _spaced(start, stop, num, endpoint, dtype, split, device, comm,
                   lambda v, _: torch.pow(torch.tensor(base, dtype=torch.float64), v))


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0, *, split: int | None = None, device: Any = None,
              comm: Communicator | None = None) -> DNDarray:
    """Numbers spaced evenly on a log scale from ``start`` to ``stop`` (NumPy's
    geomspace for real, non-zero endpoints of the same sign; the endpoints are exact).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.geomspace(1, 1000, 4, dtype=em.float64).tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    num = _check_num(num)
    start, stop = _real_endpoint("start", start), _real_endpoint("stop", stop)
    if start == 0 or stop == 0:
        raise ValueError("Geometric sequence cannot include zero")
    if (start < 0) != (stop < 0):
        raise NotImplementedError("geomspace between endpoints of opposite signs (complex "
                                  "results) is not supported")
    sanitize_axis(axis, 1)
    sign = -1.0 if start < 0 else 1.0
    log_start, log_stop = math.log10(abs(start)), math.log10(abs(stop))

    def transform(exponents: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        values = sign * torch.pow(torch.tensor(10.0, dtype=torch.float64), exponents)
        # NumPy pins the first value, and the last one when it is an endpoint.
        values = torch.where(index == 0, torch.tensor(start, dtype=torch.float64), values)
        if endpoint and num > 1:
            values = torch.where(index == num - 1, torch.tensor(stop, dtype=torch.float64),
                                 values)
        return values

    return _spaced(log_start, log_stop, num, endpoint, dtype, split, device, comm, transform)
