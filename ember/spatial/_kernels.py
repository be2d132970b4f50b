"""Local distance kernels on torch tensors: the shared engine of ember.spatial,
ember.neighbors and ember.cluster.

Nothing here communicates: every function works on this rank's tensors. The
distributed algorithms (cdist, the ring k-nearest-neighbour search, k-means) decide
which blocks meet; these kernels compute what two blocks of rows give.

Two forms of a distance are computed:

- :func:`pairwise_tile`: all pairs of rows of ``a`` (m x d) and ``b`` (n x d), fast.
  Euclidean distances use the matrix-product form ``|a|^2 - 2 a.b + |b|^2`` (one GEMM),
  clamped at 0 against negative round-off; its absolute error is about
  ``eps * (|a|^2 + |b|^2)``, so use it to *select* neighbours and
  :func:`paired_distances` to report them.
- :func:`paired_distances`: the distance of ``a[i]`` to each of its own candidates
  ``b[i, j]`` by direct differences, exact to rounding: a point's distance to itself or
  to a duplicate is exactly 0.
"""

from __future__ import annotations

import math

import torch

__all__ = ["METRICS", "canonical_metric", "pairwise_tile", "paired_distances",
           "squared_norms", "rows_per_tile"]

#: Metric names accepted everywhere a ``metric=`` parameter is, with their aliases.
METRICS = ("euclidean", "sqeuclidean", "cityblock", "manhattan", "l1", "l2", "cosine",
           "chebyshev", "minkowski")

_ALIASES = {"manhattan": "cityblock", "l1": "cityblock", "l2": "euclidean"}


def canonical_metric(metric: str, p: float | None = None) -> tuple[str, float]:
    """``(name, p)`` with aliases resolved; Minkowski with p 1, 2 or inf becomes
    cityblock, euclidean or chebyshev (the same distances, faster kernels).

    Raises
    ------
    ValueError
        An unknown metric, or Minkowski with ``p`` not positive.

    Examples
    --------
    >>> canonical_metric("manhattan")
    ('cityblock', 1.0)
    >>> canonical_metric("minkowski", 2)
    ('euclidean', 2.0)
    """
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    name = _ALIASES.get(metric, metric)
    if name != "minkowski":
        return name, {"cityblock": 1.0, "chebyshev": math.inf}.get(name, 2.0)
    p = 2.0 if p is None else float(p)
    if not p > 0:
        raise ValueError(f"p must be greater than 0 for the minkowski metric; got {p}")
    if p == 1:
        return "cityblock", 1.0
    if p == 2:
        return "euclidean", 2.0
    if math.isinf(p):
        return "chebyshev", math.inf
    return "minkowski", p


def squared_norms(a: torch.Tensor) -> torch.Tensor:
    """Row-wise squared Euclidean norms of a 2-D tensor (``(a * a).sum(1)``)."""
    return torch.linalg.vecdot(a, a, dim=-1)


def pairwise_tile(a: torch.Tensor, b: torch.Tensor, metric: str = "euclidean",
                  p: float | None = None, *, a_sqnorm: torch.Tensor | None = None,
                  b_sqnorm: torch.Tensor | None = None) -> torch.Tensor:
    """All distances between the rows of ``a`` (m x d) and of ``b`` (n x d): m x n.

    ``metric`` must be canonical (:func:`canonical_metric`). For the Euclidean metrics
    the precomputed squared norms of the rows may be passed, to compute them once per
    block rather than once per tile. Leading batch axes are allowed
    (``a``: (..., m, d), ``b``: (..., n, d)).

    Examples
    --------
    >>> a = torch.tensor([[0.0, 0.0], [3.0, 4.0]])
    >>> pairwise_tile(a, a)
    tensor([[0., 5.],
            [5., 0.]])
    """
    p = _order(metric, p)
    if metric in ("euclidean", "sqeuclidean"):
        a_sq = squared_norms(a) if a_sqnorm is None else a_sqnorm
        b_sq = squared_norms(b) if b_sqnorm is None else b_sqnorm
        tile = torch.matmul(a, b.transpose(-1, -2)).mul_(-2)
        tile.add_(a_sq.unsqueeze(-1)).add_(b_sq.unsqueeze(-2)).clamp_min_(0)
        return tile.sqrt_() if metric == "euclidean" else tile
    if metric == "cosine":
        a_unit = _unit_rows(a)
        b_unit = _unit_rows(b)
        return torch.matmul(a_unit, b_unit.transpose(-1, -2)).neg_().add_(1).clamp_(0, 2)
    if metric in ("cityblock", "chebyshev", "minkowski"):
        return torch.cdist(a, b, p=p)
    raise ValueError(f"pairwise_tile: metric {metric!r} is not canonical")


def _order(metric: str, p: float | None) -> float:
    """The Minkowski order of a canonical metric (``p`` itself for "minkowski")."""
    if p is not None:
        return p
    return {"cityblock": 1.0, "chebyshev": math.inf}.get(metric, 2.0)


def _unit_rows(a: torch.Tensor) -> torch.Tensor:
    """Rows scaled to unit length; zero rows stay zero (distance 1 to everything)."""
    norms = torch.linalg.vector_norm(a, dim=-1, keepdim=True)
    return a / torch.where(norms == 0, torch.ones_like(norms), norms)


def paired_distances(a: torch.Tensor, candidates: torch.Tensor, metric: str = "euclidean",
                     p: float | None = None) -> torch.Tensor:
    """Distance of each row ``a[i]`` (m x d) to each of its candidates
    ``candidates[i, j]`` (m x k x d): m x k, by direct differences (exact to rounding).

    Examples
    --------
    >>> a = torch.tensor([[1.0, 1.0]])
    >>> paired_distances(a, torch.tensor([[[1.0, 1.0], [4.0, 5.0]]]))
    tensor([[0., 5.]])
    """
    p = _order(metric, p)
    if metric == "cosine":
        a_unit = _unit_rows(a).unsqueeze(-2)
        return (1 - (a_unit * _unit_rows(candidates)).sum(-1)).clamp_(0, 2)
    diff = candidates - a.unsqueeze(-2)
    if metric == "sqeuclidean":
        return (diff * diff).sum(-1)
    if metric == "euclidean":
        return torch.linalg.vector_norm(diff, dim=-1)
    if metric in ("cityblock", "chebyshev", "minkowski"):
        return torch.linalg.vector_norm(diff, ord=p, dim=-1)
    raise ValueError(f"paired_distances: metric {metric!r} is not canonical")


def rows_per_tile(columns: int, itemsize: int, budget_bytes: int, *, minimum: int = 1) -> int:
    """How many rows of a tile with ``columns`` entries of ``itemsize`` bytes fit in
    ``budget_bytes`` (at least ``minimum``).

    Examples
    --------
    >>> rows_per_tile(1000, 4, 4_000_000)
    1000
    """
    per_row = max(1, columns * itemsize)
    return max(minimum, budget_bytes // per_row)
