"""Test helpers: compare DNDarrays with NumPy oracles and check the distribution invariants.

Every helper here is collective (it gathers), so call it on every rank.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core.distribution import balanced_counts
from .core.dndarray import DNDarray
from .core.dtypes import dtype as as_dtype

__all__ = ["assert_invariants", "assert_array_equal", "assert_allclose", "splits_of"]


def splits_of(ndim: int) -> list[int | None]:
    """Every valid ``split`` for an array of ``ndim`` dimensions: None and each axis."""
    return [None, *range(ndim)]


def assert_invariants(x: DNDarray, balanced: bool | None = None) -> None:
    """Check the DESIGN.md invariants of ``x`` on every rank.

    Metadata identical on every rank; the local block's shape matches ``counts`` and the
    global shape; the local dtype matches ``dtype``; replicated arrays hold the same data
    on every rank; optionally, the counts are (or are not) balanced.
    """
    assert isinstance(x, DNDarray), f"expected a DNDarray, got {type(x).__name__}"
    comm = x.comm
    meta = (x.shape, x.split, x.counts, x.dtype.name, x.device.type)
    everyone = comm.allgather_object(meta)
    assert all(m == meta for m in everyone), f"metadata differs between ranks: {everyone}"
    assert x.larray.dtype == x.dtype.torch
    if x.split is None:
        assert x.lshape == x.shape, f"replicated block {x.lshape} != shape {x.shape}"
        blocks = comm.allgather_object(_host(x.larray))
        for block in blocks[1:]:
            np.testing.assert_array_equal(block, blocks[0], err_msg="replicas differ")
        return
    assert len(x.counts) == comm.size and sum(x.counts) == x.shape[x.split]
    expected = list(x.shape)
    expected[x.split] = x.counts[comm.rank]
    assert x.lshape == tuple(expected), f"rank {comm.rank}: block {x.lshape} != {expected}"
    if balanced is not None:
        is_balanced = x.counts == balanced_counts(x.shape[x.split], comm.size)
        assert is_balanced == balanced, f"counts {x.counts}: balanced={is_balanced}"


def _host(tensor) -> np.ndarray:
    tensor = tensor.detach().cpu()
    if str(tensor.dtype) == "torch.bfloat16":
        tensor = tensor.float()
    return tensor.resolve_conj().numpy().copy()


def _expected_dtype(expected: np.ndarray, dtype: Any):
    return as_dtype(expected.dtype) if dtype is None else as_dtype(dtype)


def _check_layout(actual: DNDarray, expected: Any, dtype: Any, split: Any) -> np.ndarray:
    """Invariants, shape, dtype and (unless "any") split of ``actual``; the oracle as NumPy."""
    expected = np.asarray(expected)
    assert_invariants(actual)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    wanted = _expected_dtype(expected, dtype)
    assert actual.dtype == wanted, f"dtype {actual.dtype} != {wanted}"
    if split != "any":
        assert actual.split == split, f"split {actual.split} != {split}"
    return expected


def assert_array_equal(actual: DNDarray, expected: Any, dtype: Any = None,
                       split: Any = "any") -> None:
    """``actual`` equals the oracle ``expected`` exactly: values, shape and dtype.

    Parameters
    ----------
    actual : DNDarray
    expected : array_like
        The NumPy oracle.
    dtype : dtype-like, optional
        The expected ember dtype when it differs from ``expected.dtype`` (for example
        float32 where NumPy gives float64, or bfloat16).
    split : int or None, optional
        The expected split, when it matters.
    """
    expected = _check_layout(actual, expected, dtype, split)
    values = actual.numpy()
    np.testing.assert_array_equal(values, expected.astype(values.dtype))


def assert_allclose(actual: DNDarray, expected: Any, rtol: float = 1e-6, atol: float = 0.0,
                    dtype: Any = None, split: Any = "any") -> None:
    """Like :func:`assert_array_equal` with a floating-point tolerance on the values."""
    expected = _check_layout(actual, expected, dtype, split)
    np.testing.assert_allclose(actual.numpy(), expected, rtol=rtol, atol=atol)
