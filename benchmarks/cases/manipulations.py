"""Benchmarks of manipulations, indexing and sorting: a distributed sort, boolean mask
selection and a fancy-index gather of random rows.

(``resplit_0_to_1`` of a square matrix, the fourth case the manipulations issue asks
for, is in ``core``.) Default sizes take 0.2-1 s in NumPy on one core of this machine.
"""

from __future__ import annotations

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import quasi_random

__all__ = ["CASES"]

COLUMNS = 64


def _random_vector(n: int, comm: Communicator) -> em.DNDarray:
    """n uniform float32 values split along axis 0, the same for any process count."""
    return em.random.default_rng(7).random(n, dtype=em.float32, split=0, comm=comm)


def _sort_numpy(x: em.DNDarray) -> np.ndarray:
    # NumPy's default (SIMD quicksort): for values, every kind gives the same result
    return np.sort(x.numpy())


def _tall(rows: int, comm: Communicator) -> em.DNDarray:
    return quasi_random((rows, COLUMNS), comm)


def _masked(x: em.DNDarray) -> em.DNDarray:
    return x[x > 0.5]


def _masked_numpy(x: em.DNDarray) -> np.ndarray:
    a = x.numpy()
    return a[a > 0.5]


ROWS_TAKEN = 10**6


def _rows_and_indices(rows: int, comm: Communicator) -> tuple[em.DNDarray, np.ndarray]:
    """A rows x 64 matrix split along rows and min(10^6, rows) random row numbers held,
    as a NumPy array, by every rank (a replicated index, as a user writes x[idx])."""
    taken = min(ROWS_TAKEN, rows)
    index = np.random.default_rng(11).integers(0, rows, taken)
    return quasi_random((rows, COLUMNS), comm), index


def _gather_rows(state: tuple[em.DNDarray, np.ndarray]) -> em.DNDarray:
    x, index = state
    return x[index]


def _gather_rows_numpy(state: tuple[em.DNDarray, np.ndarray]) -> np.ndarray:
    x, index = state
    return x.numpy()[index]


CASES: list[Case] = [
    Case(
        name="sort_1d",
        description="em.sort of n random float32 values split along axis 0 (parallel "
                    "sample sort: one Allgather of samples, one Alltoall, one Alltoallv); "
                    "n = 10^7. NumPy: np.sort (default kind; kind='stable' is ~15x slower)",
        sizes={"smoke": 1000, "default": 10**7, "large": 4 * 10**7},
        setup=_random_vector,
        run=em.sort,
        numpy_run=_sort_numpy,
    ),
    Case(
        name="mask_select",
        description=f"x[x > 0.5] of an N x {COLUMNS} float32 matrix split along rows (local "
                    "selection, one Allgather of the counts; the result keeps the "
                    "data-dependent counts); N = 2^21. NumPy: the same",
        sizes={"smoke": 100, "default": 1 << 21, "large": 1 << 23},
        setup=_tall,
        run=_masked,
        numpy_run=_masked_numpy,
    ),
    Case(
        name="gather_rows",
        description=f"x[idx] of 10^6 random rows (a NumPy index on every rank) of an "
                    f"N x {COLUMNS} float32 matrix split along rows (one Alltoall of "
                    "request counts, two Alltoallv: indices out, rows back); N = 2^22. "
                    "NumPy: the same",
        sizes={"smoke": 100, "default": 1 << 22, "large": 1 << 24},
        setup=_rows_and_indices,
        run=_gather_rows,
        numpy_run=_gather_rows_numpy,
    ),
]
