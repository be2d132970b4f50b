"""Parallel file I/O: HDF5, NetCDF, Zarr, .npy and CSV, each rank reading and writing
only its part.

:func:`load` and :func:`save` pick the format from the file's suffix; ``load_<format>``
and ``save_<format>`` take the format's own options. Reading: every rank opens the file
and reads only the hyperslab of its block. Writing: no rank ever receives the whole
array; the file appears under its final name only when every rank succeeded.
"""

from __future__ import annotations

import os
from typing import Any

from ..comm import Communicator
from ..core.dndarray import DNDarray
from .common import format_of, sanitize_path
from .csv import load_csv, save_csv
from .hdf5 import load_hdf5, save_hdf5
from .netcdf import load_netcdf, save_netcdf
from .npy import load_npy, save_npy
from .zarr import load_zarr, save_zarr

__all__ = [
    "load", "save", "load_hdf5", "save_hdf5", "load_netcdf", "save_netcdf", "load_zarr",
    "save_zarr", "load_npy", "save_npy", "load_csv", "save_csv",
]  # fmt: skip

_LOADERS = {"hdf5": load_hdf5, "netcdf": load_netcdf, "zarr": load_zarr, "npy": load_npy,
            "csv": load_csv}
_SAVERS = {"hdf5": save_hdf5, "netcdf": save_netcdf, "zarr": save_zarr, "npy": save_npy,
           "csv": save_csv}
_WITHOUT_DATASETS = ("npy", "csv")


def _no_dataset(kind: str, dataset: Any, function: str) -> None:
    if dataset is not None:
        raise ValueError(f"{function}: {kind} files hold one array; dataset must be None, "
                         f"got {dataset!r}")


def load(path: str | os.PathLike, dataset: str | None = None, split: int | None = 0,
         dtype: Any = None, device: Any = None, comm: Communicator | None = None,
         slices: Any = None, **format_options: Any) -> DNDarray:
    """Load an array from a file, each rank reading only its block; the format follows
    the suffix.

    ``.h5``/``.hdf5``/``.he5``: :func:`load_hdf5`; ``.nc``/``.nc4``/``.cdf``:
    :func:`load_netcdf`; ``.zarr``: :func:`load_zarr`; ``.npy``: :func:`load_npy`;
    ``.csv``/``.txt``/``.tsv``: :func:`load_csv`.

    Parameters
    ----------
    path : str or os.PathLike
        The file (a directory for Zarr).
    dataset : str, optional
        The dataset/variable/array inside an HDF5, NetCDF or Zarr file (may be left out
        when there is exactly one); must be None for .npy and CSV.
    split : int or None
        The axis of the result cut into blocks, one per rank; None: every rank reads it
        all.
    dtype : dtype-like, optional
        Convert while reading; default: the file's dtype (CSV: float64).
    device : str or Device, optional
        Where the blocks go.
    comm : Communicator, optional
        Default: ember's default communicator.
    slices : int, slice or tuple of them, optional
        Read only this hyperslab, e.g. ``slices=slice(10, 20)`` for ten images of a stack.
    **format_options
        Passed on (CSV: ``sep``, ``header_lines``, ``comments``, ``fill_value``,
        ``encoding``).

    Returns
    -------
    DNDarray

    Raises
    ------
    ValueError
        An unknown suffix, a ``dataset`` for .npy/CSV, or a bad ``split``.
    FileNotFoundError, PermissionError, KeyError, OSError
        As the format's loader; raised on every rank.

    Notes
    -----
    Communication: that of the format's loader (HDF5, NetCDF, Zarr, .npy: two 8-byte
    Allreduces, no data).

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> for name in ("x.h5", "x.nc", "x.zarr", "x.npy", "x.csv"):
    ...     em.save(em.arange(6, split=0).reshape(3, 2), os.path.join(folder, name))
    ...     print(name, em.load(os.path.join(folder, name), dtype=em.int64).tolist())
    x.h5 [[0, 1], [2, 3], [4, 5]]
    x.nc [[0, 1], [2, 3], [4, 5]]
    x.zarr [[0, 1], [2, 3], [4, 5]]
    x.npy [[0, 1], [2, 3], [4, 5]]
    x.csv [[0, 1], [2, 3], [4, 5]]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    kind = format_of(sanitize_path(path, "ember.load"))
    options = dict(split=split, dtype=dtype, device=device, comm=comm, slices=slices,
                   **format_options)
    if kind in _WITHOUT_DATASETS:
        _no_dataset(kind, dataset, "ember.load")
        return _LOADERS[kind](path, **options)
    return _LOADERS[kind](path, dataset, **options)


def save(x: DNDarray, path: str | os.PathLike, dataset: str | None = None, mode: str = "w",
         **format_options: Any) -> None:
    """Save an array to a file, each rank writing only its block; the format follows the
    suffix (as for :func:`load`).

    Parameters
    ----------
    x : DNDarray
        Any split.
    path : str or os.PathLike
        The file (a directory for Zarr).
    dataset : str, optional
        The dataset/variable/array name in HDF5, NetCDF (default ``"data"``) or Zarr
        (default: the store is the array); must be None for .npy and CSV.
    mode : {"w", "a"}
        ``"w"`` replaces the file; ``"a"`` adds a dataset, keeping the others (CSV: appends
        rows; .npy: not supported).
    **format_options
        Passed on: HDF5 ``chunks``, ``compression``, ``compression_opts``, ``shuffle``,
        ``attrs``; NetCDF ``dims``, ``attrs``, ``compression``, ``complevel``,
        ``chunksizes``, ``format``; Zarr ``chunks``, ``compressors``, ``attrs``; CSV
        ``sep``, ``fmt``, ``header``, ``comments``, ``encoding``.

    Raises
    ------
    ValueError
        An unknown suffix, a ``dataset`` for .npy/CSV, or a bad ``mode``.
    TypeError, OSError
        As the format's saver; raised on every rank.

    Notes
    -----
    Communication: that of the format's saver; the array is never gathered. A crash
    while writing never leaves a truncated file under ``path`` (temporary name in the
    same directory, then a rename).

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import numpy as np
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "x.npy")
    >>> em.save(em.linspace(0, 1, 5, split=0), path)
    >>> np.load(path).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    kind = format_of(sanitize_path(path, "ember.save"))
    if kind in _WITHOUT_DATASETS:
        _no_dataset(kind, dataset, "ember.save")
        _SAVERS[kind](x, path, mode=mode, **format_options)
        return
    _SAVERS[kind](x, path, dataset, mode=mode, **format_options)
