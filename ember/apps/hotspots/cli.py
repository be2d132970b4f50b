"""The ``ember-hotspots`` command line (also ``python -m ember.apps.hotspots``).

Every rank parses the same arguments and validates them before any communication; a
problem with the input, the options or the output ends the run with one message from
rank 0 (``ember-hotspots: error: ...``) and exit status 1 on every rank (2 for a bad
command line), never a traceback or a hang.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import ember as em

from .config import MODES, OUT_FORMATS, HotspotsError, Options

__all__ = ["main", "parse_args", "build_parser"]

_DESCRIPTION = """\
Hotspot (anomaly) detection in a SAR image time series with the Local Outlier Factor.
Each location's feature per date is the patch x patch pixels around it (x bands),
optionally in dB and standardised per location over time. LOF by time flags the dates at
which a place behaves unlike its own history; LOF by location flags, per date, the places
unlike the rest of the scene. Run with mpiexec -n P to split the stack's rows over P
processes."""

_EPILOG = """\
examples:
  ember-hotspots --demo --out hotspots-demo
  mpiexec -n 4 ember-hotspots stack.h5 --dataset sigma0 --dates dates.txt --out result
"""


class _UsageError(HotspotsError):
    """A bad command line (exit status 2)."""


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse that prints (help, usage) on rank 0 only and raises instead of exiting,
    so every rank ends the same way."""

    def _print_message(self, message, file=None):
        if em.get_comm().rank == 0:
            super()._print_message(message, file)

    def exit(self, status=0, message=None):
        if message:
            self._print_message(message, sys.stderr)
        raise _Exit(status)

    def error(self, message):
        raise _UsageError(f"{message} (see ember-hotspots --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (every option of the command line).

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.parse_args(["stack.npy", "--mode", "time"]).mode
    'time'
    """
    p = _Parser(prog="ember-hotspots", description=_DESCRIPTION, epilog=_EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", nargs="?", help="image stack: .h5/.hdf5, .nc, .zarr or .npy")
    io = p.add_argument_group("input")
    io.add_argument("--dataset", help="dataset/variable/array in the input file "
                    "(optional when it holds exactly one)")
    io.add_argument("--time-axis", type=int, default=0,
                    help="the stack's time axis (default 0); the other axes are rows, "
                    "cols[, bands] in this order")
    io.add_argument("--dates", help="a text file with one date per line, or a "
                    "dataset/variable of the input file (YYYYMMDD numbers, days since "
                    "1970-01-01, or strings); default: the time indices")
    io.add_argument("--mask", help="valid-pixel mask file (rows x cols, nonzero = valid)")
    io.add_argument("--mask-dataset", help="dataset/variable in the mask file")
    feat = p.add_argument_group("features")
    feat.add_argument("--patch", type=int, default=5,
                      help="patch side in pixels, odd (default 5)")
    feat.add_argument("--db", action=argparse.BooleanOptionalAction, default=True,
                      help="10 log10 of the intensities first (default: on)")
    feat.add_argument("--standardize", "--standardise", dest="standardize",
                      action=argparse.BooleanOptionalAction, default=True,
                      help="standardise each location over time (default: on)")
    det = p.add_argument_group("detection")
    det.add_argument("--mode", choices=MODES, default="both",
                     help="LOF by time, by location, or both (default)")
    det.add_argument("--n-neighbors", type=int, default=20,
                     help="LOF neighbours (default 20)")
    flags = det.add_mutually_exclusive_group()
    flags.add_argument("--contamination", type=float,
                       help="flag this fraction of each LOF problem, in (0, 0.5]")
    flags.add_argument("--threshold", type=float,
                       help="flag LOF scores above this (default 1.5, scikit-learn's "
                       "'auto' offset)")
    out = p.add_argument_group("output")
    out.add_argument("--out", "-o", default="hotspots-out",
                     help="output directory (created; default hotspots-out)")
    out.add_argument("--out-format", choices=OUT_FORMATS, default="same",
                     help="format of the score/flag stacks (default: the input's)")
    out.add_argument("--memory-mb", type=float, default=256.0,
                     help="memory per process for LOF-by-time chunks (default 256)")
    out.add_argument("--quiet", "-q", action="store_true",
                     help="no progress bars or summary")
    demo = p.add_argument_group("demo")
    demo.add_argument("--demo", action="store_true",
                      help="generate a synthetic stack in --out, run on it and score the "
                      "detections against the planted truth")
    demo.add_argument("--size", choices=("small", "large"), default="small",
                      help="demo size: small (seconds) or large (several GB)")
    demo.add_argument("--seed", type=int, default=0, help="demo seed (default 0)")
    return p


def _validate(ns: argparse.Namespace) -> Options:
    if ns.demo and ns.input is not None:
        raise _UsageError("--demo generates its own input; leave out the input file")
    if not ns.demo and ns.input is None:
        raise _UsageError("give an input stack file, or --demo (see ember-hotspots --help)")
    if ns.patch < 1 or ns.patch % 2 == 0:
        raise _UsageError(f"--patch must be a positive odd number, got {ns.patch}")
    if ns.n_neighbors < 1:
        raise _UsageError(f"--n-neighbors must be at least 1, got {ns.n_neighbors}")
    if ns.contamination is not None and not 0.0 < ns.contamination <= 0.5:
        raise _UsageError(f"--contamination must be in (0, 0.5], got {ns.contamination}")
    if ns.threshold is not None and not ns.threshold > 0:
        raise _UsageError(f"--threshold must be positive, got {ns.threshold}")
    if not ns.memory_mb > 0:
        raise _UsageError(f"--memory-mb must be positive, got {ns.memory_mb}")
    values = vars(ns).copy()
    values["threshold"] = 1.5 if ns.threshold is None else ns.threshold
    return Options(**values)


def parse_args(argv: Sequence[str] | None = None) -> Options:
    """Parse and validate the command line (no communication).

    Raises
    ------
    HotspotsError
        For a bad command line (the same on every rank).

    Examples
    --------
    >>> parse_args(["stack.h5", "--dataset", "sigma0", "--contamination", "0.01"]).contamination
    0.01
    >>> parse_args(["--demo"]).threshold
    1.5
    """
    return _validate(build_parser().parse_args(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ember-hotspots`` with ``argv`` (default: ``sys.argv[1:]``); return the exit
    status: 0 on success, 1 for a problem with the input or output, 2 for a bad command
    line. The same on every rank.

    Notes
    -----
    Communication: that of the workflow (:func:`ember.apps.hotspots.workflow.run`) or the
    demo (:func:`ember.apps.hotspots.demo.run_demo`).

    Examples
    --------
    >>> main(["--patch", "2", "--demo"])
    2
    """
    comm = em.get_comm()
    try:
        options = parse_args(argv)
        if options.demo:
            from .demo import run_demo

            run_demo(options, comm)
        else:
            from .workflow import run

            run(options, comm)
    except _Exit as done:
        return done.status
    except HotspotsError as error:
        if comm.rank == 0:
            print(f"ember-hotspots: error: {error}", file=sys.stderr, flush=True)
        return 2 if isinstance(error, _UsageError) else 1
    return 0
