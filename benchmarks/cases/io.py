"""Benchmarks of parallel file I/O: write then read back an N x 64 float32 matrix as
HDF5 and as Zarr.

The files go to a fresh directory under ``$EMBER_BENCH_DIR`` (default: the system's
temporary directory), removed when the process exits. The default size (N = 2^22 rows)
writes and reads 1 GiB per repetition.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import numpy as np

import ember as em
from ember.comm import Communicator

from ..harness import Case
from .data import quasi_random

__all__ = ["CASES"]

COLUMNS = 64
SIZES = {"smoke": 100, "default": 1 << 22, "large": 1 << 24}
ZARR_CHUNK_ROWS = 1 << 15  # 8 MiB chunks, ember's default for this shape


def _folder(comm: Communicator) -> str:
    """A fresh directory, the same on every rank; rank 0 removes it at exit."""
    path = None
    if comm.rank == 0:
        path = tempfile.mkdtemp(prefix="ember-bench-io-", dir=os.environ.get("EMBER_BENCH_DIR"))
        atexit.register(shutil.rmtree, path, True)
    return comm.bcast_object(path)


def _setup(suffix: str):
    def setup(rows: int, comm: Communicator) -> tuple[em.DNDarray, str]:
        return quasi_random((rows, COLUMNS), comm), os.path.join(_folder(comm), "x" + suffix)

    return setup


def _numpy_state(state: tuple[em.DNDarray, str]) -> tuple[np.ndarray, str]:
    x, path = state
    root, suffix = os.path.splitext(path)
    # one file per rank: the test suite runs the oracle on every rank at once
    return x.numpy().copy(), f"{root}-numpy-{x.comm.rank}{suffix}"


def _chunks(x: em.DNDarray) -> tuple[int, int]:
    return min(ZARR_CHUNK_ROWS, max(1, x.shape[0])), COLUMNS


def _hdf5_ember(state: tuple[em.DNDarray, str]) -> em.DNDarray:
    x, path = state
    em.save_hdf5(x, path, "x")
    return em.load_hdf5(path, "x", split=0)


def _hdf5_numpy(state: tuple[np.ndarray, str]) -> np.ndarray:
    import h5py

    a, path = state
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=a)
    with h5py.File(path, "r") as f:
        return f["x"][()]


def _zarr_ember(state: tuple[em.DNDarray, str]) -> em.DNDarray:
    x, path = state
    em.save_zarr(x, path, chunks=_chunks(x))
    return em.load_zarr(path, split=0)


def _zarr_numpy(state: tuple[np.ndarray, str]) -> np.ndarray:
    import zarr

    a, path = state
    chunks = (min(ZARR_CHUNK_ROWS, max(1, a.shape[0])), COLUMNS)
    zarr.create_array(store=path, shape=a.shape, dtype=a.dtype, chunks=chunks,
                      overwrite=True)[...] = a
    return zarr.open_array(path, mode="r")[...]


CASES: list[Case] = [
    Case(
        name="hdf5_write_read",
        description=f"em.save_hdf5 then em.load_hdf5 of an N x {COLUMNS} float32 matrix split "
                    "along rows (serial h5py: ranks write in turn, read concurrently). "
                    "NumPy: h5py writes and reads the whole array in one process",
        sizes=SIZES,
        setup=_setup(".h5"),
        run=_hdf5_ember,
        numpy_setup=_numpy_state,
        numpy_run=_hdf5_numpy,
    ),
    Case(
        name="zarr_write_read",
        description=f"em.save_zarr then em.load_zarr of an N x {COLUMNS} float32 matrix split "
                    f"along rows, {ZARR_CHUNK_ROWS}-row chunks (every rank writes and reads its "
                    "chunks concurrently). NumPy: zarr writes and reads the whole array, "
                    "same chunks, in one process",
        sizes=SIZES,
        setup=_setup(".zarr"),
        run=_zarr_ember,
        numpy_setup=_numpy_state,
        numpy_run=_zarr_numpy,
    ),
]
