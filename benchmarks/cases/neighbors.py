"""Benchmarks of the distributed nearest-neighbour machinery: the Local Outlier Factor
on one large data set (ring k-nearest-neighbour search, owner-computes exchange of the
k-distances and densities) and on many small ones (the batched LOF).

Input points are blobs: 16 fixed centres in [0, 1)^d, each point its centre plus
uniform noise, every 1000th point a planted outlier with ten times the noise. The
noise comes from ember's counter-based generator, so the data do not depend on the
number of processes. Every timed run returns the +1/-1 labels (``fit_predict``), which
must equal scikit-learn's exactly.
"""

from __future__ import annotations

import os

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import blobs, host_copy

__all__ = ["CASES"]

FEATURES = 8
NEIGHBORS = 20

#: scikit-learn's algorithm in ``lof_vs_sklearn_50k`` ("kd_tree" unless overridden)
SKLEARN_ALGORITHM_VARIABLE = "EMBER_BENCH_LOF_SKLEARN_ALGORITHM"


def _points(rows: int, comm: Communicator) -> em.DNDarray:
    return blobs(rows, FEATURES, comm)


def _lof_labels(x: em.DNDarray) -> em.DNDarray:
    return em.neighbors.LocalOutlierFactor(n_neighbors=NEIGHBORS).fit_predict(x)


def _sklearn_lof_labels(a: np.ndarray) -> np.ndarray:
    from sklearn.neighbors import LocalOutlierFactor

    algorithm = os.environ.get(SKLEARN_ALGORITHM_VARIABLE, "kd_tree")
    return LocalOutlierFactor(n_neighbors=NEIGHBORS, algorithm=algorithm).fit_predict(a)


BATCH_TIMES = 100
BATCH_FEATURES = 9


def _batches(batch: int, comm: Communicator) -> em.DNDarray:
    """batch x 100 x 9 float32, split along the batch (uniform [0, 1) values)."""
    return em.random.default_rng(9).random((batch, BATCH_TIMES, BATCH_FEATURES),
                                           dtype=em.float32, split=0, comm=comm)


def _batched_scores(x: em.DNDarray) -> em.DNDarray:
    return em.neighbors.local_outlier_factor(x, NEIGHBORS)


CASES: list[Case] = [
    Case(
        name="lof_200k",
        description=f"LocalOutlierFactor(n_neighbors={NEIGHBORS}).fit_predict of n x "
                    f"{FEATURES} float32 blob points split along rows (ring kNN search: "
                    "P-1 steps each moving one block of points; owner-computes Alltoallv "
                    "of k-distances and densities); n = 200,000 (an n x n float32 matrix "
                    "would need 160 GB). No NumPy oracle (scikit-learn's brute force "
                    "takes minutes here; see lof_vs_sklearn_50k)",
        sizes={"smoke": 500, "default": 200_000, "large": 1_000_000},
        setup=_points,
        run=_lof_labels,
    ),
    Case(
        name="lof_vs_sklearn_50k",
        description=f"the same LocalOutlierFactor on n = 50,000 x {FEATURES} points. "
                    "Oracle: scikit-learn's LocalOutlierFactor(algorithm='kd_tree')"
                    ".fit_predict on the same float32 array; for the brute-force ratio run "
                    f"with {SKLEARN_ALGORITHM_VARIABLE}=brute",
        sizes={"smoke": 500, "default": 50_000, "large": 200_000},
        setup=_points,
        run=_lof_labels,
        numpy_setup=host_copy,
        numpy_run=_sklearn_lof_labels,
    ),
    Case(
        name="batched_lof",
        description=f"em.neighbors.local_outlier_factor(X, {NEIGHBORS}) of B independent "
                    f"{BATCH_TIMES} x {BATCH_FEATURES} float32 data sets (one per location) "
                    "split along B (batched distance tiles under a memory budget; no "
                    "communication); B = 100,000. No oracle (scikit-learn would loop over "
                    "B estimators)",
        sizes={"smoke": 6, "default": 100_000, "large": 400_000},
        setup=_batches,
        run=_batched_scores,
    ),
]
