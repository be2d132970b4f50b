"""Helpers shared by the estimators: input checks and hyper-parameter validation."""

from ._param_validation import Interval, InvalidParameterError, Options, StrOptions
from .metaestimators import available_if
from .validation import (
    NotFittedError,
    as_array,
    as_floating,
    as_samples,
    as_targets,
    check_finite,
    check_is_fitted,
    check_n_features,
    like_input,
    seed_from,
)

__all__ = ["InvalidParameterError", "Interval", "Options", "StrOptions", "NotFittedError",
           "as_samples", "as_targets", "check_is_fitted", "check_n_features", "like_input",
           "seed_from", "as_array", "as_floating", "check_finite", "available_if"]
