"""The estimator base class and mixins (scikit-learn's conventions).

Hyper-parameters are set in ``__init__`` only, stored under their own names and
validated from the class's declarative ``_parameter_constraints`` table when ``fit``
starts (:func:`ember.utils._param_validation.validate_parameters`). Learned state lives
in attributes ending in ``_``.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "ClusterMixin",
           "OutlierMixin", "TransformerMixin"]


class BaseEstimator:
    """Base of every ember estimator: ``get_params``, ``set_params`` and a readable repr.

    Examples
    --------
    >>> class Demo(BaseEstimator):
    ...     def __init__(self, k=3, metric="euclidean"):
    ...         self.k = k
    ...         self.metric = metric
    >>> Demo(k=5)
    Demo(k=5)
    >>> Demo().set_params(metric="cosine").get_params()
    {'k': 3, 'metric': 'cosine'}
    """

    _parameter_constraints: dict[str, list] = {}

    @classmethod
    def _parameter_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(name for name, parameter in signature.parameters.items()
                      if name != "self" and parameter.kind != parameter.VAR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyper-parameters by name (with ``deep``, those of nested estimators as
        ``name__parameter`` too)."""
        params = {}
        for name in self._parameter_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update({f"{name}__{k}": v for k, v in value.get_params().items()})
            params[name] = value
        return params

    def set_params(self, **params: Any) -> BaseEstimator:
        """Set hyper-parameters by name; returns ``self``.

        Raises
        ------
        ValueError
            An unknown parameter name.
        """
        valid = self._parameter_names()
        for key, value in params.items():
            name, _, nested = key.partition("__")
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}. "
                                 f"Valid parameters are: {valid!r}.")
            if nested:
                getattr(self, name).set_params(**{nested: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {name: parameter.default for name, parameter
                    in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{name}={getattr(self, name)!r}" for name in self._parameter_names()
                   if not _same(getattr(self, name), defaults.get(name))]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(value is default or (type(value) is type(default) and value == default))
    except (TypeError, ValueError):  # arrays compare elementwise
        return False


class ClassifierMixin:
    """``score``: the mean accuracy of ``predict(X)`` against ``y``."""

    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on ``X`` against the true labels ``y`` (``accuracy_score``)."""
        from .metrics import accuracy_score
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)


class RegressorMixin:
    """``score``: the coefficient of determination R^2 of ``predict(X)`` against ``y``."""

    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None) -> float:
        """R^2 of the prediction on ``X`` against ``y`` (``r2_score``)."""
        from .metrics import r2_score
        return r2_score(y, self.predict(X), sample_weight=sample_weight)


class ClusterMixin:
    """``fit_predict``: fit, then return ``labels_``."""

    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, **kwargs):
        """Fit on ``X`` and return the cluster label of each sample."""
        self.fit(X, **kwargs)
        return self.labels_


class OutlierMixin:
    """``fit_predict``: fit, then return +1 for inliers and -1 for outliers."""

    _estimator_type = "outlier_detector"

    def fit_predict(self, X, y=None, **kwargs):
        """Fit on ``X`` and return +1 (inlier) or -1 (outlier) for each sample."""
        return self.fit(X, **kwargs).predict(X)


class TransformerMixin:
    """``fit_transform``: fit, then ``transform`` the same data."""

    def fit_transform(self, X, y=None, **kwargs):
        """Fit on ``X`` and return it transformed."""
        return self.fit(X, y, **kwargs).transform(X)
