"""Process start-up: is this an MPI job, the world communicator, threads, and aborts.

A script started with plain ``python job.py`` is a world of one process and never
initialises MPI. A script started by a launcher (``mpiexec``, ``srun``, ...) or after the
user imported ``mpi4py.MPI`` themselves runs on ``MPI.COMM_WORLD``.
"""

from __future__ import annotations

import os
import sys
import traceback

import torch

__all__ = ["launched_by_mpi", "world_handle", "node_layout", "core_sharing",
           "configure_threads"]

# Variables that MPI launchers set in every process they start (MPICH/Hydra, Intel MPI,
# Open MPI, PMIx, MVAPICH, Slurm).
_LAUNCHER_VARIABLES = (
    "PMI_RANK",
    "PMI_SIZE",
    "PMIX_RANK",
    "OMPI_COMM_WORLD_SIZE",
    "MV2_COMM_WORLD_SIZE",
    "MPI_LOCALNRANKS",
    "SLURM_PROCID",
)


def launched_by_mpi() -> bool:
    """Whether this process should use MPI.

    True under an MPI launcher, when the user already imported ``mpi4py.MPI``, or when
    ``EMBER_USE_MPI=1``; ``EMBER_USE_MPI=0`` forces a world of one process.
    """
    forced = os.environ.get("EMBER_USE_MPI")
    if forced is not None:
        return forced not in ("0", "", "false", "no")
    if "mpi4py.MPI" in sys.modules:
        return True
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


def world_handle():
    """``MPI.COMM_WORLD`` when running under MPI, else ``None`` (no MPI initialised)."""
    if not launched_by_mpi():
        return None
    from mpi4py import MPI

    if MPI.COMM_WORLD.Get_size() > 1:
        _install_abort_on_uncaught_exception(MPI.COMM_WORLD)
    return MPI.COMM_WORLD


def node_layout(handle) -> tuple[int, int]:
    """``(local_rank, local_size)``: this process's place among those on its node.

    Collective over ``handle`` (one ``Split_type``); ``(0, 1)`` without MPI.
    """
    if handle is None:
        return 0, 1
    from mpi4py import MPI

    node = handle.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        return node.Get_rank(), node.Get_size()
    finally:
        node.Free()


def _affinity() -> frozenset[int] | None:
    """The cores this process may run on, where the platform says."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    return frozenset(os.sched_getaffinity(0))


def core_sharing(handle) -> int:
    """How many processes on this node, this one included, may run on this one's cores.

    The node's process count when none is pinned (or inside a container that restricts
    every process to the same cores); 1 when each is pinned to cores of its own (``srun
    --cpu-bind``, ``mpiexec --bind-to core``).

    Collective over ``handle`` (one ``Split_type`` and one small allgather); 1 without
    MPI.
    """
    if handle is None:
        return 1
    from mpi4py import MPI

    node = handle.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        masks = node.allgather(_affinity())
    finally:
        node.Free()
    mine = _affinity()
    if mine is None:
        return len(masks)
    return sum(1 for mask in masks if mask is None or mask & mine)


def _explicit_threads() -> int | None:
    """The thread count from ``EMBER_NUM_THREADS`` or ``OMP_NUM_THREADS``, if set.

    ``OMP_NUM_THREADS`` may list one count per nesting level ("4,2"): the first counts.
    """
    for name in ("EMBER_NUM_THREADS", "OMP_NUM_THREADS"):
        first = os.environ.get(name, "").split(",")[0].strip()
        if first.isdigit():
            return max(1, int(first))
    return None


def configure_threads(local_size: int) -> int:
    """Give each process its share of its cores for torch's intra-op threads.

    Parameters
    ----------
    local_size : int
        How many processes share this process's cores (see :func:`core_sharing`).

    Left alone when the user set ``OMP_NUM_THREADS`` (or ``EMBER_NUM_THREADS``, which
    wins): then that many threads. Otherwise ``max(1, cores // local_size)``, where
    ``cores`` are those this process may run on. Returns the number of threads in use.

    Communication: none.
    """
    threads = _explicit_threads()
    if threads is None:
        usable = len(_affinity() or ()) or os.cpu_count() or 1
        threads = max(1, usable // max(1, local_size))
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def _install_abort_on_uncaught_exception(handle) -> None:
    """Make an uncaught exception on one rank print its traceback and abort every rank.

    Without this, the other ranks would wait forever in their next collective.
    """
    previous = sys.excepthook
    if getattr(previous, "_ember_abort", False):
        return

    def abort_hook(kind, value, tb):
        rank = handle.Get_rank()
        sys.stderr.write(f"[ember] uncaught exception on rank {rank}; aborting all ranks\n")
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        handle.Abort(1)

    abort_hook._ember_abort = True
    sys.excepthook = abort_hook
