"""Owner-computes fetch of per-sample values by global sample index.

A neighbour search leaves each rank with global row numbers of samples that other
ranks hold (its queries' neighbours). The values those samples carry (labels, targets,
k-distances, densities) are fetched from their owners: each rank sends the distinct
indices it needs to their owners once, and the owners send back the values. Neither
the index arrays nor the per-sample arrays are ever gathered.
"""

from __future__ import annotations

import torch

from ..comm import Communicator
from ..core.distribution import offsets

__all__ = ["OwnerFetch"]


class OwnerFetch:
    """Values of split-0 per-sample arrays at this rank's global sample indices, sent by
    the ranks that own those samples.

    Set up once per index array (the distinct indices, sorted, which groups them by
    owner, go to their owners), then :meth:`fetch` any array distributed like the
    samples, as often as needed.

    Parameters
    ----------
    indices : torch.Tensor
        This rank's int64 global sample indices, any shape.
    counts : tuple of int
        Every rank's number of samples (the samples are split along axis 0).
    comm : Communicator

    Notes
    -----
    Communication: setup: one Alltoall of P integers and one Alltoallv of the distinct
    requested indices (8 bytes each); each fetch: one Alltoallv of the answered values.
    With one process: none.

    Memory per rank: the distinct requested indices (at most ``indices.numel()``) and
    the requests it answers (at most P times its own samples).

    Examples
    --------
    >>> import ember as em
    >>> import torch
    >>> x = em.array([10.0, 11.0, 12.0, 13.0], split=0)
    >>> OwnerFetch(torch.tensor([3, 0, 3]), x.counts, x.comm).fetch(x.larray).tolist()
    [13.0, 10.0, 13.0]
    """

    def __init__(self, indices: torch.Tensor, counts: tuple[int, ...],
                 comm: Communicator) -> None:
        self.comm, self.shape = comm, tuple(indices.shape)
        rank_offsets = offsets(counts)
        if comm.size == 1:
            self.requests, self.inverse = indices.reshape(-1), None
            return
        wanted, self.inverse = torch.unique(indices.reshape(-1), return_inverse=True)
        bounds = torch.tensor((*rank_offsets, sum(counts)), dtype=wanted.dtype,
                              device=wanted.device)
        edges = torch.searchsorted(wanted, bounds).cpu()
        self.send_counts = (edges[1:] - edges[:-1]).tolist()
        self.recv_counts = comm.Alltoall(edges[1:] - edges[:-1]).tolist()
        self.requests = comm.Alltoallv(wanted, self.send_counts, 0,
                                       (sum(self.recv_counts),), self.recv_counts, 0)
        self.requests -= rank_offsets[comm.rank]

    def fetch(self, local: torch.Tensor) -> torch.Tensor:
        """``values[indices]``: shape ``indices.shape + local.shape[1:]``, where
        ``local`` is this rank's block of the per-sample array.

        Communication: one Alltoallv of the answered values (none with one process).
        """
        answers = local.index_select(0, self.requests)
        if self.inverse is not None:
            answers = self.comm.Alltoallv(answers, self.recv_counts, 0,
                                          (sum(self.send_counts), *local.shape[1:]),
                                          self.send_counts, 0)[self.inverse]
        return answers.reshape(*self.shape, *local.shape[1:])
