"""Input data for the benchmarks, made outside the timed region."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

import ember as em
from ember.comm import Communicator

__all__ = ["quasi_random", "replicated_random"]

_GOLDEN = 0.6180339887498949  # frac(i * golden ratio): well spread over [0, 1)
_CHUNK = 1 << 22  # elements filled at a time (bounds the float64 scratch memory)


def quasi_random(shape: Sequence[int], comm: Communicator, counts: Sequence[int] | None = None,
                 dtype: em.dtype = em.float32) -> em.DNDarray:
    """A split=0 array of values in [0, 1) that do not depend on the number of processes.

    Element ``i`` (in C order over the whole array) is ``frac(i * golden ratio)``, so
    every byte of every block is written (no lazily zeroed pages) and results are the
    same for any process count.

    Parameters
    ----------
    shape : sequence of int
        The global shape.
    comm : Communicator
    counts : sequence of int, optional
        Rows per rank; balanced when not given.
    dtype : ember dtype

    Notes
    -----
    Communication: none, or one Alltoallv when ``counts`` is given (setup only).
    """
    x = em.empty(tuple(shape), dtype=dtype, split=0, comm=comm)
    row = int(np.prod(shape[1:], dtype=np.int64))
    flat = x.larray.view(-1)
    first = x.offsets[comm.rank] * row
    for start in range(0, flat.numel(), _CHUNK):
        stop = min(start + _CHUNK, flat.numel())
        index = torch.arange(first + start, first + stop, dtype=torch.float64)
        flat[start:stop] = index.mul_(_GOLDEN).remainder_(1.0)
    return x if counts is None else x.redistribute(counts)


def replicated_random(shape: Sequence[int], seed: int = 0) -> np.ndarray:
    """The same float32 NumPy array of uniform [0, 1) numbers on every rank."""
    return np.random.default_rng(seed).random(tuple(shape), dtype=np.float32)
