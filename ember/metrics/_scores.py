"""Scores of predictions against the truth: ``accuracy_score`` and ``r2_score``.

Both follow ``sklearn.metrics`` (names, keywords, results, error types and messages)
and take DNDarrays of any distribution, NumPy arrays and sequences. The arrays are
brought to one layout without moving ``y_true``: when ``y_true`` is split, ``y_pred``
and ``sample_weight`` are cut like it (sliced locally when replicated, one Alltoallv
when split otherwise); when only ``y_pred`` is split, ``y_true`` is cut like it; when
nothing is split, every rank computes the whole score locally.

Every statistic of the score (and the finiteness and type checks) then travels in ONE
small Allreduce, never a gather of the data.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, get_comm
from ..core.distribution import balanced_counts, local_range
from ..core.dndarray import DNDarray
from ..core.sets import unique
from ..utils._param_validation import InvalidParameterError
from ..utils.validation import as_array

__all__ = ["accuracy_score", "r2_score"]

_MULTIOUTPUT = ("raw_values", "uniform_average", "variance_weighted")


class UndefinedMetricWarning(UserWarning):
    """A score is not defined for the input (scikit-learn's warning of the same name)."""


# --------------------------------------------------------------------------------------
# layout: one distribution for y_true, y_pred and sample_weight
# --------------------------------------------------------------------------------------
def _comm_of(*arrays: Any) -> Communicator:
    for a in arrays:
        if isinstance(a, DNDarray):
            return a.comm
    return get_comm()


def _check_consistent_length(*arrays: DNDarray | None) -> None:
    lengths = [a.shape[0] for a in arrays if a is not None and a.ndim]
    if len(set(lengths)) > 1:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"{lengths}")


def _layout(arrays: Sequence[DNDarray | None]) -> tuple[int, ...] | None:
    """The counts along samples to cut every array into: those of the first array split
    along samples (``y_true`` first), balanced ones if the first distributed array is
    split along another axis, or None when nothing is distributed."""
    for a in arrays:
        if a is not None and a.split is not None:
            if a.split == 0:
                return a.counts
            return balanced_counts(a.shape[0], a.comm.size)
    return None


def _blocks(arrays: Sequence[DNDarray | None], counts: tuple[int, ...] | None
            ) -> list[torch.Tensor | None]:
    """Each array's block of samples under ``counts`` (whole arrays when None).

    Communication: none for replicated arrays (sliced locally) or arrays already cut
    so; else one Alltoallv each (two for an array split along another axis).
    """
    return [None if a is None else _block(a, counts) for a in arrays]


def _block(a: DNDarray, counts: tuple[int, ...] | None) -> torch.Tensor:
    if counts is None:
        return a.larray
    if a.split is None:
        start, stop = local_range(counts, a.comm.rank)
        return a.larray[start:stop]
    if a.split != 0:
        a = a.resplit(0)
    return (a if a.counts == counts else a.redistribute(counts)).larray


def _sum_over_ranks(local: torch.Tensor, comm: Communicator,
                    counts: tuple[int, ...] | None) -> torch.Tensor:
    """``local`` summed over the ranks when the data is distributed (one Allreduce)."""
    return local if counts is None else comm.Allreduce(local, op="sum")


def _finiteness_flags(block: torch.Tensor | None) -> list[float]:
    """[holds NaN, holds infinity] of a block (0 for non-floating blocks)."""
    if block is None or not block.is_floating_point():
        return [0.0, 0.0]
    return [float(torch.isnan(block).any()), float(torch.isinf(block).any())]


def _raise_non_finite(flags: Sequence[float], names: Sequence[str | None],
                      arrays: Sequence[DNDarray | None]) -> None:
    """scikit-learn's error for the first input whose [NaN, inf] flags are set."""
    for index, (name, array) in enumerate(zip(names, arrays, strict=True)):
        prefix = "Input " if name is None else f"Input {name} "
        if flags[2 * index]:
            raise ValueError(f"{prefix}contains NaN.")
        if flags[2 * index + 1]:
            raise ValueError(f"{prefix}contains infinity or a value too large for "
                             f"dtype('{array.dtype.name}').")


def _non_integral(block: torch.Tensor) -> float:
    """1.0 if a floating block holds a value that is not an integer (NaN excluded)."""
    if not block.is_floating_point() or block.numel() == 0:
        return 0.0
    finite = block[torch.isfinite(block)]
    return float(bool((finite != torch.floor(finite)).any()))


# --------------------------------------------------------------------------------------
# target types (scikit-learn's type_of_target), for the classification checks
# --------------------------------------------------------------------------------------
def _type_of_target(y: DNDarray, non_integral: bool) -> str:
    """scikit-learn's name for the kind of labels in ``y`` (finite, 1-D or 2-D).

    Communication: for integral labels, that of :func:`ember.unique` (a distributed
    sort of the distinct values). Only called on error paths and for 2-D labels.
    """
    multioutput = y.ndim == 2 and y.shape[1] > 1
    if non_integral:
        return "continuous-multioutput" if multioutput else "continuous"
    few = unique(y).shape[0] <= 2
    if multioutput:
        return "multilabel-indicator" if few else "multiclass-multioutput"
    return "binary" if few else "multiclass"


def _check_classification_types(y_true: DNDarray, y_pred: DNDarray,
                                non_integral: tuple[bool, bool]) -> None:
    """Raise scikit-learn's ValueError unless both are binary/multiclass (1-D) or both
    are multilabel indicators.

    Communication: none when both are integral and 1-D; else see :func:`_type_of_target`.
    """
    two_d = [y.ndim == 2 and y.shape[1] > 1 for y in (y_true, y_pred)]
    if not any(non_integral) and not any(two_d):
        return
    kinds = (_type_of_target(y_true, non_integral[0]),
             _type_of_target(y_pred, non_integral[1]))
    kind_set = set(kinds)
    if kind_set == {"binary", "multiclass"}:
        kind_set = {"multiclass"}
    if len(kind_set) > 1:
        raise ValueError(f"Classification metrics can't handle a mix of {kinds[0]} and "
                         f"{kinds[1]} targets")
    kind = kind_set.pop()
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"{kind} is not supported")
    if kind == "multilabel-indicator" and y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(f"y_true and y_pred have different number of output "
                         f"({y_true.shape[1]}!={y_pred.shape[1]})")


# --------------------------------------------------------------------------------------
# accuracy_score
# --------------------------------------------------------------------------------------
def accuracy_score(y_true: Any, y_pred: Any, *, normalize: bool = True,
                   sample_weight: Any = None) -> float:
    """Accuracy classification score (``sklearn.metrics.accuracy_score``).

    The fraction (``normalize=True``) or the (weighted) number of samples whose
    predicted label equals the true one; for 2-D label indicator arrays, the subset
    accuracy (every label of a sample must match).

    Parameters
    ----------
    y_true : array_like or DNDarray
        The true labels, shape (n_samples,) or (n_samples, n_labels).
    y_pred : array_like or DNDarray
        The predicted labels, the same shape.
    normalize : bool
        Return the fraction of correct samples (True) or their number (False).
    sample_weight : array_like or DNDarray, optional
        A weight per sample.

    Returns
    -------
    float
        The score, the same on every rank.

    Raises
    ------
    ValueError
        Inconsistent lengths, empty input, NaN or infinity, continuous or mixed label
        types (scikit-learn's messages), on every rank.
    ZeroDivisionError
        ``normalize=True`` with weights summing to zero.

    Notes
    -----
    Communication: ``y_pred`` and ``sample_weight`` are cut like ``y_true`` (none when
    they are replicated or already cut so, else one Alltoallv each), then one Allreduce
    of 10 float64 numbers carrying the weighted count of correct samples, the total
    weight and the finiteness and integrality flags. Labels that are 2-D, or not
    integral (an error), are typed as scikit-learn does with :func:`ember.unique`.
    Nothing is distributed (NumPy input): no communication. Memory per rank: the local
    blocks and one boolean per local sample.

    Examples
    --------
    >>> import ember as em
    >>> accuracy_score(em.array([0, 1, 2, 3], split=0), [0, 2, 1, 3])
    0.5
    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3], normalize=False)
    2.0
    """
    comm = _comm_of(y_true, y_pred, sample_weight)
    t, p = as_array(y_true, comm), as_array(y_pred, comm)
    w = None if sample_weight is None else as_array(sample_weight, comm)
    _check_label_shapes(t, p, w)
    counts = _layout([t, p, w])
    t_block, p_block, w_block = _blocks([t, p, w], counts)
    matches = _matches(t_block, p_block)
    weights = (torch.ones(matches.shape, dtype=torch.float64) if w_block is None
               else w_block.reshape(-1).to(torch.float64))
    local = torch.tensor([float((weights * matches).sum()), float(weights.sum()),
                          _non_integral(t_block), _non_integral(p_block),
                          *_finiteness_flags(t_block), *_finiteness_flags(p_block),
                          *_finiteness_flags(w_block)], dtype=torch.float64)
    correct, total, *flags = _sum_over_ranks(local, comm, counts).tolist()
    _raise_non_finite(flags[2:], ["y_true", "y_pred", "sample_weight"], [t, p, w])
    _check_classification_types(t, p, (flags[0] > 0, flags[1] > 0))
    if not normalize:
        return float(correct)
    if total == 0:
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return float(correct / total)


def _check_label_shapes(t: DNDarray, p: DNDarray, w: DNDarray | None) -> None:
    """The metadata checks of :func:`accuracy_score`, before any communication."""
    for y in (t, p):
        if y.ndim not in (1, 2):
            raise ValueError("unknown is not supported")
    _check_consistent_length(t, p, w)
    if t.shape[0] == 0:
        raise ValueError("Found empty input array (e.g., `y_true` or `y_pred`) while a "
                         "minimum of 1 sample is required.")
    if w is not None and w.ndim != 1:
        raise ValueError(f"Sample weights must be 1D array or scalar, got {w.ndim}D "
                         "array instead.")


def _matches(t_block: torch.Tensor, p_block: torch.Tensor) -> torch.Tensor:
    """1.0 where a sample's labels all match, as float64 (one value per local sample)."""
    rows = t_block.shape[0]
    t2 = t_block.reshape(rows, t_block.shape[1] if t_block.dim() == 2 else 1)
    p2 = p_block.reshape(rows, p_block.shape[1] if p_block.dim() == 2 else 1)
    if t2.shape[1] != p2.shape[1]:  # mixed shapes: the type check reports it
        return torch.zeros(rows, dtype=torch.float64)
    return (t2 == p2).all(dim=1).to(torch.float64)


# --------------------------------------------------------------------------------------
# r2_score
# --------------------------------------------------------------------------------------
def r2_score(y_true: Any, y_pred: Any, *, sample_weight: Any = None,
             multioutput: str | Any | None = "uniform_average",
             force_finite: bool = True) -> float | np.ndarray:
    """The coefficient of determination R^2 (``sklearn.metrics.r2_score``).

    ``1 - sum(w (y_true - y_pred)^2) / sum(w (y_true - mean_w(y_true))^2)`` per
    output; 1.0 is a perfect prediction.

    Parameters
    ----------
    y_true, y_pred : array_like or DNDarray
        Shape (n_samples,) or (n_samples, n_outputs).
    sample_weight : array_like or DNDarray, optional
        A weight per sample.
    multioutput : {"raw_values", "uniform_average", "variance_weighted"}, array_like or None
        How to combine the outputs' scores: return them all, their mean, their mean
        weighted by each output's variance, or their mean with these weights
        (None: the mean).
    force_finite : bool
        Replace the NaN and -inf of constant ``y_true`` by 1.0 (perfect prediction) or
        0.0 (imperfect), as scikit-learn does.

    Returns
    -------
    float or numpy.ndarray
        The score (an array of one score per output for ``"raw_values"``), the same
        on every rank. NaN with an ``UndefinedMetricWarning`` for fewer than 2 samples.

    Raises
    ------
    InvalidParameterError
        An unknown ``multioutput`` string.
    ValueError
        Inconsistent lengths or outputs, wrong output weights, empty input, NaN or
        infinity (scikit-learn's messages), on every rank.

    Notes
    -----
    Communication: ``y_pred`` and ``sample_weight`` are cut like ``y_true`` (none when
    they are replicated or already cut so, else one Alltoallv each), then one Allreduce
    of ``2 n_outputs + 6`` (count, mean, M2) records merged with Chan's formulas: each
    rank's weight, mean and centred sum of squares of ``y_true`` and its residual sum
    of squares, plus the finiteness flags. The variance is never computed from raw
    power sums, so it is as accurate as NumPy's two passes. Nothing distributed: no
    communication. Memory per rank: the local blocks.

    Examples
    --------
    >>> import ember as em
    >>> r2_score(em.array([3.0, -0.5, 2.0, 7.0], split=0), [2.5, 0.0, 2.0, 8.0])
    0.9486081370449679
    >>> scores = r2_score([[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]],
    ...                   multioutput="raw_values")
    >>> [round(float(s), 4) for s in scores]
    [0.9654, 0.9082]
    """
    comm = _comm_of(y_true, y_pred, sample_weight)
    t, p = as_array(y_true, comm), as_array(y_pred, comm)
    w = None if sample_weight is None else as_array(sample_weight, comm)
    n_outputs = _check_regression_targets(t, p, w, multioutput)
    counts = _layout([t, p, w])
    t_block, p_block, w_block = _blocks([t, p, w], counts)
    moments = _regression_moments(t_block, p_block, w_block, n_outputs)
    if counts is not None:
        moments = comm.Allreduce_moments(*moments)
    m2 = moments[2].tolist()
    _raise_non_finite(m2[2 * n_outputs:], [None, None, "sample_weight"], [t, p, w])
    if t.shape[0] < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    denominator = np.asarray(m2[:n_outputs])
    numerator = np.asarray(m2[n_outputs: 2 * n_outputs])
    return _assemble_r2(numerator, denominator, multioutput, force_finite)


def _check_regression_targets(t: DNDarray, p: DNDarray, w: DNDarray | None,
                              multioutput: Any) -> int:
    """The metadata checks of :func:`r2_score` (before any communication); returns the
    number of outputs."""
    if not (multioutput is None or isinstance(multioutput, str) and multioutput in
            _MULTIOUTPUT or hasattr(multioutput, "__len__") and not isinstance(
                multioutput, str)):
        raise InvalidParameterError(
            "The 'multioutput' parameter of r2_score must be a str among "
            "{'raw_values', 'uniform_average', 'variance_weighted'}, an array-like or "
            f"None. Got {multioutput!r} instead.")
    _check_consistent_length(t, p, w)
    for y in (t, p):
        if y.ndim > 2:
            raise ValueError(f"Found array with dim {y.ndim}, while dim <= 2 is required.")
        if y.shape[0] == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={y.shape}) while a "
                             "minimum of 1 is required.")
    if w is not None and w.ndim != 1:
        raise ValueError(f"Sample weights must be 1D array or scalar, got {w.ndim}D "
                         "array instead.")
    n_outputs = t.shape[1] if t.ndim == 2 else 1
    p_outputs = p.shape[1] if p.ndim == 2 else 1
    if n_outputs != p_outputs:
        raise ValueError("y_true and y_pred have different number of output "
                         f"({n_outputs}!={p_outputs})")
    if multioutput is not None and not isinstance(multioutput, str):
        custom = np.asarray(multioutput)
        if n_outputs == 1:
            raise ValueError("Custom weights are useful only in multi-output cases.")
        if custom.ndim != 1 or custom.shape[0] != n_outputs:
            raise ValueError("There must be equally many custom weights "
                             f"({custom.shape[0] if custom.ndim else 1}) as outputs "
                             f"({n_outputs}).")
    return n_outputs


def _regression_moments(t_block: torch.Tensor, p_block: torch.Tensor,
                        w_block: torch.Tensor | None, n_outputs: int
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """This rank's (count, mean, M2) records: per output the weight, weighted mean and
    centred sum of squares of ``y_true``; per output the residual sum of squares (as
    M2 of a record with mean 0, so that merging sums it); the six finiteness flags."""
    rows = t_block.shape[0]
    t2 = t_block.reshape(rows, n_outputs).to(torch.float64)
    p2 = p_block.reshape(rows, n_outputs).to(torch.float64)
    weight = (torch.ones(rows, 1, dtype=torch.float64) if w_block is None
              else w_block.reshape(rows, 1).to(torch.float64))
    total = weight.sum()
    mean = (weight * t2).sum(0) / total if total != 0 else torch.zeros(n_outputs,
                                                                      dtype=torch.float64)
    centred = (weight * (t2 - mean) ** 2).sum(0)
    residual = (weight * (t2 - p2) ** 2).sum(0)
    flags = torch.tensor(_finiteness_flags(t_block) + _finiteness_flags(p_block)
                         + _finiteness_flags(w_block), dtype=torch.float64)
    if flags.any():  # the score is not computed (an error follows): merge harmless zeros
        total, mean, centred, residual = (torch.zeros_like(v) for v in
                                          (total, mean, centred, residual))
    sums = len(residual) + len(flags)
    count = torch.cat([total.expand(n_outputs), torch.ones(sums, dtype=torch.float64)])
    means = torch.cat([mean, torch.zeros(sums, dtype=torch.float64)])
    return count, means, torch.cat([centred, residual, flags])


def _assemble_r2(numerator: np.ndarray, denominator: np.ndarray, multioutput: Any,
                 force_finite: bool) -> float | np.ndarray:
    """scikit-learn's per-output scores and their combination."""
    nonzero_denominator = denominator != 0
    if not force_finite:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - numerator / denominator
    else:
        nonzero_numerator = numerator != 0
        scores = np.ones(len(numerator))
        valid = nonzero_denominator & nonzero_numerator
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[nonzero_numerator & ~nonzero_denominator] = 0.0
    if isinstance(multioutput, str) and multioutput == "raw_values":
        return scores
    weights = None
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        weights = denominator if nonzero_denominator.any() else None
    elif multioutput is not None and not isinstance(multioutput, str):
        weights = np.asarray(multioutput, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # NaN scores (force_finite=False) stay NaN
        return float(np.average(scores, weights=weights))
