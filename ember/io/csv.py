"""CSV and other delimited text files of numbers: every rank parses the rows of its own
byte range (aligned to line starts) and writes its own rows at its byte offset.

Numbers only (booleans as 0/1, integers, floats, complex numbers as ``numpy.savetxt``
writes them); quoted fields and text columns are not supported. Missing fields of float
and complex columns read as ``fill_value`` (NaN).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import warnings
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, sanitize_comm
from ..core.devices import sanitize_device
from ..core.distribution import balanced_counts, local_range, offsets
from ..core.dndarray import DNDarray
from ..core.dtypes import dtype as as_dtype
from ..core.dtypes import float64
from ..core.validation import sanitize_split
from . import common
from .common import (
    atomic_write,
    attempt,
    check_mode,
    check_writable_dtype,
    copy_to_offset,
    normalize_selection,
    probe,
    sanitize_path,
)

__all__ = ["load_csv", "save_csv"]


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
def _line_start(fp, position: int, first: int, size: int) -> int:
    """The first line start at or after ``position`` (``first``: where data begin)."""
    if position <= first:
        return first
    if position >= size:
        return size
    fp.seek(position - 1)
    if fp.read(1) == b"\n":
        return position
    fp.readline()
    return min(fp.tell(), size)


def _my_bytes(path: str, header_lines: int, rank: int, size: int) -> bytes:
    """The whole lines starting in this rank's share of the data bytes."""
    probe(path)
    with open(path, "rb") as fp:
        for _ in range(header_lines):
            fp.readline()
        first = fp.tell()
        total = os.fstat(fp.fileno()).st_size
        share = total - first
        start = _line_start(fp, first + share * rank // size, first, total)
        stop = _line_start(fp, first + share * (rank + 1) // size, first, total)
        fp.seek(start)
        return fp.read(stop - start)


def _fill_missing(text: str, sep: str, fill_value: Any) -> str:
    """Empty fields (between separators, or at a line's start or end) made ``fill_value``."""
    if fill_value is None:
        return text
    s = re.escape(sep)
    fill = str(fill_value)
    text = re.sub(rf"(?m)^[ \t]*(?={s})", fill, text)
    return re.sub(rf"(?m)(?<={s})[ \t]*(?={s}|\r?$)", fill, text)


def _parse(path: str, header_lines: int, rank: int, size: int, np_dtype: np.dtype, sep,
           comments, fill_value, encoding: str) -> np.ndarray:
    text = _my_bytes(path, header_lines, rank, size).decode(encoding)
    if np_dtype.kind in "fc" and sep is not None:
        text = _fill_missing(text, sep, fill_value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "input contained no data"
        try:
            rows = np.loadtxt(io.StringIO(text), dtype=np_dtype, delimiter=sep,
                              comments=comments, ndmin=2)
        except ValueError as error:
            raise ValueError(f"cannot parse {path!r}: {error}") from error
    return rows if rows.shape[0] else np.empty((0, 0), np_dtype)


def load_csv(path: str | os.PathLike, split: int | None = 0, dtype: Any = None,
             device: Any = None, comm: Communicator | None = None, slices: Any = None,
             sep: str | None = ",", header_lines: int = 0, comments: str | None = "#",
             fill_value: Any = np.nan, encoding: str = "utf-8") -> DNDarray:
    """Load a delimited text file of numbers as a 2-d array, each rank parsing its rows.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    split : int or None
        0 (default): each rank keeps the rows it parsed (counts follow the bytes, nearly
        balanced for rows of similar length; ``x.balance()`` evens them). 1: one
        redistribution to columns. None: every rank gets everything (gathered).
    dtype : dtype-like, optional
        Default float64 (as ``numpy.loadtxt``); booleans are read from 0/1.
    device, comm
        As for :func:`ember.load_hdf5`.
    slices : int, slice or tuple of them, optional
        Rows and columns to keep (every row is still parsed by some rank).
    sep : str or None
        The field separator; None: any whitespace.
    header_lines : int
        Lines to skip at the start (column names, ...).
    comments : str or None
        Lines starting with this are skipped (``numpy.loadtxt``'s ``comments``).
    fill_value : scalar
        What empty fields of a float or complex column become (NaN); None: an error.
    encoding : str
        The text encoding.

    Returns
    -------
    DNDarray
        Always 2-d, as ``numpy.loadtxt(..., ndmin=2)`` (fewer dimensions with int
        ``slices``).

    Raises
    ------
    FileNotFoundError, PermissionError
        The file is missing or cannot be read.
    ValueError
        A field is not a number, rows have different numbers of fields, or ``split`` is
        not an axis.

    Every error is raised on every rank, naming the path.

    Notes
    -----
    Communication: every rank reads the whole lines that start in its share of the file's
    bytes (cut evenly after the header lines) and parses them; then one 8-byte
    Allreduce (agreeing on failure) and one small Allgather of the row counts. split=1:
    one Alltoallv more; split=None: one Allgatherv. Memory: the text of this rank's share
    and its parsed rows.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "table.csv")
    >>> if comm.rank == 0:
    ...     with open(path, "w") as f:
    ...         _ = f.write("a,b\\n1,2.5\\n3,\\n5,6\\n")
    >>> comm.Barrier()
    >>> em.load_csv(path, header_lines=1, split=None).tolist()
    [[1.0, 2.5], [3.0, nan], [5.0, 6.0]]
    >>> em.load_csv(path, header_lines=1, slices=(slice(None), 0)).tolist()
    [1.0, 3.0, 5.0]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.load_csv"
    path = sanitize_path(path, function)
    comm = sanitize_comm(comm)
    torch_device = sanitize_device(device).torch_device
    target = float64 if dtype is None else as_dtype(dtype)
    if not isinstance(header_lines, int) or header_lines < 0:
        raise ValueError(f"{function}: header_lines must be a non-negative int, got "
                         f"{header_lines!r}")
    if sep is not None and (not isinstance(sep, str) or not sep):
        raise ValueError(f"{function}: sep must be a non-empty str or None, got {sep!r}")
    np_dtype = np.dtype(target.numpy if target.numpy is not None else np.float32)
    rows, error = attempt(_parse, path, header_lines, comm.rank, comm.size, np_dtype, sep,
                          comments, fill_value, encoding)
    comm.raise_if_any(error)
    shapes = comm.allgather_object(rows.shape)
    widths = {width for count, width in shapes if count}
    if len(widths) > 1:
        raise ValueError(f"{function}: the rows of {path!r} have different numbers of "
                         f"fields ({sorted(widths)})")
    width = widths.pop() if widths else 0
    counts = [count for count, _ in shapes]
    rows = torch.from_numpy(rows.reshape(counts[comm.rank], width)).to(target.torch)
    table = DNDarray(rows, (sum(counts), width), 0, comm, counts)
    return _select(table, slices, split, path).to(torch_device)


def _select(table: DNDarray, slices: Any, split: Any, path: str) -> DNDarray:
    """``table[slices]`` with the result's ``split``: rows kept locally (arithmetic counts),
    columns sliced, then redistributed if asked; int entries drop their axis last."""
    selection = normalize_selection(slices, table.shape, repr(path))
    dropped = [axis for axis, entry in enumerate(selection) if isinstance(entry, int)]
    kept = [entry if isinstance(entry, slice) else slice(entry, entry + 1, 1)
            for entry in selection]
    split = sanitize_split(split, 2 - len(dropped))
    file_split = None if split is None else [a for a in (0, 1) if a not in dropped][split]
    rows, columns = kept
    wanted = range(rows.start, rows.stop, rows.step)
    counts = []
    for rank in range(table.comm.size):
        first, stop = local_range(table.counts, rank)
        counts.append(len(_within(wanted, first, stop)))
    first = offsets(table.counts)[table.comm.rank]
    local = _within(wanted, first, first + table.counts[table.comm.rank])
    picked = table.larray[local.start - first:local.stop - first:local.step, columns] \
        if len(local) else table.larray[0:0, columns]
    shape = (sum(counts), len(range(columns.start, columns.stop, columns.step)))
    result = DNDarray(picked.contiguous(), shape, 0, table.comm, counts)
    if file_split != 0:
        result = result.resplit(file_split)
    if not dropped:
        return result
    new_split = None if result.split is None else \
        result.split - sum(1 for a in dropped if a < result.split)
    shape = tuple(extent for axis, extent in enumerate(result.shape) if axis not in dropped)
    local = result.larray.reshape([e for a, e in enumerate(result.lshape) if a not in dropped])
    return DNDarray(local, shape, new_split, result.comm, result.counts)


def _within(wanted: range, start: int, stop: int) -> range:
    """The part of ``wanted`` (positive step) inside ``[start, stop)``."""
    if not len(wanted):
        return wanted
    step = wanted.step
    first = wanted.start + max(0, -(-(start - wanted.start) // step)) * step
    return range(first, min(stop, wanted.stop), step) if first < stop else range(0)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------
def _default_format(x: DNDarray) -> str:
    """Enough digits to read every value back exactly."""
    kind = x.dtype.kind
    if kind in "biu":
        return "%d"
    digits = {2: 4, 4: 8, 8: 16}[x.dtype.itemsize // (2 if kind == "c" else 1)]
    return f"%.{digits}e"


def _rows_to_write(x: DNDarray) -> np.ndarray:
    """This rank's rows, as a 2-d host array (a split=None array: its even share)."""
    block = x.larray.detach().cpu().resolve_conj().resolve_neg()
    if x.split is None and x.ndim:
        first, stop = local_range(balanced_counts(x.shape[0], x.comm.size),
                                  x.comm.rank)
        block = block[first:stop]
    block = block.numpy()
    return block.reshape(-1, 1) if block.ndim == 1 else block


def save_csv(x: DNDarray, path: str | os.PathLike, mode: str = "w", sep: str = ",",
             fmt: str | None = None, header: str = "", comments: str = "# ",
             encoding: str = "utf-8") -> None:
    """Save a 1-d or 2-d array as delimited text, each rank formatting and writing its rows.

    The file is what ``numpy.savetxt(path, x, fmt, delimiter=sep, header=header)`` writes
    (a 1-d array as one value per line).

    Parameters
    ----------
    x : DNDarray
        1-d or 2-d; booleans (written 0/1), integers, floats, complex numbers.
    path : str or os.PathLike
        The file.
    mode : {"w", "a"}
        ``"w"``: a new file replaces any old one. ``"a"``: append the rows to the file
        (made if missing; no header then).
    sep : str
        The field separator.
    fmt : str, optional
        A ``%`` format for every value; default ``"%d"`` for integers and booleans, and
        enough digits to read floats back exactly (``"%.8e"`` for float32).
    header : str
        Written first, each line prefixed by ``comments`` (new files only).
    comments, encoding : str
        As for ``numpy.savetxt``.

    Raises
    ------
    TypeError
        ``x`` is not a DNDarray, or is bfloat16.
    ValueError
        ``x`` is not 1-d or 2-d, or a bad ``mode``.
    OSError
        The file cannot be written (on every rank).

    Notes
    -----
    Communication: one 8-byte Exscan of the text sizes; split=1 is first redistributed
    to rows (one Alltoallv); a split=None array is written in even shares of rows by
    every rank. Every rank formats its rows into an unnamed spool file in the target's
    directory (memory: one I/O buffer), then copies it into the file at its byte offset,
    all at once. Safety: a temporary file in the same directory (a copy of the old one
    with ``mode="a"``), renamed onto ``path`` when every rank succeeded.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import numpy as np
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "out.csv")
    >>> em.save_csv(em.arange(6, split=0).reshape(3, 2), path, header="a,b", comments="")
    >>> em.save_csv(em.array([[6, 7]], split=0), path, mode="a")
    >>> open(path).read().split()
    ['a,b', '0,1', '2,3', '4,5', '6,7']
    >>> np.loadtxt(path, delimiter=",", skiprows=1).shape
    (4, 2)
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.save_csv"
    if not isinstance(x, DNDarray):
        raise TypeError(f"{function} expects a DNDarray, got {type(x).__name__}")
    path = sanitize_path(path, function)
    mode = check_mode(mode, function)
    check_writable_dtype(x, function)
    if x.ndim not in (1, 2):
        raise ValueError(f"{function}: only 1-d and 2-d arrays can be written as text, got "
                         f"{x.ndim}-d")
    fmt = _default_format(x) if fmt is None else fmt
    if x.split == 1:
        x = x.resplit(0)
    comm = x.comm
    with atomic_write(comm, path, copy_existing=mode == "a") as temp:
        base = os.path.getsize(temp) if comm.rank == 0 else 0
        with tempfile.TemporaryFile(dir=os.path.dirname(temp)) as spool:
            text, error = attempt(_format, spool, x, temp, base, fmt, sep, header, comments,
                                  encoding)
            size = torch.tensor([(text or 0) + base], dtype=torch.int64)
            offset = int(comm.Exscan(size).item()) + base
            if error is None:
                _, error = attempt(_copy, spool, temp, offset)
        if error is not None:
            raise error


def _format(spool, x: DNDarray, temp: str, base: int, fmt: str, sep: str, header: str,
            comments: str, encoding: str) -> int:
    """Write this rank's text into ``spool`` (rank 0: a header first, or a newline ending
    the old file's last line); return its size."""
    if x.comm.rank == 0:
        if base == 0 and header:
            lines = header.split("\n")
            spool.write(("\n".join(comments + line for line in lines) + "\n").encode(encoding))
        elif base:
            with open(temp, "rb") as old:
                old.seek(base - 1)
                if old.read(1) != b"\n":
                    spool.write(b"\n")
    rows = _rows_to_write(x)
    width = max(1, rows.shape[1] if rows.ndim == 2 else 1)
    per_batch = max(1, common.IO_BUFFER_BYTES // (32 * width))
    for start in range(0, rows.shape[0], per_batch):
        np.savetxt(spool, rows[start:start + per_batch], fmt=fmt, delimiter=sep,
                   encoding=encoding)
    return spool.tell()


def _copy(spool, temp: str, offset: int) -> None:
    fd = os.open(temp, os.O_WRONLY)
    try:
        copy_to_offset(spool, fd, offset)
    finally:
        os.close(fd)
