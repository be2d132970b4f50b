"""Tests for ember.comm.world: launcher detection, node layout, threads, and aborts.

The subprocess tests start fresh interpreters (and an ``mpiexec -n 2`` job); they run
only in a world of one process, so that launchers are never nested inside a parallel
run, and they strip the launcher's variables from the child's environment.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

import ember as em
import ember.comm
from ember.comm import world

LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE",
                      "MV2_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "SLURM_PROCID")
# Environment variables a child must not inherit from this (possibly MPI) process.
_STRIPPED_PREFIXES = ("PMI_", "PMIX_", "HYDRA_", "HYDI_", "MPI_", "MPIR_", "MPIEXEC_",
                      "OMPI_", "MV2_", "I_MPI_", "SLURM_", "EMBER_", "OMP_NUM_THREADS")
CHILD_TIMEOUT = 60


# --------------------------------------------------------------------------------------
# launched_by_mpi, world_handle
# --------------------------------------------------------------------------------------
@pytest.fixture
def bare(monkeypatch):
    """No launcher variables, no EMBER_USE_MPI, and mpi4py.MPI not imported (for now)."""
    for variable in (*LAUNCHER_VARIABLES, "EMBER_USE_MPI"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delitem(sys.modules, "mpi4py.MPI", raising=False)
    return monkeypatch


def test_plain_python_is_not_an_mpi_job(bare):
    assert world.launched_by_mpi() is False
    assert world.world_handle() is None


@pytest.mark.parametrize("variable", LAUNCHER_VARIABLES)
def test_launcher_variables_mean_mpi(bare, variable):
    bare.setenv(variable, "0")
    assert world.launched_by_mpi() is True


def test_imported_mpi4py_means_mpi(bare):
    bare.setitem(sys.modules, "mpi4py.MPI", object())
    assert world.launched_by_mpi() is True


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("yes", True), ("0", False), ("false", False),
    ("no", False), ("", False)])
def test_ember_use_mpi_wins(bare, value, expected):
    bare.setenv("PMI_RANK", "0")  # a launcher, overridden either way
    bare.setenv("EMBER_USE_MPI", value)
    assert world.launched_by_mpi() is expected
    bare.delenv("PMI_RANK")
    assert world.launched_by_mpi() is expected


def test_world_communicator_matches_the_launch(comm):
    assert isinstance(comm, em.Communicator)
    if comm.handle is None:
        assert (comm.rank, comm.size) == (0, 1)
    else:
        assert (comm.rank, comm.size) == (comm.handle.Get_rank(), comm.handle.Get_size())
    everyone = comm.allgather_object(comm.rank)
    assert everyone == list(range(comm.size))
    hook_installed = getattr(sys.excepthook, "_ember_abort", False)
    assert hook_installed == (comm.size > 1)


# --------------------------------------------------------------------------------------
# node_layout, core_sharing
# --------------------------------------------------------------------------------------
def test_node_layout_without_mpi():
    assert world.node_layout(None) == (0, 1)
    assert world.core_sharing(None) == 1


def test_node_layout_numbers_the_processes_of_each_node(comm):
    local_rank, local_size = world.node_layout(comm.handle)
    everyone = comm.allgather_object((socket.gethostname(), local_rank, local_size))
    for host in {h for h, _, _ in everyone}:
        here = [(r, s) for h, r, s in everyone if h == host]
        assert sorted(r for r, _ in here) == list(range(len(here)))
        assert all(s == len(here) for _, s in here)
    assert (ember.comm.local_rank, ember.comm.local_size) == (local_rank, local_size)


def test_core_sharing_counts_processes_on_the_same_cores(comm, monkeypatch):
    _, local_size = world.node_layout(comm.handle)
    real = world.core_sharing(comm.handle)
    assert 1 <= real <= local_size
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert world.core_sharing(comm.handle) == local_size  # unpinned, or one cpuset for all
    mine = {100 + comm.rank}
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: mine, raising=False)
    assert world.core_sharing(comm.handle) == 1  # each pinned to a core of its own


# --------------------------------------------------------------------------------------
# configure_threads
# --------------------------------------------------------------------------------------
@pytest.fixture
def threads(monkeypatch):
    """No thread variables; torch's thread count restored afterwards; 8 usable cores."""
    before = torch.get_num_threads()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("EMBER_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    yield monkeypatch
    torch.set_num_threads(before)


@pytest.mark.parametrize(("local_size", "expected"), [(1, 8), (2, 4), (3, 2), (8, 1), (64, 1)])
def test_threads_share_the_cores(threads, local_size, expected):
    assert world.configure_threads(local_size) == expected
    assert torch.get_num_threads() == expected


@pytest.mark.parametrize(("omp", "expected"), [("3", 3), ("4,2", 4), (" 2 ", 2), ("0", 1)])
def test_threads_respect_omp_num_threads(threads, omp, expected):
    threads.setenv("OMP_NUM_THREADS", omp)
    for local_size in (1, 2, 16):
        assert world.configure_threads(local_size) == expected
        assert torch.get_num_threads() == expected


def test_ember_num_threads_wins_over_omp(threads):
    threads.setenv("OMP_NUM_THREADS", "5")
    threads.setenv("EMBER_NUM_THREADS", "2")
    assert world.configure_threads(4) == 2
    assert torch.get_num_threads() == 2


def test_unusable_thread_variables_are_ignored(threads):
    threads.setenv("OMP_NUM_THREADS", "many")
    assert world.configure_threads(2) == 4
    threads.setenv("EMBER_NUM_THREADS", "")
    assert world.configure_threads(4) == 2


def test_import_configured_threads(comm):
    expected = world._explicit_threads()
    if expected is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        cores = cores or os.cpu_count() or 1
        expected = max(1, cores // world.core_sharing(comm.handle))
    assert ember.comm.num_threads == expected


# --------------------------------------------------------------------------------------
# fresh processes (only in a world of one process: no nested launchers)
# --------------------------------------------------------------------------------------
alone = pytest.mark.skipif(em.get_comm().size > 1,
                           reason="starts its own processes; runs in the 1-process session")


def _child_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED_PREFIXES)}


def _mpiexec() -> str:
    beside = Path(sys.executable).with_name("mpiexec")
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    assert found, "mpiexec not found (pip install mpich)"
    return found


def _run(args, cwd) -> tuple[int, str, float]:
    """Run ``args``; kill the whole process group if it outlives CHILD_TIMEOUT (a hang)."""
    begin = time.monotonic()
    child = subprocess.Popen(args, cwd=cwd, env=_child_environment(), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        output, _ = child.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        output, _ = child.communicate()
        pytest.fail(f"{args} hung for {CHILD_TIMEOUT} s; output:\n{output}")
    return child.returncode, output, time.monotonic() - begin


@alone
def test_plain_python_never_initialises_mpi(tmp_path):
    script = textwrap.dedent("""
        import json, sys, torch
        import ember
        comm = ember.get_comm()
        t = torch.arange(4.0)
        comm.Allreduce(t, "max"); comm.Exscan(t, "sum"); comm.Allgatherv(t[None], 0)
        comm.Allreduce_argextreme(t, torch.arange(4), "argmin"); comm.raise_if_any(None)
        comm.Isend(t, 0).wait(); comm.Irecv((4,), t, 0).wait(); comm.Barrier()
        print(json.dumps({"mpi": "mpi4py.MPI" in sys.modules, "size": comm.size,
                          "handle": comm.handle is None}))
    """)
    code, output, _ = _run([sys.executable, "-c", script], tmp_path)
    assert code == 0, output
    assert json.loads(output.strip().splitlines()[-1]) == {"mpi": False, "size": 1,
                                                            "handle": True}


_CRASHING_JOB = """
import torch
import ember as em

comm = em.get_comm()
print(f"rank {comm.rank} of {comm.size} threads {torch.get_num_threads()}", flush=True)
comm.Barrier()
if comm.rank == 1:
    raise ValueError("deliberate failure on rank 1")
comm.Barrier()  # rank 0 would wait here forever
print("rank 0 got past the barrier", flush=True)
"""


@pytest.fixture(scope="module")
def crashed_job(tmp_path_factory):
    """One ``mpiexec -n 2`` run of _CRASHING_JOB, without OMP_NUM_THREADS."""
    folder = tmp_path_factory.mktemp("job")
    (folder / "job.py").write_text(_CRASHING_JOB)
    return _run([_mpiexec(), "-n", "2", sys.executable, "job.py"], folder)


@alone
def test_uncaught_exception_aborts_the_whole_job(crashed_job):
    code, output, seconds = crashed_job
    assert code != 0, output
    assert "Traceback (most recent call last)" in output
    assert "ValueError: deliberate failure on rank 1" in output
    assert "got past the barrier" not in output
    assert seconds < CHILD_TIMEOUT


@alone
def test_processes_of_a_job_share_the_cores(crashed_job):
    _, output, _ = crashed_job
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    expected = max(1, (cores or os.cpu_count() or 1) // 2)
    # the two processes' lines may arrive interleaved: match the pattern, not lines
    reports = sorted(re.findall(r"rank (\d+) of 2 threads (\d+)", output))
    assert reports == [(str(r), str(expected)) for r in range(2)], output
