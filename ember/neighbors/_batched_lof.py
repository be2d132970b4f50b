"""Many small Local Outlier Factor problems at once (one per batch member).

The headline shape is (locations, times, features): one LOF problem per pixel location
over its time series, the batch split over the processes. Every batch member is scored
independently, so nothing travels between the processes; each rank scores its own
members in chunks sized by a memory budget, each chunk one batched distance tile
(chunk x n x n), one batched ``topk`` and the LOF formulas of scikit-learn.

The formulas (shared with :class:`~ember.neighbors.LocalOutlierFactor`) are
scikit-learn's, step by step:

- k-distance of a sample: the distance to its k-th nearest neighbour;
- reach-dist(a, b) = max(k-distance(b), dist(a, b));
- lrd(a) = 1 / (mean over the neighbours b of reach-dist(a, b) + 1e-10);
- LOF(a) = mean over the neighbours b of lrd(b) / lrd(a).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import torch

from ..comm import Communicator
from ..core.distribution import balanced_counts, local_range
from ..core.dndarray import DNDarray
from ..spatial._kernels import canonical_metric, paired_distances, pairwise_tile
from ..utils.validation import as_array, as_floating, check_finite

__all__ = ["local_outlier_factor"]

#: Bytes a rank may spend on one chunk's tiles when no ``memory_budget`` is given.
DEFAULT_MEMORY_BUDGET = 256 * 2**20


# --------------------------------------------------------------------------------------
# scikit-learn's formulas (shared with LocalOutlierFactor)
# --------------------------------------------------------------------------------------
def local_reachability_density(distances: torch.Tensor,
                               neighbour_kdistance: torch.Tensor) -> torch.Tensor:
    """lrd = 1 / (mean reach-dist + 1e-10) of each query (row).

    ``distances`` (..., k) are the query's distances to its k neighbours and
    ``neighbour_kdistance`` (..., k) those neighbours' k-distances. The 1e-10 guard keeps
    the density finite when more than k duplicates make every reach-dist 0.
    """
    reach = torch.maximum(distances, neighbour_kdistance)
    return reach.mean(-1).add_(1e-10).reciprocal_()


def outlier_factor(neighbour_lrd: torch.Tensor, lrd: torch.Tensor) -> torch.Tensor:
    """LOF = mean of the neighbours' lrd over the query's own (as scikit-learn: the mean
    of the ratios)."""
    return (neighbour_lrd / lrd.unsqueeze(-1)).mean(-1)


def selection_metric(metric: str) -> str:
    """The metric whose tile ranks neighbours as ``metric`` does, at less cost: squared
    Euclidean distances for Euclidean ones (no square roots)."""
    return "sqeuclidean" if metric == "euclidean" else metric


def clipped_neighbours(n_neighbors: int, n_samples: int) -> int:
    """The k scikit-learn uses: ``n_neighbors`` clipped to ``n_samples - 1`` (at least 1),
    with scikit-learn's UserWarning when ``n_neighbors`` exceeds ``n_samples``."""
    if n_neighbors > n_samples:
        warnings.warn(f"n_neighbors ({n_neighbors}) is greater than the total number of "
                      f"samples ({n_samples}). n_neighbors will be set to (n_samples - 1) "
                      "for estimation.", UserWarning, stacklevel=3)
    return max(1, min(n_neighbors, n_samples - 1))


# --------------------------------------------------------------------------------------
# the batched scores
# --------------------------------------------------------------------------------------
def _members_per_chunk(n: int, d: int, k: int, itemsize: int, budget: int) -> int:
    """How many batch members one chunk holds: the n x n tile plus the n x k x d
    neighbour rows, the indices and the per-neighbour arrays of each member."""
    per_member = n * n * itemsize + n * k * (d * itemsize + 8 + 4 * itemsize) + 2 * n * d * itemsize
    return max(1, budget // per_member)


def _centred(x: torch.Tensor, metric: str) -> torch.Tensor:
    """Each member's samples less their mean, for the matrix-product (Euclidean) tiles:
    the same distances, but rounding errors relative to the spread of the data rather
    than to its distance from the origin."""
    if metric not in ("euclidean", "sqeuclidean"):
        return x
    return x - x.mean(-2, keepdim=True)


def _score_chunk(x: torch.Tensor, k: int, metric: str, p: float) -> torch.Tensor:
    """LOF scores (c, n) of the c independent problems in ``x`` (c, n, d)."""
    c, n, d = x.shape
    tile = pairwise_tile(*(_centred(x, metric),) * 2, selection_metric(metric), p)
    tile.diagonal(dim1=-2, dim2=-1).fill_(torch.inf)  # a sample is not its own neighbour
    _, chosen = torch.topk(tile, k, dim=-1, largest=False, sorted=False)
    del tile
    first = (torch.arange(c, device=x.device) * n).view(c, 1, 1)
    flat = (chosen + first).reshape(-1)  # (c * n * k,) rows of x.reshape(c * n, d)
    rows = x.reshape(c * n, d)
    distances = paired_distances(rows, rows.index_select(0, flat).view(c * n, k, d),
                                 metric, p).view(c, n, k)
    kdistance = distances.amax(-1)  # the k-th smallest distance; order is irrelevant
    lrd = local_reachability_density(distances, kdistance.reshape(-1)[flat].view(c, n, k))
    return outlier_factor(lrd.reshape(-1)[flat].view(c, n, k), lrd)


def _score_members(x: torch.Tensor, k: int, metric: str, p: float, budget: int
                   ) -> torch.Tensor:
    """LOF scores (b, n) of the b local batch members ``x`` (b, n, d), chunk by chunk."""
    b, n, d = x.shape
    chunk = _members_per_chunk(n, d, k, x.element_size(), budget)
    if b <= chunk:
        return _score_chunk(x, k, metric, p) if b else x.new_empty((0, n))
    return torch.cat([_score_chunk(x[start: start + chunk], k, metric, p)
                      for start in range(0, b, chunk)])


def _as_batches(X: Any) -> DNDarray:
    """``X`` as a DNDarray of 2 or 3 dimensions (no data moved yet)."""
    x = as_array(X, None)
    if x.ndim not in (2, 3):
        raise ValueError("local_outlier_factor: X must be (batch, n_samples, n_features) or "
                         f"(batch, n_samples), got {x.ndim}-D")
    return x


def _floating_batches(x: DNDarray) -> DNDarray:
    """``x`` as a floating (batch, n, d) DNDarray split along the batch or replicated."""
    x = as_floating(x)
    if x.split not in (None, 0):
        x = x.resplit(0)
    if x.ndim == 2:
        x = x.reshape((*x.shape, 1))
    return x


def _check_arguments(n_neighbors: Any, n_samples: int, memory_budget: Any) -> None:
    if not isinstance(n_neighbors, numbers.Integral) or isinstance(n_neighbors, bool):
        raise TypeError("local_outlier_factor: n_neighbors must be an int, got "
                        f"{type(n_neighbors).__name__}")
    if n_neighbors < 1:
        raise ValueError(f"local_outlier_factor: n_neighbors must be at least 1, got "
                         f"{n_neighbors}")
    if n_samples < 2:
        raise ValueError("local_outlier_factor: each batch member needs at least 2 samples, "
                         f"got {n_samples}")
    if memory_budget is not None and (not isinstance(memory_budget, numbers.Integral)
                                      or isinstance(memory_budget, bool)
                                      or memory_budget < 1):
        raise ValueError("local_outlier_factor: memory_budget must be a positive number of "
                         f"bytes or None, got {memory_budget!r}")


def _own_share(x: DNDarray) -> tuple[torch.Tensor, tuple[int, ...] | None]:
    """This rank's batch members: its block, or a balanced share of a replicated array
    (with the counts to gather the scores back)."""
    if x.split == 0:
        return x.larray, None
    counts = balanced_counts(x.shape[0], x.comm.size)
    start, stop = local_range(counts, x.comm.rank)
    return x.larray[start:stop], counts


def _wrap(scores: torch.Tensor, x: DNDarray, shared: tuple[int, ...] | None) -> DNDarray:
    comm: Communicator = x.comm
    shape = tuple(x.shape[:2])
    if shared is None:
        return DNDarray(scores, shape, 0, comm, x.counts)
    return DNDarray(scores, shape, 0, comm, shared).resplit(None)


def local_outlier_factor(X: Any, n_neighbors: int = 20, *, metric: str = "minkowski",
                         p: float = 2, memory_budget: int | None = None) -> DNDarray:
    """Local Outlier Factor of every sample of many independent small data sets.

    ``X[b]`` (n_samples x n_features) is one data set; the result ``[b, i]`` is the LOF
    of sample i within data set b, equal to scikit-learn's
    ``-LocalOutlierFactor(n_neighbors).fit(X[b]).negative_outlier_factor_``. Inliers
    score about 1, outliers clearly more.

    Parameters
    ----------
    X : array_like or DNDarray, shape (batch, n_samples, n_features) or (batch, n_samples)
        The data sets (a 2-D array means one feature). Split along the batch axis
        (split along another axis, it is resplit along the batch first) or replicated.
        Integers and booleans become float64; float32 and float64 are kept.
    n_neighbors : int
        k, the number of neighbours; above ``n_samples - 1`` it is clipped to it (with
        scikit-learn's UserWarning when it exceeds ``n_samples``).
    metric : str
        ``"minkowski"`` (with ``p``), ``"euclidean"``, ``"sqeuclidean"``,
        ``"cityblock"``/``"manhattan"``/``"l1"``, ``"l2"``, ``"chebyshev"`` or
        ``"cosine"``.
    p : float
        The Minkowski power (``metric="minkowski"`` only).
    memory_budget : int, optional
        Bytes for one chunk's distance tiles and neighbour arrays (default 256 MiB): the
        local batch members are scored in chunks of that size.

    Returns
    -------
    DNDarray, shape (batch, n_samples)
        The LOF scores, in X's floating dtype; split along the batch axis when X is split
        (along any axis), replicated when X is.

    Raises
    ------
    ValueError
        X not 2-D or 3-D, fewer than 2 samples per data set, ``n_neighbors`` < 1, an
        unknown metric, a bad ``memory_budget``, complex or non-finite values (on every
        rank).
    TypeError
        ``n_neighbors`` not an int.

    Notes
    -----
    Communication: none for X split along the batch axis, except the finiteness check
    (one 2-byte Allreduce); X split along another axis is first resplit along the batch
    (one Alltoallv of X). A replicated X is scored in balanced shares, one per rank, and
    the scores are gathered back (one Allgatherv of batch x n_samples values).

    Memory per rank: the local block plus one chunk (at most ``memory_budget`` bytes;
    one batch member at least: n_samples^2 + n_samples * k * (n_features + 6) values).
    Duplicate samples are at distance exactly 0 (distances of the chosen neighbours are
    computed by direct differences, as scikit-learn's trees do). Neighbours at exactly
    equal distances on the k-th place may be chosen differently from scikit-learn.

    Examples
    --------
    >>> import ember as em
    >>> X = em.array([[[-1.1], [0.2], [101.1], [0.3]]] * 2, dtype=em.float64, split=0)
    >>> em.neighbors.local_outlier_factor(X, n_neighbors=2).numpy().round(4).tolist()
    [[0.9821, 1.037, 73.3697, 0.9821], [0.9821, 1.037, 73.3697, 0.9821]]
    """
    x = _as_batches(X)
    n_samples = x.shape[1]
    _check_arguments(n_neighbors, n_samples, memory_budget)
    name, power = canonical_metric(metric, p)
    k = clipped_neighbours(n_neighbors, n_samples)
    x = _floating_batches(x)
    check_finite(x, "X")
    local, shared = _own_share(x)
    budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else int(memory_budget)
    return _wrap(_score_members(local, k, name, power, budget), x, shared)
