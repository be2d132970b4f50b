"""Benchmarks of the k-means family: Lloyd iterations of KMeans on a large data set
with a fixed initialisation, against scikit-learn's Lloyd with the same start.

The points are strongly overlapping blobs (16 centres in [0, 1)^16, uniform noise of
width 3 in every coordinate), so that assignments keep changing and all 30 iterations
run at the default size (scikit-learn needs about 50 to converge even on 2,000 points).
The data do not depend on the number of processes. The timed run returns the labels,
which must equal scikit-learn's exactly.
"""

from __future__ import annotations

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import blob_centres, blobs, host_copy

__all__ = ["CASES"]

FEATURES = 16
CLUSTERS = 16
ITERATIONS = 30
SPREAD = 3.0
#: the fixed initial centres: the blob centres, shifted
INIT = blob_centres(FEATURES, seed=3)[:CLUSTERS] + np.float32(0.25)
SETTINGS = dict(n_clusters=CLUSTERS, init=INIT, n_init=1, max_iter=ITERATIONS, tol=0.0)


def _points(rows: int, comm: Communicator) -> em.DNDarray:
    return blobs(rows, FEATURES, comm, spread=SPREAD, outlier_every=None, seed=3)


def _kmeans_labels(x: em.DNDarray) -> em.DNDarray:
    return em.cluster.KMeans(**SETTINGS).fit(x).labels_


def _sklearn_kmeans_labels(a: np.ndarray) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(algorithm="lloyd", **SETTINGS).fit(a).labels_


CASES: list[Case] = [
    Case(
        name="kmeans_1m",
        description=f"KMeans(n_clusters={CLUSTERS}, init=<fixed centres>, n_init=1, "
                    f"max_iter={ITERATIONS}, tol=0).fit of n x {FEATURES} float32 "
                    "overlapping blobs split along rows (per iteration: local assignment "
                    "by the matrix-product distance, one Allreduce of k x (d + 1) "
                    "sums); n = 1,000,000. Oracle: scikit-learn's KMeans(algorithm="
                    "'lloyd') with the same start and settings, on the same float32 array",
        sizes={"smoke": 2000, "default": 1_000_000, "large": 4_000_000},
        setup=_points,
        run=_kmeans_labels,
        numpy_setup=host_copy,
        numpy_run=_sklearn_kmeans_labels,
    ),
]
