"""k-nearest-neighbour classification (``sklearn.neighbors.KNeighborsClassifier``).

The neighbour search, the owner-computes fetch of the neighbours' labels and the
distance weights are shared with :class:`~ember.neighbors.KNeighborsRegressor` (in
:mod:`ember.neighbors._base`): the training samples and their label codes stay split
along samples, each rank gets the neighbours of its own query rows and fetches their
labels from the ranks that own them, so ``y`` is never gathered. Votes are one
``scatter_add`` per query block.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch

from ..base import ClassifierMixin
from ..core.dndarray import DNDarray
from ..core.sets import unique
from ..utils.validation import like_input
from ._base import _KNeighborsBase

__all__ = ["KNeighborsClassifier"]


class DataConversionWarning(UserWarning):
    """The data had to be converted (scikit-learn's warning of the same name)."""


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
    effective_metric_, effective_metric_params_, n_features_in_, n_samples_fit_
        As in :class:`~ember.neighbors.NearestNeighbors`.
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
        (targets,) = self._fit_samples(X, y)
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
        of the neighbours' labels (one Alltoall of P integers, one Alltoallv of the
        distinct neighbour indices and one of their label codes: at most ``m x k``
        int64 each), and one Allgatherv of the result for replicated ``X``. Memory per
        rank: ``m_local x (k + n_classes)`` numbers besides the search.

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
        codes = self._neighbour_targets(indices)
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
            As in :meth:`predict_proba`.

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
