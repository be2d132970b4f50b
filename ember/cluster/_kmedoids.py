"""K-medoids: cluster centres that are samples, updated by the "alternate" method
(scikit-learn-extra's ``KMedoids(method="alternate")``): assign each sample to its
closest medoid, then make each cluster's medoid the sample of the cluster with the
smallest sum of distances to the cluster's samples; repeat until the medoids stay.

The update is exact and never gathers the samples: the ranks' blocks (samples, labels)
travel around a ring; at each of the P steps every rank adds, for each of its samples,
the distances to the visiting samples of the same cluster (tiles of bounded memory).
Each rank then proposes its best sample per cluster and one Allreduce of (cost, global
index) records picks the winners (ties: the current medoid stays, then the lowest global
index), and one Allreduce of k x d numbers hands their coordinates to every rank.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import torch

from ..comm import Communicator
from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..spatial._kernels import METRICS, canonical_metric, pairwise_tile
from ..utils._param_validation import Interval, StrOptions
from ._base import _ArrayLike, _KCluster
from ._init import TILE_BYTES, tile_rows

__all__ = ["KMedoids"]

_NO_INDEX = torch.iinfo(torch.int64).max


def _distance_tile(a: torch.Tensor, b: torch.Tensor, metric: str, p: float) -> torch.Tensor:
    """All distances between rows of ``a`` and ``b``, by direct differences for the
    Euclidean metric (so that equal samples have equal costs, exactly)."""
    if metric == "euclidean":
        return torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")
    return pairwise_tile(a, b, metric, p)


def _in_cluster_costs(local: torch.Tensor, labels: torch.Tensor, counts: tuple[int, ...],
                      comm: Communicator, metric: str, p: float) -> torch.Tensor:
    """For each local sample, the sum of its distances to every sample (on any rank) of
    its own cluster: (n_local,) float64. The blocks travel around the ring."""
    costs = torch.zeros(local.shape[0], dtype=torch.float64, device=local.device)
    visiting, visiting_labels = local, labels
    rows = tile_rows(max(counts), 8, TILE_BYTES)
    for step in range(comm.size):  # P steps: fixed by the number of processes
        source = (comm.rank - step) % comm.size
        for start in range(0, local.shape[0], rows):  # local tiles, no communication
            block = slice(start, start + rows)
            same = labels[block, None] == visiting_labels[None, :]
            tile = _distance_tile(local[block], visiting, metric, p)
            costs[block] += torch.where(same, tile, 0).sum(dim=1, dtype=torch.float64)
        if step + 1 < comm.size:
            nxt = (comm.rank + 1) % comm.size
            prev = (comm.rank - 1) % comm.size
            incoming = counts[(source - 1) % comm.size]
            packed = torch.cat([visiting, visiting_labels[:, None].to(visiting.dtype)], 1)
            packed = comm.Sendrecv(packed, nxt, prev, (incoming, packed.shape[1]))
            visiting, visiting_labels = packed[:, :-1], packed[:, -1].to(torch.int64)
    return costs


def medoid_update(local: torch.Tensor, labels: torch.Tensor, counts: tuple[int, ...],
                  medoids: torch.Tensor, medoid_indices: torch.Tensor, comm: Communicator,
                  metric: str, p: float, carry: torch.Tensor | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The new medoids (k, d) and their global sample indices (k,), identical on every
    rank, and ``carry`` summed over the ranks.

    Parameters
    ----------
    local : torch.Tensor
        This rank's samples (n_local, d), block ``comm.rank`` of ``counts``.
    labels : torch.Tensor
        Their cluster indices (n_local,), int64.
    counts : tuple of int
        Every rank's number of samples.
    medoids, medoid_indices : torch.Tensor
        The current medoids (k, d) and their global indices (k,), -1 where a medoid is
        not a sample (given initial centres). An empty cluster keeps its medoid.
    comm : Communicator
    metric, p : str, float
        A canonical metric of :mod:`ember.spatial._kernels` and its Minkowski ``p``.
    carry : torch.Tensor, optional
        A small 1-D float64 tensor summed over the ranks in the last collective.

    Notes
    -----
    Communication: P - 1 ring shifts (Sendrecv) of each rank's block with its labels,
    one Allreduce of k (cost, index) records and one Allreduce of k x d + len(carry)
    float64. Computation: n_local x n distance evaluations per rank (all pairs, masked
    to the same cluster); memory: a 32 MiB tile, the local and one visiting block.

    Examples
    --------
    >>> x = torch.tensor([[0.0], [1.0], [3.0], [10.0], [11.0]])
    >>> labels = torch.tensor([0, 0, 0, 1, 1])
    >>> m, i, _ = medoid_update(x, labels, (5,), x[[0, 3]], torch.tensor([0, 3]),
    ...                         Communicator(None), "euclidean", 2.0)
    >>> m.flatten().tolist(), i.tolist()
    ([1.0, 10.0], [1, 3])
    """
    k = medoids.shape[0]
    if carry is None:
        carry = torch.zeros(0, dtype=torch.float64)
    costs = _in_cluster_costs(local, labels, counts, comm, metric, p)
    start = offsets(counts)[comm.rank]
    index = torch.arange(start, start + local.shape[0], device=local.device)
    best = torch.full((k,), torch.inf, dtype=torch.float64, device=local.device)
    best = best.scatter_reduce(0, labels, costs, "amin")
    # tie-break key: 0 for the current medoid (it stays on ties), else global index + 1
    key = torch.where(index == medoid_indices[labels], 0, index + 1)
    key = torch.where(costs == best[labels], key, _NO_INDEX)
    chosen = torch.full((k,), _NO_INDEX, dtype=torch.int64, device=local.device)
    chosen = chosen.scatter_reduce(0, labels, key, "amin")
    chosen = torch.where(chosen == _NO_INDEX, -1, chosen)  # no candidate on this rank
    _, chosen = comm.Allreduce_argextreme(best, chosen, "argmin")
    moved = chosen > 0  # a new sample; 0: the medoid stays; -1: an empty cluster
    new_indices = torch.where(moved, chosen - 1, medoid_indices)
    mine = moved & (new_indices >= start) & (new_indices < start + local.shape[0])
    rows = torch.zeros(medoids.shape, dtype=torch.float64, device=local.device)
    rows[mine] = local[new_indices[mine] - start].double()
    rows, carry = _KCluster._allreduce_with_carry(rows, carry, comm)
    new_medoids = torch.where(moved[:, None], rows.to(medoids.dtype), medoids)
    return new_medoids, new_indices, carry


class KMedoids(_KCluster):
    """K-Medoids clustering: cluster centres that are samples, by the "alternate"
    method (scikit-learn-extra's ``KMedoids(method="alternate")``) on split data.

    Each iteration assigns every sample to its closest medoid, then makes each
    cluster's medoid the sample of the cluster with the smallest sum of distances to
    the cluster's samples (exactly: no sampling, no approximation). On ties the current
    medoid stays, else the sample with the lowest global index wins.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters, ``1 <= n_clusters <= n_samples``.
    metric : str, default="euclidean"
        "euclidean", "sqeuclidean", "cityblock" (aliases "manhattan", "l1"), "l2",
        "cosine", "chebyshev" or "minkowski" (with p = 2).
    init : {"k-medoids++", "random"}, callable or array-like, default="k-medoids++"
        "k-medoids++": k-means++ seeding on samples with the metric's cost (the squared
        distance for "euclidean", the distance otherwise); "random": ``n_clusters``
        distinct samples; a callable ``init(X, n_clusters, random_state=seed)``
        returning the centres; or the initial centres (n_clusters x n_features; they
        become samples at the first update).
    max_iter : int, default=300
        Most iterations.
    random_state : int, numpy Generator or None
        Seed of the initialisation: the same result for any number of processes.

    Attributes
    ----------
    cluster_centers_ : DNDarray of shape (n_clusters, n_features)
        Replicated, in the data's dtype: the medoids.
    medoid_indices_ : numpy.ndarray of shape (n_clusters,)
        Global sample indices of the medoids (-1 for an initial centre given by the user
        whose cluster stayed empty).
    labels_ : DNDarray of shape (n_samples,)
        int32, distributed like the training data.
    inertia_ : float
        Sum of the distances (not squared) of the samples to their closest medoid.
    n_iter_ : int
        Iterations run (until no label and no medoid changes, or ``max_iter``).
    n_features_in_ : int

    Notes
    -----
    An empty cluster keeps its medoid. ``sample_weight`` is not supported.

    Communication: per iteration P - 1 ring shifts (Sendrecv) of every rank's block of
    samples with their labels, one Allreduce of k (cost, global index) records and one
    Allreduce of ``k x d + 1`` float64 (the new medoids' rows and the number of changed
    labels). Per fit: one Allreduce of the inertia, plus the initialisation's
    (k-medoids++: two small collectives per centre). The samples are never gathered.

    Cost: exact medoids need every sample's distances to all the samples of its cluster,
    O(n^2 / k) useful distance evaluations per iteration for balanced clusters; this
    implementation evaluates all pairs tile by tile and masks them to the cluster, so
    each rank computes n_local x n distances per iteration. Memory per rank: the local
    block, one visiting block and a 32 MiB tile. For millions of samples use
    :class:`KMedians` or :class:`KMeans` instead.

    Examples
    --------
    >>> import ember as em
    >>> X = em.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [4.0, 2.0], [10.0, 2.0],
    ...               [10.0, 4.0], [10.0, 0.0]], split=0)
    >>> km = KMedoids(n_clusters=2, init=[[0.0, 0.0], [9.0, 9.0]]).fit(X)
    >>> km.cluster_centers_.tolist()
    [[1.0, 2.0], [10.0, 2.0]]
    >>> km.medoid_indices_.tolist(), km.labels_.tolist(), km.inertia_, km.n_iter_
    ([0, 4], [0, 0, 0, 0, 1, 1, 1], 11.0, 2)
    >>> km.predict([[0.0, 0.0], [12.0, 3.0]]).tolist()
    [0, 1]
    """

    _init_options = frozenset({"k-medoids++", "random"})
    _plusplus_init = "k-medoids++"
    _euclidean_cost_squared = False  # the objective sums distances, not their squares
    _supports_sample_weight = False

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "metric": [StrOptions(set(METRICS))],
        "init": [StrOptions(_init_options), "callable", _ArrayLike()],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    #: no tolerance: iterate until nothing changes
    tol = 0.0

    def __init__(self, n_clusters: int = 8, *, metric: str = "euclidean",
                 init: Any = "k-medoids++", max_iter: int = 300,
                 random_state: Any = None) -> None:
        self.n_clusters = n_clusters
        self.metric = metric
        self.init = init
        self.max_iter = max_iter
        self.random_state = random_state

    @property
    def _metric(self) -> str:
        return canonical_metric(self.metric)[0]

    def _initial_centers(self, x: DNDarray, seed: int, weights: torch.Tensor | None
                         ) -> torch.Tensor:
        """Samples chosen by k-medoids++ or at random (their indices are kept), or the
        given centres (indices -1)."""
        centers, indices = self._initial_centers_and_indices(x, seed, weights)
        self._medoid_indices = indices.to(x.larray.device)
        return centers

    def _update_centers(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                        weights: torch.Tensor | None, carry: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor]:
        """The alternate update (:func:`medoid_update`); keeps the medoids' indices."""
        metric, p = canonical_metric(self.metric)
        centers, self._medoid_indices, carry = medoid_update(
            x.larray, labels, x.counts, centers, self._medoid_indices, x.comm, metric, p,
            carry)
        return centers, carry

    def _store_fit(self, x: DNDarray, replicated: bool, centers: torch.Tensor,
                   labels: torch.Tensor, inertia: float, n_iter: int) -> None:
        """The base's fitted attributes and ``medoid_indices_``."""
        super()._store_fit(x, replicated, centers, labels, inertia, n_iter)
        self.medoid_indices_ = self._medoid_indices.cpu().numpy()
        del self._medoid_indices
