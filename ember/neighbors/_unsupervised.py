"""Unsupervised nearest neighbours on distributed samples (scikit-learn's
``NearestNeighbors``).

The fitted samples stay split along axis 0; queries are split along axis 0 too. Every
search is the distributed brute force of :mod:`ember.neighbors._ring`: the fitted
samples travel round a ring of the processes while each rank searches for its own
queries, tile by tile under a memory budget. There are no trees: ``algorithm`` and
``leaf_size`` are validated and recorded but do not change the search (its results are
those of scikit-learn's ``algorithm="brute"``; ties go to the smaller index).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import torch

from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..spatial._kernels import canonical_metric
from ..utils._param_validation import Interval
from ..utils.validation import check_is_fitted
from ._base import KNeighborsMixin, NeighborsBase, check_fractional_p, effective_metric
from ._ring import radius_ring

__all__ = ["NearestNeighbors"]


def _to_object_array(flat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A 1-D object array of the consecutive pieces of ``flat`` of ``lengths``."""
    out = np.empty(len(lengths), dtype=object)
    out[:] = np.split(flat, np.cumsum(lengths)[:-1])
    return out


def _gather_ragged(queries: DNDarray, lengths: torch.Tensor, *values: torch.Tensor
                   ) -> tuple[np.ndarray, ...]:
    """Every rank's compressed-row result, concatenated in query order, on every rank.

    Communication: one Allgatherv of the per-query lengths, one of each of ``values``.
    """
    comm = queries.comm
    all_lengths = comm.Allgatherv(lengths, 0, queries.counts).cpu().numpy()
    bounds = np.concatenate(([0], np.cumsum(all_lengths)))
    starts = [*offsets(queries.counts), queries.shape[0]]
    totals = [int(bounds[b] - bounds[a]) for a, b in zip(starts[:-1], starts[1:],
                                                           strict=True)]
    gathered = [comm.Allgatherv(v, 0, totals).cpu().numpy() for v in values]
    return (all_lengths, *gathered)


def _check_mode(mode: str) -> None:
    """scikit-learn's error for a graph ``mode`` other than connectivity or distance."""
    if mode not in ("connectivity", "distance"):
        raise ValueError('Unsupported mode, must be one of "connectivity", or '
                         f'"distance" but got "{mode}" instead')


def _csr_graph(lengths: np.ndarray, ind: np.ndarray, dist: np.ndarray | None,
               n_samples_fit: int):
    """The neighbours of every query in compressed rows (``lengths`` per query, then
    their indices) as a SciPy CSR matrix, weighted by ``dist`` or by ones when None."""
    from scipy.sparse import csr_matrix

    data = np.ones(ind.size) if dist is None else dist
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    return csr_matrix((data, ind, indptr), shape=(len(lengths), n_samples_fit))


class NearestNeighbors(KNeighborsMixin, NeighborsBase):
    """Unsupervised learner for neighbour searches on distributed samples.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours for :meth:`kneighbors`.
    radius : float, default=1.0
        Range of the parameter space for :meth:`radius_neighbors`.
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default="auto"
        Validated and recorded; ember always uses its distributed brute force (a ring
        of the sample blocks), which gives the results of ``algorithm="brute"``.
    leaf_size : int, default=30
        Validated and recorded; unused (no trees).
    metric : str, default="minkowski"
        One of ``ember.spatial._kernels.METRICS``: "euclidean", "sqeuclidean",
        "cityblock", "manhattan", "l1", "l2", "cosine", "chebyshev", "minkowski".
    p : float, default=2
        The Minkowski exponent (1: manhattan, 2: euclidean, inf: chebyshev).
    metric_params : dict, default=None
        Only None (or an empty dict) is supported.
    n_jobs : int, default=None
        Validated and recorded; the parallelism is the MPI processes (and torch's
        threads within each).

    Attributes
    ----------
    effective_metric_ : str
        The metric used, as scikit-learn names it ("euclidean" for minkowski, p=2).
    effective_metric_params_ : dict
        Its parameters ({"p": p, "w": None} for a general Minkowski metric).
    n_features_in_ : int
        Number of features seen in :meth:`fit`.
    n_samples_fit_ : int
        Number of samples in the fitted data.

    Notes
    -----
    Communication: :meth:`fit` none beyond the input checks (one 2-byte Allreduce);
    each search one pass of the fitted sample blocks round the ring of processes (every
    rank sends and receives ``n_samples_fit * n_features`` numbers in all, overlapped
    with the search). Memory per rank: the local samples, the local queries' results
    (``O(n_local * k)``), one distance tile (64 MiB by default) and two sample blocks.

    Distances are in the samples' dtype (scikit-learn reports float32 input's distances
    in float64 for most metrics), computed exactly by direct differences: a sample's
    distance to a duplicate is exactly 0. Unsupported: callable metrics, metrics other
    than the ones above, ``metric_params``, sparse input, ``metric="precomputed"``.

    Examples
    --------
    >>> import ember as em
    >>> samples = em.array([[0., 0., 0.], [0., .5, 0.], [1., 1., .5]], split=0)
    >>> neigh = NearestNeighbors(n_neighbors=1).fit(samples)
    >>> dist, ind = neigh.kneighbors([[1., 1., 1.]])
    >>> dist.numpy(), ind.numpy()
    (array([[0.5]]), array([[2]]))
    """

    _parameter_constraints: dict = {
        **NeighborsBase._parameter_constraints,
        "radius": [Interval(numbers.Real, 0.0, math.inf, closed="both"), None],
        "p": [Interval(numbers.Real, 0.0, math.inf, closed="right"), None],
    }

    def __init__(self, *, n_neighbors: int = 5, radius: float = 1.0, algorithm: str = "auto",
                 leaf_size: int = 30, metric: str = "minkowski", p: float = 2,
                 metric_params: dict | None = None, n_jobs: int | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> NearestNeighbors:
        """Fit the nearest neighbours estimator from the training samples.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_samples, n_features)
            Training samples; kept split along axis 0 (a replicated or NumPy input is
            cut locally, without communication).
        y : None
            Ignored.

        Returns
        -------
        self : NearestNeighbors
            The fitted estimator.

        Raises
        ------
        InvalidParameterError
            A hyper-parameter of a wrong type or value (scikit-learn's message).
        NotImplementedError
            A callable metric or non-empty ``metric_params``.
        ValueError
            ``X`` not 2-D, empty, or holding NaN or infinity; 0 < p < 1 with a tree
            ``algorithm``.

        Notes
        -----
        Communication: none for split-0, replicated or NumPy input (one Alltoallv for
        input split along features); one 2-byte Allreduce for the finiteness check.
        Memory per rank: the local block of the samples (a reference, not a copy, for
        float input split along axis 0).
        """
        self._fit_samples(X)
        return self

    def _search_metric(self) -> tuple[str, float]:
        """The ring's canonical (metric, p); sets the ``effective_metric*_`` attributes."""
        name = type(self).__name__
        if callable(self.metric):
            raise NotImplementedError(f"{name}: callable metrics are not supported")
        if self.metric_params:
            raise NotImplementedError(f"{name}: metric_params is not supported")
        metric, params = effective_metric(self.metric, self.p)
        if metric == "minkowski":
            check_fractional_p(self.algorithm, params["p"])
        self.effective_metric_, self.effective_metric_params_ = metric, params
        return canonical_metric(self.metric, self.p)

    # ----------------------------------------------------------------------------------
    # queries (kneighbors: see KNeighborsMixin)
    # ----------------------------------------------------------------------------------
    def radius_neighbors(self, X: Any = None, radius: float | None = None,
                         return_distance: bool = True, sort_results: bool = False
                         ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """Find the neighbours within a given radius of points.

        Parameters
        ----------
        X : array_like or DNDarray of shape (n_queries, n_features), default=None
            The query points. If None, the neighbours of each fitted sample, the sample
            itself excluded.
        radius : float, default=None
            Neighbours are at distance ``<= radius``; the constructor's by default.
        return_distance : bool, default=True
            Whether to return the distances too.
        sort_results : bool, default=False
            Order each query's neighbours by increasing distance (ties: by index);
            otherwise they come by increasing index.

        Returns
        -------
        neigh_dist : numpy.ndarray of shape (n_queries,) of object
            One 1-D array of distances per query (only with ``return_distance``).
        neigh_ind : numpy.ndarray of shape (n_queries,) of object
            One 1-D int64 array of neighbour indices per query.
            Both are NumPy object arrays, as in scikit-learn, on every rank.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ValueError
            ``sort_results`` without ``return_distance``; a feature count other than
            in :meth:`fit`; NaN or infinity in ``X``.

        Notes
        -----
        Communication: one ring pass of the fitted samples (as :meth:`kneighbors`),
        then the ragged result is gathered to every rank, because scikit-learn's return
        type is a NumPy array of per-query arrays: one Allgatherv each of the per-query
        neighbour counts, the indices and the distances; each rank then
        holds every query's neighbours (the samples themselves are never gathered).
        Memory per rank: the whole result, plus one tile and two sample blocks.

        Examples
        --------
        >>> import ember as em
        >>> X = em.array([[0.0], [1.0], [3.0], [7.0]], split=0)
        >>> dist, ind = NearestNeighbors(radius=2.0).fit(X).radius_neighbors()
        >>> [i.tolist() for i in ind]
        [[1], [0, 2], [1], []]
        """
        check_is_fitted(self)
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        lengths, ind, dist = self._radius_search(X, radius, sort_results)
        if not return_distance:
            return _to_object_array(ind, lengths)
        return _to_object_array(dist, lengths), _to_object_array(ind, lengths)

    def _radius_search(self, X: Any, radius: float | None, sort_results: bool
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(neighbours per query, indices, distances) of every query, on every rank."""
        radius = self.radius if radius is None else radius
        if not isinstance(radius, numbers.Real) or isinstance(radius, bool):
            raise TypeError(f"radius must be a real number, got {type(radius).__name__}")
        queries, reference, _ = self._queries(X)
        metric, p = self._ring_metric
        lengths, ind, dist = radius_ring(queries, reference, float(radius), metric=metric,
                                         p=p, exclude_self=X is None,
                                         sort_results=sort_results)
        return _gather_ragged(queries, lengths, ind, dist)

    # ----------------------------------------------------------------------------------
    # graphs (scipy.sparse, on every rank)
    # ----------------------------------------------------------------------------------
    def kneighbors_graph(self, X: Any = None, n_neighbors: int | None = None,
                         mode: str = "connectivity"):
        """The graph of the k nearest neighbours as a SciPy CSR matrix, on every rank.

        Parameters
        ----------
        X, n_neighbors
            As in :meth:`kneighbors`.
        mode : {"connectivity", "distance"}, default="connectivity"
            Edge weights: ones, or the distances.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_queries, n_samples_fit)
            Row i holds the k nearest neighbours of query i.

        Raises
        ------
        ValueError
            An unknown ``mode``; the errors of :meth:`kneighbors`.

        Notes
        -----
        Communication: that of :meth:`kneighbors`, plus one Allgatherv of the indices
        (and distances): every rank holds the whole graph (n_queries * k entries).

        Examples
        --------
        >>> import ember as em
        >>> X = em.array([[0.0], [3.0], [1.0]], split=0)
        >>> NearestNeighbors(n_neighbors=2).fit(X).kneighbors_graph(X).toarray()
        array([[1., 0., 1.],
               [0., 1., 1.],
               [1., 0., 1.]])
        """
        _check_mode(mode)
        dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
        ind = ind.resplit(None).numpy()
        dist = dist.resplit(None).numpy().ravel() if mode == "distance" else None
        lengths = np.full(ind.shape[0], ind.shape[1])
        return _csr_graph(lengths, ind.ravel(), dist, self.n_samples_fit_)

    def radius_neighbors_graph(self, X: Any = None, radius: float | None = None,
                               mode: str = "connectivity", sort_results: bool = False):
        """The graph of the neighbours within ``radius`` as a SciPy CSR matrix, on every
        rank.

        Parameters
        ----------
        X, radius, sort_results
            As in :meth:`radius_neighbors`.
        mode : {"connectivity", "distance"}, default="connectivity"
            As in :meth:`kneighbors_graph`.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_queries, n_samples_fit)
            Row i holds the neighbours of query i within ``radius``.

        Raises
        ------
        ValueError
            An unknown ``mode``; the errors of :meth:`radius_neighbors`.

        Notes
        -----
        Communication: that of :meth:`radius_neighbors` (the ragged result gathered
        to every rank).

        Examples
        --------
        >>> import ember as em
        >>> X = em.array([[0.0], [2.0], [5.0]], split=0)
        >>> graph = NearestNeighbors(radius=2.5).fit(X).radius_neighbors_graph(X)
        >>> graph.toarray()
        array([[1., 1., 0.],
               [1., 1., 0.],
               [0., 0., 1.]])
        """
        _check_mode(mode)
        check_is_fitted(self)
        distance = mode == "distance"
        lengths, ind, dist = self._radius_search(X, radius, sort_results and distance)
        return _csr_graph(lengths, ind, dist if distance else None, self.n_samples_fit_)
