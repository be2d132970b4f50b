"""Batch-parallel k-means and k-medians (Alguliyev et al., 2021; Heat's
``BatchParallelKMeans``): every rank clusters its own samples with no communication,
then the local centres are gathered and clustered again into the final centres.

When to use it rather than :class:`KMeans` / :class:`KMedians`:

- the data is too large to iterate over globally, or there are so many processes that
  the per-iteration Allreduce latency dominates: here the whole fit communicates once
  (one Allgatherv of at most ``P x k x d`` numbers), and each rank's iterations touch
  only its own block;
- an approximate clustering is good enough.

The result depends on the number of processes and on how the samples are spread over
them (each block is clustered separately); that is inherent to the method. Use
:class:`KMeans` / :class:`KMedians` for results that do not depend on the number of
processes.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import torch

from ..comm import Communicator
from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..utils._param_validation import Interval, StrOptions, validate_parameters
from ..utils.validation import seed_from
from ._base import _ArrayLike, _KCluster
from ._kmeans import KMeans
from ._kmedians import KMedians

__all__ = ["BatchParallelKMeans", "BatchParallelKMedians"]


def _derived_seed(seed: int, *keys: int) -> int:
    """A seed for one sub-problem, from the fit's seed and the sub-problem's keys."""
    return int(np.random.SeedSequence([seed, *keys]).generate_state(1, np.uint64)[0] >> 1)


class _BatchParallelKCluster(_KCluster):
    """Local clustering per rank, one Allgatherv of the local centres, then a
    (hierarchical) merge computed identically on every rank. The hyper-parameters and
    their defaults are k-means'; a subclass sets ``_estimator`` (the single-process
    clustering), ``_metric`` and the init names, and its own ``__init__`` for another
    default ``init``."""

    _estimator: type = KMeans
    _init_options = frozenset({"k-means++", "random"})
    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions(_init_options), _ArrayLike()],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "n_procs_to_merge": [Interval(Integral, 2, None, closed="left"), None],
    }

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-means++", max_iter: int = 300,
                 tol: float = 1e-4, random_state: Any = None,
                 n_procs_to_merge: int | None = None) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.n_procs_to_merge = n_procs_to_merge

    def fit(self, X: Any, y: Any = None) -> _BatchParallelKCluster:
        """Cluster each rank's samples, then the gathered local centres.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_samples, n_features)
            Split along samples, replicated, NumPy, or split along features (moved to
            samples with one Alltoallv). Replicated or NumPy input is cut into balanced
            blocks, one per rank.
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Invalid parameters, fewer samples than clusters, non-finite data, or an
            explicit ``init`` of the wrong shape; on every rank.

        Notes
        -----
        Communication: one Allgatherv of ``min(n_local, k) x d`` numbers per rank (the
        local centres), one Allreduce of one float64 (the inertia), and the input checks
        (one 2-byte Allreduce; one small Bcast when ``random_state`` is None). None
        during the iterations. Memory per rank: the local samples, one distance tile
        and the ``P x k x d`` gathered centres.
        """
        validate_parameters(self)
        x, replicated = self._validate_data_for_fit(X)
        seed = seed_from(self.random_state, x.comm)
        init = self.init if isinstance(self.init, str) else self._init_array(x).cpu().numpy()
        local, n_iter = self._local_centers(x, init, seed)
        sizes = [min(c, self.n_clusters) for c in x.counts]
        pooled = x.comm.Allgatherv(local, 0, sizes)
        centers, merge_iter = self._merge(pooled, sizes, init, seed)
        if x.comm.size > 1:
            n_iter = merge_iter  # the local counts differ between ranks
        labels = self._assign(x.larray, centers)
        inertia = self._inertia(x, centers, labels, None)
        self._store_fit(x, replicated, centers, labels, inertia, n_iter)
        return self

    def _cluster(self, points: torch.Tensor, init: Any, seed: int) -> tuple[torch.Tensor, int]:
        """k centres of ``points`` (a local tensor) by the single-process estimator;
        no communication (a world of one)."""
        estimator = self._estimator(n_clusters=self.n_clusters, init=init,
                                    max_iter=self.max_iter, tol=self.tol,
                                    random_state=seed)
        if isinstance(estimator, KMeans):
            estimator.set_params(n_init=1)
        data = DNDarray(points, points.shape, None, Communicator(None))
        estimator.fit(data)
        return estimator.cluster_centers_.larray, estimator.n_iter_

    def _local_centers(self, x: DNDarray, init: Any, seed: int) -> tuple[torch.Tensor, int]:
        """This rank's centres (k x d) and iterations; a block of at most k samples
        is its own set of centres. Seeded by the block's global start."""
        local = x.larray
        if local.shape[0] <= self.n_clusters:
            return local, 0
        start = offsets(x.counts)[x.comm.rank]
        return self._cluster(local, init, _derived_seed(seed, 0, start))

    def _merge(self, pooled: torch.Tensor, sizes: list[int], init: Any, seed: int
               ) -> tuple[torch.Tensor, int]:
        """Cluster the gathered centres, ``n_procs_to_merge`` ranks' sets at a time,
        level after level, until one set of k centres is left. Every rank computes
        every group (the sets are small), so no communication is needed. A group with
        at most k centres passes on unchanged. Returns the centres and the iterations
        of the last clustering run (0 if none ran)."""
        group = self.n_procs_to_merge or len(sizes)
        blocks = list(torch.split(pooled, sizes))
        n_iter, level = 0, 1
        while True:  # ceil(log_group(P)) levels: fixed by the number of processes
            merged = []
            for index, begin in enumerate(range(0, len(blocks), group)):
                points = torch.cat(blocks[begin:begin + group])
                if points.shape[0] > self.n_clusters:
                    points, n_iter = self._cluster(points, init,
                                                   _derived_seed(seed, level, index))
                merged.append(points)
            blocks, level = merged, level + 1
            if len(blocks) == 1:
                return blocks[0], n_iter


def _batch_doc(name: str, summary: str, *, local: str, single: str, exact: str,
               inits: str, default: str, init_doc: str, inertia: str,
               inertia_value: str) -> str:
    """The class docstring of a batch-parallel estimator ``name`` (its example included)."""
    return f"""{summary}

    Each rank clusters its own samples ({local}, no communication per iteration), then
    the local centres of all ranks are gathered (one Allgatherv of at most
    ``P x k x d`` numbers) and clustered again, identically on every rank, into the
    final ``n_clusters`` centres; ``labels_`` assigns every sample to them. With
    ``n_procs_to_merge`` the merge is hierarchical: the centre sets of
    ``n_procs_to_merge`` consecutive ranks are clustered together, level after level.
    A rank (or merge group) with at most ``n_clusters`` samples (centres) passes them
    on as they are.

    Use it when the data is too large to iterate over globally or the processes are so
    many that one Allreduce per iteration costs too much. The result depends on the
    number of processes and on how the samples are spread over them (inherent to the
    method; with one process it is {single}); use {exact} for results that do not.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters, ``1 <= n_clusters <= n_samples``.
    init : {inits} or array-like, default="{default}"
        Initialisation of every local clustering and of every merge: {init_doc}; or
        the initial centres (n_clusters x n_features), used by every clustering.
    max_iter : int, default=300
        Most iterations of each local clustering and of each merge.
    tol : float, default=1e-4
        Convergence tolerance of each clustering (relative to the variance of the
        points it clusters, as in {exact}).
    random_state : int, numpy Generator or None
        Seed; each block's and each merge group's clustering gets a seed derived from
        it and the block's global start (the merge groups': their level and position).
    n_procs_to_merge : int >= 2 or None, default=None
        How many ranks' centre sets are merged together at each level; None merges all
        at once.

    Attributes
    ----------
    cluster_centers_ : DNDarray of shape (n_clusters, n_features)
        Replicated, in the data's dtype: the final (merged) centres.
    labels_ : DNDarray of shape (n_samples,)
        int32, distributed like the training data.
    inertia_ : float
        {inertia} to their closest final centre.
    n_iter_ : int
        Iterations of the last merge clustering (0 if every merge group had at most
        ``n_clusters`` centres); with one process, those of the local clustering.
    n_features_in_ : int

    Notes
    -----
    Communication: one Allgatherv of the local centres (at most ``P x k x d``
    numbers), one Allreduce of one float64 (the inertia), plus the input checks. The
    merge is computed redundantly on every rank (small: ``P x k`` points). Memory per
    rank: the local samples, one distance tile, and the gathered centres.

    Examples
    --------
    >>> import ember as em
    >>> blob = em.array([[1.0, 1.0], [1.0, 3.0], [0.0, 2.0], [2.0, 2.0], [1.0, 0.0],
    ...                  [1.0, 4.0]])
    >>> X = em.stack([blob, blob + em.array([9.0, 0.0])], axis=1).reshape(12, 2)
    >>> X = X.resplit(0)  # the two blobs alternate: every block holds both
    >>> km = {name}(n_clusters=2, init=[[0.0, 0.0], [9.0, 9.0]]).fit(X)
    >>> km.cluster_centers_.tolist()
    [[1.0, 2.0], [10.0, 2.0]]
    >>> km.labels_.tolist(), km.inertia_
    ([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], {inertia_value})
    """


class BatchParallelKMeans(_BatchParallelKCluster):
    __doc__ = _batch_doc(
        "BatchParallelKMeans",
        "Batch-parallel k-means (Alguliyev et al., 2021; Heat's\n    "
        "``BatchParallelKMeans``).",
        local="Lloyd's k-means", single="the k-means of the whole data", exact=":class:`KMeans`",
        inits='{"k-means++", "random"}', default="k-means++",
        init_doc='"k-means++" (greedy k-means++ seeding), "random" (distinct points)',
        inertia="Sum of squared distances of the samples", inertia_value="24.0")


class BatchParallelKMedians(_BatchParallelKCluster):
    __doc__ = _batch_doc(
        "BatchParallelKMedians",
        "Batch-parallel k-medians (Heat's ``BatchParallelKMedians``): as\n    "
        ":class:`BatchParallelKMeans` with the L1 distance and coordinate-wise medians.",
        local="k-medians", single="the k-medians of the whole data",
        exact=":class:`KMedians`", inits='{"k-medians++", "random"}', default="k-medians++",
        init_doc='"k-medians++" (k-means++ seeding with the L1 distance), "random" '
                 '(distinct points)',
        inertia="Sum of the L1 distances of the samples", inertia_value="16.0")

    _metric = "cityblock"
    _estimator = KMedians
    _init_options = frozenset({"k-medians++", "random"})
    _parameter_constraints: dict = {
        **_BatchParallelKCluster._parameter_constraints,
        "init": [StrOptions(_init_options), _ArrayLike()],
    }

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-medians++",
                 max_iter: int = 300, tol: float = 1e-4, random_state: Any = None,
                 n_procs_to_merge: int | None = None) -> None:
        super().__init__(n_clusters, init=init, max_iter=max_iter, tol=tol,
                         random_state=random_state, n_procs_to_merge=n_procs_to_merge)
