"""Distances between the rows of distributed arrays (like ``scipy.spatial.distance``)."""

from .distance import cdist, pdist, rbf

__all__ = ["cdist", "pdist", "rbf"]
