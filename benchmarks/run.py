"""Run ember's benchmarks and print one table: NumPy, ember on 1..P processes, ratios.

Usage (from the repository root, with plain ``python``: it launches ``mpiexec`` itself)::

    python benchmarks/run.py [--size smoke|default|large] [--only NAME ...]
                             [--procs 1,2] [--repeat 3] [--warmup 1] [--json FILE]

For every case this driver starts one sub-run per configuration: 1 process x 1 thread
(also timing NumPy), and for each P > 1 in ``--procs`` P processes x 1 thread
(``mpiexec -n P``) and 1 process x P threads. Each sub-run is this script with
``--worker FILE``: every rank runs the case (SPMD, :mod:`benchmarks.harness`) and rank 0
writes the results to FILE as JSON. See ``benchmarks/README.md`` for the columns.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import ember as em  # noqa: E402
from benchmarks.cases import CASES  # noqa: E402
from benchmarks.harness import SIZES, Case, Result, run_cases, select  # noqa: E402

THREAD_VARIABLES = ("OMP_NUM_THREADS", "EMBER_NUM_THREADS", "MKL_NUM_THREADS",
                    "OPENBLAS_NUM_THREADS")
# Set by an MPI launcher for its own processes; a sub-run must not inherit them.
LAUNCHER_PREFIXES = ("PMI_", "PMIX_", "OMPI_COMM_WORLD_", "MV2_COMM_WORLD_", "MPI_LOCALNRANKS",
                     "MPI_LOCALRANKID")
WIDTH = 100  # of the legend's lines
Key = tuple[str, int, int]  # (case, processes, threads)


@dataclass(frozen=True)
class Config:
    """How a sub-run is started: processes, torch threads each, and whether NumPy runs."""

    procs: int
    threads: int
    numpy: bool = False

    @property
    def label(self) -> str:
        """E.g. ``2 procs x 1 thread``."""
        return (f"{self.procs} proc{'s' * (self.procs > 1)} x "
                f"{self.threads} thread{'s' * (self.threads > 1)}")


# --------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------
def _procs(text: str) -> list[int]:
    try:
        procs = sorted({int(item) for item in text.split(",") if item.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--procs takes integers like 1,2,4, got {text!r}"
                                         ) from None
    if not procs or procs[0] < 1:
        raise argparse.ArgumentTypeError(f"--procs takes positive integers, got {text!r}")
    return procs


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of the driver (and of its ``--worker`` sub-runs)."""
    parser = argparse.ArgumentParser(
        description="Benchmark ember against NumPy and across MPI processes.")
    parser.add_argument("--size", choices=SIZES, default="default",
                        help="problem sizes (smoke: milliseconds, for tests)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help=f"cases to run (default: all): {', '.join(c.name for c in CASES)}")
    parser.add_argument("--procs", type=_procs, default=[1, 2],
                        help="comma-separated process counts (default 1,2; 1 always runs)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed repetitions per measurement; the best is shown")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed runs before the timed ones (default 1)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write every measurement to FILE")
    parser.add_argument("--mpiexec", default=os.environ.get("EMBER_MPIEXEC", "mpiexec"),
                        help="MPI launcher (default: $EMBER_MPIEXEC or mpiexec)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds before a sub-run is killed (default 900)")
    parser.add_argument("--worker", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--with-numpy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    try:
        select(CASES, args.only)
    except ValueError as error:
        parser.error(str(error))
    return args


# --------------------------------------------------------------------------------------
# sub-runs (SPMD)
# --------------------------------------------------------------------------------------
def worker(args: argparse.Namespace) -> int:
    """Run the selected cases on every rank; rank 0 writes the results to ``args.worker``."""
    comm = em.get_comm()
    results = run_cases(select(CASES, args.only), args.size, args.repeat, comm,
                        with_numpy=args.with_numpy, warmup=args.warmup)
    if comm.rank == 0:
        partial = args.worker.with_name(args.worker.name + ".partial")
        partial.write_text(json.dumps([result.to_json() for result in results]))
        partial.replace(args.worker)
    comm.Barrier()
    return 0


# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def plan(procs: Iterable[int]) -> list[Config]:
    """The configurations to run: the 1-process baseline, then P x 1 and 1 x P for each P."""
    configs = [Config(1, 1, numpy=True)]
    for p in sorted(set(procs)):
        if p > 1:
            configs += [Config(p, 1), Config(1, p)]
    return configs


def worker_command(config: Config, case: Case, args: argparse.Namespace, out: Path
                   ) -> list[str]:
    """The command line of one sub-run."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(out),
               "--size", args.size, "--repeat", str(args.repeat), "--warmup",
               str(args.warmup), "--only", case.name]
    if config.numpy:
        command.append("--with-numpy")
    if config.procs > 1:
        command = [args.mpiexec, "-n", str(config.procs), *command]
    return command


def worker_env(config: Config, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of one sub-run: its thread counts, and no inherited MPI launch.

    A 1-process sub-run is plain Python (``EMBER_USE_MPI=0``: no MPI at all, as
    ``python job.py``); a P-process one gets fresh launcher variables from ``mpiexec``.
    """
    env = {name: value for name, value in (os.environ if base is None else base).items()
           if not name.startswith(LAUNCHER_PREFIXES)}
    env.update(dict.fromkeys(THREAD_VARIABLES, str(config.threads)))
    env.pop("EMBER_USE_MPI", None)
    if config.procs == 1:
        env["EMBER_USE_MPI"] = "0"
    return env


def launch(command: Sequence[str], env: Mapping[str, str], timeout: float) -> bool:
    """Run one sub-run to completion; False if it failed or ran past ``timeout``.

    The sub-run gets its own process group, so that on a timeout or an interrupt the
    launcher and every rank it started are killed together.
    """
    with subprocess.Popen(list(command), env=dict(env), start_new_session=True) as process:
        try:
            return process.wait(timeout=timeout) == 0
        except subprocess.TimeoutExpired:
            print(f"  timed out after {timeout:.0f} s", file=sys.stderr)
            os.killpg(process.pid, signal.SIGKILL)
            return False
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            raise


def run_config(case: Case, config: Config, args: argparse.Namespace, scratch: Path
               ) -> Result | None:
    """One sub-run of one case; its result, or None if it failed."""
    out = scratch / f"{case.name}-{config.procs}x{config.threads}.json"
    print(f"{case.name}: {config.label} ...", file=sys.stderr, flush=True)
    command = worker_command(config, case, args, out)
    if not launch(command, worker_env(config), args.timeout) or not out.exists():
        print(f"{case.name}: {config.label} FAILED", file=sys.stderr, flush=True)
        return None
    (data,) = json.loads(out.read_text())
    result = Result(**data)
    if result.threads != config.threads:
        print(f"  warning: the sub-run used {result.threads} torch threads, not "
              f"{config.threads}", file=sys.stderr)
    print(f"  best {result.ember_best:.3f} s, peak RSS {result.rss_mib:.0f} MiB",
          file=sys.stderr, flush=True)
    return result


def drive(args: argparse.Namespace) -> int:
    """Start every sub-run, print the table; 1 if any sub-run failed, else 0."""
    if em.get_comm().size > 1:
        raise SystemExit("benchmarks/run.py launches mpiexec itself: start it with plain "
                         "python, not under an MPI launcher")
    if max(args.procs) > 1 and shutil.which(args.mpiexec) is None:
        raise SystemExit(f"{args.mpiexec!r} not found: install the mpich wheel or pass "
                         "--mpiexec")
    cases = select(CASES, args.only)
    configs = plan(args.procs)
    results: dict[Key, Result | None] = {}
    with tempfile.TemporaryDirectory(prefix="ember-bench-") as scratch:
        for case in cases:
            for config in configs:
                key = (case.name, config.procs, config.threads)
                results[key] = run_config(case, config, args, Path(scratch))
    print(report(cases, results, args))
    if args.json is not None:
        args.json.write_text(json.dumps(_json_report(results, args), indent=1))
    return int(any(result is None for result in results.values()))


# --------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------
def _time(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3g}"


def _ratio(top: float | None, bottom: float | None) -> str:
    return "-" if top is None or not bottom else f"{top / bottom:.2f}"


def _best(result: Result | None) -> float | None:
    return None if result is None else result.ember_best


def _seconds(results: Mapping[Key, Result | None], key: Key) -> str:
    """A run's best time; "failed" for a sub-run that failed, "-" for one not run."""
    if key in results and results[key] is None:
        return "failed"
    return _time(_best(results.get(key)))


def table_row(name: str, results: Mapping[Key, Result | None], procs: Sequence[int]
              ) -> list[str]:
    """One case's cells, in the order of :func:`table_header`."""
    base = results.get((name, 1, 1))
    if base is None:
        return [name, "failed"] + ["-"] * (len(table_header(procs)) - 2)
    one, numpy_s = base.ember_best, base.numpy_best
    row = [name, _time(numpy_s), _time(one), _ratio(one, numpy_s)]
    rss = [f"{base.rss_mib:.0f}"]
    for p in procs:
        spread, threaded = results.get((name, p, 1)), results.get((name, 1, p))
        row += [_seconds(results, (name, p, 1)), _ratio(one, _best(spread)),
                _seconds(results, (name, 1, p)), _ratio(_best(spread), _best(threaded))]
        rss.append("-" if spread is None else f"{spread.rss_mib:.0f}")
    return row + rss


def table_header(procs: Sequence[int]) -> list[str]:
    """The column titles for the process counts ``procs`` (each > 1)."""
    header = ["case", "NumPy s", "1p s", "1p/NumPy"]
    for p in procs:
        header += [f"{p}p s", f"speed-up {p}p", f"1p x{p}t s", f"cost {p}p"]
    return header + ["RSS MiB 1p"] + [f"RSS MiB {p}p" for p in procs]


def format_table(cases: Sequence[Case], results: Mapping[Key, Result | None],
                 procs: Iterable[int]) -> str:
    """The table: one row per case, columns aligned."""
    procs = sorted({p for p in procs if p > 1})
    rows = [table_header(procs)] + [table_row(case.name, results, procs) for case in cases]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def legend(cases: Sequence[Case], repeat: int, warmup: int) -> str:
    """What the columns and the cases mean."""
    lines = [
        f"Times: seconds, best of {repeat} after {warmup} warm-up run(s), the slowest "
        "rank's; every run has "
        "OMP_NUM_THREADS=1 except '1p xPt' (1 process, P threads).",
        "1p/NumPy: ember on 1 process over NumPy (above 1: ember slower).",
        "speed-up Pp: ember 1p / ember Pp, P processes x 1 thread each (ideal P).",
        "cost Pp: ember Pp (P procs x 1 thread) / ember 1p xPt (1 proc x P threads) on the "
        "same cores (ideal 1.0; above 1: distributing loses to threading).",
        "RSS: peak resident memory of the fullest process (ru_maxrss), before the NumPy "
        "oracle runs.",
    ]
    described = [textwrap.fill(f"{case.name}: {case.description}", width=WIDTH,
                               initial_indent="  ", subsequent_indent="      ")
                 for case in cases]
    return "\n".join([textwrap.fill(line, width=WIDTH, subsequent_indent="    ")
                      for line in lines] + described)


def report(cases: Sequence[Case], results: Mapping[Key, Result | None],
           args: argparse.Namespace) -> str:
    """The printed report: a header line, the table and the legend."""
    header = (f"ember {em.__version__}, torch {torch.__version__}, numpy {np.__version__}, "
              f"Python {platform.python_version()}; {os.cpu_count()} cores, load average "
              f"{_load()} at the end; size={args.size}; {datetime.date.today().isoformat()}")
    return "\n".join([header, "", format_table(cases, results, args.procs), "",
                      legend(cases, args.repeat, args.warmup)])


def _load() -> str:
    """The 1-minute load average (other work on the machine makes timings noisy)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def _json_report(results: Mapping[Key, Result | None], args: argparse.Namespace
                 ) -> dict[str, object]:
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "size": args.size, "repeat": args.repeat, "warmup": args.warmup,
        "procs": args.procs,
        "cores": os.cpu_count(), "load_average": _load(),
        "ember": em.__version__, "torch": torch.__version__, "numpy": np.__version__,
        "results": [result.to_json() for result in results.values() if result is not None],
        "failed": [list(key) for key, result in results.items() if result is None],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the driver, or a ``--worker`` sub-run."""
    args = parse_args(argv)
    return worker(args) if args.worker is not None else drive(args)


if __name__ == "__main__":
    sys.exit(main())
