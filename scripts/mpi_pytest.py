"""Run pytest on one rank of an MPI job: rank 0 reports to the terminal, the other
ranks write their reports to ``<logdir>/rank-<r>.log``.

Usage: mpiexec -n P python scripts/mpi_pytest.py LOGDIR [pytest arguments...]
"""

import os
import sys

import pytest


def rank() -> int:
    for name in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "SLURM_PROCID"):
        if name in os.environ:
            return int(os.environ[name])
    return 0


def main() -> int:
    logdir, args = sys.argv[1], sys.argv[2:]
    me = rank()
    if me:
        log = open(os.path.join(logdir, f"rank-{me}.log"), "w")  # noqa: SIM115
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    return pytest.main(args)


if __name__ == "__main__":
    sys.exit(main())
