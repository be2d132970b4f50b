"""``KMeans``: Lloyd's k-means over samples split across processes."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import torch

from ..core.dndarray import DNDarray
from ..spatial._kernels import squared_norms
from ..utils._param_validation import Interval, StrOptions
from ._base import _KCluster
from ._init import tile_rows

__all__ = ["KMeans"]


class KMeans(_KCluster):
    """K-Means clustering (Lloyd's algorithm), scikit-learn's ``KMeans`` on split data.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters, ``1 <= n_clusters <= n_samples``.
    init : {"k-means++", "k-means||", "random"}, callable or array-like, default="k-means++"
        "k-means++": greedy k-means++ (:func:`ember.cluster.kmeans_plusplus`);
        "k-means||": scalable k-means++ (Bahmani et al., 5 rounds, oversampling
        ``2 * n_clusters``), fewer collectives for large ``n_clusters``; "random":
        ``n_clusters`` distinct samples; a callable ``init(X, n_clusters,
        random_state=seed)`` returning the centres; or the centres (n_clusters x
        n_features).
    n_init : "auto" or int, default="auto"
        Runs with different initialisations; the one with the lowest inertia is kept.
        "auto": 1 for "k-means++", "k-means||" and explicit centres, 10 for "random" and
        a callable (scikit-learn >= 1.4).
    max_iter : int, default=300
        Most Lloyd iterations per run.
    tol : float, default=1e-4
        Convergence when the squared centre shift (summed over clusters) is at most
        ``tol`` times the mean of the features' variances.
    verbose : int, default=0
        Print the convergence message (rank 0 only).
    random_state : int, numpy Generator or None
        Seed of the initialisation: the same result for any number of processes.
    copy_x : bool, default=True
        Accepted for compatibility: ember never modifies ``X``.
    algorithm : {"lloyd", "elkan"}, default="lloyd"
        "elkan" is accepted and runs Lloyd's iterations (the same result; Elkan's
        triangle-inequality bounds are not implemented).

    Attributes
    ----------
    cluster_centers_ : DNDarray of shape (n_clusters, n_features)
        Replicated, in the data's dtype.
    labels_ : DNDarray of shape (n_samples,)
        int32, distributed like the training data.
    inertia_ : float
        Sum of squared distances of the samples to their closest centre (weighted).
    n_iter_ : int
        Iterations of the best run.
    n_features_in_ : int

    Notes
    -----
    Communication: per iteration ONE Allreduce of ``k x (d + 1) + 1`` float64 (every
    cluster's sums and weights, and the number of labels that changed); an iteration
    with empty clusters adds one Allgather of ``n_empty x (d + 4)`` float64 per rank
    (the farthest samples, to which the empty clusters move, as in scikit-learn,
    chosen by (distance desc, global index asc)). Per run: one Allreduce of the
    features' moments (the tolerance, skipped when ``tol=0``) and one of the inertia;
    plus the initialisation's (k-means++: two small collectives per centre). Memory per
    rank: the local samples, their labels and one distance tile (``_tile_bytes``).
    Sums are accumulated per row tile in the data's dtype and across tiles and ranks
    in float64.

    Examples
    --------
    >>> import ember as em
    >>> X = em.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0],
    ...               [10.0, 0.0]], split=0)
    >>> km = KMeans(n_clusters=2, init=[[0.0, 0.0], [9.0, 9.0]]).fit(X)
    >>> km.cluster_centers_.tolist()
    [[1.0, 2.0], [10.0, 2.0]]
    >>> km.labels_.tolist(), km.inertia_, km.n_iter_
    ([0, 0, 0, 1, 1, 1], 16.0, 2)
    >>> km.predict([[0.0, 0.0], [12.0, 3.0]]).tolist()
    [0, 1]
    """

    _metric = "euclidean"

    _parameter_constraints: dict = {
        **_KCluster._parameter_constraints,
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "verbose": [Interval(Integral, 0, None, closed="left"), "boolean"],
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    }

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-means++",
                 n_init: str | int = "auto", max_iter: int = 300, tol: float = 1e-4,
                 verbose: int = 0, random_state: Any = None, copy_x: bool = True,
                 algorithm: str = "lloyd") -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def _n_runs(self) -> int:
        """scikit-learn's ``n_init`` rules, including its warning for explicit centres."""
        init, n_init = self.init, self.n_init
        named = isinstance(init, str)
        if n_init == "auto":
            n_init = 10 if (named and init == "random") or callable(init) else 1
        if not named and not callable(init) and n_init != 1:
            warnings.warn("Explicit initial center position passed: performing only one "
                          f"init in {type(self).__name__} instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=3)
            n_init = 1
        return n_init

    def _assign_fit(self, local: torch.Tensor, centers: torch.Tensor,
                    weights: torch.Tensor | None) -> torch.Tensor:
        """Labels and, in the same pass over the samples, this rank's per-cluster sums
        and weights for the next :meth:`_update_centers` (see :func:`lloyd_statistics`).
        """
        labels, self._local_stats = lloyd_statistics(local, centers, weights,
                                                      self._tile_bytes)
        return labels

    def _update_centers(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                        weights: torch.Tensor | None, carry: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor]:
        """Lloyd's M-step: the weighted mean of each cluster's samples.

        The local k x (d + 1) statistics (gathered by :meth:`_assign_fit`), then ONE
        Allreduce of them plus ``carry``; empty clusters are relocated to the farthest
        samples (scikit-learn's rule: the sample leaves its cluster's sum and becomes
        the empty cluster's centre).
        """
        stats = getattr(self, "_local_stats", None)
        self._local_stats = None
        if stats is None:
            stats = lloyd_statistics(x.larray, centers, weights, self._tile_bytes,
                                     labels)[1]
        d = centers.shape[1]
        stats, carry = self._allreduce_with_carry(stats, carry, x.comm)
        sums, counts = stats[:, :d], stats[:, d]
        empty = torch.nonzero(counts == 0).flatten()
        if empty.numel():
            self._relocate(x, labels, centers, weights, empty, sums, counts)
        scale = torch.where(counts > 0, counts, torch.ones_like(counts))
        return (sums / scale.unsqueeze(1)).to(centers.dtype), carry

    def _relocate(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                  weights: torch.Tensor | None, empty: torch.Tensor, sums: torch.Tensor,
                  counts: torch.Tensor) -> None:
        """Move the ``empty`` clusters (in place on the global ``sums``/``counts``) to
        the samples farthest from their centres, in order of (distance desc, global
        index asc). Communication: one Allgather (:meth:`_farthest_samples`)."""
        rows, _, old, mass = self._farthest_samples(x, labels, centers, weights,
                                                    empty.numel())
        moved = rows.double() * mass.unsqueeze(1)
        sums.index_add_(0, old, -moved)
        counts.index_add_(0, old, -mass)
        sums[empty] = moved
        counts[empty] = mass


def lloyd_statistics(local: torch.Tensor, centers: torch.Tensor,
                     weights: torch.Tensor | None, budget: int,
                     labels: torch.Tensor | None = None
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """The closest centre of each local row (int64, ties to the lowest index) and the
    per-cluster weighted sums and weights (k x (d + 1), float64), in one pass of row
    tiles; with ``labels`` given, only the statistics of that assignment.

    Per tile (k x m, centres by rows, in one buffer reused by every tile): the scores
    ``|c|^2 - 2 c.x`` (one GEMM), their column minima, the indicator ``E`` of the
    minima (``score <= min``, written as 0.0/1.0 in place), the per-cluster counts
    ``E.sum(1)`` (weighted: of ``E`` scaled by the weights), the labels
    ``E^T [0..k-1]`` (one GEMV) and the sums ``E @ rows`` (one GEMM), in the data's
    dtype per tile and accumulated across tiles in float64.
    A tile whose counts add up to more than its rows has a tie (a row at the same
    distance from two centres): its ``E`` is rebuilt from the first minima, so ties go
    to the lowest index as in scikit-learn. Communication: none.
    """
    n, d = local.shape
    k = centers.shape[0]
    step = max(1, min(n, tile_rows(2 * k, local.element_size(), budget)))
    stats = torch.zeros(k, d + 1, dtype=torch.float64, device=local.device)
    out = torch.empty(n, dtype=torch.int64, device=local.device)
    c_sq = squared_norms(centers).unsqueeze(1)
    cluster_index = torch.arange(k, dtype=local.dtype, device=local.device)
    buffer = torch.empty(k, step, dtype=local.dtype, device=local.device)
    for begin in range(0, n, step):
        rows = local[begin:begin + step]
        m = rows.shape[0]
        onehot = buffer if m == step else buffer[:, :m].contiguous()
        if labels is None:
            torch.addmm(c_sq, centers, rows.T, alpha=-2, out=onehot)
            torch.le(onehot, onehot.amin(0), out=onehot)  # 1.0 at the minima, else 0.0
            counts = _one_hot_counts(onehot)
            out[begin:begin + m] = torch.mv(onehot.T, cluster_index)
        else:
            out[begin:begin + m] = labels[begin:begin + m]
            onehot.zero_().scatter_(0, out[begin:begin + m].unsqueeze(0), 1.0)
            counts = onehot.sum(1)
        if weights is not None:
            onehot.mul_(weights[begin:begin + m])
            counts = onehot.sum(1)
        stats[:, :d] += torch.mm(onehot, rows)
        stats[:, d] += counts
    return out, stats


def _one_hot_counts(onehot: torch.Tensor) -> torch.Tensor:
    """The ones per row of the k x m indicator of the minima, after making it one-hot
    in place where a column has several ones (a tie: the lowest index wins)."""
    counts = onehot.sum(1)
    if float(counts.sum()) <= onehot.shape[1]:
        return counts
    tied = torch.nonzero(onehot.sum(0) > 1).flatten()
    first = onehot[:, tied].argmax(0)  # the first maximum: the lowest tied index
    onehot[:, tied] = 0
    onehot[first, tied] = 1
    return onehot.sum(1)
