"""NumPy ``.npy`` files: every rank reads its hyperslab through memory maps of the data
past the header (one I/O buffer at a time) and writes its block at its byte offset.

Every dtype of ember but bfloat16 round-trips; C- and Fortran-ordered files are read.
"""

from __future__ import annotations

import io
import math
import os
from typing import Any

import numpy as np

from ..comm import Communicator
from ..core.dndarray import DNDarray
from . import common
from .common import (
    Reader,
    Selection,
    atomic_write,
    block_selection,
    check_mode,
    check_writable_dtype,
    host_block,
    in_turns,
    probe,
    pwrite_all,
    read_distributed,
    sanitize_path,
    selected_shape,
)

__all__ = ["load_npy", "save_npy"]


def _header(fp) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(fp)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(fp)
    return np.lib.format._read_array_header(fp, version)  # (3, 0): UTF-8 field names


class _NpyReader(Reader):
    """The header of a .npy file (raises FileNotFoundError, PermissionError, OSError)."""

    def __init__(self, path: str) -> None:
        probe(path)
        self.path, self.where = path, repr(path)
        with open(path, "rb") as fp:
            try:
                self.shape, self.fortran, self.dtype = _header(fp)
            except (ValueError, EOFError) as error:
                raise OSError(f"cannot read {path!r} as a .npy file: {error}") from error
            self.offset = fp.tell()
        if self.dtype.hasobject:
            raise TypeError(f"{path!r} holds Python objects, which ember cannot load")
        needed = self.offset + math.prod(self.shape) * self.dtype.itemsize
        if os.path.getsize(path) < needed:
            raise OSError(f"{path!r} is truncated: {os.path.getsize(path)} bytes, the header "
                          f"announces {needed}")

    def read(self, selection: Selection) -> np.ndarray:
        if not self.fortran:
            return _read_c_order(self.path, self.offset, self.dtype, self.shape, selection)
        # A Fortran-ordered file is the C-ordered transpose.
        part = _read_c_order(self.path, self.offset, self.dtype, self.shape[::-1],
                             selection[::-1])
        return part.T


def _read_c_order(path: str, offset: int, dtype: np.dtype, shape: tuple[int, ...],
                  selection: Selection) -> np.ndarray:
    """``selection`` of the C-ordered array at ``offset``, mapped one window of rows along
    axis 0 at a time (at most one I/O buffer mapped at once)."""
    out = np.empty(selected_shape(selection), dtype)
    if out.size == 0:
        return out
    if not shape:
        return np.fromfile(path, dtype, count=1, offset=offset).reshape(())
    first, rest = selection[0], selection[1:]
    rows = range(first, first + 1) if isinstance(first, int) else \
        range(first.start, first.stop, first.step)
    step = rows.step
    row_bytes = math.prod(shape[1:]) * dtype.itemsize
    per_window = max(1, common.IO_BUFFER_BYTES // max(1, row_bytes * step))
    for k in range(0, len(rows), per_window):
        window = rows[k:k + per_window]
        mapped = np.memmap(path, dtype, "r", offset=offset + window[0] * row_bytes,
                           shape=(window[-1] - window[0] + 1, *shape[1:]))
        part = mapped[(slice(None, None, step), *rest)]
        if isinstance(first, int):
            out[...] = part[0]
        else:
            out[k:k + len(window)] = part
        del mapped, part
    return out


def load_npy(path: str | os.PathLike, split: int | None = 0, dtype: Any = None,
             device: Any = None, comm: Communicator | None = None, slices: Any = None
             ) -> DNDarray:
    """Load a ``.npy`` file, each rank reading only its block.

    Parameters
    ----------
    path : str or os.PathLike
        The file, as written by ``numpy.save``.
    split, dtype, device, comm, slices
        As for :func:`ember.load_hdf5`.

    Returns
    -------
    DNDarray

    Raises
    ------
    FileNotFoundError, PermissionError
        The file is missing or cannot be read.
    OSError
        Not a .npy file, or shorter than its header says.
    TypeError
        An object array, or a dtype ember lacks (unless ``dtype`` is given).
    ValueError
        ``split`` is not an axis of the result.

    Every error is raised on every rank.

    Notes
    -----
    Communication: two 8-byte Allreduces (agreeing on failure); the data are not
    communicated. Every rank parses the header and memory-maps only the rows of its
    hyperslab, one window of at most ``ember.io.common.IO_BUFFER_BYTES`` at a time,
    copying them into its block.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import numpy as np
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "a.npy")
    >>> if comm.rank == 0:
    ...     np.save(path, np.arange(8, dtype=np.uint8).reshape(2, 4))
    >>> comm.Barrier()
    >>> x = em.load_npy(path, split=1)
    >>> x.dtype, x.tolist()
    (ember.uint8, [[0, 1, 2, 3], [4, 5, 6, 7]])
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    path = sanitize_path(path, "ember.load_npy")
    return read_distributed(lambda: _NpyReader(path), split, dtype, device, comm, slices)


def _header_bytes(x: DNDarray) -> bytes:
    """The .npy header for ``x`` (version 1.0, or 2.0 for very long shapes)."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(x.dtype.numpy)),
              "fortran_order": False, "shape": x.shape}
    buffer = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(buffer, header)
    except ValueError:
        buffer = io.BytesIO()
        np.lib.format.write_array_header_2_0(buffer, header)
    return buffer.getvalue()


def save_npy(x: DNDarray, path: str | os.PathLike, mode: str = "w") -> None:
    """Save ``x`` as a ``.npy`` file (``numpy.load`` reads it), each rank writing its block.

    Parameters
    ----------
    x : DNDarray
        Any split; every dtype but bfloat16.
    path : str or os.PathLike
        The file.
    mode : {"w"}
        A .npy file holds one array: ``"a"`` raises NotImplementedError.

    Raises
    ------
    TypeError
        ``x`` is not a DNDarray, or is bfloat16.
    NotImplementedError
        ``mode="a"``.
    OSError
        The file cannot be written (on every rank).

    Notes
    -----
    Communication: the data are not communicated. When each block is one contiguous byte
    range of the file (split=0, or every axis before the split has length 1) every rank
    writes it at its offset at once (``pwrite``); otherwise the ranks write in turn
    (rank order, a one-byte token), each through memory maps of one I/O buffer. A
    split=None array is written by rank 0. Safety: a temporary file in the same
    directory, renamed onto ``path`` when every rank succeeded.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import numpy as np
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "b.npy")
    >>> em.save_npy(em.arange(6.0, split=0).reshape(2, 3), path)
    >>> np.load(path).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.save_npy"
    if not isinstance(x, DNDarray):
        raise TypeError(f"{function} expects a DNDarray, got {type(x).__name__}")
    path = sanitize_path(path, function)
    if mode == "a":
        raise NotImplementedError(f"{function}: mode='a' is not supported (a .npy file "
                                  "holds one array)")
    check_mode(mode, function, modes=("w",))
    check_writable_dtype(x, function)
    header = _header_bytes(x)
    contiguous = x.split is None or all(extent == 1 for extent in x.shape[:x.split])
    with atomic_write(x.comm, path) as temp:
        if contiguous:
            _write_range(x, temp, header)
        else:
            in_turns(x.comm, lambda: _write_strided(x, temp, header))


def _write_range(x: DNDarray, temp: str, header: bytes) -> None:
    """This rank's block is one byte range of the file: write it there."""
    rank = x.comm.rank
    if rank == 0:
        _write_range_header(temp, header, x.nbytes)
    if x.larray.numel() == 0 or (rank > 0 and x.split is None):
        return
    start = 0
    if x.split is not None:
        start = x.offsets[rank] * math.prod(x.shape[x.split + 1:]) * x.itemsize
    fd = os.open(temp, os.O_WRONLY)
    try:
        pwrite_all(fd, memoryview(host_block(x)).cast("B"), len(header) + start)
    finally:
        os.close(fd)


def _write_strided(x: DNDarray, temp: str, header: bytes) -> None:
    """This rank's block is strided in the file: assign it through memory maps, one
    window of rows along axis 0 at a time."""
    if x.comm.rank == 0:
        _write_range_header(temp, header, x.nbytes)
    if x.larray.numel() == 0:
        return
    block = host_block(x)
    full = tuple(slice(0, extent, 1) for extent in x.shape)
    mine = block_selection(full, x.split, x.counts, x.comm.rank)
    row_bytes = math.prod(x.shape[1:]) * x.itemsize
    per_window = max(1, common.IO_BUFFER_BYTES // max(1, row_bytes))
    for start in range(0, x.shape[0], per_window):
        stop = min(start + per_window, x.shape[0])
        mapped = np.memmap(temp, x.dtype.numpy, "r+", offset=len(header) + start * row_bytes,
                           shape=(stop - start, *x.shape[1:]))
        mapped[(slice(None), *mine[1:])] = block[start:stop]
        mapped.flush()
        del mapped


def _write_range_header(temp: str, header: bytes, nbytes: int) -> None:
    fd = os.open(temp, os.O_WRONLY)
    try:
        os.ftruncate(fd, len(header) + nbytes)
        pwrite_all(fd, memoryview(header), 0)
    finally:
        os.close(fd)
