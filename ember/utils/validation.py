"""Input checks shared by every estimator: samples, targets, fitted state, seeds.

Estimators take DNDarrays split along samples (axis 0), replicated DNDarrays, NumPy
arrays and nested sequences. :func:`as_samples` turns any of them into a 2-D floating
DNDarray split along axis 0 and remembers whether the input was replicated, so that
:func:`like_input` can hand results back the way the data came in: per-sample results
of split data stay split; those of replicated or NumPy data are replicated.

Every check raises scikit-learn's error type and message, on every rank.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, get_comm
from ..core import dtypes
from ..core.creation import array
from ..core.dndarray import DNDarray

__all__ = ["NotFittedError", "as_array", "as_floating", "check_finite", "as_samples",
           "as_targets", "like_input", "check_is_fitted", "check_n_features", "seed_from"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (a ValueError and an AttributeError, as in
    scikit-learn)."""


def as_array(a: Any, comm: Communicator | None = None) -> DNDarray:
    """``a`` itself if a DNDarray, else ``a`` as a replicated DNDarray; Python floats
    become float64 as in scikit-learn (ember's array functions default to float32).
    Communication: none."""
    if isinstance(a, DNDarray):
        return a
    if comm is None:
        comm = get_comm()
    if not isinstance(a, torch.Tensor):
        a = np.asarray(a)  # Python floats are float64 here, as in scikit-learn
    if isinstance(a, np.ndarray) and a.dtype.kind in "OUS":
        raise TypeError(f"arrays of dtype {a.dtype} are not supported; ember arrays "
                        "hold numbers and booleans")
    return array(a, copy=None, comm=comm)


def as_floating(x: DNDarray) -> DNDarray:
    """float32 and float64 as they are; other real types as float64 (scikit-learn)."""
    if x.dtype in (dtypes.float32, dtypes.float64):
        return x
    if x.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    return x.astype(dtypes.float64)


def check_finite(x: DNDarray, input_name: str = "X") -> None:
    """Raise scikit-learn's ValueError on every rank if any block holds NaN or
    infinity. Communication: one 2-byte Allreduce for a split array, else none.

    A finite sum of the block proves it finite (NaN and infinity propagate), so the
    elementwise tests run only when the sum is not (non-finite data, or an overflow).
    """
    local = x.larray
    flags = torch.tensor([False, False])
    if not (local.is_floating_point() and bool(torch.isfinite(local.sum()))):
        flags = torch.tensor([bool(torch.isnan(local).any()),
                              bool(torch.isinf(local).any())])
    if x.split is not None:
        flags = x.comm.Allreduce(flags, op="lor")
    if flags[0]:
        raise ValueError(f"Input {input_name} contains NaN.")
    if flags[1]:
        raise ValueError(f"Input {input_name} contains infinity or a value too large for "
                         f"dtype('{x.dtype.name}').")


def as_samples(X: Any, estimator: Any, *, input_name: str = "X", allow_nan: bool = False,
               min_samples: int = 1, comm: Communicator | None = None
               ) -> tuple[DNDarray, bool]:
    """``X`` as a 2-D float32/float64 DNDarray split along samples, and whether it came
    replicated (``split=None``, NumPy or a sequence).

    Parameters
    ----------
    X : array_like or DNDarray
        The samples, n_samples x n_features.
    estimator : object or str
        Named in the error messages.
    input_name : str
        The argument's name in the error messages.
    allow_nan : bool
        If false, NaN or infinity anywhere raises ValueError.
    min_samples : int
        The fewest samples accepted.

    Raises
    ------
    ValueError
        Not 2-D, too few samples, no features, complex, or non-finite values.

    Notes
    -----
    Communication: none for split-0 or replicated input (a replicated array is cut
    locally), one Alltoallv for input split along features; one 2-byte Allreduce for
    the finiteness check.

    Examples
    --------
    >>> X, replicated = as_samples([[0, 1], [2, 3]], "demo")
    >>> X.shape, X.split, X.dtype, replicated
    ((2, 2), 0, ember.float64, True)
    """
    name = estimator if isinstance(estimator, str) else type(estimator).__name__
    x = as_array(X, comm)
    if x.ndim != 2:
        raise ValueError(f"Expected 2D array, got {x.ndim}D array instead. Reshape your "
                         "data either using array.reshape(-1, 1) if your data has a single "
                         "feature or array.reshape(1, -1) if it contains a single sample.")
    n_samples, n_features = x.shape
    if n_samples < min_samples:
        raise ValueError(f"Found array with {n_samples} sample(s) (shape={x.shape}) while "
                         f"a minimum of {min_samples} is required by {name}.")
    if n_features < 1:
        raise ValueError(f"Found array with 0 feature(s) (shape={x.shape}) while a "
                         f"minimum of 1 is required by {name}.")
    x = as_floating(x)
    replicated = x.split is None
    if x.split != 0:
        x = x.resplit(0)
    if not allow_nan:
        check_finite(x, input_name)
    return x, replicated


def as_targets(y: Any, X: DNDarray, estimator: Any, *, input_name: str = "y") -> DNDarray:
    """``y`` (n_samples or n_samples x n_outputs) split along samples exactly like ``X``.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D or 2-D, its length differs from ``X``'s, or it holds NaN or
        infinity.

    Notes
    -----
    Communication: none for replicated ``y``; one Alltoallv when ``y`` is split with
    other counts than ``X``; one 2-byte Allreduce for the finiteness check.
    """
    targets = as_array(y, X.comm)
    if targets.ndim not in (1, 2):
        raise ValueError(f"{input_name} must be 1-D or 2-D, got {targets.ndim}-D")
    if targets.shape[0] != X.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{X.shape[0]}, {targets.shape[0]}]")
    if targets.split not in (None, 0):
        targets = targets.resplit(0)
    if targets.split is None:
        start = sum(X.counts[: X.comm.rank])
        block = targets.larray[start: start + X.counts[X.comm.rank]]
        targets = DNDarray(block, targets.shape, 0, X.comm, X.counts)
    elif targets.counts != X.counts:
        targets = targets.redistribute(X.counts)
    if targets.dtype.kind == "f":
        check_finite(targets, input_name)
    return targets


def like_input(result: DNDarray, replicated: bool) -> DNDarray:
    """Per-sample ``result`` as the caller gave the samples: replicated when they came
    replicated (one Allgatherv), else as it is.
    """
    if replicated and result.split is not None:
        return result.resplit(None)
    return result


def check_is_fitted(estimator: Any, attributes: str | list[str] | None = None) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has been fitted (it has
    ``attributes``, or any attribute ending in ``_``)."""
    if attributes is None:
        fitted = any(k.endswith("_") and not k.startswith("__") for k in vars(estimator))
    else:
        names = [attributes] if isinstance(attributes, str) else attributes
        fitted = all(hasattr(estimator, n) for n in names)
    if not fitted:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator.")


def check_n_features(estimator: Any, X: DNDarray, *, reset: bool) -> None:
    """Record ``n_features_in_`` (``reset=True``, in ``fit``) or check ``X`` against it.

    Raises
    ------
    ValueError
        "X has 3 features, but KMeans is expecting 4 features as input."
    """
    n_features = X.shape[1]
    if reset:
        estimator.n_features_in_ = n_features
        return
    expected = estimator.n_features_in_
    if n_features != expected:
        raise ValueError(f"X has {n_features} features, but {type(estimator).__name__} is "
                         f"expecting {expected} features as input.")


def seed_from(random_state: Any, comm: Communicator) -> int:
    """One integer seed, the same on every rank, from a ``random_state``.

    ``None`` draws fresh entropy on rank 0 and broadcasts it; an int is used as it is; a
    NumPy ``Generator`` or ``RandomState`` gives one draw (users seed them identically on
    every rank, SPMD).

    Notes
    -----
    Communication: one small Bcast when ``random_state`` is None, else none.

    Examples
    --------
    >>> seed_from(7, get_comm())
    7
    """
    if random_state is None:
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
        return int(comm.bcast_object(seed))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    raise ValueError(f"random_state must be None, an int or a NumPy Generator, got "
                     f"{type(random_state).__name__}")
