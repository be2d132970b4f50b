"""Initial centres for the k-clusterings: k-means++, k-means|| and random samples.

Every initialisation gives the same centres for a given seed whatever the number of
processes (beyond floating-point reassociation in the sums that steer k-means++):
replicated choices are drawn from one NumPy stream seeded identically on every rank;
per-sample choices (k-means||, random) from a counter-based Philox draw indexed by the
sample's GLOBAL position.

The distance used is the estimator's ``metric``: for ``"euclidean"`` a sample is drawn
with probability proportional to its squared distance to the closest centre chosen so
far (D^2 weighting, Arthur and Vassilvitskii); for other metrics (``"cityblock"`` for
KMedians/KMedoids) proportional to the distance itself (D weighting, as Heat does).

The private helpers work on a rank's block ``local`` (n_local x d torch tensor) with the
samples' ``counts`` per rank and the communicator; they are also used on a replicated
set of points with ``Communicator(None)`` (a world of one, no MPI call).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator
from ..core.creation import from_local
from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..random._kernels import MASK32, philox_blocks
from ..spatial._kernels import (
    canonical_metric,
    paired_distances,
    pairwise_tile,
    rows_per_tile,
    squared_norms,
)
from ..utils.validation import as_samples, as_targets, seed_from

__all__ = ["kmeans_plusplus"]

#: Bytes of one distance tile in the kernels below: cache-sized, since the passes over
#: a tile (GEMM, minimum, argmin) are memory-bound; the temporaries stay this small.
TILE_BYTES = 2**22


# --------------------------------------------------------------------------------------
# local kernels (no communication)
# --------------------------------------------------------------------------------------
def tile_rows(columns: int, itemsize: int, budget: int = TILE_BYTES) -> int:
    """Rows of a sample block processed at once so an m x ``columns`` tile fits ``budget``."""
    return rows_per_tile(columns, itemsize, budget, minimum=256)


def _p(metric: str) -> float:
    """The Minkowski exponent of a canonical metric (the kernels' ``p`` argument)."""
    return canonical_metric(metric)[1]


def cost_tile(a: torch.Tensor, centers: torch.Tensor, metric: str,
              a_sqnorm: torch.Tensor | None = None) -> torch.Tensor:
    """The objective's cost of each row of ``a`` against each centre (m x k): the squared
    distance for ``"euclidean"`` (matrix-product form, clamped at 0), else the distance."""
    if metric == "euclidean":
        return pairwise_tile(a, centers, "sqeuclidean", a_sqnorm=a_sqnorm)
    return pairwise_tile(a, centers, metric, _p(metric))


def paired_costs(a: torch.Tensor, assigned: torch.Tensor, metric: str) -> torch.Tensor:
    """The cost of each row ``a[i]`` against its own centre ``assigned[i]``, by direct
    differences (exact to rounding): squared distance for ``"euclidean"``, else distance."""
    name = "sqeuclidean" if metric == "euclidean" else metric
    return paired_distances(a, assigned.unsqueeze(1), name, _p(metric)).squeeze(1)


def nearest_centers(local: torch.Tensor, centers: torch.Tensor, metric: str,
                    *, with_costs: bool = False, budget: int = TILE_BYTES
                    ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Index of the closest centre of every row (int64, ties to the lowest index) and,
    with ``with_costs``, the cost to it (:func:`cost_tile`'s form), in row tiles.

    Each tile is computed transposed (k x m: centres by rows), where the reductions over
    the k centres are vectorised along the rows. For ``"euclidean"`` the scores are
    ``|c|^2 - 2 c.x`` (one GEMM per tile); the rows' squared norms are only added for
    the costs.
    """
    n, k = local.shape[0], centers.shape[0]
    labels = torch.empty(n, dtype=torch.int64, device=local.device)
    costs = torch.empty(n, dtype=local.dtype, device=local.device) if with_costs else None
    step = tile_rows(2 * k, local.element_size(), budget)
    c_sq = squared_norms(centers).unsqueeze(1) if metric == "euclidean" else None
    rank_weight = torch.arange(k, 0, -1, dtype=local.dtype, device=local.device)
    rank_weight = rank_weight.unsqueeze(1)
    for begin in range(0, n, step):
        rows = local[begin:begin + step]
        if metric == "euclidean":
            tile = torch.addmm(c_sq, centers, rows.T, alpha=-2)
        else:
            tile = pairwise_tile(centers, rows, metric, _p(metric))
        best, lowest = _first_argmin(tile, rank_weight)
        labels[begin:begin + step] = best
        if with_costs:
            if metric == "euclidean":
                lowest = lowest.add_(squared_norms(rows)).clamp_min_(0)
            costs[begin:begin + step] = lowest
    return labels, costs


def _first_argmin(tile: torch.Tensor, rank_weight: torch.Tensor
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Column-wise argmin of a k x m ``tile`` (ties to the lowest row) and the minima.

    ``rank_weight`` is the column ``[k, k-1, ..., 1]``; the first minimal row j of a
    column is ``k - max_j [tile_j <= min] * (k - j)``, in floating point: torch's
    argmin over a short axis is several times slower than these vectorised passes.
    The tile is overwritten.
    """
    lowest = tile.amin(0)
    k = tile.shape[0]
    torch.le(tile, lowest, out=tile).mul_(rank_weight)
    return tile.amax(0).neg_().add_(k).long(), lowest


def exact_costs(local: torch.Tensor, centers: torch.Tensor, labels: torch.Tensor,
                metric: str, budget: int = TILE_BYTES) -> torch.Tensor:
    """:func:`paired_costs` of every row against ``centers[labels]``, in row tiles."""
    out = torch.empty(local.shape[0], dtype=local.dtype, device=local.device)
    step = tile_rows(local.shape[1], local.element_size(), budget)
    for begin in range(0, local.shape[0], step):
        stop = begin + step
        out[begin:stop] = paired_costs(local[begin:stop], centers[labels[begin:stop]], metric)
    return out


def _min_costs(local: torch.Tensor, centers: torch.Tensor, metric: str) -> torch.Tensor:
    """float64 cost of every row to its closest centre (tiled)."""
    return nearest_centers(local, centers, metric, with_costs=True)[1].double()


def uniforms(seed: int, stream: int, positions: torch.Tensor) -> torch.Tensor:
    """float64 uniforms in [0, 1) for the global ``positions`` (int64) of draw ``stream``
    of ``seed``: Philox4x32-10 keyed by the seed, counter ``(stream << 40) + position``.

    The value of a sample depends only on (seed, stream, its global index), never on
    the number of processes. Communication: none.
    """
    key = (seed & MASK32, (seed >> 32) & MASK32)

    def to_unit(words: torch.Tensor) -> torch.Tensor:
        mantissa = (words[:, 0] >> 5) * 67108864 + (words[:, 1] >> 6)  # 27 + 26 bits
        return mantissa.to(torch.float64).mul_(2.0 ** -53).unsqueeze(1)

    return philox_blocks(positions, stream << 40, key, to_unit, 1, torch.float64).squeeze(1)


# --------------------------------------------------------------------------------------
# distributed building blocks
# --------------------------------------------------------------------------------------
def _fetch_at_mass(local: torch.Tensor, mass: torch.Tensor, rank_mass: torch.Tensor,
                   targets: torch.Tensor, counts: Sequence[int], comm: Communicator
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """The rows (and global indices) where the global cumulative sum of ``mass`` first
    reaches each of the replicated ``targets`` (``searchsorted(cumsum, t)``, side left).

    ``rank_mass`` holds every rank's total mass (replicated): it names the owning rank of
    each target; the owner searches its local cumulative sum. Communication: one
    Allreduce of ``len(targets) x (d + 1)`` float64 (non-owners contribute zeros).
    """
    d = local.shape[1]
    with_rows = torch.tensor([c > 0 for c in counts])
    ranks = torch.nonzero(with_rows).flatten()
    cum = torch.cumsum(rank_mass[ranks], 0)
    pos = torch.searchsorted(cum, targets).clamp_max_(ranks.numel() - 1)
    owner = ranks[pos]
    prefix = (cum - rank_mass[ranks])[pos]
    mine = owner == comm.rank
    picked = torch.zeros(targets.numel(), d + 1, dtype=torch.float64, device=local.device)
    if bool(mine.any()):
        local_cum = torch.cumsum(mass, 0)
        wanted = (targets[mine] - prefix[mine]).to(local_cum.device)
        index = torch.searchsorted(local_cum, wanted).clamp_max_(local.shape[0] - 1)
        picked[mine.to(local.device), :d] = local[index].double()
        picked[mine.to(local.device), d] = (index + offsets(counts)[comm.rank]).double()
    picked = comm.Allreduce(picked, op="sum")
    return picked[:, :d].to(local.dtype), picked[:, d].round().long()


def _rank_totals(values: torch.Tensor, comm: Communicator) -> torch.Tensor:
    """Every rank's column sums of ``values`` (n_local x m) stacked: P x m float64.
    Communication: one Allgather of m float64."""
    return comm.Allgather(values.double().sum(0)).reshape(comm.size, -1).cpu()


def kmeans_plusplus_local(local: torch.Tensor, weights: torch.Tensor | None,
                          counts: Sequence[int], comm: Communicator, n_clusters: int,
                          rng: np.random.Generator, metric: str = "euclidean",
                          n_local_trials: int | None = None
                          ) -> tuple[torch.Tensor, torch.Tensor]:
    """Greedy k-means++ over samples split in ``counts`` blocks; returns the centres
    (n_clusters x d, ``local``'s dtype) and their global indices, on every rank.

    Step c draws ``n_local_trials`` (2 + log k) targets from the replicated stream
    ``rng``, picks the candidates by :func:`_fetch_at_mass` on the weighted costs
    ``w * D(x)^2`` (``w * D(x)`` for non-Euclidean metrics), and keeps the candidate
    that lowers the total cost most (scikit-learn's greedy k-means++).

    Communication: per centre, one Allreduce of ``trials x (d + 1)`` float64 (the
    candidates) and one Allgather of ``trials`` float64 (the per-rank costs); one more
    Allgather of one float64 at the start when ``weights`` are given.
    """
    n_local, d = local.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    w = None if weights is None else weights.double()
    closest = torch.ones(n_local, dtype=torch.float64, device=local.device)
    if w is None:
        rank_mass = torch.tensor([float(c) for c in counts], dtype=torch.float64)
    else:
        rank_mass = _rank_totals(w.unsqueeze(1), comm)[:, 0]
    centers = torch.empty(n_clusters, d, dtype=local.dtype, device=local.device)
    indices = torch.empty(n_clusters, dtype=torch.int64)
    for c in range(n_clusters):
        trials = 1 if c == 0 else n_local_trials
        mass = closest if w is None else closest * w
        targets = torch.from_numpy(rng.uniform(size=trials)) * rank_mass.sum()
        rows, ids = _fetch_at_mass(local, mass, rank_mass, targets, counts, comm)
        candidate = cost_tile(local, rows, metric).double()
        if c > 0:
            candidate = torch.minimum(closest.unsqueeze(1), candidate)
        weighted = candidate if w is None else candidate * w.unsqueeze(1)
        per_rank = _rank_totals(weighted, comm)
        best = int(per_rank.sum(0).argmin())
        closest, rank_mass = candidate[:, best].contiguous(), per_rank[:, best]
        centers[c], indices[c] = rows[best], ids[best]
    return centers, indices


def random_samples(local: torch.Tensor, weights: torch.Tensor | None,
                   counts: Sequence[int], comm: Communicator, n_clusters: int, seed: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_clusters`` distinct samples drawn without replacement (with probabilities
    proportional to ``weights`` when given: Efraimidis-Spirakis keys ``log(u) / w``
    from per-sample uniforms indexed by the global position); centres and indices.

    Communication: one Allgather of ``n_clusters x (d + 2)`` float64 per rank (each
    rank's best keys with their rows).
    """
    n_local, d = local.shape
    start = offsets(counts)[comm.rank]
    positions = torch.arange(start, start + n_local, dtype=torch.int64)
    keys = uniforms(seed, 1, positions).to(local.device)
    if weights is not None:
        keys = keys.log_().div_(weights.double())
    return _top_rows(local, keys, positions.to(local.device), n_clusters, comm)


def _top_rows(local: torch.Tensor, keys: torch.Tensor, positions: torch.Tensor,
              n: int, comm: Communicator) -> tuple[torch.Tensor, torch.Tensor]:
    """The rows of the ``n`` largest ``keys`` over all ranks (ties: lower global index),
    with their global indices, in that order. Communication: one Allgather of
    ``n x (d + 2)`` float64 per rank."""
    d = local.shape[1]
    order = torch.sort(keys, descending=True, stable=True).indices[:n]
    mine = torch.full((n, d + 2), -math.inf, dtype=torch.float64, device=local.device)
    mine[:order.numel(), 0] = keys[order].double()
    mine[:order.numel(), 1] = positions[order].double()
    mine[:order.numel(), 2:] = local[order].double()
    everyone = comm.Allgather(mine).reshape(-1, d + 2)
    by_index = torch.sort(everyone[:, 1], stable=True).indices
    everyone = everyone[by_index]
    best = everyone[torch.sort(everyone[:, 0], descending=True, stable=True).indices[:n]]
    return best[:, 2:].to(local.dtype), best[:, 1].round().long()


def kmeans_parallel(local: torch.Tensor, weights: torch.Tensor | None,
                    counts: Sequence[int], comm: Communicator, n_clusters: int, seed: int,
                    metric: str = "euclidean", *, rounds: int = 5,
                    oversampling: float = 2.0) -> torch.Tensor:
    """k-means|| (Bahmani et al., 2012): ``rounds`` rounds that each keep every sample
    with probability ``min(1, l w D(x)^2 / phi)`` (``l = oversampling * n_clusters``,
    ``phi`` the current total cost), then the candidates weighted by the (weighted)
    number of samples closest to them, reduced to ``n_clusters`` centres by weighted
    k-means++ run identically on every rank.

    The first candidate is drawn like k-means++'s first centre; the per-sample draws
    come from :func:`uniforms` (stream = round), so the candidates, and the centres, do
    not depend on the number of processes. With fewer candidates than clusters (data
    with few distinct points), k-means++ on all the samples is used instead.

    Communication: per round, one Allgather of one float64 (the cost), one of one int64
    (the number of new candidates) and one Allgatherv of the new candidates' rows
    (about ``l x d`` numbers in all); then one Allreduce of the candidates' weights.
    """
    rng = np.random.default_rng(seed)
    n_local = local.shape[0]
    start = offsets(counts)[comm.rank]
    positions = torch.arange(start, start + n_local, dtype=torch.int64)
    w = None if weights is None else weights.double()
    first, _ = kmeans_plusplus_local(local, weights, counts, comm, 1, rng, metric)
    candidates = [first]
    closest = _min_costs(local, first, metric)
    scale = oversampling * n_clusters
    for r in range(rounds):
        mass = closest if w is None else closest * w
        phi = float(_rank_totals(mass.unsqueeze(1), comm).sum())
        if phi <= 0:
            break
        keep = (uniforms(seed, r + 1, positions).to(local.device) < mass * (scale / phi))
        chosen = local[keep]
        sizes = comm.Allgather(torch.tensor([chosen.shape[0]], dtype=torch.int64))
        new = comm.Allgatherv(chosen, 0, [int(s) for s in sizes.reshape(-1).tolist()])
        if new.shape[0] == 0:
            continue
        candidates.append(new)
        closest = torch.minimum(closest, _min_costs(local, new, metric))
    pool = torch.cat(candidates)
    if pool.shape[0] < n_clusters:
        return kmeans_plusplus_local(local, weights, counts, comm, n_clusters, rng, metric)[0]
    nearest, _ = nearest_centers(local, pool, metric)
    mass = torch.ones(n_local, dtype=torch.float64) if w is None else w
    pool_weights = torch.zeros(pool.shape[0], dtype=torch.float64, device=local.device)
    pool_weights.index_add_(0, nearest, mass.to(local.device))
    pool_weights = comm.Allreduce(pool_weights, op="sum")
    alone = Communicator(None)
    return kmeans_plusplus_local(pool, pool_weights, (pool.shape[0],), alone, n_clusters,
                                 rng, metric)[0]


def local_sample_weight(x: DNDarray, sample_weight: Any, estimator: Any
                        ) -> torch.Tensor | None:
    """This rank's block of ``sample_weight`` (None, a number, or one per sample, split
    like ``x`` by :func:`ember.utils.validation.as_targets`), in ``x``'s dtype; None for
    unit weights. Raises ValueError for a wrong length or non-finite weights."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        return torch.full((x.lshape[0],), float(sample_weight), dtype=x.larray.dtype,
                          device=x.larray.device)
    weights = as_targets(sample_weight, x, estimator, input_name="sample_weight")
    if weights.ndim != 1:
        raise ValueError("Sample weights must be 1D array or scalar")
    return weights.larray.to(x.larray.dtype)


# --------------------------------------------------------------------------------------
# public function
# --------------------------------------------------------------------------------------
def kmeans_plusplus(X: Any, n_clusters: int, *, sample_weight: Any = None,
                    x_squared_norms: Any = None, random_state: Any = None,
                    n_local_trials: int | None = None) -> tuple[DNDarray, DNDarray]:
    """Initial cluster centres by greedy k-means++ (scikit-learn's ``kmeans_plusplus``).

    Parameters
    ----------
    X : array_like or DNDarray of shape (n_samples, n_features)
        The samples (split along samples, replicated, or NumPy).
    n_clusters : int
        The number of centres, ``1 <= n_clusters <= n_samples``.
    sample_weight : array_like of shape (n_samples,), optional
        Weights of the samples (unit weights when None).
    x_squared_norms : array_like of shape (n_samples,), optional
        Accepted for compatibility (its length is checked); the norms are recomputed
        locally.
    random_state : int, numpy Generator or None
        The seed (:func:`ember.utils.validation.seed_from`): the same centres for any
        number of processes.
    n_local_trials : int, optional
        Candidates tried per centre; ``2 + int(log(n_clusters))`` when None.

    Returns
    -------
    centers : DNDarray of shape (n_clusters, n_features)
        Replicated, in ``X``'s dtype; each is a sample of ``X``.
    indices : DNDarray of shape (n_clusters,)
        Replicated int64: the global index of each centre in ``X``.

    Raises
    ------
    ValueError
        ``n_clusters`` not in ``[1, n_samples]``, ``n_local_trials < 1``, a wrong
        ``x_squared_norms`` length, or non-finite data.

    Notes
    -----
    Communication: per centre, one Allreduce of ``n_local_trials x (d + 1)`` float64
    (the candidate rows, sent by their owners) and one Allgather of ``n_local_trials``
    float64 (each rank's share of the candidates' costs); the trip count is
    ``n_clusters``. Memory per rank: the local samples plus ``n_local x n_local_trials``
    distances.

    Examples
    --------
    >>> import ember as em
    >>> X = em.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0],
    ...               [10.0, 0.0]], split=0)
    >>> centers, indices = kmeans_plusplus(X, n_clusters=2, random_state=0)
    >>> centers.shape, indices.shape, centers.split
    ((2, 2), (2,), None)
    >>> sorted(c[0] for c in centers.tolist())
    [1.0, 10.0]
    """
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, numbers.Integral) \
            or n_clusters < 1:
        raise ValueError(f"The 'n_clusters' parameter of kmeans_plusplus must be an int in "
                         f"the range [1, inf). Got {n_clusters!r} instead.")
    if n_local_trials is not None and n_local_trials < 1:
        raise ValueError(f"n_local_trials is set to {n_local_trials} but should be an "
                         "integer value greater than zero.")
    x, _ = as_samples(X, "kmeans_plusplus")
    if x.shape[0] < n_clusters:
        raise ValueError(f"n_samples={x.shape[0]} should be >= n_clusters={n_clusters}.")
    if x_squared_norms is not None and len(x_squared_norms) != x.shape[0]:
        raise ValueError(f"The length of x_squared_norms {len(x_squared_norms)} should be "
                         f"equal to the length of n_samples {x.shape[0]}.")
    weights = local_sample_weight(x, sample_weight, "kmeans_plusplus")
    rng = np.random.default_rng(seed_from(random_state, x.comm))
    centers, indices = kmeans_plusplus_local(x.larray, weights, x.counts, x.comm,
                                             int(n_clusters), rng, "euclidean",
                                             n_local_trials)
    return from_local(centers, None, x.comm), from_local(indices, None, x.comm)
