"""Communication: the only package of ember that imports mpi4py.

``get_comm()`` is the default communicator every function uses when given no
``comm=``; it is ``MPI.COMM_WORLD`` under an MPI launcher and a world of one process
(no MPI at all) under plain ``python``. ``use_comm`` changes the default.
"""

from __future__ import annotations

from .communicator import Communicator, PendingTransfer
from .world import configure_threads, core_sharing, launched_by_mpi, node_layout, world_handle

__all__ = [
    "Communicator",
    "PendingTransfer",
    "get_comm",
    "use_comm",
    "sanitize_comm",
    "local_rank",
    "local_size",
    "num_threads",
    "launched_by_mpi",
]

_world_handle = world_handle()
_world = Communicator(_world_handle)
local_rank, local_size = node_layout(_world_handle)
num_threads = configure_threads(core_sharing(_world_handle))
_default = _world


def get_comm() -> Communicator:
    """The default communicator (the world, unless changed by :func:`use_comm`).

    Examples
    --------
    >>> get_comm().size >= 1
    True
    """
    return _default


def use_comm(comm: Communicator | None = None) -> None:
    """Make ``comm`` the default communicator (``None`` restores the world)."""
    global _default
    if comm is not None and not isinstance(comm, Communicator):
        raise TypeError(f"comm must be an ember Communicator, got {type(comm).__name__}")
    _default = _world if comm is None else comm


def sanitize_comm(comm: Communicator | None) -> Communicator:
    """``comm`` itself, or the default communicator for ``None``; TypeError otherwise."""
    if comm is None:
        return _default
    if not isinstance(comm, Communicator):
        raise TypeError(f"comm must be an ember Communicator or None, got {type(comm).__name__}")
    return comm
