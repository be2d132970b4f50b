"""Benchmarks of the core: redistribution, gathering and creation.

On one process every redistribution returns a contiguous copy of the array (nothing
moves between ranks), so the NumPy oracle of those cases is a copy of the same bytes:
the same data movement in one process. Default sizes (arrays of 1-1.6 GB) take
0.2-1 s on one core of a 2-core laptop-class machine; large ones are 4x the bytes, and
smoke ones take milliseconds (tests).
"""

from __future__ import annotations

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import quasi_random, replicated_random

__all__ = ["CASES"]

COLUMNS = 64  # features of the tall-and-skinny N x 64 matrices


def _square(n: int, comm: Communicator) -> em.DNDarray:
    return quasi_random((n, n), comm)


def _tall(rows: int, comm: Communicator) -> em.DNDarray:
    return quasi_random((rows, COLUMNS), comm)


def _tall_on_last_rank(rows: int, comm: Communicator) -> em.DNDarray:
    counts = (0,) * (comm.size - 1) + (rows,)
    return quasi_random((rows, COLUMNS), comm, counts=counts)


def _numpy_input(x: em.DNDarray) -> np.ndarray:
    """The data in memory NumPy allocated, as a NumPy user holds it.

    Not ``x.numpy()``, a view of torch's 64-byte-aligned memory: NumPy's own large
    buffers start 16 bytes past a 64-byte boundary, and copying between the two
    alignments is 2-3x slower on some machines.
    """
    return x.numpy().copy()


def _copy(a: np.ndarray) -> np.ndarray:
    """The oracle of a redistribution in one process: a copy of the same bytes."""
    return a.copy()


def _arange_setup(n: int, comm: Communicator) -> tuple[int, Communicator]:
    return n, comm


def _arange(state: tuple[int, Communicator]) -> em.DNDarray:
    n, comm = state
    return em.arange(n, split=0, comm=comm)


def _replicated_setup(rows: int, comm: Communicator) -> tuple[np.ndarray, Communicator]:
    return replicated_random((rows, COLUMNS)), comm


def _cut(state: tuple[np.ndarray, Communicator]) -> em.DNDarray:
    data, comm = state
    return em.array(data, split=0, comm=comm)


CASES: list[Case] = [
    Case(
        name="resplit_0_to_1",
        description="x.resplit(1) of an n x n float32 matrix split along rows (one "
                    "Alltoallv). NumPy: a.copy() of the data in a NumPy array, the same "
                    "data movement (resplit keeps each block row-major; "
                    "np.ascontiguousarray(a.T) would transpose elements, a different "
                    "operation)",
        sizes={"smoke": 48, "default": 16384, "large": 32768},
        setup=_square,
        run=lambda x: x.resplit(1),
        numpy_setup=_numpy_input,
        numpy_run=_copy,
    ),
    Case(
        name="gather",
        description=f"x.resplit(None) of an N x {COLUMNS} float32 matrix split along rows "
                    "(one Allgatherv; x.numpy() moves the same data). NumPy: a.copy()",
        sizes={"smoke": 100, "default": 1 << 22, "large": 1 << 24},
        setup=_tall,
        run=lambda x: x.resplit(None),
        numpy_setup=_numpy_input,
        numpy_run=_copy,
    ),
    Case(
        name="balance",
        description=f"x.balance() of an N x {COLUMNS} float32 matrix held wholly by the "
                    "last rank (one Alltoallv of (P-1)/P of it). NumPy: a.copy()",
        sizes={"smoke": 100, "default": 1 << 22, "large": 1 << 24},
        setup=_tall_on_last_rank,
        run=lambda x: x.balance(),
        numpy_setup=_numpy_input,
        numpy_run=_copy,
    ),
    Case(
        name="create_arange_split",
        description="em.arange(n, split=0), int64: each rank computes its block (no "
                    "communication). NumPy: np.arange(n)",
        sizes={"smoke": 1000, "default": 200_000_000, "large": 800_000_000},
        setup=_arange_setup,
        run=_arange,
        numpy_run=lambda state: np.arange(state[0]),
    ),
    Case(
        name="create_random_like",
        description=f"em.array(a, split=0) of a replicated N x {COLUMNS} float32 NumPy "
                    "array: each rank copies its block of rows (the local cut, no "
                    "communication). NumPy: np.array(a)",
        sizes={"smoke": 100, "default": 1 << 22, "large": 1 << 24},
        setup=_replicated_setup,
        run=_cut,
        numpy_run=lambda state: np.array(state[0]),
    ),
]
