"""``_KCluster``: what every k-clustering (KMeans, KMedians, KMedoids) shares.

A subclass sets the class attribute ``_metric`` (canonical metric name: ``"euclidean"``
for KMeans, ``"cityblock"`` for KMedians) and implements one method,

``_update_centers(x, labels, centers, weights, carry) -> (new_centers, carry_sum)``

the M-step: from this rank's ``labels`` (int64, one per local sample of the split
DNDarray ``x``), the current replicated ``centers`` (k x d tensor in ``x``'s dtype) and
the local ``weights`` (tensor or None for unit weights), it returns the new replicated
centres using ONE collective that carries all clusters' statistics, and in that same
collective it sums ``carry`` (a small 1-D float64 tensor of this rank's numbers, e.g.
the number of labels that changed) over the ranks, returning the sum
(:meth:`_KCluster._allreduce_with_carry` does the packing). Then ``fit``, ``predict``,
``transform``, ``fit_predict``, ``fit_transform``, ``score`` and the fitted attributes
come from here.

The cost of a sample with respect to a centre (what the objective ``inertia_`` sums) is
the squared distance for ``"euclidean"`` and the distance itself for other metrics; a
subclass whose objective is the Euclidean distance itself (KMedoids) sets
``_euclidean_cost_squared = False``. A subclass that does not support sample weights
(KMedians, KMedoids) sets ``_supports_sample_weight = False``: ``fit`` then raises
``NotImplementedError`` when given any.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import torch

from ..base import BaseEstimator, ClusterMixin, TransformerMixin
from ..comm import Communicator
from ..core.creation import from_local
from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..spatial._kernels import canonical_metric, pairwise_tile
from ..utils._param_validation import Interval, StrOptions, validate_parameters
from ..utils.validation import (
    as_samples,
    check_is_fitted,
    check_n_features,
    like_input,
    seed_from,
)
from ._init import (
    TILE_BYTES,
    exact_costs,
    kmeans_parallel,
    kmeans_plusplus_local,
    local_sample_weight,
    nearest_centers,
    random_samples,
    tile_rows,
)

__all__ = ["_KCluster"]


class _ArrayLike:
    """Constraint: an array-like that is not a string (an explicit ``init``)."""

    def accepts(self, value: Any) -> bool:
        return not isinstance(value, str) and (hasattr(value, "__len__")
                                               or hasattr(value, "shape"))

    def __str__(self) -> str:
        return "an array-like"


class _KCluster(ClusterMixin, TransformerMixin, BaseEstimator):
    """Base of the k-clusterings: parameters, initialisation, the iteration driver and
    the fitted API. Not for direct use (subclasses implement ``_update_centers``).

    Fitted attributes: ``cluster_centers_`` (replicated DNDarray, k x d, the data's
    dtype), ``labels_`` (int32, distributed like the training data), ``inertia_``
    (float: the sum of the samples' weighted costs to their closest centre), ``n_iter_``
    (int), ``n_features_in_`` (int).
    """

    #: canonical metric of the assignment and of the objective
    _metric: str = "euclidean"
    #: bytes of temporaries (distance tiles) per rank
    _tile_bytes: int = TILE_BYTES
    #: the initialisations accepted by name
    _init_options = frozenset({"k-means++", "random", "k-means||"})
    #: the name of greedy k-means++ seeding with the metric's cost
    _plusplus_init: str = "k-means++"
    #: whether the objective's Euclidean cost is the squared distance (else the distance)
    _euclidean_cost_squared: bool = True
    #: whether ``fit`` accepts ``sample_weight``
    _supports_sample_weight: bool = True

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions(_init_options), "callable", _ArrayLike()],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    # ----------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> _KCluster:
        """Compute the clustering of ``X``.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_samples, n_features)
            Split along samples, replicated, NumPy, or split along features (moved to
            samples with one Alltoallv).
        y : ignored
        sample_weight : array_like of shape (n_samples,), optional
            Weights of the samples (unit weights when None). Not supported (must be
            None) where ``_supports_sample_weight`` is False: KMedians, KMedoids.

        Returns
        -------
        self

        Raises
        ------
        NotImplementedError
            ``sample_weight`` given to an estimator that does not support weights.
        ValueError
            Invalid parameters, fewer samples than clusters, non-finite data, or an
            explicit ``init`` of the wrong shape; on every rank.

        Notes
        -----
        Communication: as the class's Notes state: the initialisation's (see
        ``init``), then per iteration the M-step's collectives, which carry all
        clusters' statistics at once (KMeans: one Allreduce); one Allreduce of the
        features' moments for the tolerance (none when ``tol`` is 0) and one of the
        inertia per run. Memory per rank: the local samples, their labels and one
        distance tile.
        """
        if sample_weight is not None and not self._supports_sample_weight:
            raise NotImplementedError(f"{type(self).__name__}.fit: sample_weight is not "
                                      "supported")
        validate_parameters(self)
        x, replicated = self._validate_data_for_fit(X)
        weights = local_sample_weight(x, sample_weight, self)
        best = None
        for seed in self._run_seeds(x.comm):
            centers = self._initial_centers(x, seed, weights)
            result = self._iterate(x, centers, self._update_centers, weights)
            if best is None or result[2] < best[2]:
                best = result
        self._store_fit(x, replicated, *best)
        return self

    def _validate_data_for_fit(self, X: Any) -> tuple[DNDarray, bool]:
        """``X`` as a split-0 float DNDarray (and whether it came replicated), checked
        for ``n_clusters <= n_samples`` and a valid explicit ``init``; records
        ``n_features_in_``. Communication: as :func:`as_samples` (one 2-byte
        Allreduce for the finiteness check)."""
        x, replicated = as_samples(X, self)
        if x.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={x.shape[0]} should be >= "
                             f"n_clusters={self.n_clusters}.")
        if not isinstance(self.init, str) and not callable(self.init):
            self._init_array(x)
        check_n_features(self, x, reset=True)
        return x, replicated

    def _n_runs(self) -> int:
        """How many initialisations ``fit`` tries (the best inertia is kept)."""
        return 1

    def _run_seeds(self, comm: Communicator) -> list[int]:
        """One seed per run, identical on every rank: ``seed_from(random_state)`` for
        the first run, then draws from it. Communication: one small Bcast when
        ``random_state`` is None."""
        seed = seed_from(self.random_state, comm)
        n_runs = self._n_runs()
        extra = np.random.default_rng(seed).integers(0, 2**62, size=n_runs - 1)
        return [seed, *(int(s) for s in extra)]

    def _init_array(self, x: DNDarray) -> torch.Tensor:
        """The explicit ``init`` as a k x d tensor in ``x``'s dtype, checked with
        scikit-learn's messages (no communication for NumPy or replicated ``init``)."""
        init = self.init
        centers = np.array(init.numpy() if isinstance(init, DNDarray) else init,
                           dtype=np.float64)
        if centers.ndim != 2:
            raise ValueError(f"Expected 2D array, got {centers.ndim}D array instead. "
                             "Reshape your data either using array.reshape(-1, 1) if your "
                             "data has a single feature or array.reshape(1, -1) if it "
                             "contains a single sample.")
        if centers.shape[0] != self.n_clusters:
            raise ValueError(f"The shape of the initial centers {centers.shape} does not "
                             f"match the number of clusters {self.n_clusters}.")
        if centers.shape[1] != x.shape[1]:
            raise ValueError(f"The shape of the initial centers {centers.shape} does not "
                             f"match the number of features of the data {x.shape[1]}.")
        if not np.isfinite(centers).all():
            raise ValueError("Input contains NaN, infinity or a value too large for "
                             f"dtype('{x.dtype.name}').")
        return torch.from_numpy(centers).to(dtype=x.larray.dtype, device=x.larray.device)

    def _initial_centers(self, x: DNDarray, seed: int, weights: torch.Tensor | None
                         ) -> torch.Tensor:
        """The initial centres (k x d, ``x``'s dtype, identical on every rank) for one
        run (:meth:`_initial_centers_and_indices`)."""
        return self._initial_centers_and_indices(x, seed, weights)[0]

    def _initial_centers_and_indices(self, x: DNDarray, seed: int,
                                     weights: torch.Tensor | None
                                     ) -> tuple[torch.Tensor, torch.Tensor]:
        """The initial centres (k x d, ``x``'s dtype) for one run and the global indices
        of the samples they are (int64; -1 for centres that are not chosen samples),
        identical on every rank, by ``init``: ``_plusplus_init`` ("k-means++",
        "k-medians++", "k-medoids++": greedy k-means++ seeding with the metric's cost,
        :func:`kmeans_plusplus_local`), "k-means||" (:func:`kmeans_parallel`),
        "random" (distinct samples), a callable ``init(X, n_clusters,
        random_state=seed)`` or an array."""
        init, k, metric = self.init, self.n_clusters, self._metric
        local, counts, comm = x.larray, x.counts, x.comm
        if isinstance(init, str) and init == self._plusplus_init:
            return kmeans_plusplus_local(local, weights, counts, comm, k,
                                         np.random.default_rng(seed), metric)
        if isinstance(init, str) and init == "random":
            return random_samples(local, weights, counts, comm, k, seed)
        not_samples = torch.full((k,), -1, dtype=torch.int64)
        if isinstance(init, str) and init == "k-means||":
            return kmeans_parallel(local, weights, counts, comm, k, seed, metric), not_samples
        if callable(init):
            self_init, self.init = self.init, init(x, k, random_state=seed)
            try:
                return self._init_array(x), not_samples
            finally:
                self.init = self_init
        return self._init_array(x), not_samples

    # ----------------------------------------------------------------------------------
    # the iteration driver
    # ----------------------------------------------------------------------------------
    def _iterate(self, x: DNDarray, centers: torch.Tensor, update: Any,
                 weights: torch.Tensor | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor, float, int]:
        """Alternate assignment and ``update`` from ``centers`` until convergence.

        Each iteration: the local labels by the distance tile to the centres (no
        communication), then ``update(x, labels, centers, weights, carry)`` whose one
        collective also sums ``carry`` = [number of labels changed on this rank].
        Stops when no label changed (strict convergence), when the squared centre shift
        ``sum_j |c_j' - c_j|^2 <= tol * mean feature variance``, or after ``max_iter``
        iterations (scikit-learn's rules); unless strictly converged, the labels are
        recomputed for the final centres.

        Returns
        -------
        (centers, labels, inertia, n_iter)
            Replicated k x d tensor, this rank's int64 labels, the float objective (sum
            of weighted costs, one Allreduce) and the number of iterations run.
        """
        tol = self._tolerance(x)
        local = x.larray
        previous = torch.full((local.shape[0],), -1, dtype=torch.int64, device=local.device)
        strict = False
        for n_iter in range(1, self.max_iter + 1):
            labels = self._assign_fit(local, centers, weights)
            changed = torch.tensor([float((labels != previous).sum())], dtype=torch.float64)
            new_centers, changed = update(x, labels, centers, weights, changed)
            shift = float(((new_centers.double() - centers.double()) ** 2).sum())
            centers = new_centers
            if float(changed[0]) == 0:
                strict = True
                self._say(x.comm, f"Converged at iteration {n_iter - 1}: strict convergence.")
                break
            if shift <= tol:
                self._say(x.comm, f"Converged at iteration {n_iter - 1}: center shift {shift} "
                          f"within tolerance {tol}.")
                break
            previous = labels
        if not strict:
            labels = self._assign(local, centers)
        return centers, labels, self._inertia(x, centers, labels, weights), n_iter

    def _update_centers(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                        weights: torch.Tensor | None, carry: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor]:
        """The M-step (one collective; see the module docstring). Subclasses implement."""
        raise NotImplementedError(f"{type(self).__name__}: _update_centers is not "
                                  "implemented")

    @staticmethod
    def _allreduce_with_carry(stats: torch.Tensor, carry: torch.Tensor, comm: Communicator
                              ) -> tuple[torch.Tensor, torch.Tensor]:
        """Sum ``stats`` (any shape, float64) and ``carry`` (1-D float64) over the ranks
        in ONE Allreduce; returns both summed. Communication: one Allreduce of
        ``stats.numel() + carry.numel()`` float64."""
        packed = torch.cat([stats.reshape(-1).double(), carry.to(stats.device).double()])
        packed = comm.Allreduce(packed, op="sum")
        return packed[:stats.numel()].reshape(stats.shape), packed[stats.numel():].cpu()

    def _tolerance(self, x: DNDarray) -> float:
        """``tol`` times the mean of the features' variances (scikit-learn's scaling);
        0 when ``tol`` is 0. Communication: one Allreduce of the features' moments
        (count, mean, m2) merged by Chan's formulas, none when ``tol`` is 0."""
        if self.tol == 0:
            return 0.0
        local = x.larray
        n, d = local.shape
        count = torch.full((d,), float(n), dtype=torch.float64)
        mean = torch.zeros(d, dtype=torch.float64)
        m2 = torch.zeros(d, dtype=torch.float64)
        if n:
            var, mu = torch.var_mean(local, dim=0, correction=0)
            mean, m2 = mu.double().cpu(), var.double().cpu() * n
        if x.comm.size > 1:
            count, mean, m2 = x.comm.Allreduce_moments(count, mean, m2)
        return float((m2 / count).mean()) * self.tol

    def _assign(self, local: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
        """The index of the closest centre of each local sample (int64; ties to the
        lowest index), by row tiles of at most ``_tile_bytes``. Communication: none."""
        return nearest_centers(local, centers, self._metric, budget=self._tile_bytes)[0]

    def _assign_fit(self, local: torch.Tensor, centers: torch.Tensor,
                    weights: torch.Tensor | None) -> torch.Tensor:
        """The assignment step of :meth:`_iterate` (default: :meth:`_assign`). A
        subclass may override it to gather its local statistics in the same pass over
        the samples, for its next ``_update_centers`` (KMeans does)."""
        return self._assign(local, centers)

    def _costs(self, local: torch.Tensor, centers: torch.Tensor, labels: torch.Tensor
               ) -> torch.Tensor:
        """The objective's cost of each local sample to ``centers[label]`` (in the
        data's dtype), by direct differences: the squared Euclidean distance unless
        ``_euclidean_cost_squared`` is False, else the metric's distance.
        Communication: none."""
        costs = exact_costs(local, centers, labels, self._metric, self._tile_bytes)
        if self._metric == "euclidean" and not self._euclidean_cost_squared:
            costs = costs.sqrt()
        return costs

    def _inertia(self, x: DNDarray, centers: torch.Tensor, labels: torch.Tensor,
                 weights: torch.Tensor | None) -> float:
        """The sum over all samples of ``weight * cost(sample, centers[label])``
        (:meth:`_costs`). Communication: one Allreduce of one float64."""
        costs = self._costs(x.larray, centers, labels)
        if weights is not None:
            costs = costs * weights
        total = costs.double().sum().reshape(1)
        return float(x.comm.Allreduce(total, op="sum")[0])

    def _farthest_samples(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                          weights: torch.Tensor | None, n: int
                          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The ``n`` samples with the largest cost to their assigned centre, over all
        ranks, ordered by (cost descending, global index ascending): their rows (n x d,
        ``x``'s dtype), global indices, labels (int64) and weights (float64), identical
        on every rank (for relocating empty clusters). Requires ``n <= n_samples``.

        Communication: one Allgather of ``n x (d + 4)`` float64 per rank.
        """
        local, d = x.larray, x.shape[1]
        costs = self._costs(local, centers, labels).double()
        order = torch.sort(costs, descending=True, stable=True).indices[:n]
        start = offsets(x.counts)[x.comm.rank]
        mine = torch.full((n, d + 4), -torch.inf, dtype=torch.float64, device=local.device)
        m = order.numel()
        mine[:m, 0] = costs[order]
        mine[:m, 1] = (order + start).double()
        mine[:m, 2] = labels[order].double()
        mine[:m, 3] = 1.0 if weights is None else weights[order].double()
        mine[:m, 4:] = local[order].double()
        everyone = x.comm.Allgather(mine).reshape(-1, d + 4)
        everyone = everyone[torch.sort(everyone[:, 1], stable=True).indices]
        best = everyone[torch.sort(everyone[:, 0], descending=True, stable=True).indices[:n]]
        return (best[:, 4:].to(local.dtype), best[:, 1].round().long(),
                best[:, 2].round().long(), best[:, 3])

    def _store_fit(self, x: DNDarray, replicated: bool, centers: torch.Tensor,
                   labels: torch.Tensor, inertia: float, n_iter: int) -> None:
        """Set the fitted attributes from the best run."""
        self.cluster_centers_ = from_local(centers, None, x.comm)
        self.labels_ = self._labels_like(x, labels, replicated)
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)

    @staticmethod
    def _labels_like(x: DNDarray, labels: torch.Tensor, replicated: bool) -> DNDarray:
        """Local int64 labels as an int32 DNDarray distributed like the input."""
        result = DNDarray(labels.to(torch.int32), (x.shape[0],), 0, x.comm, x.counts)
        return like_input(result, replicated)

    def _say(self, comm: Communicator, message: str) -> None:
        """Print ``message`` on rank 0 when ``verbose`` (subclasses that have it)."""
        if getattr(self, "verbose", 0) and comm.rank == 0:
            print(message)

    # ----------------------------------------------------------------------------------
    # the fitted API
    # ----------------------------------------------------------------------------------
    def _test_data(self, X: Any) -> tuple[DNDarray, bool, torch.Tensor]:
        """Checked samples for a fitted estimator, and the centres in their dtype."""
        check_is_fitted(self, "cluster_centers_")
        x, replicated = as_samples(X, self)
        check_n_features(self, x, reset=False)
        centers = self.cluster_centers_.larray.to(dtype=x.larray.dtype,
                                                  device=x.larray.device)
        return x, replicated, centers

    def predict(self, X: Any) -> DNDarray:
        """The index of the closest cluster centre of each sample.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_samples, n_features)

        Returns
        -------
        labels : DNDarray of shape (n_samples,)
            int32, split along samples like ``X`` (replicated for replicated/NumPy
            input).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            Another number of features than in ``fit``, or non-finite data.

        Notes
        -----
        Communication: none beyond the input checks (one 2-byte Allreduce), and one
        Allgatherv of the labels for replicated input. Memory per rank: one distance
        tile of at most ``_tile_bytes``.
        """
        x, replicated, centers = self._test_data(X)
        return self._labels_like(x, self._assign(x.larray, centers), replicated)

    def transform(self, X: Any) -> DNDarray:
        """The distance of each sample to every cluster centre (the metric's distance,
        not squared).

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_samples, n_features)

        Returns
        -------
        distances : DNDarray of shape (n_samples, n_clusters)
            In ``X``'s dtype, split along samples like ``X`` (replicated for
            replicated/NumPy input).

        Raises
        ------
        NotFittedError, ValueError
            As :meth:`predict`.

        Notes
        -----
        Communication: none beyond the input checks, and one Allgatherv of the result
        for replicated input. Memory per rank: the local result (n_local x k).
        """
        x, replicated, centers = self._test_data(X)
        local = x.larray
        out = torch.empty(local.shape[0], centers.shape[0], dtype=local.dtype,
                          device=local.device)
        step = tile_rows(centers.shape[0], local.element_size(), self._tile_bytes)
        for begin in range(0, local.shape[0], step):
            out[begin:begin + step] = pairwise_tile(local[begin:begin + step], centers,
                                                    *canonical_metric(self._metric))
        result = DNDarray(out, (x.shape[0], centers.shape[0]), 0, x.comm, x.counts)
        return like_input(result, replicated)

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Opposite of the objective of ``X`` against the fitted centres (scikit-learn's
        sign: larger is better), e.g. minus the sum of squared distances for KMeans.

        Raises
        ------
        NotFittedError, ValueError
            As :meth:`predict`; also ValueError for a ``sample_weight`` of the wrong
            length or with non-finite values.

        Notes
        -----
        Communication: one Allreduce of one float64 (plus the input checks).
        """
        x, _, centers = self._test_data(X)
        weights = local_sample_weight(x, sample_weight, self)
        labels = self._assign(x.larray, centers)
        return -self._inertia(x, centers, labels, weights)
