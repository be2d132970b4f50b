"""A first ember job: build a distributed array, move it between layouts, gather it.

Run it on one process or several; the output is the same:

    python examples/quickstart.py
    mpiexec -n 2 python examples/quickstart.py
"""

import numpy as np

import ember as em


def main() -> None:
    comm = em.get_comm()
    say = em.print0  # formats on every rank (collective), prints on rank 0
    say(f"ember {em.__version__} on {comm.size} process(es)")

    # A 10 x 6 matrix, cut into row blocks: each rank builds only its own block.
    x = em.arange(60, dtype=em.float64, split=0)
    grid = em.array(x.numpy().reshape(10, 6), split=0)
    for rank, rows in enumerate(grid.counts):
        say(f"  rank {rank} holds {rows} of the {grid.shape[0]} rows")

    # Column statistics from the row blocks: a local sum, then one Allreduce.
    local_sums = grid.larray.sum(dim=0)
    column_means = comm.Allreduce(local_sums, op="sum") / grid.shape[0]
    say("column means:", np.round(column_means.numpy(), 2))

    # Re-cut the same matrix into column blocks (one Alltoallv), then gather it.
    by_columns = grid.resplit(1)
    say(f"resplit to columns: counts along axis 1 = {by_columns.counts}")
    whole = by_columns.numpy()  # gathers on every rank, explicitly
    assert np.array_equal(whole, np.arange(60.0).reshape(10, 6))

    # Creation functions take split=, dtype=, device= like NumPy's plus distribution.
    identity = em.eye(5, split=1, dtype=em.int32)
    say(identity)
    say("quickstart: all checks passed")


if __name__ == "__main__":
    main()
