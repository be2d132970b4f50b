"""Benchmarks of the maths: an elementwise chain and the moments of an N x 64 matrix.

The default size (N = 2^22 rows, 1 GiB per float32 operand) takes about a second in
NumPy on one core of this 2-core machine.
"""

from __future__ import annotations

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import quasi_random

__all__ = ["CASES"]

COLUMNS = 64
SIZES = {"smoke": 100, "default": 1 << 22, "large": 1 << 24}


def _three(rows: int, comm: Communicator) -> tuple[em.DNDarray, ...]:
    a = quasi_random((rows, COLUMNS), comm)
    return a, a * 0.5 + 0.25, a * 2.0 - 1.0


def _chain(state: tuple[em.DNDarray, ...]) -> em.DNDarray:
    a, b, c = state
    return em.sum(a * b + em.sin(c))


def _chain_numpy(state: tuple[em.DNDarray, ...]) -> np.ndarray:
    a, b, c = (x.numpy() for x in state)
    return np.sum(a * b + np.sin(c), dtype=np.float32)


def _tall(rows: int, comm: Communicator) -> em.DNDarray:
    return quasi_random((rows, COLUMNS), comm)


def _stack(*arrays: em.DNDarray) -> em.DNDarray:
    """The results in one replicated vector, so the oracle comparison sees them all."""
    flat = np.concatenate([np.atleast_1d(a.numpy()).astype(np.float64) for a in arrays])
    return em.array(flat)


def _moments_ember(x: em.DNDarray) -> em.DNDarray:
    return _stack(x.mean(axis=0), x.std(axis=0), x.min(axis=0), x.max(axis=0),
                  x.mean(), x.std(), x.min(), x.max())


def _moments_numpy(x: em.DNDarray) -> np.ndarray:
    a = x.numpy()
    parts = (a.mean(axis=0), a.std(axis=0), a.min(axis=0), a.max(axis=0),
             a.mean(), a.std(), a.min(), a.max())
    return np.concatenate([np.atleast_1d(p).astype(np.float64) for p in parts])


CASES: list[Case] = [
    Case(
        name="elementwise_chain",
        description=f"sum(a * b + sin(c)) of three N x {COLUMNS} float32 matrices split "
                    "along rows (local work, one Allreduce). NumPy: the same expression",
        sizes=SIZES,
        setup=_three,
        run=_chain,
        numpy_run=_chain_numpy,
    ),
    Case(
        name="moments",
        description=f"mean/std/min/max over axis 0 and over all of an N x {COLUMNS} float32 "
                    "matrix split along rows (one Allreduce each). NumPy: the same",
        sizes=SIZES,
        setup=_tall,
        run=_moments_ember,
        numpy_run=_moments_numpy,
    ),
]
