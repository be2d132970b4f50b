"""HDF5 files (through h5py): every rank reads only its hyperslab; writing uses MPI-IO
when h5py was built with it, otherwise the ranks write their hyperslabs in turn.

Every dtype of ember but bfloat16 round-trips (booleans as h5py stores them, an enum of
int8; complex numbers as h5py's compound ``(r, i)``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..comm import Communicator
from ..core.dndarray import DNDarray
from .common import (
    Reader,
    Selection,
    atomic_write,
    block_selection,
    check_dataset,
    check_mode,
    check_writable_dtype,
    host_block,
    import_backend,
    in_turns,
    probe,
    read_distributed,
    sanitize_path,
)

__all__ = ["load_hdf5", "save_hdf5"]

DEFAULT_DATASET = "data"


def _h5py(function: str):
    return import_backend("h5py", function)


def mpi_io_available() -> bool:
    """Whether h5py was built against parallel HDF5 (MPI-IO)."""
    return bool(_h5py("ember.save_hdf5").get_config().mpi)


def _datasets(group) -> list[str]:
    """The names (paths) of every dataset in an open HDF5 file or group."""
    h5py = _h5py("ember.load_hdf5")
    names: list[str] = []
    group.visititems(lambda name, item: names.append(name)
                     if isinstance(item, h5py.Dataset) else None)
    return names


class _HDF5Reader(Reader):
    """An open HDF5 dataset (raises FileNotFoundError, PermissionError, KeyError, OSError)."""

    def __init__(self, path: str, dataset: str | None) -> None:
        h5py = _h5py("ember.load_hdf5")
        probe(path)
        try:
            self.file = h5py.File(path, "r")
        except OSError as error:
            raise OSError(f"cannot read {path!r} as an HDF5 file: {error}") from error
        try:
            self.dataset = self.file[self._name(path, dataset)]
        except BaseException:
            self.file.close()
            raise
        self.where = f"dataset {self.dataset.name!r} of {path!r}"
        self.shape, self.dtype = tuple(self.dataset.shape), self.dataset.dtype

    def _name(self, path: str, dataset: str | None) -> str:
        h5py = _h5py("ember.load_hdf5")
        if dataset is None:
            names = _datasets(self.file)
            if len(names) != 1:
                raise KeyError(f"{path!r} holds {len(names)} datasets "
                               f"({', '.join(names[:10]) or 'none'}); pass dataset=")
            return names[0]
        if dataset not in self.file or not isinstance(self.file[dataset], h5py.Dataset):
            raise KeyError(f"{path!r} has no dataset {dataset!r} (it holds: "
                           f"{', '.join(_datasets(self.file)[:10]) or 'none'})")
        return dataset

    def read(self, selection: Selection) -> np.ndarray:
        try:
            return self.dataset[selection]
        except OSError as error:
            raise OSError(f"cannot read {self.where}: {error}") from error

    def close(self) -> None:
        self.file.close()


def load_hdf5(path: str | os.PathLike, dataset: str | None = None, split: int | None = 0,
              dtype: Any = None, device: Any = None, comm: Communicator | None = None,
              slices: Any = None) -> DNDarray:
    """Load an HDF5 dataset, each rank reading only its block.

    Parameters
    ----------
    path : str or os.PathLike
        The HDF5 file.
    dataset : str, optional
        The dataset's name (``"group/name"`` inside groups); may be left out when the file
        holds exactly one dataset.
    split : int or None
        The axis of the result to cut into blocks, one per rank (balanced counts); None:
        every rank reads all of it.
    dtype : dtype-like, optional
        Convert to this dtype while reading; default: the dataset's own (TypeError for a
        dtype ember lacks, such as uint16, unless ``dtype`` is given).
    device : str or Device, optional
        Where the blocks go; default: ember's default device.
    comm : Communicator, optional
        Default: ember's default communicator.
    slices : int, slice or tuple of them, optional
        Read only this hyperslab (one entry per leading axis; slices with positive steps;
        an int drops its axis, as in NumPy). ``split`` is an axis of the result.

    Returns
    -------
    DNDarray

    Raises
    ------
    FileNotFoundError, PermissionError
        The file is missing or cannot be read.
    KeyError
        No such dataset (or none named and the file holds several).
    OSError
        The file is not a readable HDF5 file.
    ValueError
        ``split`` is not an axis of the result (an ``AxisError``).

    Every error is raised on every rank, naming the path.

    Notes
    -----
    Communication: two 8-byte Allreduces (agreeing on failure to open, then to read); the
    data are not communicated: every rank opens the file and reads only its own hyperslab
    (HDF5 allows concurrent readers without a parallel build). Memory: this rank's block.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "stack.h5")
    >>> em.save_hdf5(em.arange(12, split=0).reshape(3, 4), path, "images")
    >>> em.load_hdf5(path, "images", split=1).tolist()
    [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    >>> em.load_hdf5(path, "images", slices=(slice(1, 3), 2)).tolist()
    [6, 10]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    path = sanitize_path(path, "ember.load_hdf5")
    dataset = check_dataset(dataset, "ember.load_hdf5")
    return read_distributed(lambda: _HDF5Reader(path, dataset), split, dtype, device, comm,
                            slices)


def save_hdf5(x: DNDarray, path: str | os.PathLike, dataset: str | None = None,
              mode: str = "w", chunks: Any = None, compression: Any = None,
              compression_opts: Any = None, shuffle: bool = False,
              attrs: Mapping[str, Any] | None = None) -> None:
    """Save ``x`` as an HDF5 dataset, each rank writing only its block.

    The file is the one h5py would write from the whole array: ``h5py.File(path)[dataset]``
    reads it back whole.

    Parameters
    ----------
    x : DNDarray
        Any split; every dtype but bfloat16.
    path : str or os.PathLike
        The HDF5 file.
    dataset : str, optional
        The dataset's name (groups are created as needed); default ``"data"``.
    mode : {"w", "a"}
        ``"w"``: a new file replaces any old one. ``"a"``: add the dataset to the file (made
        if missing), keeping every other dataset; ValueError if ``dataset`` exists.
    chunks, compression, compression_opts, shuffle
        HDF5 chunking and filters, as for ``h5py.Group.create_dataset`` (e.g.
        ``compression="gzip"``; chunks are then chosen by h5py unless given).
    attrs : mapping, optional
        Attributes of the dataset.

    Raises
    ------
    TypeError
        ``x`` is not a DNDarray, or is bfloat16.
    ValueError
        Bad ``mode``, or ``mode="a"`` and the dataset exists.
    OSError
        The file cannot be written (every rank raises it, naming the path).

    Notes
    -----
    Communication: the data are not communicated. With an MPI-IO build of h5py every rank
    writes its hyperslab at once (unless filters are asked for: parallel HDF5 can only
    apply them in collective writes); otherwise the ranks write their hyperslabs in turn
    (rank order, a one-byte token passed from rank to rank). A split=None array is
    written by rank 0 alone. Plus a few 8-byte collectives to agree on failure.
    Safety: everything goes to a temporary file in the same directory, renamed onto
    ``path`` only when every rank succeeded; with ``mode="a"`` that temporary file starts
    as a copy of the old one (a crash leaves the old file as it was).

    Examples
    --------
    >>> import os, shutil, tempfile, h5py
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "out.h5")
    >>> em.save_hdf5(em.arange(5.0, split=0), path, "x", attrs={"units": "m"})
    >>> em.save_hdf5(em.ones((2, 2), split=1), path, "y", mode="a")
    >>> with h5py.File(path, "r") as f:
    ...     sorted(f), f["x"][:].tolist(), f["x"].attrs["units"]
    (['x', 'y'], [0.0, 1.0, 2.0, 3.0, 4.0], 'm')
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.save_hdf5"
    if not isinstance(x, DNDarray):
        raise TypeError(f"{function} expects a DNDarray, got {type(x).__name__}")
    path = sanitize_path(path, function)
    dataset = check_dataset(dataset, function) or DEFAULT_DATASET
    mode = check_mode(mode, function)
    check_writable_dtype(x, function)
    h5py = _h5py(function)
    options = {"chunks": chunks, "compression": compression,
               "compression_opts": compression_opts, "shuffle": shuffle or None}
    options = {key: value for key, value in options.items() if value is not None}

    def absent() -> None:
        if mode == "a" and os.path.exists(path):
            with h5py.File(path, "r") as f:
                if dataset in f:
                    raise ValueError(f"{function}: {path!r} already has {dataset!r}; "
                                     "mode='a' never replaces a dataset")

    with atomic_write(x.comm, path, copy_existing=mode == "a", prepare=absent) as temp:
        filters = any(key in options for key in ("compression", "shuffle"))
        if mpi_io_available() and x.comm.is_distributed and not filters:
            _write_mpi_io(h5py, x, temp, dataset, options, attrs)
        else:
            in_turns(x.comm, lambda: _write_my_part(h5py, x, temp, dataset, options, attrs))


def _selection(x: DNDarray) -> Selection:
    """This rank's hyperslab of ``x`` in the file."""
    full = tuple(slice(0, extent, 1) for extent in x.shape)
    return block_selection(full, x.split, x.counts, x.comm.rank)


def _open_mode(temp: str) -> str:
    """Add to the copy of an old file; make a new one in the empty temporary file."""
    return "r+" if os.path.getsize(temp) else "w"


def _create(h5py, f, x: DNDarray, dataset: str, options: dict, attrs) -> Any:
    data = f.create_dataset(dataset, shape=x.shape, dtype=x.dtype.numpy, **options)
    data.attrs.update(dict(attrs or {}))
    return data


def _write_my_part(h5py, x: DNDarray, temp: str, dataset: str, options: dict, attrs) -> None:
    """Serial HDF5: rank 0 makes the dataset; every rank then writes its block."""
    rank = x.comm.rank
    if rank > 0 and (x.split is None or x.larray.numel() == 0):
        return
    with h5py.File(temp, _open_mode(temp) if rank == 0 else "r+") as f:
        data = _create(h5py, f, x, dataset, options, attrs) if rank == 0 else f[dataset]
        if x.larray.numel():
            data[_selection(x)] = host_block(x)


def _write_mpi_io(h5py, x: DNDarray, temp: str, dataset: str, options: dict, attrs) -> None:
    """Parallel HDF5: every rank opens the file, makes the dataset (collective) and writes
    its block at once (independent I/O)."""
    with h5py.File(temp, _open_mode(temp), driver="mpio", comm=x.comm.handle) as f:
        data = _create(h5py, f, x, dataset, options, attrs)
        mine = x.split is not None or x.comm.rank == 0
        if mine and x.larray.numel():
            data[_selection(x)] = host_block(x)
