"""Reading the input: the image stack split over rows, its dates and the valid-pixel mask.

The stack (times x rows x cols, optionally x bands, the time axis anywhere) is loaded with
:func:`ember.load` split along its row axis, so each rank reads only its rows of every
image; locally the time axis is moved first, giving a ``(times, rows, cols, bands)``
block.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass

import numpy as np
import torch

import ember as em
from ember.comm import Communicator
from ember.io import hdf5, netcdf, npy, zarr
from ember.io.common import format_of

from .config import HotspotsError

__all__ = ["Stack", "describe_error", "probe_stack", "load_stack", "read_dates",
           "read_mask", "date_labels"]

_READERS = {"hdf5": lambda p, d: hdf5._HDF5Reader(p, d),
            "netcdf": lambda p, d: netcdf._NetCDFReader(p, d),
            "zarr": lambda p, d: zarr._ZarrReader(p, d),
            "npy": lambda p, d: npy._NpyReader(p)}


@dataclass
class Stack:
    """This rank's rows of the image stack and the replicated facts about it.

    ``local``: float32 tensor ``(times, my rows, cols, bands)``; ``shape``: the global
    ``(times, rows, cols, bands)``; ``counts``: rows per rank (replicated); ``dates``: one
    label per time; ``valid``: bool tensor ``(my rows, cols)``; ``kind``: the input's format
    (``"hdf5"``, ``"netcdf"``, ``"zarr"``, ``"npy"``).

    Examples
    --------
    >>> import torch, ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)   # one rank per communicator
    >>> s = Stack(torch.zeros(2, 3, 4, 1), (2, 3, 4, 1), (3,), comm, ["a", "b"],
    ...           torch.ones(3, 4, dtype=torch.bool), "npy")
    >>> s.n_times, s.rows, s.cols, s.row_start
    (2, 3, 4, 0)
    """

    local: torch.Tensor
    shape: tuple[int, int, int, int]
    counts: tuple[int, ...]
    comm: Communicator
    dates: list[str]
    valid: torch.Tensor
    kind: str

    @property
    def n_times(self) -> int:
        return self.shape[0]

    @property
    def rows(self) -> int:
        return self.shape[1]

    @property
    def cols(self) -> int:
        return self.shape[2]

    @property
    def row_start(self) -> int:
        """The global index of this rank's first row."""
        return sum(self.counts[: self.comm.rank])


def describe_error(error: BaseException) -> str:
    """A one-line message for an I/O error (a KeyError's text without its quotes).

    Examples
    --------
    >>> describe_error(KeyError("no dataset 'x'"))
    "no dataset 'x'"
    """
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    return str(error) or type(error).__name__


def _open_error(what: str, path: str, error: BaseException) -> HotspotsError:
    if isinstance(error, FileNotFoundError):
        return HotspotsError(f"{what} {path!r} does not exist")
    return HotspotsError(f"cannot read {what} {path!r}: {describe_error(error)}")


def probe_stack(path: str, dataset: str | None, comm: Communicator
                ) -> tuple[str, tuple[int, ...]]:
    """The format and shape of the input stack, read from its metadata by rank 0.

    Raises
    ------
    HotspotsError
        On every rank: the file is missing, unreadable, of an unknown format, or has no
        such dataset.

    Notes
    -----
    Communication: one small object broadcast (the shape or the error message).

    Examples
    --------
    >>> import os, tempfile, numpy as np, ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> if comm.rank == 0: np.save(os.path.join(folder, "s.npy"), np.ones((4, 2, 3)))
    >>> comm.Barrier()
    >>> probe_stack(os.path.join(folder, "s.npy"), None, comm)
    ('npy', (4, 2, 3))
    """
    answer: tuple = (None, None, None)
    if comm.rank == 0:
        answer = _probe_here(path, dataset)
    kind, shape, message = comm.bcast_object(answer)
    if message is not None:
        raise HotspotsError(message)
    return kind, tuple(shape)


def _probe_here(path: str, dataset: str | None) -> tuple:
    try:
        kind = format_of(path)
        if kind not in _READERS:
            raise ValueError(f"{kind} is not a supported stack format (use HDF5, NetCDF, "
                             "Zarr or .npy)")
        if kind == "npy" and dataset is not None:
            raise ValueError("a .npy file holds one array; leave out --dataset")
        reader = _READERS[kind](path, dataset)
        shape = tuple(reader.shape)
        reader.close()
    except (OSError, KeyError, ValueError, TypeError, ImportError) as error:
        return None, None, str(_open_error("the input stack", path, error))
    return kind, shape, None


def _time_first_axes(ndim: int, time_axis: int) -> list[int]:
    if ndim not in (3, 4):
        raise HotspotsError(f"the input stack must have 3 axes (times, rows, cols) or 4 "
                            f"(times, rows, cols, bands); it has {ndim}")
    if not -ndim <= time_axis < ndim:
        raise HotspotsError(f"--time-axis {time_axis} is not an axis of the "
                            f"{ndim}-axis input stack")
    time_axis %= ndim
    return [time_axis] + [a for a in range(ndim) if a != time_axis]


def load_stack(path: str, dataset: str | None, time_axis: int, comm: Communicator,
               dates: str | None = None, mask: str | None = None,
               mask_dataset: str | None = None) -> Stack:
    """Load the stack split over its rows, with its dates and valid-pixel mask.

    Raises
    ------
    HotspotsError
        On every rank, for a missing/unreadable file, wrong axes, or dates/mask that do
        not fit the stack.

    Notes
    -----
    Communication: the probe's broadcast, then :func:`ember.load`'s two 8-byte
    Allreduces; no data travel (every rank reads its own rows). Memory: this rank's rows
    of the whole stack, as float32.

    Examples
    --------
    >>> import os, tempfile, numpy as np, ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> if comm.rank == 0: np.save(os.path.join(folder, "s.npy"), np.ones((3, 5, 4)))
    >>> comm.Barrier()
    >>> s = load_stack(os.path.join(folder, "s.npy"), None, 0, comm)
    >>> s.shape, sum(s.counts), s.dates
    ((3, 5, 4, 1), 5, ['0', '1', '2'])
    """
    kind, shape = probe_stack(path, dataset, comm)
    axes = _time_first_axes(len(shape), time_axis)
    if any(n == 0 for n in shape):
        raise HotspotsError(f"the input stack {path!r} is empty (shape {shape})")
    try:
        x = em.load(path, dataset, split=axes[1], dtype=em.float32, comm=comm)
    except (OSError, KeyError, ValueError, TypeError) as error:  # raised on every rank
        raise _open_error("the input stack", path, error) from error
    local = x.larray.permute(axes)
    if len(shape) == 3:
        local = local.unsqueeze(-1)
    full = tuple(shape[a] for a in axes) + ((1,) if len(shape) == 3 else ())
    stack = Stack(local.contiguous(), full, tuple(x.counts), comm, [], torch.empty(0),
                  kind)
    stack.dates = read_dates(dates, path, stack.n_times, comm)
    stack.valid = read_mask(mask, mask_dataset, stack)
    return stack


def date_labels(values: np.ndarray) -> list[str]:
    """ISO labels for numeric dates: YYYYMMDD integers, or days since 1970-01-01.

    Examples
    --------
    >>> date_labels(np.array([20220130, 20220205]))
    ['2022-01-30', '2022-02-05']
    >>> date_labels(np.array([0, 31]))
    ['1970-01-01', '1970-02-01']
    """
    values = np.asarray(values).ravel()
    if values.dtype.kind in "SUO":
        return [v.decode() if isinstance(v, bytes) else str(v) for v in values]
    if values.size and np.all(values >= 10000101) and np.all(values == np.round(values)):
        return [_dt.datetime.strptime(str(int(v)), "%Y%m%d").date().isoformat()
                for v in values]
    epoch = _dt.date(1970, 1, 1)
    return [(epoch + _dt.timedelta(days=float(v))).isoformat() for v in values]


def read_dates(spec: str | None, input_path: str, n_times: int, comm: Communicator
               ) -> list[str]:
    """One label per time: from a text file (one date per line; ``#`` comments), from a
    dataset/variable of the input file, or the time indices when ``spec`` is None.

    Notes
    -----
    Communication: a text file is read by rank 0 and broadcast (small); a dataset is
    read by every rank (:func:`ember.load` replicated: two 8-byte Allreduces).

    Examples
    --------
    >>> import ember as em
    >>> read_dates(None, "unused.npy", 3, em.get_comm())
    ['0', '1', '2']
    """
    if spec is None:
        return [str(i) for i in range(n_times)]
    if os.path.isfile(spec):
        labels, message = None, None
        if comm.rank == 0:
            try:
                with open(spec, encoding="utf-8") as fp:
                    labels = [line.split("#")[0].strip() for line in fp]
                labels = [label for label in labels if label]
            except (OSError, UnicodeDecodeError) as error:
                message = f"cannot read the dates file {spec!r}: {describe_error(error)}"
        labels, message = comm.bcast_object((labels, message))
    else:
        labels, message = _dates_from_dataset(spec, input_path, comm)
    if message is None and len(labels) != n_times:
        message = f"--dates {spec!r} gives {len(labels)} dates; the stack has {n_times} times"
    if message is not None:
        raise HotspotsError(message)
    return labels


def _dates_from_dataset(spec: str, input_path: str, comm: Communicator):
    if format_of(input_path) == "npy":
        return None, (f"--dates {spec!r} is neither a text file nor a dataset (a .npy "
                      "input holds no other arrays)")
    try:
        values = em.load(input_path, spec, split=None, comm=comm).numpy()
    except (OSError, KeyError, ValueError, TypeError) as error:
        return None, f"--dates {spec!r}: no such text file, and {describe_error(error)}"
    return date_labels(values), None


def read_mask(path: str | None, dataset: str | None, stack: Stack) -> torch.Tensor:
    """This rank's rows of the valid-pixel mask (rows x cols; nonzero = valid); all valid
    when ``path`` is None.

    Notes
    -----
    Communication: :func:`ember.load`'s two 8-byte Allreduces, plus one Alltoallv of the
    mask when its blocks do not match the stack's rows.

    Examples
    --------
    >>> import torch, ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> s = Stack(torch.zeros(2, 3, 4, 1), (2, 3, 4, 1), (3,), comm, ["a", "b"],
    ...           torch.empty(0), "npy")
    >>> bool(read_mask(None, None, s).all())
    True
    """
    local_rows = stack.counts[stack.comm.rank]
    if path is None:
        return torch.ones(local_rows, stack.cols, dtype=torch.bool)
    _, shape = probe_stack(path, dataset, stack.comm)
    if tuple(shape) != (stack.rows, stack.cols):
        raise HotspotsError(f"the mask {path!r} has shape {tuple(shape)}; it must be "
                            f"(rows, cols) = ({stack.rows}, {stack.cols})")
    try:
        mask = em.load(path, dataset, split=0, comm=stack.comm)
    except (OSError, KeyError, ValueError, TypeError) as error:  # raised on every rank
        raise _open_error("the mask", path, error) from error
    if tuple(mask.counts) != tuple(stack.counts):
        mask = mask.redistribute(stack.counts)
    return mask.larray != 0
