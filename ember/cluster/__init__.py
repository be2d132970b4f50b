"""Clustering of distributed samples: the k-means family (like ``sklearn.cluster``)."""

from ._batch_parallel import BatchParallelKMeans, BatchParallelKMedians
from ._init import kmeans_plusplus
from ._kmeans import KMeans
from ._kmedians import KMedians
from ._kmedoids import KMedoids

__all__ = ["KMeans", "KMedians", "KMedoids", "BatchParallelKMeans", "BatchParallelKMedians",
           "kmeans_plusplus"]
