"""Fixtures of the I/O tests: one temporary folder shared by every rank."""

import shutil
import tempfile

import pytest

import ember as em


@pytest.fixture
def folder():
    """A fresh directory, the same path on every rank (pytest's tmp_path differs per
    process); removed afterwards."""
    comm = em.get_comm()
    path = comm.bcast_object(tempfile.mkdtemp(prefix="ember-io-") if comm.rank == 0 else None)
    yield path
    comm.Barrier()
    if comm.rank == 0:
        shutil.rmtree(path, ignore_errors=True)
    comm.Barrier()


@pytest.fixture
def on_rank0(comm):
    """Run a function on rank 0 only (writing a file with another tool), between two
    Barriers (nobody still reads the old file; everybody sees the new one)."""

    def run(function, *args, **kwargs):
        comm.Barrier()
        if comm.rank == 0:
            function(*args, **kwargs)
        comm.Barrier()

    return run

