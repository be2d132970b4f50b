"""k-nearest-neighbour classification (``sklearn.neighbors.KNeighborsClassifier``) and
the machinery it shares with :class:`~ember.neighbors.KNeighborsRegressor`.

The neighbours are found by the distributed ring search
(:func:`ember.neighbors._ring.kneighbors_ring`): the training samples stay split
along samples, the queries are split along samples, and each rank gets the neighbours
of its own query rows as global training row numbers. The labels (or targets) of
those neighbours are then fetched from their owners by the neighbour index array
itself (``y[indices]``: owner-computes, one Alltoall of request counts and two
Alltoallv), so ``y`` is never gathered. Votes are one ``scatter_add`` per query block.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real
from typing import Any

import torch

from ..base import BaseEstimator, ClassifierMixin
from ..core.dndarray import DNDarray
from ..core.sets import unique
from ..spatial._kernels import canonical_metric
from ..utils._param_validation import Interval, StrOptions, validate_parameters
from ..utils.validation import (
    as_samples,
    as_targets,
    check_is_fitted,
    check_n_features,
    like_input,
)
from ._ring import kneighbors_ring

__all__ = ["KNeighborsClassifier"]

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
_EFFECTIVE_MINKOWSKI = {1.0: "manhattan", 2.0: "euclidean", math.inf: "chebyshev"}


class DataConversionWarning(UserWarning):
    """The data had to be converted (scikit-learn's warning of the same name)."""


class _KNeighborsBase(BaseEstimator):
    """Parameters, ``fit`` bookkeeping, the neighbour search and the neighbour weights
    shared by :class:`KNeighborsClassifier` and ``KNeighborsRegressor``."""

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "weights": [StrOptions({"uniform", "distance"}), "callable", None],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 0, None, closed="right"), None],
        "metric": [StrOptions(_SKLEARN_METRICS), "callable"],
        "metric_params": [dict, None],
        "n_jobs": [Integral, None],
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

    # ----------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------
    def _fit_samples(self, X: Any, y: Any) -> DNDarray:
        """Validate, store the training samples (split along samples) and return ``y``
        split exactly like them.

        Communication: as :func:`ember.utils.as_samples` and
        :func:`ember.utils.as_targets` (none for split-0 or replicated input beyond the
        2-byte finiteness Allreduces).
        """
        validate_parameters(self)
        name = type(self).__name__
        if callable(self.weights):
            raise NotImplementedError(f"{name}: callable weights are not supported")
        self._resolve_metric()
        samples, replicated = as_samples(X, self)
        targets = as_targets(y, samples, self)
        check_n_features(self, samples, reset=True)
        self._fit_X = samples
        self._fit_replicated = replicated
        self._fit_method = "brute"
        self.n_samples_fit_ = samples.shape[0]
        return targets

    def _resolve_metric(self) -> None:
        """scikit-learn's ``effective_metric_`` and ``effective_metric_params_``, and
        the canonical (metric, p) of the ring search."""
        name = type(self).__name__
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
            self.effective_metric_params_ = {}
            self.effective_metric_ = _EFFECTIVE_MINKOWSKI.get(p, "minkowski")
            if self.effective_metric_ == "minkowski":
                self.effective_metric_params_ = {"p": p, "w": None}
            self._check_fractional_p(p)
        self._ring_metric = canonical_metric(metric, p)

    def _check_fractional_p(self, p: float) -> None:
        """scikit-learn's warning (brute force) or error (trees) for 0 < p < 1."""
        if p >= 1:
            return
        if self.algorithm in ("kd_tree", "ball_tree"):
            raise ValueError(f'algorithm="{self.algorithm}" does not support 0 < p < 1 for '
                             "the Minkowski metric. To resolve this problem either set "
                             'p >= 1 or algorithm="brute".')
        warnings.warn("Mind that for 0 < p < 1, Minkowski metrics are not distance metrics."
                      " Continuing the execution with `algorithm='brute'`.", stacklevel=4)

    # ----------------------------------------------------------------------------------
    # the neighbour search
    # ----------------------------------------------------------------------------------
    def kneighbors(self, X: Any = None, n_neighbors: int | None = None,
                   return_distance: bool = True
                   ) -> tuple[DNDarray, DNDarray] | DNDarray:
        """The ``n_neighbors`` nearest training samples of each query.

        Parameters
        ----------
        X : array_like or DNDarray, optional
            The queries (n_queries x n_features). None: the training samples, each
            excluded from its own neighbours.
        n_neighbors : int, optional
            ``k``; the estimator's ``n_neighbors`` by default.
        return_distance : bool
            Also return the distances.

        Returns
        -------
        neigh_dist : DNDarray
            (n_queries, k) distances, ascending, in the samples' dtype (only with
            ``return_distance``).
        neigh_ind : DNDarray
            (n_queries, k) int64 row numbers of the training samples. Ties go to the
            smaller row number. Both are split along queries as ``X`` was, or
            replicated when ``X`` was replicated or NumPy.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError, TypeError
            ``n_neighbors`` not a positive int or above the number of training samples,
            or ``X`` with another number of features (scikit-learn's messages).

        Notes
        -----
        Communication: the ring search (``P - 1`` steps, each moving one block of
        training samples to the next rank: every rank receives the whole training set
        once, block by block); for replicated ``X``, one Allgatherv of the results.
        Memory per rank: the local queries x ``k`` results, one distance tile and two
        blocks of training samples.

        Examples
        --------
        >>> import ember as em
        >>> from ember.neighbors import KNeighborsClassifier
        >>> knn = KNeighborsClassifier(n_neighbors=2).fit([[0.0], [1.0], [3.0]], [0, 0, 1])
        >>> knn.kneighbors([[0.9]], return_distance=False).tolist()
        [[1, 0]]
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
        if exclude_self:
            queries, replicated = self._fit_X, self._fit_replicated
        else:
            queries, replicated = as_samples(X, self)
            check_n_features(self, queries, reset=False)
        limit = self.n_samples_fit_ - exclude_self
        if k > limit:
            relation = "<" if exclude_self else "<="
            raise ValueError(f"Expected n_neighbors {relation} n_samples_fit, but "
                             f"n_neighbors = {k}, n_samples_fit = {self.n_samples_fit_}, "
                             f"n_samples = {queries.shape[0]}")
        reference = self._fit_X
        if queries.dtype != reference.dtype:  # mixed precision: search in float64
            queries, reference = queries.astype("float64"), reference.astype("float64")
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

    def _neighbour_targets(self, indices: DNDarray) -> DNDarray:
        """``y`` of each neighbour, (m, k[, n_outputs]) split like ``indices``.

        Communication: owner-computes fetch (one Alltoall of request counts, one
        Alltoallv of the indices, one Alltoallv of the values); ``y`` is never gathered.
        """
        return self._y[indices]


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """Classifier implementing the k-nearest-neighbours vote
    (``sklearn.neighbors.KNeighborsClassifier``) on samples split along axis 0.

    Parameters
    ----------
    n_neighbors : int
        The number of neighbours voting.
    weights : {"uniform", "distance"} or None
        Equal votes, or votes weighted by the inverse distance (a query at distance 0
        of some neighbours takes its votes from those only). Callables are not
        supported (NotImplementedError in ``fit``).
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}
        Accepted for compatibility; the search is always the exact distributed
        brute force of :mod:`ember.neighbors._ring`.
    leaf_size : int
        Accepted for compatibility; unused.
    p : float
        The Minkowski exponent (``metric="minkowski"``).
    metric : str
        "minkowski", "euclidean", "sqeuclidean", "cityblock"/"manhattan"/"l1", "l2",
        "cosine", "chebyshev"/"infinity". scikit-learn's other metrics, "precomputed"
        and callables raise NotImplementedError in ``fit``.
    metric_params : dict, optional
        Only ``{"p": ...}`` is supported.
    n_jobs : int, optional
        Accepted for compatibility; parallelism comes from the processes.

    Attributes
    ----------
    classes_ : DNDarray
        The sorted class labels, replicated.
    effective_metric_ : str
    effective_metric_params_ : dict
    n_features_in_ : int
    n_samples_fit_ : int
    outputs_2d_ : bool
        Always False: multi-output ``y`` (2-D with several columns) raises
        NotImplementedError; a column vector is raveled with a DataConversionWarning.

    Notes
    -----
    Labels must be numbers or booleans (ember arrays hold no strings). ``fit`` stores
    the training samples split along samples (no copy for split-0 input) and the label
    codes split the same way. Communication of ``fit``: the input checks (2-byte
    Allreduces), :func:`ember.unique` of the labels (a distributed sort of the
    distinct labels, never a gather of ``y``) and one Allgatherv of the classes.

    Examples
    --------
    >>> import ember as em
    >>> from ember.neighbors import KNeighborsClassifier
    >>> X = em.array([[0.0], [1.0], [2.0], [3.0]], split=0)
    >>> y = em.array([0, 0, 1, 1], split=0)
    >>> knn = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    >>> knn.predict([[1.1]]).tolist()
    [0]
    >>> knn.predict_proba([[0.9]]).tolist()
    [[0.6666666666666666, 0.3333333333333333]]
    """

    def fit(self, X: Any, y: Any) -> KNeighborsClassifier:
        """Fit the classifier on samples ``X`` and labels ``y``.

        Parameters
        ----------
        X : array_like or DNDarray
            (n_samples, n_features): split along samples, replicated or NumPy.
        y : array_like or DNDarray
            (n_samples,) labels, any distribution (or a column vector).

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            A hyper-parameter out of range (scikit-learn's message).
        ValueError
            Bad samples, inconsistent lengths, or continuous labels ("Unknown label
            type: continuous...").
        NotImplementedError
            Multi-output labels, callable weights or metrics, unsupported metrics.

        Notes
        -----
        Communication: see the class Notes. Memory per rank: the local samples and
        label codes.

        Examples
        --------
        >>> from ember.neighbors import KNeighborsClassifier
        >>> KNeighborsClassifier(n_neighbors=1).fit([[0.0], [1.0]], [3, 5]).classes_.tolist()
        [3, 5]
        """
        targets = self._fit_samples(X, y)
        targets = self._one_output(targets)
        self._check_discrete(targets)
        classes, codes = unique(targets, return_inverse=True)
        self.classes_ = classes.resplit(None)
        self._y = codes
        self.outputs_2d_ = False
        return self

    def _one_output(self, targets: DNDarray) -> DNDarray:
        if targets.ndim == 1:
            return targets
        if targets.shape[1] != 1:
            raise NotImplementedError(f"{type(self).__name__}: multi-output y (2-D with "
                                      "more than one column) is not supported")
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                      "change the shape of y to (n_samples,), for example using ravel().",
                      DataConversionWarning, stacklevel=3)
        return DNDarray(targets.larray.reshape(-1), targets.shape[:1], 0, targets.comm,
                        targets.counts)

    @staticmethod
    def _check_discrete(targets: DNDarray) -> None:
        """scikit-learn's error for continuous labels. Communication: one 1-byte
        Allreduce for floating labels."""
        if not targets.larray.is_floating_point():
            return
        local = targets.larray
        continuous = bool((local != torch.floor(local)).any())
        if not targets.comm.all_agree(not continuous):
            raise ValueError("Unknown label type: continuous. Maybe you are trying to fit a "
                             "classifier, which expects discrete classes on a regression "
                             "target with continuous values.")

    def predict_proba(self, X: Any = None) -> DNDarray:
        """The probability of each class for each query: the (weighted) share of its
        neighbours' votes.

        Parameters
        ----------
        X : array_like or DNDarray, optional
            The queries; None: the training samples, each excluded from its own
            neighbours.

        Returns
        -------
        DNDarray
            (n_queries, n_classes) float64, classes in the order of ``classes_``; split
            along queries as ``X`` was, or replicated when ``X`` was replicated or NumPy.

        Notes
        -----
        Communication: the ring search of :meth:`kneighbors`, the owner-computes fetch
        of the neighbours' labels (one Alltoall, two Alltoallv of ``m x k`` int64), and
        one Allgatherv of the result for replicated ``X``. Memory per rank:
        ``m_local x (k + n_classes)`` numbers besides the search.

        Examples
        --------
        >>> from ember.neighbors import KNeighborsClassifier
        >>> knn = KNeighborsClassifier(n_neighbors=2, weights="distance")
        >>> knn.fit([[0.0], [1.0], [4.0]], [0, 1, 1]).predict_proba([[0.25]]).tolist()
        [[0.75, 0.25]]
        """
        probabilities, replicated = self._probabilities(X)
        return like_input(probabilities, replicated)

    def _probabilities(self, X: Any) -> tuple[DNDarray, bool]:
        distances, indices, replicated = self._search(X, None,
                                                      self.weights == "distance")
        codes = self._neighbour_targets(indices).larray
        weights = self._neighbour_weights(distances)
        if weights is None:
            weights = torch.ones(codes.shape, dtype=torch.float64)
        votes = torch.zeros((codes.shape[0], self.classes_.shape[0]), dtype=torch.float64)
        votes.scatter_add_(1, codes, weights)
        votes /= votes.sum(dim=1, keepdim=True)
        result = DNDarray(votes, (indices.shape[0], votes.shape[1]), 0, indices.comm,
                          indices.counts)
        return result, replicated

    def predict(self, X: Any = None) -> DNDarray:
        """The class of each query: the largest (weighted) vote of its neighbours, ties
        going to the first class in ``classes_``.

        Parameters
        ----------
        X : array_like or DNDarray, optional
            The queries; None: the training samples, each excluded from its own
            neighbours.

        Returns
        -------
        DNDarray
            (n_queries,) labels of ``classes_``'s dtype, distributed as
            :meth:`predict_proba`'s result.

        Notes
        -----
        Communication: as :meth:`predict_proba`. Memory per rank: as there.

        Examples
        --------
        >>> from ember.neighbors import KNeighborsClassifier
        >>> knn = KNeighborsClassifier(n_neighbors=1).fit([[0.0], [1.0]], [3, 5])
        >>> knn.predict([[0.2], [0.7]]).tolist()
        [3, 5]
        """
        probabilities, replicated = self._probabilities(X)
        best = probabilities.larray.argmax(dim=1)
        labels = self.classes_.larray[best]
        result = DNDarray(labels, probabilities.shape[:1], 0, probabilities.comm,
                          probabilities.counts)
        return like_input(result, replicated)
