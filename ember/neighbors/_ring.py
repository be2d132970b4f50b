"""The distributed brute-force neighbour search: the engine of ember.neighbors.

Every rank keeps its block of query rows; the blocks of the reference rows travel
round a ring of the processes (rank ``r`` sends to ``r + 1`` and receives from
``r - 1``), double-buffered so that the next block is in flight while the current one
is searched. After ``P`` steps every query block has met every reference block. A
replicated reference needs no ring: each rank searches it locally.

Each block is searched in tiles of query rows sized to a memory budget. A tile's
distances are computed by the fast kernels of :mod:`ember.spatial._kernels` (the
matrix-product form for Euclidean distances, on rows shifted by the reference's mean
to keep it accurate) only to *select* candidates: a wide tile is first pruned, by
minima of column groups, to the values that can matter (about ``16 k`` per row;
:func:`_candidates`), then ``torch.topk`` picks among those; the selected
candidates' distances are then recomputed exactly by direct differences
(:func:`~ember.spatial._kernels.paired_distances`), so a point's distance to itself or
to a duplicate is exactly 0. Where the fast values cannot certify the selection (a
value left out lies within twice the rounding error of the k-th one: ties,
duplicates) every candidate within that margin gets its exact distance and the row's
choice is made on those. Candidates are
ordered by (exact distance, global index), so ties go to the smaller global index and
the result does not depend on the number of processes.

Memory per rank: the running best (local queries x k), one tile, and two reference
blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import torch

from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ..spatial._kernels import paired_distances, pairwise_tile, rows_per_tile, squared_norms

__all__ = ["kneighbors_ring", "radius_ring", "TILE_BUDGET"]

#: Default bytes for one distance tile (query rows x reference block rows).
TILE_BUDGET = 64 * 2**20

_RING_TAG = 4711
# Multiples of the machine epsilon bounding the rounding error of a selection value.
_ERROR_FACTOR = 4
# Columns per group of :func:`_candidates`; a tile is pruned when it has at least this
# ratio times (k + 1) groups, and kept whole when over 1 / this ratio of it passes.
_GROUP = 16
_PRUNE_RATIO = 8


# ----------------------------------------------------------------------------------------
# validation and the ring
# ----------------------------------------------------------------------------------------
def _check_operands(queries: DNDarray, reference: DNDarray, exclude_self: bool) -> None:
    for name, x in (("queries", queries), ("reference", reference)):
        if not isinstance(x, DNDarray) or x.ndim != 2:
            raise ValueError(f"{name} must be a 2-D DNDarray")
        if x.split not in (0, None):
            raise ValueError(f"{name} must be split along axis 0 or replicated, "
                             f"got split={x.split}")
        if x.dtype.torch not in (torch.float32, torch.float64):
            raise TypeError(f"{name} must be float32 or float64, got {x.dtype}")
    if queries.dtype != reference.dtype:
        raise TypeError(f"queries ({queries.dtype}) and reference ({reference.dtype}) "
                        "must have the same dtype")
    if queries.shape[1] != reference.shape[1]:
        raise ValueError(f"queries have {queries.shape[1]} features but the reference "
                         f"has {reference.shape[1]}")
    if exclude_self and queries.shape != reference.shape:
        raise ValueError("exclude_self needs queries and reference to be the same rows")


def _query_offset(queries: DNDarray) -> int:
    """Global row number of this rank's first query row."""
    if queries.split is None:
        return 0
    return offsets(queries.counts)[queries.comm.rank]


def _ring_blocks(reference: DNDarray) -> Iterator[tuple[torch.Tensor, int]]:
    """Every block of ``reference`` with its global row offset, this rank's first.

    Split reference: ``P`` steps round the ring; while the caller searches one block
    the next is already travelling (one Isend/Irecv pair per step). Replicated
    reference, or one process: the local tensor alone, no communication.
    """
    comm = reference.comm
    if reference.split is None or comm.size == 1:
        yield reference.larray, 0
        return
    size, rank = comm.size, comm.rank
    counts = reference.counts
    starts = offsets(counts)
    block = reference.larray.contiguous()
    features = reference.shape[1]
    for step in range(size):
        source = (rank - step) % size
        last = step == size - 1
        if not last:
            incoming = comm.Irecv((counts[(source - 1) % size], features), block,
                                  source=(rank - 1) % size, tag=_RING_TAG)
            outgoing = comm.Isend(block, dest=(rank + 1) % size, tag=_RING_TAG)
        yield block, starts[source]
        if not last:
            outgoing.wait()
            block = incoming.wait()


# ----------------------------------------------------------------------------------------
# selection values and their rounding error
# ----------------------------------------------------------------------------------------
def _selection_metric(metric: str) -> str:
    """The metric tiles are computed in: squared Euclidean stands in for Euclidean
    (same order, no square root, an error bound in one place)."""
    return "sqeuclidean" if metric == "euclidean" else metric


class _Rows(NamedTuple):
    """Rows in two forms: ``exact`` (the data, for exact distances) and ``select`` (the
    rows the fast selection values come from: for Euclidean metrics shifted by a common
    centre, which leaves distances alone but makes the matrix-product form accurate for
    data far from the origin), with ``sq`` the squared norms of ``select`` (Euclidean
    metrics only)."""

    exact: torch.Tensor
    select: torch.Tensor
    sq: torch.Tensor | None

    def part(self, rows: slice | torch.Tensor) -> _Rows:
        return _Rows(self.exact[rows], self.select[rows],
                     None if self.sq is None else self.sq[rows])


def _centre(reference: DNDarray, metric: str) -> torch.Tensor | None:
    """The mean reference row for the Euclidean metrics (else None).

    Any centre gives the same results (the selection is certified), so its rounding
    may depend on the number of processes. Communication: one Allreduce of ``d + 1``
    float64 numbers for a split reference with several processes, else none.
    """
    if _selection_metric(metric) != "sqeuclidean":
        return None
    local = reference.larray
    totals = torch.cat((local.sum(0, dtype=torch.float64),
                        torch.tensor([local.shape[0]], dtype=torch.float64,
                                     device=local.device)))
    if reference.split is not None:
        totals = reference.comm.Allreduce(totals, op="sum")
    return (totals[:-1] / max(float(totals[-1]), 1.0)).to(local.dtype)


def _prepare(rows: torch.Tensor, centre: torch.Tensor | None) -> _Rows:
    if centre is None:
        return _Rows(rows, rows, None)
    shifted = rows - centre
    return _Rows(rows, shifted, squared_norms(shifted))


def _tolerance(metric: str, value: torch.Tensor, query_sq: torch.Tensor | None,
               block_sq_max: torch.Tensor | None, features: int) -> torch.Tensor:
    """Twice a bound on the rounding error of selection values near ``value``.

    Matrix-product forms err by about ``d * eps`` times the squared norms (Euclidean)
    or 1 (cosine); direct differences err relative to the value itself.
    """
    eps = torch.finfo(value.dtype).eps * _ERROR_FACTOR * (features + 8)
    if metric in ("euclidean", "sqeuclidean"):
        return eps * (query_sq + block_sq_max)
    if metric == "cosine":
        return torch.full_like(value, 4 * eps)
    return eps * value.abs()


def _mask_self(values: torch.Tensor, row_ids: torch.Tensor, offset: int) -> None:
    """Set ``values[i, row_ids[i] - offset]`` to +inf where that column is in the tile."""
    columns = row_ids - offset
    inside = (columns >= 0) & (columns < values.shape[1])
    values[inside.nonzero().squeeze(1), columns[inside]] = float("inf")


#: One step of a search: (this rank's query rows of the tile, those rows, their global
#: row numbers, the reference block, the block's global row offset).
_Tile = tuple[slice, _Rows, torch.Tensor, _Rows, int]


def _search_tiles(queries: DNDarray, reference: DNDarray, metric: str, budget: int
                  ) -> tuple[_Rows, torch.Tensor, Iterator[_Tile]]:
    """This rank's prepared queries, their global row numbers, and the steps of their
    search: every reference block round the ring against every tile of query rows that
    fits ``budget`` bytes.

    Every rank must exhaust the steps (the ring moves as they are consumed), also a rank
    without queries: it yields no step but forwards the blocks.

    Communication: :func:`_centre` now; the ring of :func:`_ring_blocks` as the steps
    are consumed.
    """
    centre = _centre(reference, metric)
    local = _prepare(queries.larray, centre)
    m = local.exact.shape[0]
    row_ids = torch.arange(m, device=local.exact.device) + _query_offset(queries)

    def steps() -> Iterator[_Tile]:
        for received, offset in _ring_blocks(reference):
            if m == 0 or received.shape[0] == 0:
                continue
            block = _prepare(received, centre)
            step = rows_per_tile(received.shape[0], received.element_size() + 1, budget)
            for start in range(0, m, step):
                tile = slice(start, start + step)
                yield tile, local.part(tile), row_ids[tile], block, offset

    return local, row_ids, steps()


# ----------------------------------------------------------------------------------------
# k nearest neighbours
# ----------------------------------------------------------------------------------------
def _first_by_distance_index(dist: torch.Tensor, index: torch.Tensor, k: int
                              ) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``k`` entries of each row in the order (distance, index)."""
    order = torch.argsort(index, dim=1, stable=True)
    dist, index = dist.gather(1, order), index.gather(1, order)
    order = torch.argsort(dist, dim=1, stable=True)[:, :k]
    return dist.gather(1, order), index.gather(1, order)


def _merge(best_d: torch.Tensor, best_i: torch.Tensor, cand_d: torch.Tensor,
           cand_i: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` best of both sets per row, ordered by (distance, global index)."""
    return _first_by_distance_index(torch.cat((best_d, cand_d), 1),
                                    torch.cat((best_i, cand_i), 1), best_d.shape[1])


def _exact_choice(rows: torch.Tensor, block: torch.Tensor, values: torch.Tensor,
                  value_columns: torch.Tensor | None, limit: torch.Tensor, kk: int,
                  metric: str, p: float, budget: int) -> torch.Tensor:
    """Block columns of the ``kk`` nearest by (exact distance, column) of each row.

    Only columns whose fast value is at most ``limit`` (the k-th value plus twice its
    rounding error) can be among them: those are taken (the ``width`` smallest fast
    values of every row, ``width`` the largest such count) and ordered exactly.
    ``value_columns`` maps the columns of ``values`` to block columns (None: the same).
    """
    width = int((values <= limit.unsqueeze(1)).sum(1).max())
    fast, positions = torch.topk(values, width, dim=1, largest=False)
    columns = _block_columns(positions, value_columns)
    chunk = rows_per_tile(width * block.shape[1], block.element_size(), budget)
    exact = torch.cat([paired_distances(r, block[c], metric, p)
                       for r, c in zip(rows.split(chunk), columns.split(chunk), strict=True)])
    # a row with fewer than ``width`` values within its limit also got columns beyond it
    # (maybe a masked self or padding): they cannot be among its kk nearest
    exact.masked_fill_(fast > limit.unsqueeze(1), float("inf"))
    return _first_by_distance_index(exact, columns, kk)[1]


def _block_columns(positions: torch.Tensor, value_columns: torch.Tensor | None
                   ) -> torch.Tensor:
    """Block columns of positions in a row of selection values (identity when the
    values are not compacted)."""
    return positions if value_columns is None else value_columns.gather(1, positions)


def _candidates(values: torch.Tensor, kk: int,
                margin: Callable[[torch.Tensor], torch.Tensor]
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The selection values of a tile that can matter for the ``kk`` nearest, compacted.

    The ``q = n // G`` first columns' strided groups ``{j, j + q, ..., j + (G - 1) q}``
    (``G`` = :data:`_GROUP`) get their minima (one vectorised reduction). The k-th
    smallest group minimum bounds each row's k-th value from above (the k smallest
    minima are k distinct values); with its rounding ``margin`` added, it bounds every
    value that the selection and its certification look at. Every value at or below it
    lies in a group whose minimum is at or below it, or in the ``n - q G`` tail columns:
    only those are kept, (m x w) values padded with +inf and their block columns. A
    narrow tile, or one that the bound prunes too little (many equal values), is
    returned whole, with None for the columns. Costs one pass over the tile instead of
    a top-k selection over it.
    """
    m, n = values.shape
    q = n // _GROUP
    if q < _PRUNE_RATIO * (kk + 1):
        return values, None
    body = values.as_strided((m, _GROUP, q), (values.stride(0), q * values.stride(1),
                                              values.stride(1)))
    minima = body.amin(1)
    kth = torch.topk(minima, kk, dim=1, largest=False).values[:, -1]
    rows, groups = (minima <= (kth + margin(kth)).unsqueeze(1)).nonzero(as_tuple=True)
    if rows.numel() * _GROUP * _PRUNE_RATIO > m * n:
        return values, None
    counts = torch.bincount(rows, minlength=m)
    slot = torch.arange(rows.numel(), device=rows.device) - (counts.cumsum(0) - counts)[rows]
    members = torch.arange(_GROUP, device=rows.device)
    columns = groups.unsqueeze(1) + q * members  # (chosen groups, G)
    slots = slot.unsqueeze(1) * _GROUP + members
    tail = torch.arange(q * _GROUP, n, device=rows.device)
    width = int(counts.max()) * _GROUP
    kept = torch.full((m, width + tail.numel()), float("inf"), dtype=values.dtype,
                      device=values.device)
    kept_columns = torch.zeros(kept.shape, dtype=torch.int64, device=values.device)
    kept[rows.unsqueeze(1), slots] = values[rows.unsqueeze(1), columns]
    kept_columns[rows.unsqueeze(1), slots] = columns
    kept[:, width:] = values[:, tail]
    kept_columns[:, width:] = tail
    return kept, kept_columns


def _selection_values(queries: _Rows, block: _Rows, metric: str, p: float
                      ) -> torch.Tensor:
    """Values ordering each query row's block columns like the distances.

    Euclidean metrics: ``|b|^2 - 2 a.b`` of the centred rows, the squared distance less
    the row's own ``|a|^2`` (one fused matrix product, no clamp or square root: the
    order within a row and the differences are those of the squared distances).
    Others: the distances of :func:`~ember.spatial._kernels.pairwise_tile`.
    """
    if block.sq is not None:
        return torch.addmm(block.sq, queries.select, block.select.T, alpha=-2)
    return pairwise_tile(queries.select, block.select, metric, p)


def _select_tile(queries: _Rows, row_ids: torch.Tensor, block: _Rows, offset: int, k: int,
                 metric: str, p: float, exclude_self: bool, budget: int) -> torch.Tensor:
    """Block columns of the ``min(k, block rows)`` nearest block rows of each query row,
    certified exact: by (exact distance, index) wherever the fast values are unsure.
    Wide tiles are first pruned to the values that can matter (:func:`_candidates`)."""
    n, d = block.exact.shape
    kk = min(k, n)
    values = _selection_values(queries, block, metric, p)
    if exclude_self:
        _mask_self(values, row_ids, offset)
    if kk == n:
        return torch.topk(values, kk, dim=1, largest=False).indices
    block_sq_max = None if block.sq is None else block.sq.max()

    def margin(value: torch.Tensor) -> torch.Tensor:
        return _tolerance(_selection_metric(metric), value, queries.sq, block_sq_max, d)

    values, value_columns = _candidates(values, kk, margin)
    smallest, positions = torch.topk(values, kk + 1, dim=1, largest=False)
    columns = _block_columns(positions[:, :kk], value_columns)
    kth = smallest[:, kk - 1]
    limit = kth + margin(kth)
    # unsure: the best value left out is within rounding of the k-th (a tie, maybe)
    unsure = (smallest[:, kk] <= limit).nonzero().squeeze(1)
    if unsure.numel():
        columns[unsure] = _exact_choice(
            queries.exact[unsure], block.exact, values[unsure],
            None if value_columns is None else value_columns[unsure], limit[unsure], kk,
            metric, p, budget)
    return columns


def kneighbors_ring(queries: DNDarray, reference: DNDarray, n_neighbors: int, *,
                    metric: str = "euclidean", p: float = 2.0, exclude_self: bool = False,
                    memory_budget: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """This rank's rows of the k-nearest-neighbour search of ``queries`` in ``reference``.

    Parameters
    ----------
    queries : DNDarray
        2-D, split along axis 0 (any counts, zeros allowed) or replicated (then every
        rank searches all query rows).
    reference : DNDarray
        2-D, split along axis 0 (any counts) or replicated; the same dtype (float32 or
        float64) and number of features as ``queries``.
    n_neighbors : int
        ``k``; the caller guarantees ``1 <= k <=`` the number of eligible reference rows
        (``reference.shape[0]``, minus one with ``exclude_self``).
    metric : str
        A canonical metric name (:func:`ember.spatial._kernels.canonical_metric`).
    p : float
        The Minkowski exponent (used by ``metric="minkowski"``).
    exclude_self : bool
        ``queries`` and ``reference`` are the same rows: a row is never its own
        neighbour (by index; its duplicates still are, at distance 0).
    memory_budget : int, optional
        Bytes for one distance tile; :data:`TILE_BUDGET` (64 MiB) by default.

    Returns
    -------
    (distances, indices) : tuple of torch.Tensor
        Shape (local query rows, ``k``). ``distances`` ascending, exact (by direct
        differences), in the input dtype; ``indices`` int64 global row numbers of
        ``reference``. Ties go to the smaller global index, so the result does not
        depend on the number of processes.

    Raises
    ------
    ValueError, TypeError
        Operands not 2-D, not split along axis 0 or replicated, of different dtypes or
        feature counts; ``n_neighbors`` out of range.

    Notes
    -----
    Communication: split reference: ``P - 1`` ring steps, each one Isend/Irecv pair
    moving one reference block (every rank sends and receives the whole reference once
    in all, ``n_ref * d * itemsize`` bytes), overlapped with the search of the
    previous block; for the Euclidean metrics also one Allreduce of ``d + 1`` numbers
    (the centre of the reference). Replicated reference or one process: none.

    Memory per rank: ``O(m_local * k)`` for the running best, one tile of at most
    ``memory_budget`` bytes (query rows x block rows), and two reference blocks.

    Examples
    --------
    >>> import ember as em
    >>> x = em.array([[0.0], [1.0], [3.0], [7.0]], split=0)
    >>> dist, ind = kneighbors_ring(x, x, 2)
    >>> DNDarray(ind, (4, 2), 0, x.comm, x.counts).numpy().tolist()
    [[0, 1], [1, 0], [2, 1], [3, 2]]
    >>> dist, ind = kneighbors_ring(x, x, 1, exclude_self=True)
    >>> DNDarray(dist, (4, 1), 0, x.comm, x.counts).numpy().ravel().tolist()
    [1.0, 1.0, 2.0, 4.0]
    """
    _check_operands(queries, reference, exclude_self)
    eligible = reference.shape[0] - int(exclude_self)
    if not 1 <= n_neighbors <= eligible:
        raise ValueError(f"n_neighbors must be in [1, {eligible}], got {n_neighbors}")
    budget = TILE_BUDGET if memory_budget is None else int(memory_budget)
    local, _, tiles = _search_tiles(queries, reference, metric, budget)
    m, k, n_ref = local.exact.shape[0], int(n_neighbors), reference.shape[0]
    device, dtype = local.exact.device, local.exact.dtype
    best_d = torch.full((m, k), float("inf"), dtype=dtype, device=device)
    best_i = torch.full((m, k), n_ref, dtype=torch.int64, device=device)
    for tile, rows, ids, block, offset in tiles:
        columns = _select_tile(rows, ids, block, offset, k, metric, p, exclude_self,
                               budget)
        cand_d = paired_distances(rows.exact, block.exact[columns], metric, p)
        cand_i = columns + offset
        if exclude_self:
            own = cand_i == ids.unsqueeze(1)
            cand_d = cand_d.masked_fill(own, float("inf"))
            cand_i = cand_i.masked_fill(own, n_ref)
        best_d[tile], best_i[tile] = _merge(best_d[tile], best_i[tile], cand_d, cand_i)
    return best_d, best_i


# ----------------------------------------------------------------------------------------
# neighbours within a radius
# ----------------------------------------------------------------------------------------
def _pair_distances(a: torch.Tensor, rows: torch.Tensor, b: torch.Tensor,
                    columns: torch.Tensor, metric: str, p: float, budget: int
                    ) -> torch.Tensor:
    """Exact distances of the pairs ``(a[rows[i]], b[columns[i]])``, gathered in chunks
    of at most ``budget`` bytes."""
    chunk = rows_per_tile(2 * b.shape[1], b.element_size(), budget)
    pieces = [paired_distances(a[r], b[c].unsqueeze(1), metric, p)[:, 0]
              for r, c in zip(rows.split(chunk), columns.split(chunk), strict=True)]
    return torch.cat(pieces) if pieces else b.new_empty(0)


def _radius_tile(queries: _Rows, row_ids: torch.Tensor, block: _Rows, offset: int,
                 radius: float, metric: str, p: float, exclude_self: bool, budget: int
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(tile row, global index, exact distance) of every pair within ``radius``."""
    select = _selection_metric(metric)
    values = pairwise_tile(queries.select, block.select, select, p, a_sqnorm=queries.sq,
                           b_sqnorm=block.sq)
    threshold = radius * radius if select != metric else radius
    limit = torch.full((values.shape[0],), threshold, dtype=values.dtype,
                       device=values.device)
    block_sq_max = None if block.sq is None else block.sq.max()
    limit += _tolerance(select, limit, queries.sq, block_sq_max, block.exact.shape[1])
    tile_rows, columns = (values <= limit.unsqueeze(1)).nonzero(as_tuple=True)
    dist = _pair_distances(queries.exact, tile_rows, block.exact, columns, metric, p, budget)
    keep = dist <= radius
    if exclude_self:
        keep &= (columns + offset) != row_ids[tile_rows]
    return tile_rows[keep], columns[keep] + offset, dist[keep]


def radius_ring(queries: DNDarray, reference: DNDarray, radius: float, *,
                metric: str = "euclidean", p: float = 2.0, exclude_self: bool = False,
                sort_results: bool = False, memory_budget: int | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """This rank's rows of the search for all reference rows within ``radius``.

    Parameters
    ----------
    queries, reference, metric, p, exclude_self, memory_budget
        As in :func:`kneighbors_ring`.
    radius : float
        Reference rows at an exact distance ``<= radius`` are neighbours.
    sort_results : bool
        Order each query's neighbours by (distance, global index) instead of by global
        index.

    Returns
    -------
    (lengths, indices, distances) : tuple of torch.Tensor
        Ragged result in compressed rows: ``lengths`` (int64, one per local query row)
        counts the neighbours of each query; ``indices`` (int64 global row numbers of
        ``reference``) and ``distances`` (exact, input dtype) hold them query after
        query, each query's by increasing global index (or distance).

    Notes
    -----
    Communication: as :func:`kneighbors_ring` (one ring pass of the reference blocks,
    or none for a replicated reference or one process).

    Memory per rank: one tile of at most ``memory_budget`` bytes, two reference blocks,
    and the neighbours found for the local queries.

    Examples
    --------
    >>> import ember as em
    >>> x = em.array([[0.0], [1.0], [3.0], [7.0]], split=0)
    >>> lengths, ind, dist = radius_ring(x, x, 2.0)
    >>> DNDarray(lengths, (4,), 0, x.comm, x.counts).numpy().tolist()
    [2, 3, 2, 1]
    """
    _check_operands(queries, reference, exclude_self)
    budget = TILE_BUDGET if memory_budget is None else int(memory_budget)
    local, row_ids, tiles = _search_tiles(queries, reference, metric, budget)
    m = local.exact.shape[0]
    found_rows, found_ind, found_dist = [], [], []
    for tile, tile_queries, ids, block, offset in tiles:
        tile_rows, index, dist = _radius_tile(tile_queries, ids, block, offset, radius,
                                              metric, p, exclude_self, budget)
        found_rows.append(tile_rows + tile.start)
        found_ind.append(index)
        found_dist.append(dist)
    rows = torch.cat(found_rows) if found_rows else row_ids.new_empty(0)
    index = torch.cat(found_ind) if found_ind else row_ids.new_empty(0)
    dist = torch.cat(found_dist) if found_dist else local.exact.new_empty(0)
    order = torch.argsort(index, stable=True)
    if sort_results:
        order = order[torch.argsort(dist[order], stable=True)]
    order = order[torch.argsort(rows[order], stable=True)]
    lengths = torch.bincount(rows, minlength=m)
    return lengths, index[order], dist[order]
