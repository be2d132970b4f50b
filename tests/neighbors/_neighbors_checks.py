"""Oracles and distributions shared by the tests of ember.neighbors."""

import numpy as np
from scipy.spatial.distance import cdist


def scipy_metric(metric, p):
    """SciPy's ``cdist`` name and keyword arguments of a metric (SciPy's names)."""
    return ("minkowski", {"p": p}) if metric == "minkowski" else (metric, {})


def oracle(q, r, k, metric, p=None, exclude_self=False):
    """Exact distances; neighbours by a stable argsort (ties: the smaller index first)."""
    name, kwargs = scipy_metric(metric, p)
    dist = cdist(q, r, name, **kwargs)
    if exclude_self:
        np.fill_diagonal(dist, np.inf)
    ind = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(dist, ind, 1), ind


def first_rank_empty(n, size):
    """Counts with an empty first rank when there are several ranks (the others share
    ``n`` evenly, the second taking the remainder)."""
    if size == 1:
        return [n]
    rest = [n // (size - 1)] * (size - 1)
    rest[0] += n - sum(rest)
    return [0, *rest]
