"""The SPMD part of the benchmarks: what a case is, and how it is timed on every rank.

Every rank of a run calls :func:`run_cases` with the same arguments; every rank gets the
same results back. Nothing here launches processes (that is ``run.py``'s job), so the
test suite can call it in-process under any number of ranks.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import torch

from ember.comm import Communicator

__all__ = ["SIZES", "Case", "Result", "select", "numpy_state", "run_case", "run_cases",
           "time_spmd", "peak_rss_mib"]

SIZES = ("smoke", "default", "large")


@dataclass(frozen=True)
class Case:
    """One benchmark: a setup that is not timed, and the timed SPMD work.

    Parameters
    ----------
    name : str
        Unique identifier, used by ``run.py --only``.
    description : str
        One line for the README and the table's legend: what is timed, and what the
        NumPy oracle does.
    sizes : mapping of str to object
        The problem size for each of ``"smoke"`` (tests, milliseconds), ``"default"``
        and ``"large"``; passed to ``setup`` as is (an int, a shape, ...).
    setup : callable
        ``setup(size, comm) -> state``, collective, run once per process before timing.
    run : callable
        ``run(state)``, the timed work, collective; its result is dropped after timing.
        It must not modify ``state`` (it is run ``repeat`` times).
    numpy_run : callable, optional
        ``numpy_run(numpy_state)``: the same computation with NumPy in one process,
        timed as the oracle (only in 1-process runs).
    numpy_setup : callable, optional
        ``numpy_setup(state) -> numpy_state``, not timed: the oracle's input as a NumPy
        user would hold it (e.g. ``x.numpy().copy()``: memory NumPy allocated; a view of
        torch's memory can copy at a different speed). Default: the state itself.
    """

    name: str
    description: str
    sizes: Mapping[str, Any]
    setup: Callable[[Any, Communicator], Any]
    run: Callable[[Any], Any]
    numpy_run: Callable[[Any], Any] | None = None
    numpy_setup: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        missing = [size for size in SIZES if size not in self.sizes]
        if missing:
            raise ValueError(f"case {self.name!r} has no size for {missing}")


@dataclass
class Result:
    """One case's measurements in one run (identical on every rank).

    Attributes
    ----------
    name : str
        The case.
    procs, threads : int
        Processes of the run, and torch threads per process.
    size : object
        The problem size given to ``setup``.
    ember_s : list of float
        Each repetition's time in seconds: the slowest rank's.
    numpy_s : list of float
        Each repetition of the NumPy oracle (empty when not run).
    rss_mib : float
        Peak resident memory of the fullest process after setup and the ember timings
        (before the NumPy oracle), in MiB.
    """

    name: str
    procs: int
    threads: int
    size: Any
    ember_s: list[float]
    numpy_s: list[float] = field(default_factory=list)
    rss_mib: float = float("nan")

    @property
    def ember_best(self) -> float:
        """The best ember time (seconds)."""
        return min(self.ember_s)

    @property
    def numpy_best(self) -> float | None:
        """The best NumPy time (seconds), or None when the oracle did not run."""
        return min(self.numpy_s) if self.numpy_s else None

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON-serialisable data."""
        return asdict(self)


def select(cases: Sequence[Case], names: Iterable[str] | None = None) -> list[Case]:
    """The cases called ``names`` (all of them for None), in the order given.

    Raises
    ------
    ValueError
        If a name is unknown or two cases share a name.
    """
    by_name = {case.name: case for case in cases}
    if len(by_name) != len(cases):
        raise ValueError("two benchmark cases share a name")
    if names is None:
        return list(cases)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"unknown benchmark case(s) {unknown}; known: {sorted(by_name)}")
    return [by_name[name] for name in names]


def _time_once(work: Callable[[Any], Any], state: Any, comm: Communicator) -> float:
    """This rank's seconds for one call of ``work(state)``, bracketed by Barriers.

    Python's cyclic garbage collector is paused meanwhile (as ``timeit`` does); the
    result is freed after the clock stops.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        comm.Barrier()
        start = time.perf_counter()
        result = work(state)
        elapsed = time.perf_counter() - start
        comm.Barrier()
    finally:
        if collecting:
            gc.enable()
    del result
    return elapsed


def time_spmd(work: Callable[[Any], Any], state: Any, repeat: int, comm: Communicator,
              warmup: int = 0) -> list[float]:
    """Time ``repeat`` calls of ``work(state)`` on every rank; the slowest rank's times.

    ``warmup`` calls before them are not counted: a fresh process's first large
    allocations fault in memory the later ones reuse (10x slower in a loaded VM).

    Communication: two Barriers per call, then one Allreduce of ``repeat`` numbers.
    """
    for _ in range(warmup):
        _time_once(work, state, comm)
    local = torch.tensor([_time_once(work, state, comm) for _ in range(repeat)],
                         dtype=torch.float64)
    return comm.Allreduce(local, op="max").tolist()


def peak_rss_mib(comm: Communicator) -> float:
    """The largest peak resident set size of the ranks so far (``ru_maxrss``), in MiB.

    Communication: one Allreduce of one number.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_mib = 2**20 if sys.platform == "darwin" else 2**10  # bytes on macOS, else KiB
    local = torch.tensor([peak / per_mib], dtype=torch.float64)
    return float(comm.Allreduce(local, op="max").item())


def numpy_state(case: Case, state: Any) -> Any:
    """The NumPy oracle's input: ``case.numpy_setup(state)``, or ``state`` itself."""
    return state if case.numpy_setup is None else case.numpy_setup(state)


def run_case(case: Case, size: str, repeat: int, comm: Communicator,
             with_numpy: bool = True, warmup: int = 1) -> Result:
    """Set up and time one case on every rank (collective).

    Parameters
    ----------
    case : Case
    size : {"smoke", "default", "large"}
    repeat : int
        Repetitions of each timing (the table reports the best).
    comm : Communicator
    with_numpy : bool
        Also time the NumPy oracle, if the case has one and ``comm`` is one process.
    warmup : int
        Untimed calls before each timing.
    """
    problem = case.sizes[size]
    state = case.setup(problem, comm)
    ember_s = time_spmd(case.run, state, repeat, comm, warmup)
    rss = peak_rss_mib(comm)
    numpy_s: list[float] = []
    if with_numpy and case.numpy_run is not None and comm.size == 1:
        numpy_s = time_spmd(case.numpy_run, numpy_state(case, state), repeat, comm,
                            warmup)
    return Result(case.name, comm.size, torch.get_num_threads(), problem, ember_s, numpy_s,
                  rss)


def run_cases(cases: Iterable[Case], size: str, repeat: int, comm: Communicator,
              with_numpy: bool = True, warmup: int = 1) -> list[Result]:
    """:func:`run_case` for each case in turn; the same list on every rank.

    Raises
    ------
    ValueError
        For an unknown ``size``, a ``repeat`` below 1 or a negative ``warmup`` (on every
        rank, before any communication).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    if warmup < 0:
        raise ValueError(f"warmup must be non-negative, got {warmup}")
    return [run_case(case, size, repeat, comm, with_numpy, warmup) for case in cases]
