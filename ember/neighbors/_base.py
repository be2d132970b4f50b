"""What the neighbours estimators share: the search's hyper-parameters, the bookkeeping
of ``fit``, scikit-learn's effective metric, the ``kneighbors`` query, and the
machinery of :class:`~ember.neighbors.KNeighborsClassifier` and
:class:`~ember.neighbors.KNeighborsRegressor`.

Every estimator keeps its training samples split along axis 0 and searches them with
the distributed ring (:mod:`ember.neighbors._ring`): the queries are split along axis
0 too, and each rank gets the neighbours of its own query rows as global training row
numbers. There are no trees: ``algorithm`` and ``leaf_size`` are validated and
recorded, and the results are those of scikit-learn's ``algorithm="brute"`` (ties go
to the smaller index). The values the neighbours carry (labels, targets) are fetched
from their owners (:class:`~ember.neighbors._fetch.OwnerFetch`), never gathered.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real
from typing import Any

import torch

from ..base import BaseEstimator
from ..core import dtypes
from ..core.dndarray import DNDarray
from ..spatial._kernels import METRICS, canonical_metric
from ..utils._param_validation import Interval, StrOptions, validate_parameters
from ..utils.validation import (
    as_samples,
    as_targets,
    check_is_fitted,
    check_n_features,
    like_input,
)
from ._fetch import OwnerFetch
from ._ring import kneighbors_ring

__all__ = ["NeighborsBase", "KNeighborsMixin", "effective_metric", "check_fractional_p"]

#: scikit-learn's names of the Minkowski metrics with p 1, 2 and infinity.
_MINKOWSKI_NAMES = {1: "manhattan", 2: "euclidean", math.inf: "chebyshev"}


def effective_metric(metric: str, p: float | None) -> tuple[str, dict[str, Any]]:
    """scikit-learn's ``effective_metric_`` and ``effective_metric_params_`` of a metric
    without ``metric_params``.

    Examples
    --------
    >>> effective_metric("minkowski", 1)
    ('manhattan', {})
    >>> effective_metric("minkowski", 3)
    ('minkowski', {'p': 3, 'w': None})
    """
    if metric != "minkowski":
        return metric, {}
    p = 2 if p is None else p
    name = _MINKOWSKI_NAMES.get(p, "minkowski")
    return name, ({"p": p, "w": None} if name == "minkowski" else {})


def check_fractional_p(algorithm: str, p: float) -> None:
    """scikit-learn's error (trees) or warning (brute force) for a Minkowski metric with
    0 < p < 1; nothing for p >= 1.

    The warning points at the user's call of ``fit`` (``fit``, ``_fit_samples`` and
    ``_search_metric`` lie between).
    """
    if p >= 1:
        return
    if algorithm in ("kd_tree", "ball_tree"):
        raise ValueError(f'algorithm="{algorithm}" does not support 0 < p < 1 for the '
                         'Minkowski metric. To resolve this problem either set p >= 1 or '
                         'algorithm="brute".')
    warnings.warn("Mind that for 0 < p < 1, Minkowski metrics are not distance metrics. "
                  "Continuing the execution with `algorithm='brute'`.", stacklevel=5)


class NeighborsBase(BaseEstimator):
    """The hyper-parameters and the ``fit`` bookkeeping of every neighbours estimator.

    A subclass defines ``_search_metric``; ``fit`` calls :meth:`_fit_samples`, which
    leaves ``_fit_X`` (the samples, split along axis 0), ``_fit_replicated``,
    ``_fit_method``, ``_ring_metric`` (the ring search's canonical (metric, p)),
    ``effective_metric_``, ``effective_metric_params_``, ``n_features_in_`` and
    ``n_samples_fit_``.
    """

    _parameter_constraints: dict = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 0, None, closed="right"), None],
        "metric": [StrOptions(METRICS), "callable"],
        "metric_params": [dict, None],
        "n_jobs": [Integral, None],
    }

    def _search_metric(self) -> tuple[str, float]:
        """Raise NotImplementedError for what the search does not support, set
        ``effective_metric_`` and ``effective_metric_params_``, and return the ring
        search's canonical (metric, p)."""
        raise NotImplementedError

    def _fit_samples(self, X: Any, *targets: Any) -> tuple[DNDarray, ...]:
        """Validate the hyper-parameters, store the training samples ``X`` (split along
        samples) and return the ``targets`` (``y`` of the supervised estimators) split
        exactly like them.

        Communication: as :func:`ember.utils.as_samples` and
        :func:`ember.utils.as_targets` (none for split-0 or replicated input beyond the
        2-byte finiteness Allreduces; one Alltoallv for input split otherwise).
        """
        validate_parameters(self)
        self._ring_metric = self._search_metric()
        samples, replicated = as_samples(X, self)
        targets = tuple(as_targets(y, samples, self) for y in targets)
        check_n_features(self, samples, reset=True)
        self._fit_X, self._fit_replicated, self._fit_method = samples, replicated, "brute"
        self.n_samples_fit_ = samples.shape[0]
        return targets

    def _new_samples(self, X: Any) -> tuple[DNDarray, bool]:
        """``X`` checked against the fit (split along samples), and whether it came
        replicated. Communication: as :func:`ember.utils.as_samples`."""
        queries, replicated = as_samples(X, self)
        check_n_features(self, queries, reset=False)
        return queries, replicated

    def _queries(self, X: Any) -> tuple[DNDarray, DNDarray, bool]:
        """(queries, reference, replicated) in one floating dtype (float64 when they
        differ), queries split along samples; ``X`` None: the training samples."""
        if X is None:
            return self._fit_X, self._fit_X, self._fit_replicated
        queries, replicated = self._new_samples(X)
        reference = self._fit_X
        if queries.dtype != reference.dtype:  # mixed precision: search in float64
            queries = queries.astype(dtypes.float64)
            reference = reference.astype(dtypes.float64)
        return queries, reference, replicated


class KNeighborsMixin:
    """The ``kneighbors`` query of :class:`~ember.neighbors.NearestNeighbors` and the
    k-nearest-neighbour classifier and regressor."""

    def kneighbors(self, X: Any = None, n_neighbors: int | None = None,
                   return_distance: bool = True
                   ) -> tuple[DNDarray, DNDarray] | DNDarray:
        """Find the k nearest neighbours of points.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_queries, n_features), default=None
            The query points. If None, the neighbours of each fitted sample, the sample
            itself excluded (its duplicates are neighbours, at distance 0).
        n_neighbors : int, default=None
            Number of neighbours; the constructor's by default.
        return_distance : bool, default=True
            Whether to return the distances too.

        Returns
        -------
        neigh_dist : DNDarray of shape (n_queries, n_neighbors)
            Distances, ascending along each row, in the samples' dtype (float64 for
            queries of another dtype than the fitted samples); only with
            ``return_distance``.
        neigh_ind : DNDarray of shape (n_queries, n_neighbors)
            int64 indices of the neighbours among the fitted samples; ties go to the
            smaller index.
            Both are split along axis 0 like split queries, replicated for replicated
            or NumPy queries (``X=None``: like the fitted samples).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            ``n_neighbors <= 0`` or larger than the fitted samples allow ("Expected
            n_neighbors <= n_samples_fit, ..."), a feature count other than in
            ``fit``, NaN or infinity in ``X``.
        TypeError
            A non-integer ``n_neighbors``, or none at all (``n_neighbors=None`` in the
            constructor and here).

        Notes
        -----
        Communication: one ring pass of the fitted samples (``P - 1`` Isend/Irecv
        steps, each moving one block, overlapped with the search: every rank receives
        the whole training set once, block by block; for the Euclidean metrics also
        one Allreduce of ``n_features + 1`` numbers); one Allgatherv of each result
        for replicated or NumPy queries; none with one process. Memory per rank:
        ``O(n_local_queries * k)``, one distance tile, two sample blocks.

        Examples
        --------
        >>> import ember as em
        >>> from ember.neighbors import NearestNeighbors
        >>> X = em.array([[0.0], [1.0], [3.0], [7.0]], split=0)
        >>> NearestNeighbors(n_neighbors=2).fit(X).kneighbors()[1].numpy().tolist()
        [[1, 2], [0, 2], [1, 0], [2, 1]]
        """
        distances, indices, replicated = self._search(X, n_neighbors, return_distance)
        if not return_distance:
            return like_input(indices, replicated)
        return like_input(distances, replicated), like_input(indices, replicated)

    def _search(self, X: Any, n_neighbors: int | None, need_distance: bool = True
                ) -> tuple[DNDarray | None, DNDarray, bool]:
        """(distances, indices, replicated): the neighbours, split along queries."""
        check_is_fitted(self, "_fit_X")
        k = self._checked_n_neighbors(n_neighbors)
        exclude_self = X is None
        queries, reference, replicated = self._queries(X)
        if k > self.n_samples_fit_ - exclude_self:
            relation = "<" if exclude_self else "<="
            raise ValueError(f"Expected n_neighbors {relation} n_samples_fit, but "
                             f"n_neighbors = {k}, n_samples_fit = {self.n_samples_fit_}, "
                             f"n_samples = {queries.shape[0]}")
        metric, p = self._ring_metric
        dist, ind = kneighbors_ring(queries, reference, k, metric=metric, p=p,
                                    exclude_self=exclude_self)
        shape, comm, counts = (queries.shape[0], k), queries.comm, queries.counts
        indices = DNDarray(ind, shape, 0, comm, counts)
        distances = DNDarray(dist, shape, 0, comm, counts) if need_distance else None
        return distances, indices, replicated

    def _checked_n_neighbors(self, n_neighbors: Any) -> int:
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
            if n_neighbors is None:
                raise TypeError(f"{type(self).__name__}: n_neighbors=None needs the "
                                "n_neighbors argument")
        elif n_neighbors <= 0:
            raise ValueError(f"Expected n_neighbors > 0. Got {n_neighbors}")
        elif not isinstance(n_neighbors, Integral):
            raise TypeError(f"n_neighbors does not take {type(n_neighbors)} value, enter "
                            "integer value")
        return int(n_neighbors)


# --------------------------------------------------------------------------------------
# the k-nearest-neighbour classifier and regressor
# --------------------------------------------------------------------------------------
#: scikit-learn's metric names (any of them passes parameter validation; those the
#: ring search has no kernel for raise NotImplementedError in ``fit``).
_SKLEARN_METRICS = frozenset({
    "braycurtis", "canberra", "chebyshev", "cityblock", "correlation", "cosine", "dice",
    "euclidean", "hamming", "haversine", "infinity", "jaccard", "l1", "l2",
    "mahalanobis", "manhattan", "minkowski", "nan_euclidean", "p", "precomputed",
    "pyfunc", "rogerstanimoto", "russellrao", "seuclidean", "sokalmichener",
    "sokalsneath", "sqeuclidean", "yule"})
_SUPPORTED_METRICS = frozenset({"euclidean", "sqeuclidean", "cityblock", "manhattan", "l1",
                                "l2", "cosine", "chebyshev", "infinity", "minkowski", "p"})


class _KNeighborsBase(KNeighborsMixin, NeighborsBase):
    """Parameters, the metric, the neighbour weights and the fetch of the neighbours'
    labels or targets shared by :class:`~ember.neighbors.KNeighborsClassifier` and
    :class:`~ember.neighbors.KNeighborsRegressor`."""

    _parameter_constraints: dict = {
        **NeighborsBase._parameter_constraints,
        "weights": [StrOptions({"uniform", "distance"}), "callable", None],
        "metric": [StrOptions(_SKLEARN_METRICS), "callable"],
    }

    def __init__(self, n_neighbors: int | None = 5, *, weights: str | None = "uniform",
                 algorithm: str = "auto", leaf_size: int = 30, p: float | None = 2,
                 metric: str = "minkowski", metric_params: dict | None = None,
                 n_jobs: int | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def _search_metric(self) -> tuple[str, float]:
        """scikit-learn's ``effective_metric_`` and ``effective_metric_params_``
        (``metric_params`` may hold ``p``), and the canonical (metric, p) of the ring
        search; NotImplementedError for callable weights and unsupported metrics."""
        name = type(self).__name__
        if callable(self.weights):
            raise NotImplementedError(f"{name}: callable weights are not supported")
        if callable(self.metric) or self.metric not in _SUPPORTED_METRICS:
            raise NotImplementedError(f"{name}: metric={self.metric!r} is not supported "
                                      f"(supported: {', '.join(sorted(_SUPPORTED_METRICS))})")
        params = dict(self.metric_params or {})
        if set(params) - {"p"}:
            raise NotImplementedError(f"{name}: metric_params other than 'p' "
                                      f"({sorted(set(params) - {'p'})}) are not supported")
        if "p" in params and self.p is not None:
            warnings.warn("Parameter p is found in metric_params. The corresponding "
                          "parameter from __init__ is ignored.", SyntaxWarning, stacklevel=3)
        p = float(params.pop("p", 2 if self.p is None else self.p))
        metric = {"infinity": "chebyshev", "p": "minkowski"}.get(self.metric, self.metric)
        self.effective_metric_ = self.metric
        self.effective_metric_params_ = dict(self.metric_params or {})
        if metric == "minkowski":
            self.effective_metric_, self.effective_metric_params_ = effective_metric(metric, p)
            check_fractional_p(self.algorithm, p)
        return canonical_metric(metric, p)

    def _neighbour_weights(self, distances: DNDarray | None) -> torch.Tensor | None:
        """This rank's (m_local, k) float64 weights, None for uniform ones.

        ``"distance"``: the inverse distances; a query at distance 0 of some of its
        neighbours takes weight 1 from each of those and 0 from the others
        (scikit-learn's rule).
        """
        if self.weights in (None, "uniform"):
            return None
        dist = distances.larray.to(torch.float64)
        zero = dist == 0
        inverse = 1.0 / dist.masked_fill(zero, 1.0)
        exact_rows = zero.any(dim=1, keepdim=True)
        return torch.where(exact_rows, zero.to(torch.float64), inverse)

    def _neighbour_targets(self, indices: DNDarray) -> torch.Tensor:
        """This rank's ``y`` of each neighbour, (m_local, k[, n_outputs]).

        Communication: the owner-computes fetch (one Alltoall of P integers, one
        Alltoallv of the distinct neighbour indices, one Alltoallv of their values);
        ``y`` is never gathered.
        """
        y = self._y
        return OwnerFetch(indices.larray, y.counts, y.comm).fetch(y.larray)
