"""Nearest neighbours on distributed samples: search, anomaly scores (LOF), and
k-nearest-neighbour classification and regression (like ``sklearn.neighbors``)."""

from ._batched_lof import local_outlier_factor
from ._classification import KNeighborsClassifier
from ._lof import LocalOutlierFactor
from ._regression import KNeighborsRegressor
from ._unsupervised import NearestNeighbors

__all__ = ["NearestNeighbors", "LocalOutlierFactor", "local_outlier_factor",
           "KNeighborsClassifier", "KNeighborsRegressor"]
