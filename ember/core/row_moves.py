"""Moving rows along the split axis by source position: the engine of roll, tile,
resize and pad (internal).

Every rank knows arithmetically which source rows (as intervals) each rank needs, so one
Alltoallv sends each needed row once to each rank needing it, and a local
``index_select`` puts the rows in place. Nothing here is public.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .distribution import balanced_counts, offsets
from .dndarray import DNDarray

__all__ = ["Intervals", "fetch_rows", "cyclic", "runs", "merge", "overlap", "circular",
           "target_ranges", "my_targets"]

Intervals = list[tuple[int, int]]


# --------------------------------------------------------------------------------------
# the engine: fetch source rows along the split axis
# --------------------------------------------------------------------------------------
def overlap(p: int, q: int, a: int, b: int) -> int:
    return max(0, min(q, b) - max(p, a))


def runs(positions: np.ndarray) -> Intervals:
    """Sorted unique positions as maximal half-open intervals."""
    if positions.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [positions.size]))
    return [(int(positions[i]), int(positions[j - 1]) + 1)
            for i, j in zip(starts, stops, strict=True)]


def merge(*interval_lists: Intervals) -> Intervals:
    """The union of interval lists as sorted disjoint intervals."""
    merged: Intervals = []
    for p, q in sorted(i for intervals in interval_lists for i in intervals if i[0] < i[1]):
        if merged and p <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(q, merged[-1][1]))
        else:
            merged.append((p, q))
    return merged


def circular(start: int, length: int, n: int) -> Intervals:
    """The positions ``start, start+1, ... (mod n)``, ``length`` of them, as intervals."""
    if length <= 0 or n == 0:
        return []
    if length >= n:
        return [(0, n)]
    start %= n
    stop = start + length
    return [(start, stop)] if stop <= n else [(0, stop - n), (start, n)]


def positions_in(intervals: Intervals, sources: torch.Tensor) -> torch.Tensor:
    """Where each of ``sources`` lies in the concatenation of ``intervals``' rows."""
    if not intervals:
        return sources
    starts = torch.tensor([p for p, _ in intervals], dtype=torch.int64)
    lengths = torch.tensor([q - p for p, q in intervals], dtype=torch.int64)
    bases = torch.cumsum(lengths, 0) - lengths
    which = torch.searchsorted(starts, sources, right=True) - 1
    return bases[which] + sources - starts[which]


def fetch_rows(x: DNDarray, needs: Sequence[Intervals], sources: torch.Tensor,
                new_counts: Sequence[int]) -> DNDarray:
    """A new array along ``x.split`` whose rank r holds ``new_counts[r]`` rows, row i of
    this rank's block being source row ``sources[i]`` of ``x``.

    ``needs[t]`` (identical on every rank) are the sorted disjoint intervals of source
    rows rank t's ``sources`` draw on. Each needed row travels once to each rank needing
    it.

    Communication: one Alltoallv of the needed rows (none when no rank needs another
    rank's rows); the receivers copy rows into place locally.
    """
    comm, axis, local = x.comm, x.split, x.larray
    blocks = target_ranges(x.counts)
    # moved[t][j]: rows rank t needs from rank j (the same plan on every rank)
    moved = [[sum(overlap(p, q, *blocks[j]) for p, q in needs[t]) for j in range(comm.size)]
             for t in range(comm.size)]
    a, b = blocks[comm.rank]
    pieces = [local.narrow(axis, max(p, a) - a, min(q, b) - max(p, a))
              for t in range(comm.size) for p, q in needs[t] if overlap(p, q, a, b)]
    send = torch.cat(pieces, axis) if pieces else local.narrow(axis, 0, 0)
    crossing = any(moved[t][j] for t in range(comm.size) for j in range(comm.size) if t != j)
    if crossing:
        shape = list(local.shape)
        shape[axis] = sum(moved[comm.rank])
        send_counts = [moved[t][comm.rank] for t in range(comm.size)]
        send = comm.Alltoallv(send, send_counts, axis, shape, moved[comm.rank], axis)
    index = positions_in(needs[comm.rank], sources).to(local.device)
    result = send.index_select(axis, index)
    shape = list(x.shape)
    shape[axis] = sum(new_counts)
    return DNDarray(result, shape, axis, comm, tuple(new_counts))


def target_ranges(counts: Sequence[int]) -> list[tuple[int, int]]:
    return [(s, s + c) for s, c in zip(offsets(counts), counts, strict=True)]


def my_targets(counts: Sequence[int], rank: int) -> torch.Tensor:
    start = offsets(counts)[rank]
    return torch.arange(start, start + counts[rank], dtype=torch.int64)


def cyclic(x: DNDarray, shift: int, new_extent: int) -> DNDarray:
    """Along the split axis: row t of the result is row ``(t - shift) mod n`` of ``x``
    (n rows); roll when ``new_extent == n`` (counts kept), tiling otherwise (balanced)."""
    n = x.shape[x.split]
    counts = x.counts if new_extent == n else balanced_counts(new_extent, x.comm.size)
    needs = [circular(s - shift, e - s, n) for s, e in target_ranges(counts)]
    sources = (my_targets(counts, x.comm.rank) - shift) % max(n, 1)
    return fetch_rows(x, needs, sources, counts)
