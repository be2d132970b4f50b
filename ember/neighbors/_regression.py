"""k-nearest-neighbour regression (``sklearn.neighbors.KNeighborsRegressor``).

The neighbour search, the owner-computes fetch of the neighbours' targets and the
distance weights are those of :class:`~ember.neighbors.KNeighborsClassifier` (shared
in :mod:`ember.neighbors._base`); a prediction is the (weighted) mean of the
neighbours' targets, computed by each rank for its own query rows.
"""

from __future__ import annotations

from typing import Any

import torch

from ..base import RegressorMixin
from ..core.dndarray import DNDarray
from ..utils.validation import like_input
from ._base import _KNeighborsBase

__all__ = ["KNeighborsRegressor"]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """Regression by the (weighted) mean target of the k nearest neighbours
    (``sklearn.neighbors.KNeighborsRegressor``), on samples split along axis 0.

    Parameters
    ----------
    n_neighbors : int
        The number of neighbours averaged.
    weights : {"uniform", "distance"} or None
        Plain mean, or mean weighted by the inverse distance (a query at distance 0 of
        some neighbours takes the mean of those only). Callables are not supported
        (NotImplementedError in ``fit``).
    algorithm, leaf_size, p, metric, metric_params, n_jobs
        The neighbour search's, as in :class:`~ember.neighbors.KNeighborsClassifier`:
        the same metrics are supported, and the search is always the exact
        distributed brute force of :mod:`ember.neighbors._ring` (``algorithm``,
        ``leaf_size`` and ``n_jobs`` are accepted for compatibility).

    Attributes
    ----------
    effective_metric_, effective_metric_params_, n_features_in_, n_samples_fit_
        As in :class:`~ember.neighbors.NearestNeighbors`.

    Notes
    -----
    ``y`` may be 1-D or 2-D (several outputs, predicted together). ``fit`` stores the
    samples and targets split along samples (no copy for split-0 input); its
    communication is that of the input checks (2-byte Allreduces), plus one Alltoallv
    when ``y`` is split with other counts than ``X``.

    Examples
    --------
    >>> import ember as em
    >>> from ember.neighbors import KNeighborsRegressor
    >>> X = em.array([[0.0], [1.0], [2.0], [3.0]], split=0)
    >>> knn = KNeighborsRegressor(n_neighbors=2).fit(X, em.array([0.0, 0.0, 1.0, 1.0], split=0))
    >>> knn.predict([[1.5]]).tolist()
    [0.5]
    """

    def fit(self, X: Any, y: Any) -> KNeighborsRegressor:
        """Fit the regressor on samples ``X`` and targets ``y``.

        Parameters
        ----------
        X : array_like or DNDarray
            The training samples (n_samples x n_features), split along samples,
            replicated or NumPy.
        y : array_like or DNDarray
            (n_samples,) or (n_samples, n_outputs) targets, any distribution.

        Returns
        -------
        KNeighborsRegressor
            The fitted regressor (``self``).

        Raises
        ------
        InvalidParameterError
            A hyper-parameter out of range (scikit-learn's message).
        ValueError
            Bad samples or targets, inconsistent lengths.
        NotImplementedError
            Callable weights or metrics, unsupported metrics.

        Notes
        -----
        Communication: see the class Notes. Memory per rank: the local samples and
        targets.

        Examples
        --------
        >>> from ember.neighbors import KNeighborsRegressor
        >>> KNeighborsRegressor(n_neighbors=1).fit([[0.0], [1.0]], [3.0, 5.0]).n_samples_fit_
        2
        """
        (self._y,) = self._fit_samples(X, y)
        return self

    def predict(self, X: Any = None) -> DNDarray:
        """The (weighted) mean target of each query's neighbours.

        Parameters
        ----------
        X : array_like or DNDarray, optional
            The queries (n_queries x n_features); None: each training sample, excluded
            from its own neighbours.

        Returns
        -------
        DNDarray
            (n_queries,) or (n_queries, n_outputs) as ``y`` was: float64 for integer
            targets or distance weights, else the targets' dtype (as scikit-learn).
            Split along queries as ``X`` was, or replicated when ``X`` was replicated
            or NumPy.

        Notes
        -----
        Communication: the ring search of :meth:`kneighbors`, the owner-computes fetch
        of the neighbours' targets (one Alltoall of P integers, two Alltoallv: the
        distinct neighbour indices out, their targets back; at most ``m x k`` int64
        and ``m x k x n_outputs`` values) and one Allgatherv of the result for
        replicated ``X``. Memory per rank: ``m_local x k x n_outputs`` values besides
        the search.

        Examples
        --------
        >>> from ember.neighbors import KNeighborsRegressor
        >>> knn = KNeighborsRegressor(n_neighbors=2, weights="distance")
        >>> knn.fit([[0.0], [1.0], [4.0]], [0.0, 1.0, 4.0]).predict([[0.25]]).tolist()
        [0.25]
        """
        distances, indices, replicated = self._search(X, None, self.weights == "distance")
        values = self._neighbour_targets(indices)
        weights = self._neighbour_weights(distances)
        if weights is None:
            if not values.is_floating_point():
                values = values.to(torch.float64)
            local = values.mean(dim=1)
        else:
            weights = weights.reshape(*weights.shape, *([1] * (values.dim() - 2)))
            local = (values.to(torch.float64) * weights).sum(1) / weights.sum(1)
        result = DNDarray(local, (indices.shape[0], *self._y.shape[1:]), 0, indices.comm,
                          indices.counts)
        return like_input(result, replicated)
