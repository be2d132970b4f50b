"""K-medians: Lloyd's alternation with the L1 (cityblock) distance and the
coordinate-wise median as the centre update.

The update finds the median of every (cluster, feature) pair at once without moving
any sample: values become order-preserving integer keys
(:func:`ember.core.order_keys.order_key`), each rank sorts its keys by (cluster, key)
per feature, and the lower and upper middle order statistics of every pair are found by
a radix selection on the keys' bits, most significant first, ``b`` bits per round
(b = 8 unless k d is large). Each round counts, per (cluster, feature, statistic), the
local keys at or below the ``2**b - 1`` pivots that split the answer's current range
(binary searches in the sorted segments) and merges all the counts with ONE Allreduce;
the number of rounds is the key's bit width over ``b`` (4 for float32, 8 for float64),
fixed by the dtype and the shape, never by the data. The median is NumPy's: the middle
value for an odd count, the mean of the two middle values for an even count.
"""

from __future__ import annotations

from typing import Any

import torch

from ..comm import Communicator
from ..core.dndarray import DNDarray
from ..core.order_keys import decode_wide_keys, order_key
from ..utils._param_validation import StrOptions
from ._base import _ArrayLike, _KCluster

__all__ = ["KMedians"]

_PIVOT_BUDGET = 1 << 16  # counts per Allreduce of a selection round


def _signed(unsigned: torch.Tensor, bits: int) -> torch.Tensor:
    """The signed int64 key at position ``unsigned`` of the unsigned order
    ``[0, 2**bits)`` of ``bits``-wide keys (in which the answers' bits are found)."""
    if bits == 32:
        return unsigned - (1 << 31)
    return unsigned ^ torch.iinfo(torch.int64).min


def _digits_per_round(k: int, d: int) -> int:
    """Bits of the medians fixed per selection round: 8 (8 rounds for float64) while
    the round's 2 k d (2**bits - 1) pivot counts stay within the budget, else fewer."""
    for digits in (8, 4, 2):
        if 2 * k * d * ((1 << digits) - 1) <= _PIVOT_BUDGET:
            return digits
    return 1


def _sorted_by_cluster(keys: torch.Tensor, labels: torch.Tensor, k: int
                       ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Each feature's keys sorted by (cluster, key), flattened feature-major (d * n),
    and each cluster's segment [start, stop) in a feature's row. Two stable sorts per
    feature row (by key, then by cluster); no communication."""
    values, order = torch.sort(keys.T.contiguous(), dim=1, stable=True)
    by_cluster = torch.sort(labels.to(torch.int32)[order], dim=1, stable=True).indices
    del order
    rows = torch.gather(values, 1, by_cluster).reshape(-1)
    sizes = torch.bincount(labels, minlength=k)
    stop = sizes.cumsum(0)
    return rows, stop - sizes, stop


def _count_at_or_below(rows: torch.Tensor, n: int, start: torch.Tensor, stop: torch.Tensor,
                       pivots: torch.Tensor) -> torch.Tensor:
    """For pivots (k, d, ...), how many keys of cluster c and feature j are <= the pivot
    (a binary search in each segment, all at once; ceil(log2(n + 1)) steps)."""
    k, d = pivots.shape[:2]
    extra = (1,) * (pivots.dim() - 2)
    base = (torch.arange(d, device=rows.device) * n).reshape(1, d, *extra)
    low = start.reshape(k, 1, *extra).expand(pivots.shape).clone()
    high = stop.reshape(k, 1, *extra).expand(pivots.shape).clone()
    for _ in range(n.bit_length()):  # fixed by the local size
        active = low < high
        middle = (low + high) // 2
        value = rows[(base + middle.clamp(max=max(n - 1, 0))).clamp(min=0)]
        right = active & (value <= pivots)
        low = torch.where(right, middle + 1, low)
        high = torch.where(active & ~right, middle, high)
    return low - start.reshape(k, 1, *extra)


def cluster_medians(local: torch.Tensor, labels: torch.Tensor, centers: torch.Tensor,
                    comm: Communicator, carry: torch.Tensor | None = None
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Coordinate-wise median of each cluster's samples over all ranks, (k, d).

    A radix selection on order-preserving integer keys, for all clusters, features and
    both middle order statistics at once. Each rank first sorts its keys by (cluster,
    key) per feature. Each round then fixes the next ``b`` bits of every answer (most
    significant first): for the ``2**b - 1`` pivots that split the answer's current
    range, each rank counts its keys at or below them (binary searches in its sorted
    segments) and ONE Allreduce sums the counts.

    Parameters
    ----------
    local : torch.Tensor
        This rank's samples (n_local, d), float32 or float64, finite.
    labels : torch.Tensor
        Their cluster indices (n_local,), int64 in ``[0, k)``.
    centers : torch.Tensor
        The current centres (k, d), identical on every rank; an empty cluster keeps its
        centre.
    comm : Communicator
        The communicator over which the samples are split.
    carry : torch.Tensor, optional
        A small 1-D float64 tensor summed over the ranks in the first collective.

    Returns
    -------
    (centers, carry) : tuple of torch.Tensor
        The new centres, identical on every rank (np.median of each cluster's samples
        per feature: the mean of the two middle values for an even count), and
        ``carry`` summed over the ranks.

    Notes
    -----
    Communication: one Allreduce of k + len(carry) float64 (the cluster sizes), then
    ``bits / b`` Allreduces of ``2 k d (2**b - 1)`` int64, where ``bits`` is 32 (float32)
    or 64 (float64) and ``b`` is 8 while that is at most 65536 counts (so 4 rounds for
    float32, 8 for float64), else 4, 2 or 1: the trip count is fixed by the dtype and
    the shape, never by the data. Computation: one local sort of the n_local x d keys,
    then O(k d 2**b log n_local) per round. Memory per rank: about three n_local x d
    int64 tensors while sorting.

    Examples
    --------
    >>> from ember.comm import Communicator
    >>> x = torch.tensor([[1.0], [5.0], [2.0], [10.0], [20.0]], dtype=torch.float64)
    >>> labels = torch.tensor([0, 0, 0, 1, 1])
    >>> medians, _ = cluster_medians(x, labels, torch.zeros(2, 1, dtype=torch.float64),
    ...                              Communicator(None))
    >>> medians.flatten().tolist()
    [2.0, 15.0]
    """
    k, d = centers.shape
    n, device = local.shape[0], local.device
    bits = 8 * local.element_size()
    if carry is None:
        carry = torch.zeros(0, dtype=torch.float64)
    sizes = torch.bincount(labels, minlength=k).double()
    sizes, carry = _KCluster._allreduce_with_carry(sizes, carry, comm)
    sizes = sizes.round().to(torch.int64).to(device)
    # the 0-based ranks of the lower and upper middle values of each cluster
    targets = torch.stack([(sizes - 1).div(2, rounding_mode="floor"), sizes // 2], -1)
    targets = targets[:, None, :, None]  # (k, 1, 2, 1)
    rows, start, stop = _sorted_by_cluster(order_key(local).to(torch.int64), labels, k)
    digits = _digits_per_round(k, d)
    steps = torch.arange(1, 1 << digits, dtype=torch.int64, device=device)
    found = torch.zeros((k, d, 2), dtype=torch.int64, device=device)  # unsigned prefix
    for shift in range(bits - digits, -1, -digits):  # fixed by the dtype and the shape
        # pivot t: the last key before digit t of the current range (found's low bits 0)
        pivots = _signed(found[..., None] | ((steps << shift) - 1), bits)
        counts = _count_at_or_below(rows, n, start, stop, pivots)
        counts = comm.Allreduce(counts, "sum")
        found = found | ((counts <= targets).sum(-1) << shift)
    values = decode_wide_keys(_signed(found, bits), local.dtype)
    lower, upper = values[..., 0], values[..., 1]
    medians = torch.where(lower == upper, lower, (lower + upper) / 2)
    return torch.where((sizes > 0)[:, None], medians, centers), carry


class KMedians(_KCluster):
    """K-Medians clustering: Lloyd's alternation with the L1 (cityblock) distance and
    the coordinate-wise median as centre (Heat's ``KMedians`` with scikit-learn's API).

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters, ``1 <= n_clusters <= n_samples``.
    init : {"k-medians++", "random"}, callable or array-like, default="k-medians++"
        "k-medians++": greedy k-means++ seeding with the L1 distance (a sample is drawn
        with probability proportional to its L1 distance to the closest centre so far);
        "random": ``n_clusters`` distinct samples; a callable ``init(X, n_clusters,
        random_state=seed)`` returning the centres; or the centres (n_clusters x
        n_features).
    max_iter : int, default=300
        Most iterations.
    tol : float, default=1e-4
        Convergence when the squared centre shift (summed over clusters) is at most
        ``tol`` times the mean of the features' variances (as KMeans), or when no label
        changes.
    random_state : int, numpy Generator or None
        Seed of the initialisation: the same result for any number of processes.

    Attributes
    ----------
    cluster_centers_ : DNDarray of shape (n_clusters, n_features)
        Replicated, in the data's dtype: the coordinate-wise medians (np.median's
        definition: the mean of the two middle values for an even count).
    labels_ : DNDarray of shape (n_samples,)
        int32, distributed like the training data (closest centre in L1, ties to the
        lowest index).
    inertia_ : float
        Sum of the L1 distances of the samples to their closest centre.
    n_iter_ : int
        Iterations run.
    n_features_in_ : int

    Notes
    -----
    An empty cluster keeps its centre (as Heat). ``sample_weight`` is not supported.

    Communication: per iteration one Allreduce of ``k + 1`` float64 (the cluster sizes
    and the number of changed labels) and ``bits / b`` Allreduces of ``2 k d (2**b - 1)``
    int64 (4 for float32, 8 for float64 with b = 8; b shrinks to keep at most 65536
    counts per round): a radix selection on order-preserving integer keys that finds the
    two middle values of every (cluster, feature) pair at once (see
    :func:`cluster_medians`); the samples never move. Per fit: one Allreduce of the
    features' moments (the tolerance) and one of the inertia, plus the initialisation's
    (k-medians++: two small collectives per centre). Computation per iteration: the L1
    distance tile (n_local x k x d) and one local sort of the n_local x d keys.
    Memory per rank: the local samples, about three n_local x d int64 tensors while
    sorting, the labels and one distance tile.

    Examples
    --------
    >>> import ember as em
    >>> X = em.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [2.0, 9.0], [10.0, 2.0],
    ...               [10.0, 4.0], [10.0, 0.0]], split=0)
    >>> km = KMedians(n_clusters=2, init=[[0.0, 0.0], [9.0, 9.0]]).fit(X)
    >>> km.cluster_centers_.tolist()
    [[1.0, 3.0], [10.0, 2.0]]
    >>> km.labels_.tolist(), km.inertia_, km.n_iter_
    ([0, 0, 0, 0, 1, 1, 1], 16.0, 3)
    >>> km.predict([[0.0, 0.0], [12.0, 3.0]]).tolist()
    [0, 1]
    """

    _metric = "cityblock"
    _init_options = frozenset({"k-medians++", "random"})
    _plusplus_init = "k-medians++"
    _supports_sample_weight = False

    _parameter_constraints: dict = {
        **_KCluster._parameter_constraints,
        "init": [StrOptions(_init_options), "callable", _ArrayLike()],
    }

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-medians++",
                 max_iter: int = 300, tol: float = 1e-4, random_state: Any = None) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _update_centers(self, x: DNDarray, labels: torch.Tensor, centers: torch.Tensor,
                        weights: torch.Tensor | None, carry: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor]:
        """The coordinate-wise medians (:func:`cluster_medians`)."""
        return cluster_medians(x.larray, labels, centers, x.comm, carry)
