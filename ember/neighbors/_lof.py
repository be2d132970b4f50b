"""Local Outlier Factor on distributed samples (scikit-learn's ``LocalOutlierFactor``).

The samples stay split along axis 0. The k nearest neighbours of every sample come
from the ring search (:func:`~ember.neighbors._ring.kneighbors_ring`), each rank keeping
the rows of its own samples. The k-distance and the local reachability density (lrd)
of a neighbour held by another rank are fetched owner-computes: each rank sends the
distinct global indices it needs to their owners once, and the owners send back the
values (:class:`~ember.neighbors._fetch.OwnerFetch`); neither the neighbour indices nor
the per-sample arrays are ever gathered.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import torch

from ..base import OutlierMixin
from ..comm import Communicator
from ..core.dndarray import DNDarray
from ..core.statistics import percentile
from ..spatial._kernels import canonical_metric
from ..utils._param_validation import Interval, StrOptions
from ..utils.metaestimators import available_if
from ..utils.validation import check_is_fitted, like_input
from ._base import NeighborsBase, effective_metric
from ._batched_lof import clipped_neighbours, local_reachability_density, outlier_factor
from ._fetch import OwnerFetch
from ._ring import kneighbors_ring

__all__ = ["LocalOutlierFactor"]


# --------------------------------------------------------------------------------------
# methods that exist only in one mode (scikit-learn's available_if)
# --------------------------------------------------------------------------------------
def _novelty_only(message: str):
    def check(estimator) -> None:
        if not estimator.novelty:
            raise AttributeError(message)
    return check


def _outlier_detection_only(estimator) -> None:
    if estimator.novelty:
        raise AttributeError("fit_predict is not available when novelty=True. Use "
                             "novelty=False if you want to predict on the training set.")


_NOT_PREDICT = ("predict is not available when novelty=False, use fit_predict if you want "
                "to predict on training data. Use novelty=True if you want to use LOF for "
                "novelty detection and predict on new unseen data.")
_NOT_DECISION = ("decision_function is not available when novelty=False. Use novelty=True "
                 "if you want to use LOF for novelty detection and compute "
                 "decision_function for new unseen data. Note that the opposite LOF of the "
                 "training samples is always available by considering the "
                 "negative_outlier_factor_ attribute.")
_NOT_SCORES = ("score_samples is not available when novelty=False. The scores of the "
               "training samples are always available through the negative_outlier_factor_ "
               "attribute. Use novelty=True if you want to use LOF for novelty detection "
               "and compute score_samples for new unseen data.")


def _inlier_labels(scores: DNDarray, threshold: float) -> DNDarray:
    """scikit-learn's labels: -1 (outlier) where ``scores < threshold``, else +1; int64,
    distributed like ``scores`` (no communication)."""
    labels = torch.where(scores.larray < threshold, -1, 1)
    return DNDarray(labels, scores.shape, scores.split, scores.comm, scores.counts)


# --------------------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------------------
class LocalOutlierFactor(OutlierMixin, NeighborsBase):
    """Unsupervised outlier detection with the Local Outlier Factor (LOF), on samples
    split along axis 0 (scikit-learn's ``LocalOutlierFactor``).

    The LOF of a sample is the mean ratio of its neighbours' local reachability density
    to its own: about 1 for inliers, clearly more for outliers. The k nearest
    neighbours are found by the distributed ring search (exact, ties to the smaller
    global index); the neighbours' k-distances and densities are fetched from the ranks
    that own them. Values equal scikit-learn's (the same 1e-10 guard against more than
    k duplicates, duplicates at distance exactly 0).

    Parameters
    ----------
    n_neighbors : int, default=20
        k; above ``n_samples - 1`` it is clipped to it (scikit-learn's UserWarning when
        it exceeds ``n_samples``).
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default="auto"
        Accepted for compatibility; the search is always the exact distributed
        brute-force ring.
    leaf_size : int, default=30
        Accepted for compatibility; unused.
    metric : str, default="minkowski"
        ``"minkowski"`` (with ``p``), ``"euclidean"``/``"l2"``, ``"sqeuclidean"``,
        ``"cityblock"``/``"manhattan"``/``"l1"``, ``"chebyshev"`` or ``"cosine"``.
        Callables are not supported.
    p : float, default=2
        The Minkowski power.
    metric_params : dict, default=None
        Not supported (NotImplementedError unless None).
    contamination : "auto" or float in (0, 0.5], default="auto"
        The expected proportion of outliers, which sets ``offset_``.
    novelty : bool, default=False
        False: outlier detection on the training set (``fit_predict``). True: novelty
        detection on new data (``predict``, ``decision_function``, ``score_samples``).
    n_jobs : int, default=None
        Accepted for compatibility; the parallelism is the processes'.

    Attributes
    ----------
    negative_outlier_factor_ : DNDarray, shape (n_samples,)
        The opposite LOF of the training samples, distributed like ``X`` (split along
        axis 0 when ``X`` is split, replicated when ``X`` is replicated or NumPy).
    n_neighbors_ : int
        The k actually used.
    offset_ : float
        -1.5 for ``contamination="auto"``, else the ``100 * contamination`` percentile of
        ``negative_outlier_factor_``; scores below it are outliers.
    effective_metric_, effective_metric_params_, n_features_in_, n_samples_fit_
        As in :class:`~ember.neighbors.NearestNeighbors`.

    Notes
    -----
    Communication of ``fit``: the ring search (every rank receives the whole training
    set once, block by block, overlapped with the search), one Alltoall of P integers
    and one Alltoallv of the distinct remote neighbour indices, then two Alltoallv of
    values (the neighbours' k-distances, then their densities); a 2-byte Allreduce
    checks finiteness and an 8-byte Allreduce looks for the duplicates warning; a float
    ``contamination`` adds the distributed percentile's few small Allreduces; a
    replicated ``X`` gets its scores back by one Allgatherv.

    Memory per rank: O(n_local * k) for the neighbours and one distance tile (64 MiB by
    default) plus two blocks of the training set; nothing n x n, nothing n x k
    replicated.

    Examples
    --------
    >>> import ember as em
    >>> X = [[-1.1], [0.2], [101.1], [0.3]]
    >>> lof = em.neighbors.LocalOutlierFactor(n_neighbors=2)
    >>> lof.fit_predict(X).tolist()
    [1, 1, -1, 1]
    >>> lof.negative_outlier_factor_.numpy().round(4).tolist()
    [-0.9821, -1.037, -73.3697, -0.9821]
    """

    _parameter_constraints: dict = {
        **NeighborsBase._parameter_constraints,
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "contamination": [StrOptions({"auto"}),
                          Interval(numbers.Real, 0, 0.5, closed="right")],
        "novelty": ["boolean"],
    }

    def __init__(self, n_neighbors: int = 20, *, algorithm: str = "auto", leaf_size: int = 30,
                 metric: str = "minkowski", p: float = 2, metric_params: dict | None = None,
                 contamination: str | float = "auto", novelty: bool = False,
                 n_jobs: int | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.contamination = contamination
        self.novelty = novelty
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------
    def _search_metric(self) -> tuple[str, float]:
        """``effective_metric_`` and its parameters as scikit-learn names them; returns
        the kernels' canonical (metric, p)."""
        if callable(self.metric):
            raise NotImplementedError("LocalOutlierFactor: a callable metric is not supported")
        if self.metric_params is not None:
            raise NotImplementedError("LocalOutlierFactor: metric_params is not supported")
        canonical = canonical_metric(self.metric, self.p)
        self.effective_metric_, self.effective_metric_params_ = effective_metric(self.metric,
                                                                                 self.p)
        return canonical

    def fit(self, X: Any, y: Any = None) -> LocalOutlierFactor:
        """Fit the detector on the training samples ``X`` (n_samples x n_features).

        Raises
        ------
        InvalidParameterError
            A hyper-parameter out of its range (scikit-learn's message).
        NotImplementedError
            A callable metric or ``metric_params``.
        ValueError
            ``X`` not 2-D, non-finite, or a single sample.

        Notes
        -----
        Communication: see the class's Notes (ring search, one owner-computes route,
        two Alltoallv of values). Memory per rank: O(n_local * k) plus one tile.
        """
        self._fit_samples(X)
        samples, n_samples = self._fit_X, self.n_samples_fit_
        self.n_neighbors_ = clipped_neighbours(self.n_neighbors, n_samples)
        if n_samples == 1:
            raise ValueError("Expected n_neighbors < n_samples_fit, but n_neighbors = 1, "
                             "n_samples_fit = 1, n_samples = 1")
        metric, p = self._ring_metric
        distances, indices = kneighbors_ring(samples, samples, self.n_neighbors_,
                                             metric=metric, p=p, exclude_self=True)
        route = OwnerFetch(indices, samples.counts, samples.comm)
        kdistance = distances[:, -1]
        lrd = local_reachability_density(distances, route.fetch(kdistance))
        scores = outlier_factor(route.fetch(lrd), lrd).neg_()
        self._kdistance_lrd = torch.stack((kdistance, lrd), 1)
        negative = DNDarray(scores, (n_samples,), 0, samples.comm, samples.counts)
        self.offset_ = (-1.5 if self.contamination == "auto"
                        else float(percentile(negative, 100.0 * self.contamination)))
        if not self.novelty:
            self._warn_duplicates(scores, samples.comm)
        self.negative_outlier_factor_ = like_input(negative, self._fit_replicated)
        return self

    @staticmethod
    def _warn_duplicates(scores: torch.Tensor, comm: Communicator) -> None:
        """scikit-learn's warning when more than k duplicates make scores explode (one
        8-byte Allreduce: the smallest score)."""
        smallest = torch.tensor([scores.min().item() if scores.numel() else 0.0],
                                dtype=torch.float64)
        if comm.size > 1:
            smallest = comm.Allreduce(smallest, op="min")
        if smallest.item() < -1e7:
            warnings.warn("Duplicate values are leading to incorrect results. Increase the "
                          "number of neighbors for more accurate results.", UserWarning,
                          stacklevel=3)

    @available_if(_outlier_detection_only)
    def fit_predict(self, X: Any, y: Any = None) -> DNDarray:
        """Fit on ``X`` and label its samples: +1 inlier, -1 outlier (only with
        ``novelty=False``).

        Returns
        -------
        DNDarray of int64, shape (n_samples,)
            Distributed like ``X``.

        Notes
        -----
        Communication: that of :meth:`fit`; none more (a replicated ``X`` gets its
        labels by the same local comparison on every rank).
        """
        self.fit(X)
        return _inlier_labels(self.negative_outlier_factor_, self.offset_)

    # ----------------------------------------------------------------------------------
    # novelty detection
    # ----------------------------------------------------------------------------------
    @available_if(_novelty_only(_NOT_SCORES))
    def score_samples(self, X: Any) -> DNDarray:
        """The opposite LOF of new samples ``X`` against the training samples (only with
        ``novelty=True``): the lower, the more abnormal.

        A training sample given again counts itself among its neighbours (as in
        scikit-learn); the new samples are never neighbours of one another.

        Returns
        -------
        DNDarray, shape (n_samples,)
            In the training data's dtype, distributed like ``X``.

        Raises
        ------
        NotFittedError, ValueError
            Not fitted; ``X`` not 2-D, non-finite or with another number of features.

        Notes
        -----
        Communication: the ring search of ``X`` in the training set, one Alltoall of P
        integers, one Alltoallv of the distinct neighbour indices and one of their
        (k-distance, lrd) pairs; one Allgatherv of the scores for a replicated ``X``.
        Memory per rank: O(m_local * k) plus one tile and two training blocks.
        """
        check_is_fitted(self)
        queries, replicated = self._new_samples(X)
        fit_x = self._fit_X
        queries = queries.astype(fit_x.dtype, copy=False)
        metric, p = self._ring_metric
        distances, indices = kneighbors_ring(queries, fit_x, self.n_neighbors_,
                                             metric=metric, p=p)
        fetched = OwnerFetch(indices, fit_x.counts, fit_x.comm).fetch(self._kdistance_lrd)
        lrd = local_reachability_density(distances, fetched[..., 0])
        scores = outlier_factor(fetched[..., 1], lrd).neg_()
        result = DNDarray(scores, (queries.shape[0],), 0, queries.comm, queries.counts)
        return like_input(result, replicated)

    @available_if(_novelty_only(_NOT_DECISION))
    def decision_function(self, X: Any) -> DNDarray:
        """``score_samples(X) - offset_``: negative for outliers, positive for inliers
        (only with ``novelty=True``).

        Notes
        -----
        Communication: that of :meth:`score_samples`.
        """
        return self.score_samples(X) - self.offset_

    @available_if(_novelty_only(_NOT_PREDICT))
    def predict(self, X: Any) -> DNDarray:
        """Label new samples ``X``: +1 inlier, -1 outlier (only with ``novelty=True``):
        -1 where :meth:`decision_function` is negative.

        Returns
        -------
        DNDarray of int64, shape (n_samples,)
            The labels of the rows of ``X``, distributed like it.

        Notes
        -----
        Communication: that of :meth:`score_samples`.
        """
        return _inlier_labels(self.decision_function(X), 0)
