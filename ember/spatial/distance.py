"""Distances between the rows of distributed arrays, like ``scipy.spatial.distance``.

:func:`cdist` (all pairs between two sets of points), :func:`pdist` (the condensed
distance vector of one set) and :func:`rbf` (the Gaussian kernel) on DNDarrays whose
rows are the points. Metrics: ``"euclidean"``, ``"sqeuclidean"``, ``"cityblock"``
(aliases ``"manhattan"``, ``"l1"``), ``"cosine"``, ``"chebyshev"`` and ``"minkowski"``
with ``p=`` (``"l2"`` is ``"euclidean"``).

How the work is shared: every rank computes the distances of its own rows (the rows of
``X`` it holds, or the rows of a split ``Y`` when ``X`` is replicated) to every point of
the other set, which it needs whole. That other set is gathered with one Allgatherv
rather than passed round a ring of Sendrecv: each rank's result block is already
``n_local x n_y``, so holding ``Y`` (``n_y x d``) costs no more than the result as long
as ``d <= n_local``, and one collective beats ``P - 1`` ring steps. The block is
computed in row tiles whose temporaries fit a fixed budget (``_TILE_BYTES``), so the
memory per rank is the result block, the gathered points and O(tile).

Euclidean distances use the matrix-product form ``|x|^2 - 2 x.y + |y|^2`` (one GEMM per
tile) clamped at 0. Its absolute error is about ``eps * (|x|^2 + |y|^2)``, large
relative to the squared distances of close points, so the entries where that
cancellation leaves fewer than half of the digits (squared distance below
``sqrt(eps) * (|x|^2 + |y|^2)``) are recomputed by direct differences: duplicate points
are exactly 0 apart and every squared distance keeps a relative error of at most about
``sqrt(eps)`` (in practice near ``eps``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import torch

from ..core import dtypes
from ..core.creation import as_dndarray
from ..core.distribution import offsets
from ..core.dndarray import DNDarray
from ._kernels import METRICS, canonical_metric, pairwise_tile, rows_per_tile, squared_norms

__all__ = ["cdist", "pdist", "rbf"]

#: Bytes of temporaries per row tile (the tile itself, the cancellation test, indices).
_TILE_BYTES = 1 << 25

#: scipy.spatial.distance metrics that ember does not compute (NotImplementedError).
_SCIPY_ONLY = frozenset({
    "braycurtis", "canberra", "correlation", "dice", "hamming", "jaccard",
    "jensenshannon", "kulczynski1", "mahalanobis", "rogerstanimoto", "russellrao",
    "seuclidean", "sokalmichener", "sokalsneath", "yule"})

_EUCLIDEAN = ("euclidean", "sqeuclidean")

Transform = Callable[[torch.Tensor], torch.Tensor]


# --------------------------------------------------------------------------------------
# argument checks (replicated metadata only: every rank raises alike, before any message)
# --------------------------------------------------------------------------------------
def _check_metric(metric: Any, p: float | None, function: str) -> tuple[str, float]:
    """The canonical ``(metric, p)``; scipy's errors for unknown names."""
    if callable(metric):
        raise NotImplementedError(f"{function}: callable metrics are not supported")
    if isinstance(metric, str) and metric in _SCIPY_ONLY:
        raise NotImplementedError(f"{function}: metric {metric!r} is not supported; use one "
                                  f"of {', '.join(METRICS)}")
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"Unknown Distance Metric: {metric}")
    if p is not None and (not isinstance(p, numbers.Real) or isinstance(p, bool)):
        raise TypeError(f"{function}: p must be a real number, got {type(p).__name__}")
    return canonical_metric(metric, p)


def _points(a: Any, like: DNDarray | None, message: str, function: str) -> DNDarray:
    """``a`` as a 2-D real DNDarray (ValueError with ``message``, formatted with the
    ``shape``, if not 2-D)."""
    x = as_dndarray(a, like=like)
    if x.ndim != 2:
        raise ValueError(message.format(shape=x.shape))
    if x.dtype.kind == "c":
        raise ValueError(f"{function}: unsupported dtype {x.dtype.name}; complex data is "
                         "not supported")
    return x


def _operands(X: Any, Y: Any, function: str) -> tuple[DNDarray, DNDarray | None]:
    """``X`` and ``Y`` (None stays None) as 2-D DNDarrays with the same number of columns."""
    x = _points(X, None, "XA must be a 2-dimensional array.", function)
    if Y is None:
        return x, None
    y = _points(Y, x, "XB must be a 2-dimensional array.", function)
    if x.shape[1] != y.shape[1]:
        raise ValueError("XA and XB must have the same number of columns (i.e. feature "
                         f"dimension.); got XA of shape {x.shape} and XB of shape {y.shape}")
    return x, y


def _float_dtype(*arrays: DNDarray) -> torch.dtype:
    """float32 if every operand is float32, else float64 (scipy's dtype for the rest)."""
    kept = {x.dtype.torch if x.dtype in (dtypes.float32, dtypes.float64) else torch.float64
            for x in arrays}
    return kept.pop() if len(kept) == 1 else torch.float64


# --------------------------------------------------------------------------------------
# local kernels: one row tile against all columns (no communication)
# --------------------------------------------------------------------------------------
def _tile_rows(columns: int, dtype: torch.dtype) -> int:
    """Rows per tile so that the tile's temporaries fit ``_TILE_BYTES``."""
    itemsize = torch.empty((), dtype=dtype).element_size()
    # worst case per entry (every entry a cancellation candidate): the tile, the
    # candidate's value and limit (3 items), two masks (2 bytes), two int64 indices (16)
    return rows_per_tile(columns, 3 * itemsize + 18, _TILE_BYTES)


def _recompute(squared: torch.Tensor, a: torch.Tensor, b: torch.Tensor,
               i: torch.Tensor, j: torch.Tensor) -> None:
    """``squared[i, j] = |a[i] - b[j]|^2`` by direct differences, in bounded chunks."""
    per_chunk = max(1, _TILE_BYTES // (2 * a.element_size() * max(1, a.shape[1])))
    for start in range(0, i.numel(), per_chunk):  # local: no collective inside
        rows, cols = i[start:start + per_chunk], j[start:start + per_chunk]
        difference = a[rows] - b[cols]
        squared[rows, cols] = torch.linalg.vecdot(difference, difference)


def _squared_euclidean(a: torch.Tensor, b: torch.Tensor, b_sq: torch.Tensor) -> torch.Tensor:
    """Squared distances by the GEMM form; entries lost to cancellation recomputed."""
    a_sq = squared_norms(a)
    squared = pairwise_tile(a, b, "sqeuclidean", a_sqnorm=a_sq, b_sqnorm=b_sq)
    if squared.numel() == 0:
        return squared
    tolerance = math.sqrt(torch.finfo(a.dtype).eps)
    # candidates by one scalar bound (NaN norms: every entry), then the exact test
    bound = torch.nan_to_num(tolerance * (a_sq.max() + b_sq.max()), nan=math.inf)
    i, j = torch.nonzero(squared <= bound, as_tuple=True)
    lost = squared[i, j] <= tolerance * (a_sq[i] + b_sq[j])
    _recompute(squared, a, b, i[lost], j[lost])
    return squared


def _distance_tile(a: torch.Tensor, b: torch.Tensor, metric: str, p: float,
                   b_sq: torch.Tensor | None) -> torch.Tensor:
    """Distances between the rows of ``a`` and ``b`` as scipy computes them."""
    if metric in _EUCLIDEAN:
        squared = _squared_euclidean(a, b, b_sq)
        return squared.sqrt_() if metric == "euclidean" else squared
    tile = pairwise_tile(a, b, metric, p)
    if metric == "cosine":  # scipy: 0/0 for an all-zero point
        zero = (squared_norms(a) == 0).unsqueeze(-1) | (b_sq == 0).unsqueeze(-2)
        tile.masked_fill_(zero, math.nan)
    return tile


def _column_norms(columns: torch.Tensor, metric: str) -> torch.Tensor | None:
    """The columns' squared norms, computed once for every tile, where the metric uses them."""
    return squared_norms(columns) if metric in (*_EUCLIDEAN, "cosine") else None


def _block(rows: torch.Tensor, columns: torch.Tensor, metric: str, p: float,
           diagonal: int | None, transform: Transform | None) -> torch.Tensor:
    """All distances ``rows x columns``, tile by tile.

    ``diagonal``: when not None, entry ``(i, diagonal + i)`` is set to exactly 0 (the
    distance of a point to itself). ``transform`` is applied to each finished tile.
    """
    m, n = rows.shape[0], columns.shape[0]
    out = torch.empty((m, n), dtype=rows.dtype, device=rows.device)
    b_sq = _column_norms(columns, metric)
    step = _tile_rows(n, rows.dtype)
    for start in range(0, m, step):  # local: no collective inside
        stop = min(m, start + step)
        tile = _distance_tile(rows[start:stop], columns, metric, p, b_sq)
        if diagonal is not None:
            k = torch.arange(stop - start, device=rows.device)
            tile[k, diagonal + start + k] = 0
        out[start:stop] = tile if transform is None else transform(tile)
    return out


def _condensed_length(first_row: int, rows: int, n: int) -> int:
    """Pairs ``(i, j > i)`` of the rows ``first_row .. first_row + rows - 1`` of n points."""
    return rows * (2 * n - 2 * first_row - rows - 1) // 2


def _condensed(rows: torch.Tensor, points: torch.Tensor, first_row: int, metric: str,
               p: float) -> torch.Tensor:
    """The distances of pairs ``(i, j > i)`` for the given rows (global indices from
    ``first_row``) in scipy's order: row by row, ``j`` ascending."""
    m, n = rows.shape[0], points.shape[0]
    out = torch.empty(_condensed_length(first_row, m, n), dtype=rows.dtype,
                      device=rows.device)
    b_sq = _column_norms(points, metric)
    step = _tile_rows(n, rows.dtype)
    filled = 0
    for start in range(0, m, step):  # local: no collective inside
        stop = min(m, start + step)
        right = first_row + start + 1  # the columns j > i start here
        tile = _distance_tile(rows[start:stop], points[right:], metric, p,
                              None if b_sq is None else b_sq[right:])
        upper = torch.ones(tile.shape, dtype=torch.bool, device=tile.device).triu_()
        size = _condensed_length(first_row + start, stop - start, n)
        torch.masked_select(tile, upper, out=out[filled:filled + size])
        filled += size
    return out


# --------------------------------------------------------------------------------------
# distribution
# --------------------------------------------------------------------------------------
def _gathered(x: DNDarray, dtype: torch.dtype) -> torch.Tensor:
    """The whole of ``x`` on this rank (one Allgatherv if ``x`` is split)."""
    local = x.larray.to(dtype)
    if x.split is None:
        return local
    return x.comm.Allgatherv(local, axis=x.split, counts=x.counts)


def _pairwise(x: DNDarray, y: DNDarray | None, metric: str, p: float,
              transform: Transform | None = None) -> DNDarray:
    """The distributed ``n_x x n_y`` matrix of distances (the engine of cdist and rbf)."""
    comm = x.comm
    dtype = _float_dtype(x) if y is None else _float_dtype(x, y)
    shape = (x.shape[0], (x if y is None else y).shape[0])
    if x.split is not None:
        if x.split != 0:
            x = x.resplit(0)
        rows = x.larray.to(dtype)
        columns = _gathered(x if y is None else y, dtype)
        diagonal = offsets(x.counts)[comm.rank] if y is None else None
        local = _block(rows, columns, metric, p, diagonal, transform)
        return DNDarray(local, shape, 0, comm, x.counts)
    if y is not None and y.split is not None:
        if y.split != 0:
            y = y.resplit(0)
        local = _block(x.larray.to(dtype), y.larray.to(dtype), metric, p, None, transform)
        return DNDarray(local, shape, 1, comm, y.counts)
    rows = x.larray.to(dtype)
    columns = rows if y is None else y.larray.to(dtype)
    local = _block(rows, columns, metric, p, 0 if y is None else None, transform)
    return DNDarray(local, shape, None, comm)


# --------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------
def cdist(X: Any, Y: Any = None, metric: str = "euclidean", *, p: float = 2.0) -> DNDarray:
    """Distances between each pair of rows of ``X`` and ``Y`` (``scipy.spatial.distance.cdist``).

    Parameters
    ----------
    X : DNDarray or array_like
        ``n_x x d`` points, any split.
    Y : DNDarray or array_like, optional
        ``n_y x d`` points, any split. None: ``Y = X``, and then the distance of each
        point to itself is exactly 0 (the diagonal is set by global index).
    metric : str
        ``"euclidean"``, ``"sqeuclidean"``, ``"cityblock"`` (``"manhattan"``, ``"l1"``),
        ``"cosine"``, ``"chebyshev"``, ``"minkowski"`` or ``"l2"``.
    p : float
        The Minkowski order (used by ``"minkowski"`` only), > 0; 1, 2 and infinity give
        the cityblock, euclidean and chebyshev distances.

    Returns
    -------
    DNDarray
        ``n_x x n_y``. Split along 0 with ``X``'s counts when ``X`` is split (an ``X``
        split along 1 is first resplit along 0, balanced); split along 1 with ``Y``'s
        counts (balanced if ``Y`` was split along 1) when ``X`` is replicated and ``Y``
        split; replicated when both are. dtype float32 if the inputs are float32, else
        float64 (integers and booleans become float64, as in scipy).

    Raises
    ------
    ValueError
        ``X`` or ``Y`` not 2-D, different numbers of columns, complex input, an unknown
        metric, or ``p <= 0`` for Minkowski.
    NotImplementedError
        A callable metric or a scipy metric not listed above.

    Notes
    -----
    Communication: one Allgatherv of ``Y`` (``n_y x d``) when ``X`` and ``Y`` are both
    split (of ``X`` itself when ``Y`` is None and ``X`` is split), none when at most one
    of them is split; plus one Alltoallv to resplit an operand split along 1. ``Y`` is
    gathered rather than passed round a ring of Sendrecv because each rank's result block
    is already ``n_local x n_y``: the gathered ``Y`` is no larger while ``d <= n_local``.

    Memory per rank: the result block (``n_local x n_y``), the gathered ``Y`` and tile
    temporaries bounded by a fixed budget (32 MiB; cosine adds a normalised copy of
    ``Y``'s rows per tile).

    Euclidean distances use the matrix-product form (absolute round-off about
    ``eps * (|x|^2 + |y|^2)``); entries where that cancellation leaves fewer than half of
    the digits are recomputed by direct differences, so duplicate points are exactly 0
    apart and results match scipy's to about ``eps`` relative. Cosine distances involving
    an all-zero point are NaN, as in scipy (except on the diagonal when ``Y`` is None,
    which is 0). Minkowski with ``p <= 0`` raises (scipy returns infinities).

    Examples
    --------
    >>> import ember as em
    >>> em.spatial.cdist(em.array([[0., 0.], [3., 4.]], split=0)).tolist()
    [[0.0, 5.0], [5.0, 0.0]]
    >>> em.spatial.cdist([[0, 0], [1, 1]], [[1, 0]], "cityblock").tolist()
    [[1.0], [1.0]]
    """
    x, y = _operands(X, Y, "cdist")
    metric, p = _check_metric(metric, p, "cdist")
    return _pairwise(x, y, metric, p)


def pdist(X: Any, metric: str = "euclidean", *, p: float = 2.0) -> DNDarray:
    """Pairwise distances between the rows of ``X`` as scipy's condensed vector
    (``scipy.spatial.distance.pdist``).

    Parameters
    ----------
    X : DNDarray or array_like
        ``n x d`` points, any split.
    metric, p
        As in :func:`cdist`.

    Returns
    -------
    DNDarray
        1-D, length ``n (n - 1) / 2``: the distances of the pairs ``(i, j)`` with
        ``i < j``, row by row (scipy's order). Split along 0 when ``X`` is split: each
        rank holds the pairs of its own rows ``i`` (after resplitting an ``X`` split along
        1 to 0), so the counts are ``c (2 n - 2 o - c - 1) / 2`` for a rank holding ``c``
        rows from global row ``o``: known arithmetically, uneven by nature (the first
        rows have the most pairs), not rebalanced. Replicated when ``X`` is. dtype as in
        :func:`cdist`.

    Raises
    ------
    ValueError
        ``X`` not 2-D, complex input, an unknown metric, or ``p <= 0`` for Minkowski.
    NotImplementedError
        A callable metric or a scipy metric not supported by :func:`cdist`.

    Notes
    -----
    Communication: one Allgatherv of ``X`` (``n x d``) when ``X`` is split (the partners
    ``j > i`` of a row may live on any rank), plus one Alltoallv when it is split along
    1; none when replicated.

    Memory per rank: the gathered ``X``, this rank's part of the condensed vector and
    tile temporaries bounded by a fixed budget (32 MiB). Euclidean round-off as in
    :func:`cdist` (duplicate points are exactly 0 apart).

    Examples
    --------
    >>> import ember as em
    >>> em.spatial.pdist(em.array([[0., 0.], [3., 4.], [6., 8.]], split=0)).tolist()
    [5.0, 10.0, 5.0]
    """
    x = _points(X, None, "A 2-dimensional array must be passed. (Shape was {shape}).",
                "pdist")
    metric, p = _check_metric(metric, p, "pdist")
    dtype = _float_dtype(x)
    n = x.shape[0]
    if x.split is None:
        points = x.larray.to(dtype)
        return DNDarray(_condensed(points, points, 0, metric, p), (n * (n - 1) // 2,), None,
                        x.comm)
    if x.split != 0:
        x = x.resplit(0)
    starts = offsets(x.counts)
    counts = tuple(_condensed_length(o, c, n) for o, c in zip(starts, x.counts, strict=True))
    local = _condensed(x.larray.to(dtype), _gathered(x, dtype), starts[x.comm.rank],
                       metric, p)
    return DNDarray(local, (sum(counts),), 0, x.comm, counts)


def rbf(X: Any, Y: Any = None, sigma: float = 1.0) -> DNDarray:
    """The Gaussian (RBF) kernel ``exp(-|x - y|^2 / (2 sigma^2))`` between each pair of
    rows of ``X`` and ``Y`` (``sklearn.metrics.pairwise.rbf_kernel`` with
    ``gamma = 1 / (2 sigma^2)``).

    Parameters
    ----------
    X : DNDarray or array_like
        ``n_x x d`` points, any split.
    Y : DNDarray or array_like, optional
        ``n_y x d`` points, any split; None: ``Y = X`` (then the diagonal is exactly 1).
    sigma : float
        The kernel width, > 0.

    Returns
    -------
    DNDarray
        ``n_x x n_y``, distributed and typed as the result of :func:`cdist`.

    Raises
    ------
    ValueError
        ``sigma <= 0``, or bad ``X``/``Y`` as in :func:`cdist`.
    TypeError
        ``sigma`` not a real number.

    Notes
    -----
    Communication: as :func:`cdist` (one Allgatherv of ``Y`` when both are split).
    Memory per rank: as :func:`cdist`.

    Examples
    --------
    >>> import ember as em
    >>> k = em.spatial.rbf(em.array([[0., 0.], [0., 2.]], split=0), sigma=2.0)
    >>> [[round(v, 4) for v in row] for row in k.tolist()]
    [[1.0, 0.6065], [0.6065, 1.0]]
    """
    if not isinstance(sigma, numbers.Real) or isinstance(sigma, bool):
        raise TypeError(f"rbf: sigma must be a real number, got {type(sigma).__name__}")
    if not sigma > 0:
        raise ValueError(f"rbf: sigma must be greater than 0, got {sigma}")
    x, y = _operands(X, Y, "rbf")
    scale = -1.0 / (2.0 * float(sigma) ** 2)
    return _pairwise(x, y, "sqeuclidean", 2.0, lambda tile: tile.mul_(scale).exp_())
