"""Covariance and correlation matrices: cov, corrcoef.

The data is arranged as variables x observations and cut along the observations: each
rank centres its block with the global (weighted) mean, forms the small
(variables x variables) product of its centred block, and one Allreduce sums the
products. The result is replicated.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from . import dtypes
from .dndarray import DNDarray
from .reduction import _as_array

__all__ = ["cov", "corrcoef"]


def _variables_by_observations(x: DNDarray, rowvar: bool, name: str) -> DNDarray:
    """``x`` as a 2-d (variables, observations) array (a view; no communication)."""
    if x.ndim > 2:
        raise ValueError(f"{name} has more than 2 dimensions")
    if x.ndim == 0:
        return DNDarray(x.larray.reshape(1, 1), (1, 1), None, x.comm)
    if x.ndim == 1:
        split = None if x.split is None else 1
        return DNDarray(x.larray.reshape(1, -1), (1, x.shape[0]), split, x.comm, x.counts)
    return x if rowvar else x.T


def _observation_blocks(arrays: list[DNDarray]
                        ) -> tuple[list[torch.Tensor], tuple[int, ...] | None]:
    """The local (variables, observations block) tensors of ``arrays``, all cut along
    the observations with the same counts (returned; None when nothing is distributed).

    Communication: none when every array is replicated or split along the observations
    with the same counts; an array split along the variables is re-cut along the
    observations (one Alltoallv), one with other counts is redistributed.
    """
    from .distribution import balanced_counts

    comm = arrays[0].comm
    if comm.size == 1 or all(a.split is None for a in arrays):
        return [a.larray for a in arrays], None
    along = [a.counts for a in arrays if a.split == 1]
    target = along[0] if along else balanced_counts(arrays[0].shape[1], comm.size)
    start = sum(target[:comm.rank])
    blocks = []
    for a in arrays:
        if a.split is None:
            blocks.append(a.larray.narrow(1, start, target[comm.rank]))
            continue
        if a.split == 0:
            a = a.resplit(1)
        if a.counts != target:
            a = a.redistribute(target)
        blocks.append(a.larray)
    return blocks, tuple(target)


def _weights(value: Any, name: str, n: int, comm, integral: bool) -> np.ndarray | None:
    """NumPy's checks of ``fweights`` / ``aweights`` (replicated: checked on every rank
    alike, before any communication)."""
    if value is None:
        return None
    if isinstance(value, DNDarray):
        value = value.numpy()  # one number per observation; gathers it if split
    w = np.asarray(value, dtype=float)
    if integral and not np.all(w == np.around(w)):
        raise TypeError("fweights must be integer")
    if w.ndim > 1:
        raise RuntimeError(f"cannot handle multidimensional {name}")
    if w.shape[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {name}")
    if np.any(w < 0):
        raise ValueError(f"{name} cannot be negative")
    return w


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False,
        ddof: int | None = None, fweights: Any = None, aweights: Any = None, *,
        dtype: Any = None) -> DNDarray:
    """Covariance matrix (NumPy's ``cov``).

    Parameters
    ----------
    m : array_like
        1-d or 2-d; each row a variable and each column an observation (``rowvar``),
        or the transpose.
    y : array_like, optional
        More variables, with the same observations.
    rowvar, bias, ddof : as NumPy
    fweights, aweights : array_like, optional
        Integer frequency and real reliability weights of the observations
        (replicated; a split DNDarray is gathered, one number per observation).
    dtype : dtype-like, optional
        Default: ``result_type(m, y, float64)`` (float64 for float32 data, as NumPy).

    Returns
    -------
    DNDarray
        The (variables x variables) matrix, replicated; a 0-d array for one variable.

    Notes
    -----
    Communication: with the observations split, one Allreduce of the variables' sums
    for the mean, then one Allreduce of the variables x variables
    product; an array split along the variables is first re-cut along the
    observations (one Alltoallv). Replicated data: none.

    Examples
    --------
    >>> import ember as em
    >>> em.cov(em.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]], split=1)).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    mx = _as_array(m)
    if mx.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    yx = None
    if y is not None:
        yx = _as_array(y)
        if yx.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        kinds = [mx.dtype] + ([yx.dtype] if yx is not None else [])
        result = dtypes.dtype(np.result_type(*[k.numpy if k.numpy is not None else
                                               np.float32 for k in kinds], np.float64))
    else:
        result = dtypes.dtype(dtype)
    arrays = [_variables_by_observations(mx, rowvar or mx.ndim == 1, "m")]
    if arrays[0].shape[0] == 0:
        return DNDarray(torch.zeros((0, 0), dtype=result.torch, device=mx.larray.device),
                        (0, 0), None, mx.comm)
    if yx is not None:
        yv = _variables_by_observations(yx, rowvar or yx.ndim < 2 or yx.shape[0] == 1, "y")
        if yv.shape[1] != arrays[0].shape[1]:
            raise ValueError("all the input array dimensions except for the concatenation "
                             f"axis must match exactly, but along dimension 1, the array "
                             f"at index 0 has size {arrays[0].shape[1]} and the array at "
                             f"index 1 has size {yv.shape[1]}")
        arrays.append(yv)
    n = arrays[0].shape[1]
    if ddof is None:
        ddof = 0 if bias else 1
    fw = _weights(fweights, "fweights", n, mx.comm, True)
    aw = _weights(aweights, "aweights", n, mx.comm, False)
    w = None
    if fw is not None:
        w = fw
    if aw is not None:
        w = aw if w is None else w * aw
    blocks, target = _observation_blocks(arrays)
    distributed = target is not None
    comm = mx.comm
    local = torch.cat([b.to(result.torch) for b in blocks], dim=0)
    wl = None
    if w is not None:
        if distributed:
            start = sum(target[:comm.rank])
            span = slice(start, start + target[comm.rank])
        else:
            span = slice(0, n)
        wl = torch.as_tensor(w[span], device=local.device)
    # the mean: one Allreduce of the variables' sums
    if wl is None:
        sums = local.sum(dim=1)
    else:
        sums = (local * wl.to(local.dtype)).sum(dim=1)
    if distributed:
        sums = comm.Allreduce(sums.contiguous(), "sum")
    w_sum = float(n) if w is None else float(w.sum())  # replicated weights: known
    with np.errstate(all="ignore"):
        mean = sums / (w_sum if w_sum else float("nan"))
    if wl is None:
        fact = n - ddof
    elif ddof == 0:
        fact = w_sum
    elif aw is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * float(np.sum(w * aw)) / w_sum
    if fact <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    centred = local - mean[:, None]
    weighted = centred if wl is None else centred * wl.to(centred.dtype)
    product = centred @ weighted.T.conj()
    if distributed:
        product = comm.Allreduce(product.contiguous(), "sum")
    with np.errstate(all="ignore"):
        scale = np.true_divide(1, fact)
    product = product * float(scale)
    if product.shape == (1, 1):
        return DNDarray(product.reshape(()).contiguous(), (), None, comm)
    return DNDarray(product.contiguous(), tuple(product.shape), None, comm)


def corrcoef(x: Any, y: Any = None, rowvar: bool = True, *, dtype: Any = None
             ) -> DNDarray:
    """Pearson correlation coefficients (NumPy's ``corrcoef``), clipped to [-1, 1].

    Notes
    -----
    Communication: that of :func:`cov`; the normalisation is local on the replicated
    covariance matrix.

    Examples
    --------
    >>> import ember as em
    >>> em.corrcoef(em.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]], split=1)).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    c = cov(x, y, rowvar, dtype=dtype)
    local = c.larray
    if local.ndim == 0:
        return DNDarray(local / local, (), None, c.comm)
    d = torch.diagonal(local)
    std = torch.sqrt(d.real if d.is_complex() else d)
    local = local / std[:, None]
    local = local / std[None, :]
    if local.is_complex():
        local = torch.complex(local.real.clamp(-1, 1), local.imag.clamp(-1, 1))
    else:
        local = local.clamp(-1, 1)
    return DNDarray(local.contiguous(), c.shape, None, c.comm)
