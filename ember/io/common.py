"""What every file format shares: paths and suffixes, hyperslab arithmetic, the agreement
on errors, atomic writes and writing in turns.

Reading follows one pattern (:func:`read_distributed`): every rank opens the file and
reads its metadata, the ranks agree on failure (one small collective), every rank reads
only the hyperslab of its own block, and they agree on failure once more. Writing goes
to a temporary name in the target's directory that is renamed onto the final name only
when every rank succeeded (:func:`atomic_write`), so a crash never leaves a truncated
file under the final name.
"""

from __future__ import annotations

import errno
import operator
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, sanitize_comm
from ..core.devices import sanitize_device
from ..core.distribution import balanced_counts, local_range
from ..core.dndarray import DNDarray
from ..core.dtypes import dtype as as_dtype
from ..core.validation import sanitize_split

__all__ = [
    "IO_BUFFER_BYTES", "FORMATS", "format_of", "sanitize_path", "check_mode", "probe",
    "normalize_selection", "selected_shape", "block_selection", "owned_rows",
    "attempt", "read_distributed", "atomic_write", "in_turns", "host_block",
    "ember_dtype_of", "check_writable_dtype", "import_backend", "check_dataset",
    "pwrite_all", "copy_to_offset", "Reader",
]  # fmt: skip

IO_BUFFER_BYTES = 1 << 26
"""Bytes a rank moves through one I/O buffer at a time (memory maps, text, copies)."""

Selection = tuple[int | slice, ...]

FORMATS: dict[str, str] = {
    ".h5": "hdf5", ".hdf5": "hdf5", ".he5": "hdf5",
    ".nc": "netcdf", ".nc4": "netcdf", ".cdf": "netcdf",
    ".zarr": "zarr",
    ".npy": "npy",
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
}  # fmt: skip
"""File suffix (lower case) -> format name, for :func:`ember.load` and :func:`ember.save`."""


# --------------------------------------------------------------------------------------
# arguments (replicated: every rank raises the same error before any communication)
# --------------------------------------------------------------------------------------
def sanitize_path(path: Any, function: str) -> str:
    """``path`` as a string (``str``, ``bytes`` or ``os.PathLike``); TypeError otherwise."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"{function}: path must be a str or os.PathLike, got "
                        f"{type(path).__name__}") from None
    return os.fsdecode(path)


def format_of(path: str) -> str:
    """The format name for ``path``'s suffix.

    Examples
    --------
    >>> format_of("stack.H5"), format_of("run/out.zarr/"), format_of("table.csv")
    ('hdf5', 'zarr', 'csv')
    """
    suffix = os.path.splitext(path.rstrip("/" + os.sep))[1].lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"cannot tell the file format of {path!r} from its suffix "
                         f"{suffix!r} (known: {known})") from None


def check_mode(mode: Any, function: str, modes: Sequence[str] = ("w", "a")) -> str:
    """``mode`` if it is one of ``modes``; ValueError otherwise."""
    if mode not in modes:
        raise ValueError(f"{function}: mode must be one of {', '.join(map(repr, modes))}, "
                         f"got {mode!r}")
    return mode


def check_dataset(dataset: Any, function: str) -> str | None:
    """``dataset`` if it is None or a non-empty string; TypeError/ValueError otherwise."""
    if dataset is None:
        return None
    if not isinstance(dataset, str):
        raise TypeError(f"{function}: dataset must be a str or None, got "
                        f"{type(dataset).__name__}")
    if not dataset.strip("/"):
        raise ValueError(f"{function}: dataset must name a dataset, got {dataset!r}")
    return dataset


def import_backend(module: str, function: str):
    """Import the optional package ``module`` (h5py, netCDF4, zarr); ImportError saying
    how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f"{function} needs the package {module!r}: "
                          f"pip install 'ember[io]' (or pip install {module})") from error


def probe(path: str, directory: bool = False) -> None:
    """Raise FileNotFoundError/PermissionError naming ``path`` unless it can be read.

    ``directory``: ``path`` must be a directory (a Zarr store) whose entries can be listed;
    otherwise a file that can be opened for reading.
    """
    if directory:
        if not os.path.isdir(path):
            if os.path.exists(path):
                raise OSError(errno.ENOTDIR, "not a directory (a Zarr store)", path)
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", path)
        os.listdir(path)
        return
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", path)
    with open(path, "rb"):
        pass


# --------------------------------------------------------------------------------------
# hyperslab arithmetic
# --------------------------------------------------------------------------------------
def normalize_selection(slices: Any, shape: Sequence[int], where: str) -> Selection:
    """``slices`` (None, an int, a slice or a tuple of them, one per leading axis) as one
    int or ``slice(start, stop, step)`` with explicit non-negative bounds per axis.

    Raises
    ------
    IndexError
        More entries than axes, or an int out of range.
    TypeError
        An entry that is neither an int nor a slice.
    NotImplementedError
        A slice with a negative step.

    Examples
    --------
    >>> normalize_selection((1, slice(None, None, 2)), (3, 5, 2), "x")
    (1, slice(0, 5, 2), slice(0, 2, 1))
    """
    if slices is None:
        slices = ()
    elif not isinstance(slices, tuple):
        slices = (slices,)
    if len(slices) > len(shape):
        raise IndexError(f"{where}: slices has {len(slices)} entries but the data has only "
                         f"{len(shape)} dimensions")
    selection: list[int | slice] = []
    for axis, (entry, extent) in enumerate(zip(slices, shape, strict=False)):
        if isinstance(entry, slice):
            start, stop, step = entry.indices(extent)
            if step < 0:
                raise NotImplementedError(f"{where}: slices with a negative step are not "
                                          "supported")
            selection.append(slice(start, max(start, stop), step))
            continue
        try:
            index = operator.index(entry)
        except TypeError:
            raise TypeError(f"{where}: slices entries must be ints or slices, got "
                            f"{type(entry).__name__}") from None
        if not -extent <= index < extent:
            raise IndexError(f"{where}: index {index} is out of bounds for axis {axis} with "
                             f"size {extent}")
        selection.append(index % extent)
    selection += [slice(0, extent, 1) for extent in shape[len(slices):]]
    return tuple(selection)


def _length(entry: slice) -> int:
    return len(range(entry.start, entry.stop, entry.step))


def selected_shape(selection: Selection) -> tuple[int, ...]:
    """The shape of what ``selection`` picks (ints drop their axis)."""
    return tuple(_length(entry) for entry in selection if isinstance(entry, slice))


def block_selection(selection: Selection, split: int | None, counts: Sequence[int] | None,
                    rank: int) -> Selection:
    """The part of ``selection`` (file coordinates) that is ``rank``'s block of the result.

    ``split`` is an axis of the result (ints in ``selection`` drop axes); the block is
    rows ``[offset, offset + count)`` of that axis, in file coordinates
    ``start + step * offset ...``.

    Examples
    --------
    >>> block_selection((slice(0, 10, 2), slice(0, 3, 1)), 0, (3, 2), rank=1)
    (slice(6, 9, 2), slice(0, 3, 1))
    """
    if split is None:
        return selection
    file_axes = [axis for axis, entry in enumerate(selection) if isinstance(entry, slice)]
    axis = file_axes[split]
    entry = selection[axis]
    first, last = local_range(counts, rank)
    start = entry.start + entry.step * first
    stop = start if last == first else entry.start + entry.step * (last - 1) + 1
    return (*selection[:axis], slice(start, stop, entry.step), *selection[axis + 1:])


def owned_rows(counts: Sequence[int], chunk: int, rank: int) -> tuple[int, int]:
    """``[start, stop)``: the rows along the split axis that ``rank`` writes when the file
    is cut into chunks of ``chunk`` rows and each chunk is written by the rank holding its
    first row (so two ranks never write one chunk).

    Examples
    --------
    >>> [owned_rows((4, 3, 3), 2, rank) for rank in range(3)]
    [(0, 4), (4, 8), (8, 10)]
    >>> [owned_rows((1, 5), 4, rank) for rank in range(2)]
    [(0, 4), (4, 6)]
    """
    first, end = local_range(counts, rank)
    total = sum(counts)
    start = -(-first // chunk) * chunk
    if first == end or start >= end:
        return end, end
    return start, min(-(-end // chunk) * chunk, total)


# --------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------
def ember_dtype_of(np_dtype: np.dtype, where: str):
    """The ember dtype of a file's NumPy dtype; TypeError naming ``where`` if ember has none."""
    try:
        return as_dtype(np.dtype(np_dtype))
    except TypeError:
        raise TypeError(f"{where} holds {np.dtype(np_dtype)} data, which ember does not "
                        "support; pass dtype= to convert it while reading") from None


def check_writable_dtype(x: DNDarray, function: str, unsupported: Sequence[str] = ()) -> None:
    """TypeError unless ``x``'s dtype can be written (NumPy knows it, the format too)."""
    if x.dtype.numpy is None or x.dtype.name in unsupported:
        raise TypeError(f"{function}: {x.dtype.name} data cannot be written to this format; "
                        "cast it first (x.astype(...))")


def host_block(x: DNDarray) -> np.ndarray:
    """This rank's block as a C-contiguous NumPy array in host memory (a view where
    possible: no copy for contiguous CPU blocks)."""
    tensor = x.larray.detach().cpu().resolve_conj().resolve_neg()
    return _contiguous(tensor.numpy())


# --------------------------------------------------------------------------------------
# agreeing on failure
# --------------------------------------------------------------------------------------
def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any
            ) -> tuple[Any, BaseException | None]:
    """``(function(*args, **kwargs), None)``, or ``(None, error)`` if it raised: so that a
    rank that fails still takes part in the next collective (``comm.raise_if_any``)."""
    try:
        return function(*args, **kwargs), None
    except Exception as error:  # noqa: BLE001 - handed to raise_if_any, raised everywhere
        return None, error


class Reader:
    """What a format provides for :func:`read_distributed`: open in ``__init__`` (raising
    FileNotFoundError/KeyError/OSError naming the path), then ``shape``, ``dtype`` (NumPy,
    after :meth:`to_ember`), ``where`` (path and dataset, for messages), ``read(selection)``
    and ``close()``."""

    shape: tuple[int, ...]
    dtype: np.dtype
    where: str

    def read(self, selection: Selection) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def to_ember(self, block: np.ndarray) -> np.ndarray:
        """Undo a storage convention (e.g. NetCDF's booleans stored as int8)."""
        return block

    def close(self) -> None:
        pass


def read_distributed(open_reader: Callable[[], Reader], split: Any, dtype: Any, device: Any,
                     comm: Communicator | None, slices: Any) -> DNDarray:
    """Read a dataset into a DNDarray, each rank only the hyperslab of its block.

    Notes
    -----
    Communication: two 8-byte Allreduces (agreeing on failure to open, then to read); the
    data never travel between ranks.
    """
    comm = sanitize_comm(comm)
    torch_device = sanitize_device(device).torch_device
    target = None if dtype is None else as_dtype(dtype)
    reader, error = attempt(open_reader)
    comm.raise_if_any(error)
    try:
        selection = normalize_selection(slices, reader.shape, reader.where)
        shape = selected_shape(selection)
        split = sanitize_split(split, len(shape))
        if target is None:
            target = ember_dtype_of(reader.dtype, reader.where)
        counts = None if split is None else balanced_counts(shape[split], comm.size)
        mine = block_selection(selection, split, counts, comm.rank)
        block, error = attempt(_read_block, reader, mine, target)
    finally:
        reader.close()
    comm.raise_if_any(error)
    return DNDarray(block.to(torch_device), shape, split, comm, counts)


def _read_block(reader: Reader, selection: Selection, target) -> torch.Tensor:
    block = reader.to_ember(np.asarray(reader.read(selection)))
    block = block.reshape(selected_shape(selection))  # some libraries give 0-d as (1,)
    if block.dtype != target.numpy:
        block = block.astype(target.numpy if target.numpy is not None else np.float32)
    return torch.from_numpy(_contiguous(block)).to(target.torch)


def _contiguous(array: np.ndarray) -> np.ndarray:
    """``array`` C-contiguous and writable, 0-d kept 0-d (unlike ``np.ascontiguousarray``)."""
    if array.flags.c_contiguous and array.flags.writeable:
        return array
    return array.copy(order="C")


# --------------------------------------------------------------------------------------
# writing: atomically, and in turns
# --------------------------------------------------------------------------------------
def _new_mode(existing: str, directory: bool) -> int:
    """The permission bits for a file or directory replacing ``existing``: its own if it
    exists, else what ``open``/``mkdir`` would give under the current umask."""
    try:
        return os.stat(existing).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return (0o777 if directory else 0o666) & ~umask


def _make_temporary(path: str, directory: bool, copy_existing: bool) -> str:
    """Rank 0: a fresh temporary file or directory next to ``path`` (a copy of ``path``
    when ``copy_existing`` and it exists)."""
    parent, name = os.path.split(os.path.abspath(path))
    if directory:
        temp = tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=parent)
        os.chmod(temp, _new_mode(path, directory=True) | 0o700)
        return temp
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=parent)
    os.close(handle)
    try:
        if copy_existing and os.path.exists(path):
            shutil.copyfile(path, temp)
        os.chmod(temp, _new_mode(path, directory=False))
    except BaseException:
        os.remove(temp)
        raise
    return temp


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)


def _replace(temp: str, path: str) -> None:
    """Move ``temp`` onto ``path``: one rename for files; for directories (which cannot
    be renamed onto a non-empty one) the old one is first renamed aside, then removed."""
    if not os.path.isdir(temp) or not os.path.lexists(path):
        os.replace(temp, path)
        return
    parent, name = os.path.split(os.path.abspath(path))
    aside = tempfile.mkdtemp(prefix=f".{name}.", suffix=".old", dir=parent)
    os.rmdir(aside)
    os.replace(path, aside)
    try:
        os.replace(temp, path)
    except BaseException:
        os.replace(aside, path)
        raise
    _remove(aside)


@contextmanager
def atomic_write(comm: Communicator, path: str, directory: bool = False,
                 copy_existing: bool = False, prepare: Callable[[], None] | None = None
                 ) -> Iterator[str]:
    """Write ``path`` through a temporary name in its directory; yields that name.

    Rank 0 makes the temporary file (a copy of the existing one if ``copy_existing``; a
    directory if ``directory``) after running ``prepare()`` (checks that need the file
    system). Every rank then runs the body, which must keep taking part in every
    collective it contains even after a local failure and raise that failure at its end.
    The ranks then agree: if any failed, rank 0 removes the temporary name and every rank
    raises the first failure; otherwise rank 0 renames it onto ``path``.

    Notes
    -----
    Communication: one small Bcast (the temporary name), one 8-byte Allreduce (agreeing
    on the body), one more after the rename (a Barrier after the cleanup on failure).
    """
    def begin() -> str:
        if prepare is not None:
            prepare()
        return _make_temporary(path, directory, copy_existing)

    temp, error = attempt(begin) if comm.rank == 0 else (None, None)
    temp, error = comm.bcast_object((temp, error))
    if error is not None:
        raise error
    try:
        yield temp
    except Exception as failure:  # noqa: BLE001 - agreed on below
        error = failure
    agreed = None
    try:
        comm.raise_if_any(error)
    except Exception as failure:  # noqa: BLE001 - raised below, after the cleanup
        agreed = failure
    if agreed is not None:
        if comm.rank == 0:
            _remove(temp)
        comm.Barrier()  # nobody looks at the directory before the cleanup is done
        raise agreed
    _, error = attempt(_replace, temp, path) if comm.rank == 0 else (None, None)
    if error is not None:
        _remove(temp)
    comm.raise_if_any(error)


def in_turns(comm: Communicator, action: Callable[[], None]) -> None:
    """Run ``action()`` on every rank in rank order, one rank at a time (a token passed
    from rank r to r + 1), so that serial libraries can write one file from many ranks.

    A rank that fails passes the token on marked as failed (later ranks skip their
    action); every rank then raises its own failure, or, after a failure before it, a
    RuntimeError (:func:`atomic_write` agrees on the first one).

    Notes
    -----
    Communication: ``size - 1`` point-to-point messages of one byte, in sequence.
    """
    failed = torch.zeros(1, dtype=torch.uint8)
    if comm.rank > 0:
        failed = comm.Recv((1,), failed, source=comm.rank - 1, tag=7301)
    error = None
    if not failed.item():
        _, error = attempt(action)
    if comm.rank < comm.size - 1:
        comm.Send(torch.tensor([failed.item() or error is not None], dtype=torch.uint8),
                  dest=comm.rank + 1, tag=7301)
    if error is not None:
        raise error
    if failed.item():
        raise RuntimeError("an earlier rank failed to write its part")


def pwrite_all(fd: int, data: memoryview, offset: int) -> None:
    """Write all of ``data`` at ``offset`` of the file ``fd`` (pieces of one I/O buffer)."""
    data = data.cast("B")
    done = 0
    while done < len(data):
        piece = data[done:done + IO_BUFFER_BYTES]
        done += os.pwrite(fd, piece, offset + done)


def copy_to_offset(source, fd: int, offset: int) -> None:
    """Copy the file object ``source`` from its start into ``fd`` at ``offset``, one I/O
    buffer at a time."""
    source.seek(0)
    while True:
        piece = source.read(IO_BUFFER_BYTES)
        if not piece:
            return
        pwrite_all(fd, memoryview(piece), offset)
        offset += len(piece)
