"""The workflow's phases in order: read, features, LOF by time and/or by location,
outputs and figures, and the final summary (rank 0)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import torch

from ember.comm import Communicator

from .config import Options
from .detect import Scores, check_neighbors, lof_by_location, lof_by_time, rows_per_chunk
from .features import pad_block, prepare
from .figures import draw_on_root, gather_map, pick_dates, plot_fraction, plot_maps
from .inputs import Stack, load_stack
from .outputs import check_output_dir, summarize, write_stacks, write_summary
from .progress import Progress

__all__ = ["Report", "run"]


@dataclass
class Report:
    """What a run produced: the stack (this rank's rows), each mode's scores and flags,
    the per-date summary rows, the files written, and seconds per phase."""

    stack: Stack
    results: list[Scores]
    summary: list[dict]
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_date: str = ""

    def fractions(self, mode: str) -> list[float]:
        """The anomaly fraction per date of ``mode``."""
        return [row["anomaly_fraction"] for row in self.summary if row["mode"] == mode]


def _say(comm: Communicator, options: Options, text: str) -> None:
    if comm.rank == 0 and not options.quiet:
        print(text, file=sys.stderr, flush=True)


def run(options: Options, comm: Communicator) -> Report:
    """Run the workflow on ``options.input``; write everything into ``options.out``.

    Raises
    ------
    HotspotsError
        On every rank, for any problem with the input, the options or the output.

    Notes
    -----
    Communication: reading: no data (each rank reads its rows); features: one Alltoallv
    of the halo rows (``patch // 2`` rows per side); LOF by time: none (each location's
    problem is local); LOF by location: per date, one distributed LOF (ring of the
    date's patches plus one Alltoallv); outputs: each rank writes its rows; summary:
    one Allreduce of ``modes x dates x 3`` numbers; figures: two downsampled 2-D maps
    (at most 512 x 512 each) gathered.

    Examples
    --------
    >>> import os, tempfile, numpy as np, ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "stack.npy")
    >>> if comm.rank == 0:
    ...     np.save(path, np.random.default_rng(0).gamma(4.0, 0.25, (12, 6, 5)))
    >>> comm.Barrier()
    >>> options = Options(input=path, out=folder, mode="time", n_neighbors=5, quiet=True)
    >>> report = run(options, comm)
    >>> sorted(os.path.basename(p) for p in report.files)[:3]
    ['anomaly_fraction.png', 'anomaly_maps.png', 'flags_time.npy']
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    check_output_dir(options.out, comm)
    stack = load_stack(options.input, options.dataset, options.time_axis, comm,
                       options.dates, options.mask, options.mask_dataset)
    n_valid = int(comm.Allreduce(torch.tensor([int(stack.valid.sum())]), "sum").item())
    check_neighbors(options.n_neighbors, stack.n_times, n_valid, options.modes)
    seconds["read"] = time.perf_counter() - started
    _say(comm, options, f"ember-hotspots: stack {stack.shape[:3]} x {stack.shape[3]} "
         f"band(s) on {comm.size} process(es), {n_valid} valid locations")

    mark = time.perf_counter()
    values = prepare(stack.local, stack.valid, options.db, options.standardize, comm)
    padded = pad_block(values, stack.counts, options.patch, comm)
    del values
    seconds["features"] = time.perf_counter() - mark

    results = [_detect(mode, padded, stack, options, comm, seconds) for mode in options.modes]
    del padded

    mark = time.perf_counter()
    report = Report(stack, results, summarize(results, stack))
    report.files = write_stacks(results, stack, options.out, options.out_format)
    summary_path = os.path.join(options.out, "summary.csv")
    write_summary(report.summary, summary_path, comm)
    report.files += [summary_path] + _figures(report, options, comm)
    seconds["outputs"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    report.seconds = seconds
    _final_summary(report, options, comm)
    return report


def _detect(mode: str, padded: torch.Tensor, stack: Stack, options: Options,
            comm: Communicator, seconds: dict[str, float]) -> Scores:
    mark = time.perf_counter()
    enabled = comm.rank == 0 and not options.quiet
    if mode == "time":
        chunk = rows_per_chunk(stack.cols, stack.n_times,
                               options.patch ** 2 * stack.shape[3], options.memory_mb)
        total = -(-max(stack.counts) // chunk)
        bar = Progress("LOF by time (row chunks)", total, enabled)
        result = lof_by_time(padded, stack.valid, stack.counts, options.patch,
                             options.n_neighbors, options.threshold, options.contamination,
                             options.memory_mb, comm, bar.advance)
    else:
        bar = Progress("LOF by location (dates)", stack.n_times, enabled)
        result = lof_by_location(padded, stack.valid, options.patch, options.n_neighbors,
                                 options.threshold, options.contamination, comm,
                                 bar.advance)
    bar.close()
    seconds[f"lof_{mode}"] = time.perf_counter() - mark
    return result


def _figures(report: Report, options: Options, comm: Communicator) -> list[str]:
    stack, primary = report.stack, report.results[0]
    fractions = report.fractions(primary.mode)
    peak, normal = pick_dates(fractions)
    report.peak_date = stack.dates[peak]
    maps = [gather_map(primary.scores[t], stack.counts, comm) for t in (peak, normal)]
    titles = [f"LOF by {primary.mode}, {stack.dates[t]}"
              + (" (most anomalous date)" if t == peak else " (a normal date)")
              + f"\n{fractions[t]:.1%} of locations flagged" for t in (peak, normal)]
    maps_path = os.path.join(options.out, "anomaly_maps.png")
    vmax = max(3.0, 2.0 * options.threshold)
    draw_on_root(comm, lambda: plot_maps(maps_path, [m for m, _ in maps], titles, vmax,
                                         maps[0][1]), maps_path)
    series = {result.mode: report.fractions(result.mode) for result in report.results}
    fraction_path = os.path.join(options.out, "anomaly_fraction.png")
    draw_on_root(comm, lambda: plot_fraction(fraction_path, stack.dates, series, peak),
                 fraction_path)
    return [maps_path, fraction_path]


def _final_summary(report: Report, options: Options, comm: Communicator) -> None:
    if comm.rank != 0 or options.quiet:
        return
    lines = ["ember-hotspots: done in " + f"{report.seconds['total']:.1f}s ("
             + ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items() if k != "total")
             + ")"]
    for result in report.results:
        rows = [row for row in report.summary if row["mode"] == result.mode]
        count = sum(row["anomaly_count"] for row in rows)
        top = max(rows, key=lambda row: row["anomaly_fraction"])
        lines.append(f"  LOF by {result.mode}: {count} anomalous (location, date) pairs; "
                     f"peak {top['date']} with {top['anomaly_fraction']:.1%} of locations")
    lines.append(f"  outputs in {options.out}: "
                 + ", ".join(sorted(os.path.basename(f) for f in report.files)))
    print("\n".join(lines), flush=True)
