"""Writing the results: score and flag stacks (dates x rows x cols) in the input's
format family (or the one asked for), and the per-date ``summary.csv``."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

import torch

import ember as em
from ember.comm import Communicator
from ember.core.dndarray import DNDarray

from .config import HotspotsError
from .detect import Scores
from .inputs import Stack, describe_error

__all__ = ["SUFFIXES", "check_output_dir", "write_on_root", "write_stacks", "summarize",
           "write_summary", "SUMMARY_COLUMNS"]

SUFFIXES = {"hdf5": ".h5", "netcdf": ".nc", "zarr": ".zarr", "npy": ".npy"}
SUMMARY_COLUMNS = ("mode", "date_index", "date", "anomaly_fraction", "anomaly_count",
                   "valid_locations", "mean_score")

T = TypeVar("T")


def write_on_root(comm: Communicator, write: Callable[[], T], failure: str) -> T:
    """Run ``write()`` on rank 0 only and return its result on every rank; an
    ``OSError`` there is raised on every rank as ``HotspotsError("<failure>: <why>")``.

    Raises
    ------
    HotspotsError
        On every rank, when ``write()`` raised an ``OSError`` on rank 0.

    Notes
    -----
    Communication: one small broadcast (rank 0's result or error).

    Examples
    --------
    >>> import ember as em
    >>> write_on_root(em.get_comm(), lambda: 42, "cannot write 'x'")
    42
    """
    answer = (None, None)
    if comm.rank == 0:
        try:
            answer = (write(), None)
        except OSError as error:
            answer = (None, f"{failure}: {describe_error(error)}")
    result, message = comm.bcast_object(answer)
    if message is not None:
        raise HotspotsError(message)
    return result


def check_output_dir(out: str, comm: Communicator) -> None:
    """Create ``out`` (rank 0) and check that it is a writable directory.

    Raises
    ------
    HotspotsError
        On every rank, when ``out`` cannot be created or written.

    Notes
    -----
    Communication: one small broadcast (rank 0's error, if any).

    Examples
    --------
    >>> import tempfile, ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> check_output_dir(folder, comm)
    """
    def probe() -> None:
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, f".ember-hotspots-probe-{os.getpid()}")
        with open(path, "w"):
            pass
        os.remove(path)

    write_on_root(comm, probe, f"cannot write the output directory {out!r}")


def _as_stack(local: torch.Tensor, stack: Stack) -> DNDarray:
    shape = (stack.n_times, stack.rows, stack.cols)
    return DNDarray(local.contiguous(), shape, 1, stack.comm, stack.counts)


def write_stacks(results: Sequence[Scores], stack: Stack, out: str, out_format: str
                 ) -> list[str]:
    """Write each mode's ``scores_<mode>`` (float32, NaN where invalid) and
    ``flags_<mode>`` (uint8 0/1) stacks, dates x rows x cols, split over rows.

    HDF5, NetCDF and Zarr: one file ``hotspots.<suffix>`` holding every array (NetCDF
    dimensions ``time``, ``row``, ``col``); .npy: one file per array.

    Returns
    -------
    list of str
        The paths written.

    Notes
    -----
    Communication: that of :func:`ember.save` per array (the arrays are never gathered:
    every rank writes its own rows).

    Examples
    --------
    >>> import os, tempfile, torch, numpy as np, ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> folder = tempfile.mkdtemp()
    >>> s = Stack(torch.zeros(2, 1, 2, 1), (2, 1, 2, 1), (1,), comm, ["a", "b"],
    ...           torch.ones(1, 2, dtype=torch.bool), "npy")
    >>> r = Scores("time", torch.ones(2, 1, 2), torch.zeros(2, 1, 2, dtype=torch.bool))
    >>> [os.path.basename(p) for p in write_stacks([r], s, folder, "same")]
    ['scores_time.npy', 'flags_time.npy']
    >>> np.load(os.path.join(folder, "scores_time.npy")).shape
    (2, 1, 2)
    """
    kind = stack.kind if out_format == "same" else out_format
    suffix = SUFFIXES[kind]
    arrays = []
    for result in results:
        arrays.append((f"scores_{result.mode}", _as_stack(result.scores.float(), stack)))
        arrays.append((f"flags_{result.mode}", _as_stack(result.flags.to(torch.uint8), stack)))
    try:
        if kind == "npy":
            paths = [os.path.join(out, name + suffix) for name, _ in arrays]
            for (_, array), path in zip(arrays, paths, strict=True):
                em.save(array, path)
            return paths
        path = os.path.join(out, "hotspots" + suffix)
        options = {"dims": ("time", "row", "col")} if kind == "netcdf" else {}
        for i, (name, array) in enumerate(arrays):
            em.save(array, path, name, mode="w" if i == 0 else "a", **options)
    except (OSError, ValueError, TypeError, ImportError) as error:  # raised on every rank
        raise HotspotsError(f"cannot write the {kind} results in {out!r}: "
                            f"{describe_error(error)}") from error
    return [path]


def summarize(results: Sequence[Scores], stack: Stack) -> list[dict]:
    """Per mode and date: the fraction and count of flagged valid locations, and the mean
    score over valid locations (identical on every rank).

    Notes
    -----
    Communication: one Allreduce of ``modes x dates x 3`` numbers (tiny).

    Examples
    --------
    >>> import torch, ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> s = Stack(torch.zeros(1, 1, 2, 1), (1, 1, 2, 1), (1,), comm, ["d0"],
    ...           torch.ones(1, 2, dtype=torch.bool), "npy")
    >>> r = Scores("time", torch.tensor([[[1.0, 3.0]]]), torch.tensor([[[False, True]]]))
    >>> row = summarize([r], s)[0]
    >>> row["anomaly_fraction"], row["anomaly_count"], row["mean_score"]
    (0.5, 1, 2.0)
    """
    valid = stack.valid.unsqueeze(0)
    totals = torch.stack([torch.stack([
        result.flags.sum((1, 2)).double(),
        torch.where(valid, result.scores.double(), 0.0).sum((1, 2)),
        valid.expand_as(result.scores).sum((1, 2)).double()], 1) for result in results])
    totals = stack.comm.Allreduce(totals.contiguous(), "sum")
    rows = []
    for result, per_date in zip(results, totals.tolist(), strict=True):
        for t, (count, score_sum, n_valid) in enumerate(per_date):
            rows.append({"mode": result.mode, "date_index": t, "date": stack.dates[t],
                         "anomaly_fraction": count / n_valid if n_valid else 0.0,
                         "anomaly_count": int(count), "valid_locations": int(n_valid),
                         "mean_score": score_sum / n_valid if n_valid else float("nan")})
    return rows


def write_summary(rows: Sequence[dict], path: str, comm: Communicator) -> None:
    """Write ``summary.csv`` (columns :data:`SUMMARY_COLUMNS`) from rank 0, under a
    temporary name first.

    Raises
    ------
    HotspotsError
        On every rank, when the file cannot be written.

    Notes
    -----
    Communication: one small broadcast (rank 0's error, if any).

    Examples
    --------
    >>> import os, tempfile, ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> path = os.path.join(tempfile.mkdtemp(), "summary.csv")
    >>> write_summary([{"mode": "time", "date_index": 0, "date": "d0",
    ...                 "anomaly_fraction": 0.5, "anomaly_count": 1, "valid_locations": 2,
    ...                 "mean_score": 2.0}], path, comm)
    >>> open(path).read().splitlines()[1]
    'time,0,d0,0.500000,1,2,2.000000'
    """
    def write() -> None:
        temporary = path + ".tmp"
        with open(temporary, "w", newline="", encoding="utf-8") as fp:
            writer = csv.writer(fp)
            writer.writerow(SUMMARY_COLUMNS)
            for row in rows:
                writer.writerow([_cell(row[c]) for c in SUMMARY_COLUMNS])
        os.replace(temporary, path)

    write_on_root(comm, write, f"cannot write {path!r}")


def _cell(value) -> str:
    return f"{value:.6f}" if isinstance(value, float) else str(value)
