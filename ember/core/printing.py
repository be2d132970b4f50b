"""``repr`` and ``str`` of DNDarrays, formatted like NumPy's.

A large array is summarised with ``...`` as NumPy does, and only the items that are shown
(``edgeitems`` from each end of each long axis) are gathered, never the whole array.
Printing is collective: every rank must format the array (every rank gets the same
string); use :func:`print0` to print once, on rank 0.
"""

from __future__ import annotations

import contextlib
import operator
from typing import Any

import numpy as np
import torch

from .distribution import local_range

__all__ = ["get_printoptions", "set_printoptions", "printoptions", "format_array", "print0"]

_options: dict[str, Any] = {}


# Options that count something: non-negative integers (NumPy checks few of them).
_COUNT_OPTIONS = {"precision", "threshold", "edgeitems", "linewidth"}


def _count(name: str, value: Any) -> int:
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def get_printoptions() -> dict[str, Any]:
    """NumPy's print options with ember's overrides applied (a new dict)."""
    return {**np.get_printoptions(), **_options}


def set_printoptions(**options: Any) -> None:
    """Set print options for DNDarrays: NumPy's names (``precision``, ``threshold``,
    ``edgeitems``, ``linewidth``, ``suppress``, ...), without changing NumPy's own.
    As in NumPy, an option given as None keeps its current value.

    Examples
    --------
    >>> import ember as em
    >>> em.set_printoptions(precision=2)
    >>> em.set_printoptions(precision=8)
    """
    options = {name: value for name, value in options.items() if value is not None}
    unknown = set(options) - set(np.get_printoptions())
    if unknown:
        raise TypeError(f"set_printoptions got unknown option(s) {sorted(unknown)}")
    for name in _COUNT_OPTIONS.intersection(options):
        options[name] = _count(name, options[name])
    with np.printoptions(**options):  # let NumPy validate the values
        pass
    _options.update(options)


@contextlib.contextmanager
def printoptions(**options: Any):
    """Context manager setting print options temporarily."""
    saved = dict(_options)
    set_printoptions(**options)
    try:
        yield get_printoptions()
    finally:
        _options.clear()
        _options.update(saved)


def _shown_indices(extent: int, edgeitems: int, summarise: bool) -> torch.Tensor:
    """Global indices of the items shown along an axis of length ``extent``.

    A summarised axis keeps one hidden item just before the trailing edge, so that NumPy,
    seeing more than ``2 * edgeitems`` items, draws the ``...`` in its place (and, for
    ``edgeitems=0``, shows the last item, as NumPy does).
    """
    if not summarise or extent <= 2 * edgeitems:
        return torch.arange(extent)
    return torch.cat([torch.arange(edgeitems), torch.arange(extent - edgeitems - 1, extent)])


def _shown_items(x) -> tuple[np.ndarray, bool]:
    """The items NumPy would print, as a NumPy array, plus whether to summarise.

    Communication: one Allgatherv of at most ``(2 * edgeitems + 1) ** ndim`` items when
    ``x`` is split.
    """
    options = get_printoptions()
    summarise = x.size > options["threshold"]
    local = x.larray
    counts = None
    for axis, extent in enumerate(x.shape):
        shown = _shown_indices(extent, options["edgeitems"], summarise)
        if axis == x.split and x.comm.size > 1:
            start, stop = local_range(x.counts, x.comm.rank)
            mine = shown[(shown >= start) & (shown < stop)] - start
            counts = [int(((shown >= lo) & (shown < lo + c)).sum())
                      for lo, c in zip(x.offsets, x.counts, strict=True)]
            local = local.index_select(axis, mine.to(local.device))
        else:
            local = local.index_select(axis, shown.to(local.device))
    if counts is not None:
        local = x.comm.Allgatherv(local.contiguous(), axis=x.split, counts=counts)
    if local.dtype == torch.bfloat16:
        local = local.float()
    return local.detach().cpu().resolve_conj().numpy(), summarise


def format_array(x, as_repr: bool) -> str:
    """Format ``x`` like NumPy's ``repr`` (``as_repr``) or ``str``."""
    items, summarise = _shown_items(x)
    options = get_printoptions()
    # ``items`` holds only the edges (plus one hidden item per long axis); threshold=0
    # makes NumPy draw the "..." exactly where items were left out.
    overrides = {"threshold": 0 if summarise else np.iinfo(np.int64).max}
    with np.printoptions(**{**options, **overrides}):
        if not as_repr:
            return np.array2string(items, separator=" ") if items.ndim else str(items[()])
        prefix = "DNDarray("
        body = np.array2string(items, separator=", ", prefix=prefix)
    suffix = f", dtype={x.dtype!r}, split={x.split}"
    if x.device.type != "cpu":
        suffix += f", device={x.device}"
    return f"{prefix}{body}{suffix})"


def print0(*objects: Any, sep: str = " ", end: str = "\n", file: Any = None,
           flush: bool = False) -> None:
    """``print`` on rank 0 only, formatting the objects on every rank.

    Formatting a split DNDarray is collective (the shown items are gathered), so
    ``if rank == 0: print(x)`` would leave rank 0 waiting for the others; call
    ``print0(x)`` on every rank instead.

    Notes
    -----
    Communication: that of ``str`` of each DNDarray argument (a small Allgatherv each).

    Examples
    --------
    >>> import ember as em
    >>> em.print0("x:", em.arange(3, split=0))  # doctest: +SKIP
    x: [0 1 2]
    """
    text = sep.join(str(obj) for obj in objects)
    from ..comm import get_comm

    if get_comm().rank == 0:
        print(text, end=end, file=file, flush=flush)
