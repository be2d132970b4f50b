"""Zarr stores (zarr-python 3, Zarr format 3) in local directories: every rank reads only
its hyperslab and writes its own chunks concurrently.

Chunks are cut along the split axis so that each chunk is written by one rank, the one
holding its first row; the few rows of a chunk that straddles two ranks' blocks travel
to that rank first (point-to-point, at most one chunk per rank). Every dtype of ember
but bfloat16 round-trips. Stores given as URLs or zarr Store objects are not supported.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator
from ..core.distribution import balanced_counts, local_range
from ..core.dndarray import DNDarray
from . import common
from .common import (
    Reader,
    Selection,
    atomic_write,
    attempt,
    check_dataset,
    check_mode,
    check_writable_dtype,
    import_backend,
    owned_rows,
    probe,
    read_distributed,
    sanitize_path,
)

__all__ = ["load_zarr", "save_zarr"]

CHUNK_BYTES = 1 << 23
"""About this many bytes per chunk when ``chunks`` is not given."""

_TAG = 7302


def _zarr(function: str):
    return import_backend("zarr", function)


def _arrays(group) -> list[str]:
    """The paths of every array in a zarr group (recursively)."""
    zarr = _zarr("ember.load_zarr")
    return sorted(name for name, node in group.members(max_depth=None)
                  if isinstance(node, zarr.Array))


_READ_CONCURRENCY = 4  # chunks decoded at once while reading


class _ZarrReader(Reader):
    """An open Zarr array (raises FileNotFoundError, PermissionError, KeyError, OSError)."""

    def __init__(self, path: str, dataset: str | None) -> None:
        zarr = _zarr("ember.load_zarr")
        probe(path, directory=True)
        try:
            node = zarr.open(store=path, mode="r")
        except Exception as error:  # zarr raises many types for a damaged store
            raise OSError(f"cannot read {path!r} as a Zarr store: {error}") from error
        self.array = self._find(zarr, node, path, dataset)
        self.where = f"array {self.array.path or '/'!r} of {path!r}"
        self.shape, self.dtype = tuple(self.array.shape), np.dtype(self.array.dtype)

    @staticmethod
    def _find(zarr, node, path: str, dataset: str | None):
        if isinstance(node, zarr.Array):
            if dataset not in (None, "", "/"):
                raise KeyError(f"{path!r} is one array, not a group: it has no {dataset!r}")
            return node
        names = _arrays(node)
        if dataset is None:
            if len(names) != 1:
                raise KeyError(f"{path!r} holds {len(names)} arrays "
                               f"({', '.join(names[:10]) or 'none'}); pass dataset=")
            dataset = names[0]
        try:
            found = node[dataset.strip("/")]
        except (KeyError, FileNotFoundError):
            found = None
        if not isinstance(found, zarr.Array):
            raise KeyError(f"{path!r} has no array {dataset!r} (it holds: "
                           f"{', '.join(names[:10]) or 'none'})")
        return found

    def read(self, selection: Selection) -> np.ndarray:
        zarr = _zarr("ember.load_zarr")
        try:
            # few chunks in flight at once: decoded chunks are the I/O buffer, bounded
            with zarr.config.set({"async.concurrency": _READ_CONCURRENCY}):
                return self.array[selection]
        except Exception as error:  # a damaged or missing chunk
            raise OSError(f"cannot read {self.where}: {error}") from error


def load_zarr(path: str | os.PathLike, dataset: str | None = None, split: int | None = 0,
              dtype: Any = None, device: Any = None, comm: Communicator | None = None,
              slices: Any = None) -> DNDarray:
    """Load a Zarr array, each rank reading only its block.

    Parameters
    ----------
    path : str or os.PathLike
        The store (a local directory): an array, or a group holding arrays.
    dataset : str, optional
        The array's path inside a group store; may be left out when the store is an array
        or holds exactly one.
    split, dtype, device, comm, slices
        As for :func:`ember.load_hdf5`.

    Returns
    -------
    DNDarray

    Raises
    ------
    FileNotFoundError, PermissionError, KeyError, OSError, ValueError
        Missing or unreadable store, missing array, damaged store, bad ``split``: on every
        rank, naming the path.

    Notes
    -----
    Communication: two 8-byte Allreduces (agreeing on failure); the data are not
    communicated: every rank opens the store and reads only the chunks of its hyperslab,
    concurrently.

    Examples
    --------
    >>> import os, shutil, tempfile, zarr
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "cube.zarr")
    >>> if comm.rank == 0:
    ...     z = zarr.create_array(path, shape=(4, 3), dtype="int16", chunks=(2, 3))
    ...     z[:] = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    >>> comm.Barrier()
    >>> x = em.load_zarr(path, split=0, slices=slice(1, None))
    >>> x.shape, x.dtype, x.tolist()
    ((3, 3), ember.int16, [[3, 4, 5], [6, 7, 8], [9, 10, 11]])
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    path = sanitize_path(path, "ember.load_zarr")
    dataset = check_dataset(dataset, "ember.load_zarr")
    return read_distributed(lambda: _ZarrReader(path, dataset), split, dtype, device, comm,
                            slices)


def save_zarr(x: DNDarray, path: str | os.PathLike, dataset: str | None = None,
              mode: str = "w", chunks: Sequence[int] | None = None,
              compressors: Any = "auto", attrs: Mapping[str, Any] | None = None) -> None:
    """Save ``x`` as a Zarr (format 3) array, every rank writing its own chunks at once.

    The store is the one zarr would write from the whole array: ``zarr.open_array(path)``
    reads it back whole.

    Parameters
    ----------
    x : DNDarray
        Any split; every dtype but bfloat16.
    path : str or os.PathLike
        The store, a local directory (``.zarr``).
    dataset : str, optional
        None: the store is the array. A name: the store is a group and the array sits at
        this path inside it.
    mode : {"w", "a"}
        ``"w"``: a new store replaces any old one. ``"a"``: add the array ``dataset`` to the
        group store (made if missing), keeping every other array; ValueError if it exists
        (or, without ``dataset``, if the store exists).
    chunks : sequence of int, optional
        The chunk shape. Default: the whole extent along the other axes and, along the
        split axis (axis 0 for split=None), about 8 MiB worth of rows, at most the
        smallest non-empty block, so that most chunks lie inside one rank's block.
    compressors : optional
        As for ``zarr.create_array`` (``"auto"``: zarr's default; None: no compression).
    attrs : mapping, optional
        Attributes of the array.

    Raises
    ------
    TypeError
        ``x`` is not a DNDarray, or is bfloat16.
    ValueError
        Bad ``mode`` or ``chunks``, or something ``mode="a"`` would replace.
    OSError
        The store cannot be written (on every rank, naming the path).

    Notes
    -----
    Communication: each chunk is written by the rank holding its first row along the split
    axis (a split=None array: the chunks are dealt out to the ranks evenly). The rows of
    a chunk that straddles two blocks are sent to that rank first: per rank at most one
    point-to-point message out, of fewer rows than one chunk, and the few such messages in
    (fewer rows than one chunk altogether). Plus a few 8-byte collectives to agree on
    failure. Safety: a new store is written under a temporary name next to ``path`` and
    renamed onto it when every rank succeeded (an old store is renamed aside first, then
    removed); with ``mode="a"`` the new array is written under a temporary name inside
    the group and renamed into place.

    Examples
    --------
    >>> import os, shutil, tempfile, zarr
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "out.zarr")
    >>> em.save_zarr(em.arange(10, split=0), path, "a", chunks=(4,))
    >>> em.save_zarr(em.zeros((2, 2), split=1), path, "b", mode="a")
    >>> group = zarr.open_group(path, mode="r")
    >>> sorted(group.array_keys()), group["a"][:].tolist(), group["a"].chunks
    (['a', 'b'], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], (4,))
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.save_zarr"
    if not isinstance(x, DNDarray):
        raise TypeError(f"{function} expects a DNDarray, got {type(x).__name__}")
    path = sanitize_path(path, function).rstrip("/" + os.sep) or "/"
    dataset = check_dataset(dataset, function)
    dataset = None if dataset is None else dataset.strip("/")
    mode = check_mode(mode, function)
    check_writable_dtype(x, function)
    chunks = _chunks(x, chunks, function)
    zarr = _zarr(function)
    options = {"shape": x.shape, "dtype": x.dtype.numpy, "chunks": chunks,
               "compressors": compressors, "attributes": dict(attrs or {})}
    exists = x.comm.bcast_object(os.path.exists(path) if x.comm.rank == 0 else None)
    if mode == "a" and exists:
        _append(zarr, x, path, dataset, options, function)
        return
    with atomic_write(x.comm, path, directory=True) as temp:
        error = None
        if x.comm.rank == 0:
            _, error = _attempt_create(zarr, temp, dataset, options)
        x.comm.raise_if_any(error)
        _write_chunks(zarr, x, temp, dataset or "", chunks)


def _attempt_create(zarr, store: str, dataset: str | None, options: dict):
    def create() -> None:
        if dataset is None:
            zarr.create_array(store=store, overwrite=True, **options)
        else:
            zarr.open_group(store, mode="w").create_array(name=dataset, **options)

    return attempt(create)


def _append(zarr, x: DNDarray, path: str, dataset: str | None, options: dict,
            function: str) -> None:
    """Add an array to an existing group store: written as a store of its own under a
    temporary name inside the group, then renamed into place."""
    if dataset is None:
        raise ValueError(f"{function}: {path!r} exists and mode='a' never replaces it; "
                         "pass dataset= to add an array to a group store")
    parent = dataset.rpartition("/")[0]

    def prepare() -> None:
        group = zarr.open_group(path, mode="r+")
        if dataset in group:
            raise ValueError(f"{function}: {path!r} already has {dataset!r}; mode='a' "
                             "never replaces an array")
        if parent:
            group.require_group(parent)

    target = os.path.join(path, *dataset.split("/"))
    with atomic_write(x.comm, target, directory=True, prepare=prepare) as temp:
        error = None
        if x.comm.rank == 0:
            _, error = _attempt_create(zarr, temp, None, options)
        x.comm.raise_if_any(error)
        _write_chunks(zarr, x, temp, "", options["chunks"])


def _chunks(x: DNDarray, chunks: Sequence[int] | None, function: str) -> tuple[int, ...]:
    """The chunk shape: given (validated) or chosen so that chunks fall inside blocks."""
    if chunks is not None:
        chunks = tuple(int(c) for c in chunks)
        if len(chunks) != x.ndim or any(c < 1 for c in chunks):
            raise ValueError(f"{function}: chunks must be {x.ndim} positive ints, got "
                             f"{chunks!r}")
        return chunks
    if x.ndim == 0:
        return ()
    shape = [max(1, extent) for extent in x.shape]
    axis = 0 if x.split is None else x.split
    counts = x.counts if x.split is not None else (x.shape[0],)
    itemsize = x.dtype.itemsize
    others = [i for i in range(x.ndim) if i != axis]
    while others and math.prod(shape[i] for i in others) * itemsize > CHUNK_BYTES:
        widest = max(others, key=lambda i: shape[i])
        if shape[widest] == 1:
            break
        shape[widest] = -(-shape[widest] // 2)
    slab = math.prod(shape[i] for i in others) * itemsize
    smallest = min((c for c in counts if c), default=1)
    shape[axis] = max(1, min(CHUNK_BYTES // slab, smallest))
    return tuple(shape)


def _layout(x: DNDarray, chunk: int) -> tuple[int, tuple[int, ...]]:
    """The axis along which ranks share the writing, and each rank's rows of it (a
    split=None array's chunks are dealt out evenly)."""
    if x.split is not None:
        return x.split, x.counts
    per_rank = balanced_counts(-(-x.shape[0] // chunk), x.comm.size)
    bounds = [min(sum(per_rank[:rank]) * chunk, x.shape[0]) for rank in range(x.comm.size + 1)]
    return 0, tuple(b - a for a, b in zip(bounds, bounds[1:], strict=False))


def _write_chunks(zarr, x: DNDarray, store: str, name: str, chunks: tuple[int, ...]) -> None:
    """Every rank writes the chunks it owns (the rows of straddling chunks arrive first)."""
    comm = x.comm
    if x.ndim == 0 or x.size == 0:
        if comm.rank == 0 and x.ndim == 0:
            zarr.open_array(store=store, path=name, mode="r+")[()] = x.larray.cpu().numpy()
        return
    chunk = chunks[0 if x.split is None else x.split]
    axis, counts = _layout(x, chunk)
    block = x.larray.detach().cpu().resolve_conj().resolve_neg()
    if x.split is None:  # every rank holds all rows: take this rank's share
        first, last = local_range(counts, comm.rank)
        block = block.narrow(0, first, last - first)
    tail = _exchange(comm, block, axis, counts, chunk)
    _, error = attempt(_write_owned, zarr, store, name, block, tail, axis, counts, chunk, comm.rank)
    if error is not None:
        raise error


def _owner(ranges: list[tuple[int, int]], row: int) -> int:
    return next(rank for rank, (start, stop) in enumerate(ranges) if start <= row < stop)


def _exchange(comm: Communicator, block: torch.Tensor, axis: int, counts: Sequence[int],
              chunk: int) -> list[torch.Tensor]:
    """Send this rank's leading rows that belong to another rank's chunk to that rank;
    receive the rows of this rank's last chunk held by later ranks (in order)."""
    if comm.size == 1:
        return []
    ranges = [owned_rows(counts, chunk, rank) for rank in range(comm.size)]
    first, end = local_range(counts, comm.rank)
    head = min(ranges[comm.rank][0], end) - first
    pending = None
    if head > 0:
        pending = comm.Isend(block.narrow(axis, 0, head).contiguous(),
                             dest=_owner(ranges, first), tag=_TAG)
    tail = []
    stop = ranges[comm.rank][1]
    for source in range(comm.rank + 1, comm.size):
        source_first, source_end = local_range(counts, source)
        if source_first >= stop:
            break
        rows = min(ranges[source][0], source_end, stop) - source_first
        if rows > 0:
            shape = list(block.shape)
            shape[axis] = rows
            tail.append(comm.Recv(shape, block, source=source, tag=_TAG))
    if pending is not None:
        pending.wait()
    return tail


def _region(ndim: int, axis: int, start: int, stop: int) -> tuple[slice, ...]:
    return tuple(slice(start, stop) if i == axis else slice(None) for i in range(ndim))


def _assign(array, axis: int, start: int, data: torch.Tensor, chunk: int) -> None:
    """``array[start:start + len, ...] = data`` along ``axis``, in windows of whole chunks
    of about one I/O buffer (zarr encodes a whole assignment at once)."""
    rows = data.shape[axis]
    row_bytes = max(1, data.numel() // max(1, rows) * data.element_size())
    window = max(1, common.IO_BUFFER_BYTES // (row_bytes * chunk)) * chunk
    for first in range(0, rows, window):
        part = data.narrow(axis, first, min(window, rows - first))
        array[_region(data.dim(), axis, start + first, start + first + part.shape[axis])] = \
            part.numpy()


def _write_owned(zarr, store: str, name: str, block: torch.Tensor, tail: list[torch.Tensor],
                 axis: int, counts: Sequence[int], chunk: int, rank: int) -> None:
    start, stop = owned_rows(counts, chunk, rank)
    if start == stop:
        return
    first, end = local_range(counts, rank)
    array = zarr.open_array(store=store, path=name, mode="r+")
    if not tail:
        _assign(array, axis, start, block.narrow(axis, start - first, stop - start), chunk)
        return
    last = max(start, (end - 1) // chunk * chunk)  # the chunk that continues on later ranks
    if last > start:
        _assign(array, axis, start, block.narrow(axis, start - first, last - start), chunk)
    joined = torch.cat([block.narrow(axis, last - first, end - last), *tail], dim=axis)
    _assign(array, axis, last, joined, chunk)
