"""Scores of predictions against the truth (like ``sklearn.metrics``)."""

from ._scores import accuracy_score, r2_score

__all__ = ["accuracy_score", "r2_score"]
