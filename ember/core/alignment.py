"""Bringing the operands of an elementwise operation to one distribution.

NumPy broadcasting for any mix of split axes: the result takes the split and counts of
the largest distributed operand (the "leader"), and every other operand is brought to
match it, each with at most one collective:

=================================================  =====================================
operand                                            communication
=================================================  =====================================
replicated (split None), NumPy data, scalar        none: its block is sliced locally
split like the leader (same output axis, counts)   none
split along the leader's axis, other counts        one Alltoallv of the items that move
split along another axis                           one Alltoallv (re-cut to the leader)
split along an axis the result broadcasts, or      one Allgatherv of the operand
lacking the leader's axis
=================================================  =====================================

Ties in size go to the first operand, so ``a + b`` takes ``a``'s distribution when both
are equally large. The result's split never depends on the number of processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from ..comm import Communicator
from . import redistribution
from .distribution import local_range
from .dndarray import DNDarray

__all__ = ["Aligned", "align", "broadcast_shapes", "operand_block"]


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The NumPy broadcast of ``shapes``.

    Raises
    ------
    ValueError
        If the shapes cannot be broadcast together (NumPy's message).

    Examples
    --------
    >>> broadcast_shapes((2, 1, 3), (4, 1))
    (2, 4, 3)
    """
    ndim = max((len(shape) for shape in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for axis, extent in enumerate(shape, start=ndim - len(shape)):
            if extent != result[axis] and result[axis] != 1 and extent != 1:
                shown = " ".join(str(tuple(s)) for s in shapes)
                raise ValueError(f"operands could not be broadcast together with shapes {shown}")
            if result[axis] == 1:
                result[axis] = extent
    return tuple(result)


@dataclass(frozen=True)
class Aligned:
    """Operands brought to one distribution.

    Attributes
    ----------
    blocks : list
        One entry per operand: a torch tensor that broadcasts (torch rules = NumPy
        rules) to ``local_shape``, or the operand itself when it was a Python scalar.
    shape : tuple of int
        The global broadcast shape.
    split : int or None
        The result's split axis.
    counts : tuple of int or None
        The result's counts along ``split``.
    comm : Communicator
    """

    blocks: list[Any]
    shape: tuple[int, ...]
    split: int | None
    counts: tuple[int, ...] | None
    comm: Communicator

    @property
    def local_shape(self) -> tuple[int, ...]:
        """The shape of this rank's block of the result."""
        if self.split is None:
            return self.shape
        local = list(self.shape)
        local[self.split] = self.counts[self.comm.rank]
        return tuple(local)

    def wrap(self, local: torch.Tensor) -> DNDarray:
        """A DNDarray of the result distribution around this rank's result block."""
        return DNDarray(local, self.shape, self.split, self.comm, self.counts)


def _is_array(operand: Any) -> bool:
    return isinstance(operand, (DNDarray, torch.Tensor))


def _output_axis(x: DNDarray, ndim: int) -> int | None:
    """The result axis along which ``x`` is split, or None if it must be gathered.

    A split axis the result broadcasts (extent 1 against a longer one) cannot lead.
    """
    if x.split is None:
        return None
    return x.split + ndim - x.ndim


def _leader(operands: Sequence[Any], shape: tuple[int, ...]) -> DNDarray | None:
    """The largest operand split along an axis the result does not broadcast."""
    best = None
    for operand in operands:
        if not isinstance(operand, DNDarray) or operand.split is None:
            continue
        axis = _output_axis(operand, len(shape))
        if operand.shape[operand.split] != shape[axis]:
            continue
        if best is None or operand.size > best.size:
            best = operand
    return best


def _slice_replicated(full: torch.Tensor, ndim: int, split: int | None,
                      counts: tuple[int, ...] | None, rank: int) -> torch.Tensor:
    """This rank's part of a replicated operand (a view; broadcast axes stay whole)."""
    if split is None:
        return full
    axis = split - (ndim - full.dim())
    if axis < 0 or full.shape[axis] == 1:
        return full
    start, stop = local_range(counts, rank)
    return full.narrow(axis, start, stop - start)


def operand_block(x: DNDarray, ndim: int, split: int | None,
                  counts: tuple[int, ...] | None) -> torch.Tensor:
    """``x``'s block for a target distribution given as metadata: ``ndim`` dimensions
    (``x`` broadcasts into them from the right), cut along ``split`` by ``counts``.

    Communication: none when ``x`` is replicated or already cut that way; else one
    redistribution (Alltoallv) or one gather of ``x`` when its split axis is broadcast.
    """
    comm = x.comm
    axis = _output_axis(x, ndim)
    if split is None or axis is None:
        return _slice_replicated(x._full_tensor(), ndim, split, counts, comm.rank)
    if axis == split and x.shape[x.split] == sum(counts):
        return redistribution.change_counts(x.larray, x.shape, x.split, x.counts, counts, comm)
    target = split - (ndim - x.ndim)
    if target < 0 or x.shape[target] == 1 or x.shape[x.split] == 1:
        full = x._full_tensor()
        return _slice_replicated(full, ndim, split, counts, comm.rank)
    local, _ = redistribution.change_split(x.larray, x.shape, x.split, x.counts, target, comm,
                                           counts)
    return local


def align(operands: Sequence[Any], comm: Communicator) -> Aligned:
    """Bring ``operands`` to one distribution for an elementwise operation.

    Parameters
    ----------
    operands : sequence
        DNDarrays, torch tensors holding whole replicated arrays (for example NumPy
        data already converted), or Python scalars.
    comm : Communicator
        The communicator of the result (that of the DNDarray operands).

    Returns
    -------
    Aligned
        The operands' local blocks, each broadcastable to the result's local shape.

    Raises
    ------
    ValueError
        If the shapes do not broadcast, or the DNDarrays live on different
        communicators or devices.

    Notes
    -----
    Communication: none when every distributed operand matches the largest one;
    otherwise at most one Alltoallv or Allgatherv per operand (see the module table).
    """
    arrays = [operand for operand in operands if _is_array(operand)]
    shape = broadcast_shapes(*(tuple(operand.shape) for operand in arrays))
    distributed = [operand for operand in arrays if isinstance(operand, DNDarray)]
    if any(x.comm is not comm for x in distributed):
        raise ValueError("the operands live on different communicators")
    if len({str(x.device) for x in distributed}) > 1:
        raise ValueError("the operands live on different devices: "
                         f"{sorted({str(x.device) for x in distributed})}")
    leader = _leader(distributed, shape)
    split = None if leader is None else _output_axis(leader, len(shape))
    counts = None if leader is None else leader.counts
    blocks = []
    for operand in operands:
        if isinstance(operand, DNDarray):
            blocks.append(operand_block(operand, len(shape), split, counts))
        elif isinstance(operand, torch.Tensor):
            blocks.append(_slice_replicated(operand, len(shape), split, counts, comm.rank))
        else:
            blocks.append(operand)
    return Aligned(blocks, shape, split, counts, comm)
