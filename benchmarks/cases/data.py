"""Input data for the benchmarks, made outside the timed region."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

import ember as em
from ember.comm import Communicator

__all__ = ["quasi_random", "replicated_random", "blob_centres", "blobs", "host_copy"]

_GOLDEN = 0.6180339887498949  # frac(i * golden ratio): well spread over [0, 1)
_CHUNK = 1 << 22  # elements filled at a time (bounds the float64 scratch memory)
BLOB_CENTRES = 16  # centres of :func:`blobs`


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


def blob_centres(features: int, seed: int = 5) -> np.ndarray:
    """The 16 blob centres, float32 in [0, 1)^features."""
    return np.random.default_rng(seed).random((BLOB_CENTRES, features)).astype(np.float32)


def blobs(rows: int, features: int, comm: Communicator, *, spread: float = 0.15,
          outlier_every: int | None = 1000, seed: int = 5) -> em.DNDarray:
    """A rows x features float32 matrix split along rows: row i is centre ``i % 16``
    plus uniform noise of width ``spread`` (ten times wider for every
    ``outlier_every``-th row); the same for any process count (setup only)."""
    noise = em.random.default_rng(seed).random((rows, features), dtype=em.float32,
                                               split=0, comm=comm)
    local = noise.larray.sub_(0.5).mul_(spread)
    first = noise.offsets[comm.rank]
    rows_here = np.arange(first, first + local.shape[0])
    if outlier_every is not None:
        local[torch.from_numpy(rows_here % outlier_every == 0)] *= 10.0
    local += torch.from_numpy(blob_centres(features, seed)[rows_here % BLOB_CENTRES])
    return noise


def host_copy(x: em.DNDarray) -> np.ndarray:
    """The data in memory NumPy allocated (a copy), as a NumPy user holds it: the
    oracle's input (setup only)."""
    return x.numpy().copy()
