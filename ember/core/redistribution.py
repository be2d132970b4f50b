"""Moving an array's data between distributions: one collective each.

These functions work on a rank's local tensor plus the replicated metadata (global shape,
split, counts) and return the new local tensor; :class:`~ember.core.dndarray.DNDarray`
wraps them as ``resplit``, ``balance`` and ``redistribute``.

Communication (P processes, n bytes in the whole array):

=========================  ===============================================================
split k -> None            one Allgatherv; every rank receives n bytes
None -> split k            none (each rank keeps its block of the replicated tensor)
split k -> split j (j!=k)  one Alltoallv; each rank sends and receives ~n/P bytes
split k -> split k         one Alltoallv of the items whose owner changes (new counts)
=========================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..comm import Communicator
from .distribution import balanced_counts, local_range, overlaps

__all__ = ["gather", "scatter", "change_counts", "change_split"]

Shape = Sequence[int]


def gather(local: torch.Tensor, split: int, counts: Sequence[int], comm: Communicator
           ) -> torch.Tensor:
    """The whole array on every rank, from each rank's block along ``split``.

    Communication: one Allgatherv of the whole array.
    """
    return comm.Allgatherv(local, axis=split, counts=counts)


def scatter(full: torch.Tensor, split: int, counts: Sequence[int], comm: Communicator
            ) -> torch.Tensor:
    """This rank's block (a fresh contiguous copy) of a replicated tensor.

    Communication: none.
    """
    start, stop = local_range(counts, comm.rank)
    return full.narrow(split, start, stop - start).clone(memory_format=torch.contiguous_format)


def change_counts(local: torch.Tensor, shape: Shape, split: int, counts: Sequence[int],
                  new_counts: Sequence[int], comm: Communicator) -> torch.Tensor:
    """Move items along ``split`` so that rank r holds ``new_counts[r]`` of them.

    Communication: one Alltoallv of the items that change owner (none when the counts
    are already equal).
    """
    if tuple(counts) == tuple(new_counts):
        return local
    send, receive = overlaps(counts, new_counts, comm.rank)
    new_shape = list(shape)
    new_shape[split] = new_counts[comm.rank]
    return comm.Alltoallv(local, send, split, new_shape, receive, split)


def change_split(local: torch.Tensor, shape: Shape, split: int, counts: Sequence[int],
                 new_split: int, comm: Communicator, new_counts: Sequence[int] | None = None
                 ) -> tuple[torch.Tensor, tuple[int, ...]]:
    """Re-cut an array from ``split`` (with ``counts``) to ``new_split`` with
    ``new_counts`` (balanced when not given).

    Returns the new local tensor and the new counts.

    Communication: one Alltoallv; each rank sends its block and receives its new block.
    """
    if new_counts is None:
        new_counts = balanced_counts(shape[new_split], comm.size)
    new_counts = tuple(new_counts)
    new_shape = list(shape)
    new_shape[new_split] = new_counts[comm.rank]
    # Rank s gets our rows of its new block: cut our block along new_split by new_counts;
    # the piece from rank s is s's old block along split, cut to our new block.
    moved = comm.Alltoallv(local, new_counts, new_split, new_shape, counts, split)
    return moved, new_counts
