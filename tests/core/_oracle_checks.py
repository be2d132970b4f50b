"""Fast oracle comparisons for tests that sweep many cases (reductions, scans).

``ember.testing.assert_*`` gather every result (two collectives per check). In sweeps
of hundreds of cases that dominates the run time under several processes, so
:class:`LocalCheck` compares each rank's own block with the matching slice of the NumPy
oracle, without communication, records failures instead of raising, and agrees on them
once at the end (:meth:`LocalCheck.done`, one allgather), so that every rank fails
together and no rank is left waiting in a collective.
"""

from __future__ import annotations

import contextlib

import numpy as np

import ember as em
from ember.comm.communicator import Communicator
from ember.core.distribution import offsets
from ember.core.dndarray import DNDarray

# tolerances by result dtype; exact comparison for the others
RTOL = {"float16": 2e-2, "bfloat16": 5e-2, "float32": 2e-5, "complex64": 2e-5,
        "float64": 1e-10, "complex128": 1e-10}


def _host(tensor) -> np.ndarray:
    tensor = tensor.detach().cpu()
    if str(tensor.dtype) == "torch.bfloat16":
        tensor = tensor.float()
    return tensor.resolve_conj().numpy()


def wanted_dtype(expected: np.ndarray, dtype=None) -> em.dtype:
    """The ember dtype expected for a NumPy oracle (uint64, which ember lacks, is int64)."""
    if dtype is not None:
        return em.dtype(dtype)
    if expected.dtype == np.uint64:
        return em.int64
    return em.dtype(expected.dtype)


def compare_local(actual, expected, dtype=None, split="any", rtol=None, atol=1e-12,
                  rank=0, size=1) -> None:
    """Assert that this rank's block of ``actual`` matches the oracle ``expected``."""
    expected = np.asarray(expected)
    assert isinstance(actual, DNDarray), f"expected a DNDarray, got {type(actual).__name__}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    wanted = wanted_dtype(expected, dtype)
    assert actual.dtype == wanted, f"dtype {actual.dtype} != {wanted}"
    assert actual.larray.dtype == wanted.torch
    if split != "any":
        assert actual.split == split, f"split {actual.split} != {split}"
    block = expected
    if actual.split is not None:
        counts = actual.counts
        assert len(counts) == size and sum(counts) == actual.shape[actual.split], counts
        start = offsets(counts)[rank]
        index = [slice(None)] * expected.ndim
        index[actual.split] = slice(start, start + counts[rank])
        block = expected[tuple(index)]
    assert actual.lshape == block.shape, f"block {actual.lshape} != {block.shape}"
    values = _host(actual.larray)
    tolerance = rtol if rtol is not None else RTOL.get(wanted.name)
    if tolerance is None:
        np.testing.assert_array_equal(values, block.astype(values.dtype))
    else:
        np.testing.assert_allclose(values, block, rtol=tolerance, atol=atol, equal_nan=True)


class LocalCheck:
    """Collects local comparison failures; :meth:`done` fails on every rank if any."""

    def __init__(self, comm) -> None:
        self.comm = comm
        self.failures: list[str] = []
        self.count = 0

    def __call__(self, actual, expected, context="", **kwargs) -> None:
        self.count += 1
        try:
            compare_local(actual, expected, rank=self.comm.rank, size=self.comm.size,
                          **kwargs)
        except AssertionError as error:
            self.failures.append(f"{context}: {error}")

    def done(self) -> None:
        everyone = self.comm.allgather_object(self.failures[:3])
        failures = [f"rank {r}: {f}" for r, fs in enumerate(everyone) for f in fs]
        assert self.count, "nothing was checked"
        assert not failures, "\n".join(failures)


COLLECTIVES = [name for name, value in vars(Communicator).items()
               if not name.startswith("_") and callable(value) and name != "is_distributed"]


@contextlib.contextmanager
def count_collectives(monkeypatch):
    """Record the outermost Communicator calls made inside the block."""
    calls, depth = [], [0]
    with monkeypatch.context() as patch:
        for name in COLLECTIVES:
            original = getattr(Communicator, name)

            def wrapper(self, *args, _original=original, _name=name, **kwargs):
                if depth[0] == 0:
                    calls.append(_name)
                depth[0] += 1
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    depth[0] -= 1

            patch.setattr(Communicator, name, wrapper)
        yield calls
