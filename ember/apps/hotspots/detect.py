"""LOF by time (each location against its own dates) and by location (each date, every
location against all others), and the flags drawn from the scores."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

import ember as em
from ember.comm import Communicator
from ember.core.dndarray import DNDarray

from .config import HotspotsError
from .features import patch_features

__all__ = ["Scores", "check_neighbors", "rows_per_chunk", "lof_by_time",
           "lof_by_location", "flags_from_scores"]


@dataclass
class Scores:
    """One mode's result on this rank: ``scores`` float32 and ``flags`` bool, both
    ``(times, my rows, cols)``; invalid locations have NaN scores and no flags."""

    mode: str
    scores: torch.Tensor
    flags: torch.Tensor


def check_neighbors(n_neighbors: int, n_times: int, n_valid: int, modes) -> None:
    """HotspotsError unless every LOF problem has more samples than ``n_neighbors``.

    Examples
    --------
    >>> check_neighbors(5, 10, 100, ("time",))
    >>> try:
    ...     check_neighbors(20, 10, 100, ("time",))
    ... except HotspotsError as error:
    ...     print(str(error)[:38])
    too few dates for --n-neighbors 20: LO
    """
    if n_neighbors < 1:
        raise HotspotsError(f"--n-neighbors must be at least 1, got {n_neighbors}")
    if "time" in modes and n_neighbors >= n_times:
        raise HotspotsError(f"too few dates for --n-neighbors {n_neighbors}: LOF by time "
                            f"needs more dates than neighbours, the stack has {n_times} "
                            "(lower --n-neighbors or give more dates)")
    if "location" in modes and n_neighbors >= n_valid:
        raise HotspotsError(f"too few valid locations for --n-neighbors {n_neighbors}: "
                            f"LOF by location needs more than that, there are {n_valid}")


def rows_per_chunk(cols: int, n_times: int, n_features: int, memory_mb: float) -> int:
    """How many image rows of LOF-by-time problems to process at once within about
    ``memory_mb`` MiB: per location the features (times x features) and the batched
    LOF's times x times distances, in float32, with room for temporaries.

    Examples
    --------
    >>> rows_per_chunk(100, 50, 9, 8.0)
    2
    """
    per_location = 4 * (n_times * n_features + 3 * n_times * n_times)
    return max(1, int(memory_mb * 2**20) // max(1, per_location * cols))


def flags_from_scores(scores: torch.Tensor, threshold: float,
                      contamination: float | None) -> torch.Tensor:
    """Flags per row of ``scores`` (one LOF problem per row): the scores above
    ``threshold``, or with ``contamination`` those above the row's ``1 - contamination``
    quantile (linear interpolation, scikit-learn's ``offset_``); NaN never flags.

    Examples
    --------
    >>> flags_from_scores(torch.tensor([[1.0, 1.2, 3.0]]), 1.5, None).tolist()
    [[False, False, True]]
    >>> flags_from_scores(torch.tensor([[1.0, 1.2, 3.0, 1.1]]), 1.5, 0.25).tolist()
    [[False, False, True, False]]
    """
    if contamination is None:
        return scores > threshold
    if scores.shape[-1] == 0 or scores.numel() == 0:
        return torch.zeros_like(scores, dtype=torch.bool)
    # scikit-learn: offset_ = percentile(nof, 100 c); outlier when nof < offset_
    offset = torch.quantile(-scores.double(), contamination, dim=-1, keepdim=True)
    return -scores.double() < offset


def lof_by_time(padded: torch.Tensor, valid: torch.Tensor, counts: tuple[int, ...],
                patch: int, n_neighbors: int, threshold: float,
                contamination: float | None, memory_mb: float, comm: Communicator,
                advance: Callable[[int], None] | None = None) -> Scores:
    """LOF of every location's dates among its own dates, in chunks of rows.

    Every rank takes the same number of chunks (from the largest block), so the batched
    LOF's collectives match; a rank whose rows are done passes empty chunks.

    Notes
    -----
    Communication: none beyond what :func:`ember.neighbors.local_outlier_factor` does
    for a batch split over locations (no data travel: each problem is local). Memory: one
    chunk of features and distances, about ``memory_mb`` MiB.

    Examples
    --------
    >>> import ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> padded = torch.arange(12.0).reshape(12, 1, 1, 1)   # 12 dates, one pixel
    >>> padded[5] = 40.0
    >>> res = lof_by_time(padded, torch.ones(1, 1, dtype=torch.bool), (1,), 1, 3, 1.5,
    ...                   None, 64.0, comm)
    >>> res.flags.ravel().nonzero().ravel().tolist()
    [5]
    """
    n_times, rows = padded.shape[0], valid.shape[0]
    cols, n_features = valid.shape[1], patch * patch * padded.shape[3]
    chunk = rows_per_chunk(cols, n_times, n_features, memory_mb)
    n_chunks = math.ceil(max(counts) / chunk) if max(counts) else 0
    pieces = []
    for i in range(n_chunks):
        a, b = min(i * chunk, rows), min((i + 1) * chunk, rows)
        features = patch_features(padded, patch, a, b)
        chunk_counts = tuple(max(0, min(c, (i + 1) * chunk) - i * chunk) * cols
                             for c in counts)
        x = DNDarray(features.contiguous(), (sum(chunk_counts), n_times, n_features), 0,
                     comm, chunk_counts)
        pieces.append(em.neighbors.local_outlier_factor(x, n_neighbors).larray)
        if advance is not None:
            advance(1)
    scores = (torch.cat(pieces) if pieces else torch.zeros(0, n_times)).float()
    scores = scores.reshape(rows, cols, n_times).permute(2, 0, 1)
    return _finish("time", scores, valid, threshold, contamination, per_location=True)


def _finish(mode: str, scores: torch.Tensor, valid: torch.Tensor, threshold: float,
            contamination: float | None, per_location: bool,
            offsets: torch.Tensor | None = None) -> Scores:
    scores = scores.masked_fill(~valid.unsqueeze(0), float("nan")).contiguous()
    if offsets is not None:
        flags = scores > offsets.reshape(-1, 1, 1)
    elif per_location:
        n_times, rows, cols = scores.shape
        flat = scores.permute(1, 2, 0).reshape(rows * cols, n_times)
        flags = flags_from_scores(flat, threshold, contamination)
        flags = flags.reshape(rows, cols, n_times).permute(2, 0, 1)
    else:
        flags = scores > threshold
    return Scores(mode, scores, (flags & valid.unsqueeze(0)).contiguous())


def lof_by_location(padded: torch.Tensor, valid: torch.Tensor, patch: int,
                    n_neighbors: int, threshold: float, contamination: float | None,
                    comm: Communicator, advance: Callable[[int], None] | None = None
                    ) -> Scores:
    """For each date, the LOF of every valid location's patch among all valid locations
    (one distributed :class:`ember.neighbors.LocalOutlierFactor` per date; the loop over
    dates is the same on every rank).

    Notes
    -----
    Communication: one Allgather of one integer (the valid locations per rank), then per
    date that of ``LocalOutlierFactor.fit`` on (valid locations x features) split over
    locations (the patches travel round the ring once; the neighbours' k-distances and
    densities by one Alltoallv). Memory: one date's features and the LOF's tiles.

    Examples
    --------
    >>> import ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> padded = torch.zeros(1, 1, 12, 1)                # one date, 12 locations
    >>> padded[0, 0, :, 0] = torch.arange(12.0)
    >>> padded[0, 0, 7, 0] = 40.0
    >>> res = lof_by_location(padded, torch.ones(1, 12, dtype=torch.bool), 1, 3, 1.5,
    ...                       None, comm)
    >>> res.flags.ravel().nonzero().ravel().tolist()
    [7]
    """
    n_times, rows, cols = padded.shape[0], valid.shape[0], valid.shape[1]
    keep = valid.reshape(-1)
    n_kept = int(keep.sum())
    counts = tuple(comm.allgather_object(n_kept))
    scores = torch.full((n_times, rows * cols), float("nan"))
    offsets = None if contamination is None else torch.zeros(n_times)
    for t in range(n_times):
        features = patch_features(padded, patch, time=t)[keep].contiguous()
        x = DNDarray(features, (sum(counts), features.shape[1]), 0, comm, counts)
        lof = em.neighbors.LocalOutlierFactor(
            n_neighbors=n_neighbors,
            contamination="auto" if contamination is None else contamination).fit(x)
        scores[t, keep] = -lof.negative_outlier_factor_.larray.float()
        if offsets is not None:
            offsets[t] = -float(lof.offset_)
        if advance is not None:
            advance(1)
    scores = scores.reshape(n_times, rows, cols)
    return _finish("location", scores, valid, threshold, None, per_location=False,
                   offsets=offsets)
