"""``--demo``: a synthetic SAR-like stack with planted events, the workflow run on it,
and the detections scored against the planted truth.

The scene (intensity, linear): a coastline (sea dark at about -15 dB, land bright at
about -6 dB with a fixed texture), a seasonal cycle (land and sea with different
phases), multiplicative gamma speckle of ``LOOKS`` looks (the mean of ``LOOKS`` unit
exponentials, drawn with :mod:`ember.random`, so the stack is the same for any number of
processes), a few regions that change permanently near the end of the series (the new
state is then still rare in each place's history, so LOF by time flags it), and one storm
date on which a large sea area brightens. The truth is the set of (location, date) pairs
of the planted events: the storm area on the storm date, and each changed region on
every date from its change on.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import sys
from dataclasses import dataclass

import numpy as np
import torch

import ember as em
from ember.comm import Communicator

from .config import HotspotsError, Options
from .inputs import describe_error
from .outputs import check_output_dir, write_on_root
from .workflow import Report, run

__all__ = ["LOOKS", "STORM_DATE", "SIZES", "Scene", "make_scene", "write_stack",
           "score", "run_demo"]

LOOKS = 4
STORM_DATE = _dt.date(2022, 1, 30)
SIZES = {"small": (64, 64, 64), "large": (2048, 2048, 240), "tiny": (32, 32, 48)}
"""Demo sizes: (rows, cols, dates). Large: 240 x 2048 x 2048 float32 = 3.75 GiB."""
STEP_DAYS = 6


@dataclass(frozen=True)
class Scene:
    """The planted scene: sizes, dates and events (replicated, tiny).

    ``regions``: (row0, row1, col0, col1, factor, change index); ``storm``: (row0, row1,
    storm index, factor), the storm hitting the sea between those rows.

    Examples
    --------
    >>> s = make_scene("small")
    >>> s.dates[s.storm[2]], len(s.dates), s.dates[1]
    ('2022-01-30', 64, '2021-06-22')
    """

    rows: int
    cols: int
    n_times: int
    start: _dt.date
    regions: tuple[tuple[int, int, int, int, float, int], ...]
    storm: tuple[int, int, int, float]

    @property
    def dates(self) -> list[str]:
        return [(self.start + _dt.timedelta(days=STEP_DAYS * t)).isoformat()
                for t in range(self.n_times)]

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.n_times, self.rows, self.cols)

    def coast(self, rows: torch.Tensor) -> torch.Tensor:
        """The first land column of each row."""
        wave = torch.sin(2 * math.pi * 1.3 * rows.double() / self.rows)
        return (self.cols * (0.45 + 0.08 * wave)).round()

    def sea(self, first_row: int, stop_row: int) -> torch.Tensor:
        """Sea pixels of rows ``[first_row, stop_row)``, bool (rows, cols)."""
        rows = torch.arange(first_row, stop_row)
        return torch.arange(self.cols)[None, :] < self.coast(rows)[:, None]

    def truth(self, first_row: int, stop_row: int) -> torch.Tensor:
        """Planted anomalies of rows ``[first_row, stop_row)``: bool (dates, rows, cols)."""
        first, stop = max(first_row, 0), min(stop_row, self.rows)
        truth = self._truth(first, stop)
        rows = torch.arange(first_row, stop_row).clamp(0, self.rows - 1) - first
        return truth.index_select(1, rows)

    def ambiguous(self, first_row: int, stop_row: int, halo: int) -> torch.Tensor:
        """The (date, location) pairs of rows ``[first_row, stop_row)`` outside every
        event whose ``2 halo + 1`` patch reaches into one (their features see the event)."""
        truth = self.truth(first_row - halo, stop_row + halo).float()
        if halo == 0:
            return torch.zeros_like(truth, dtype=torch.bool)
        truth = torch.nn.functional.pad(truth, (halo, halo), mode="replicate")
        size = 2 * halo + 1
        grown = torch.nn.functional.max_pool2d(truth, size, stride=1)
        inside = truth[:, halo:truth.shape[1] - halo, halo:truth.shape[2] - halo]
        return (grown > 0) & (inside == 0)

    def _truth(self, first_row: int, stop_row: int) -> torch.Tensor:
        truth = torch.zeros(self.n_times, stop_row - first_row, self.cols, dtype=torch.bool)
        for r0, r1, c0, c1, _, change in self.regions:
            a, b = max(r0, first_row), min(r1, stop_row)
            if a < b:
                truth[change:, a - first_row:b - first_row, c0:c1] = True
        truth[self.storm[2]] |= self._storm_area(first_row, stop_row)
        return truth

    def _storm_area(self, first_row: int, stop_row: int) -> torch.Tensor:
        rows = torch.arange(first_row, stop_row)
        inside = (rows >= self.storm[0]) & (rows < self.storm[1])
        return self.sea(first_row, stop_row) & inside[:, None]

    def mean_intensity(self, dates: range, first_row: int, stop_row: int,
                       texture: torch.Tensor) -> torch.Tensor:
        """The noise-free intensity (dates, rows, cols) of rows ``[first_row, stop_row)``."""
        sea = self.sea(first_row, stop_row)
        days = torch.tensor([STEP_DAYS * t for t in dates], dtype=torch.float64)
        phase = 2 * math.pi * (days + (self.start - _dt.date(2021, 1, 1)).days) / 365.25
        land_cycle = (1 + 0.25 * torch.sin(phase))[:, None, None]
        sea_cycle = (1 + 0.3 * torch.cos(phase))[:, None, None]
        mean = torch.where(sea, 0.03 * sea_cycle, 0.25 * texture * land_cycle)
        times = torch.tensor(list(dates))[:, None, None]
        for r0, r1, c0, c1, factor, change in self.regions:
            a, b = max(r0, first_row), min(r1, stop_row)
            if a < b:
                block = mean[:, a - first_row:b - first_row, c0:c1]
                block *= torch.where(times >= change, factor, 1.0)
        if self.storm[2] in dates:
            at = list(dates).index(self.storm[2])
            mean[at] *= torch.where(self._storm_area(first_row, stop_row), self.storm[3], 1.0)
        return mean


def make_scene(size: str) -> Scene:
    """The demo scene of ``size`` (``"small"`` or ``"large"``); dates every 6 days, the
    storm on 2022-01-30 at 60% of the series, changes 3-5 dates before the end.

    Examples
    --------
    >>> make_scene("large").shape
    (240, 2048, 2048)
    """
    rows, cols, n_times = SIZES[size]
    storm = int(0.6 * n_times)
    start = STORM_DATE - _dt.timedelta(days=STEP_DAYS * storm)

    def box(r0, r1, c0, c1, factor, before_end):
        return (int(r0 * rows), int(r1 * rows), int(c0 * cols), int(c1 * cols), factor,
                n_times - before_end)

    regions = (box(0.12, 0.28, 0.70, 0.86, 0.1, 5),    # land flooded / cleared
               box(0.60, 0.72, 0.08, 0.22, 10.0, 3),   # sea: a new structure
               box(0.80, 0.92, 0.60, 0.74, 8.0, 4))    # land: new buildings
    return Scene(rows, cols, n_times, start, regions,
                 (int(0.2 * rows), int(0.85 * rows), storm, 6.0))


def _dates_per_chunk(scene: Scene, budget_bytes: int = 256 << 20) -> int:
    """Dates generated at once: from the global image size, never from the number of
    processes, so that the random draws are the same for any process count."""
    return max(1, budget_bytes // (scene.rows * scene.cols * (LOOKS + 3) * 8))


def write_stack(scene: Scene, path: str, seed: int, comm: Communicator) -> None:
    """Write the demo stack (dates x rows x cols, float32 .npy) to ``path``, each rank
    generating and writing its own rows, date chunk by date chunk.

    The random draws depend only on the seed and the global position (ember.random),
    and the chunks are the same on every rank, so the file is the same for any number of
    processes. Rank 0 writes the header; every rank then writes its rows with
    ``os.pwrite`` at their byte offsets into a temporary file, renamed when all are done.

    Raises
    ------
    HotspotsError
        On every rank, when the stack file cannot be written.

    Notes
    -----
    Communication: a few small broadcasts/Allreduces (agreeing on errors); the stack is
    never gathered. Memory: one chunk of dates, about 256 MiB / P per rank.

    Examples
    --------
    >>> import os, tempfile, numpy as np, ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> scene = Scene(6, 5, 4, STORM_DATE, (), (0, 3, 2, 6.0))
    >>> write_stack(scene, os.path.join(folder, "s.npy"), 0, comm)
    >>> np.load(os.path.join(folder, "s.npy")).shape
    (4, 6, 5)
    """
    counts = em.zeros((scene.rows,), split=0, comm=comm).counts
    first = sum(counts[: comm.rank])
    stop = first + counts[comm.rank]
    temporary = path + ".partial"
    offset = _create(temporary, scene.shape, comm)
    rng = em.random.default_rng(seed)
    texture = rng.uniform(0.6, 1.4, size=(scene.rows, scene.cols), dtype="float64",
                          split=0, comm=comm).larray
    step = _dates_per_chunk(scene)
    error = None
    fd = os.open(temporary, os.O_WRONLY)
    try:
        for t0 in range(0, scene.n_times, step):
            dates = range(t0, min(t0 + step, scene.n_times))
            speckle = rng.exponential(1.0, size=(len(dates), scene.rows, scene.cols, LOOKS),
                                      dtype="float64", split=1, comm=comm)
            values = scene.mean_intensity(dates, first, stop, texture) * \
                speckle.larray.mean(-1)
            error = error or _write_rows(fd, values.float().numpy(), offset, scene, t0, first)
    finally:
        os.close(fd)
    comm.raise_if_any(error)
    write_on_root(comm, lambda: os.replace(temporary, path),
                  f"cannot write the demo stack {path!r}")


def _create(path: str, shape: tuple[int, ...], comm: Communicator) -> int:
    """Rank 0 writes the .npy header and sizes the file; returns the data offset."""
    def create() -> int:
        with open(path, "wb") as fp:
            header = {"descr": "<f4", "fortran_order": False, "shape": tuple(shape)}
            np.lib.format.write_array_header_1_0(fp, header)
            offset = fp.tell()
            fp.truncate(offset + 4 * math.prod(shape))
        return offset

    return write_on_root(comm, create, f"cannot write the demo stack {path!r}")


def _write_rows(fd: int, values: np.ndarray, offset: int, scene: Scene, t0: int,
                first_row: int) -> HotspotsError | None:
    try:
        for i, image in enumerate(values.astype("<f4")):
            position = offset + 4 * ((t0 + i) * scene.rows + first_row) * scene.cols
            data = memoryview(np.ascontiguousarray(image)).cast("B")
            while data:
                written = os.pwrite(fd, data, position)
                data, position = data[written:], position + written
    except OSError as exc:
        return HotspotsError(f"cannot write the demo stack: {describe_error(exc)}")
    return None


def score(report: Report, scene: Scene, patch: int) -> dict[str, float]:
    """Precision and recall of the flags (a (location, date) pair is flagged when any
    mode flags it) against the planted truth.

    True positives: flagged pairs of the truth; false negatives: unflagged pairs of the
    truth; false positives: flagged pairs outside the truth, except those whose patch
    reaches into an event (:meth:`Scene.ambiguous`): their features do contain the
    event, so flagging them is neither right nor wrong. Invalid locations do not count.

    Notes
    -----
    Communication: one Allreduce of three numbers.

    Examples
    --------
    >>> import torch, ember as em
    >>> from ember.apps.hotspots.detect import Scores
    >>> from ember.apps.hotspots.inputs import Stack
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> scene = Scene(1, 2, 2, STORM_DATE, (), (0, 1, 1, 6.0))   # all sea, storm at t=1
    >>> stack = Stack(torch.zeros(2, 1, 2, 1), (2, 1, 2, 1), (1,), comm, ["a", "b"],
    ...               torch.ones(1, 2, dtype=torch.bool), "npy")
    >>> flags = torch.tensor([[[False, True]], [[True, False]]])
    >>> report = Report(stack, [Scores("time", torch.zeros(2, 1, 2), flags)], [])
    >>> score(report, scene, 1)
    {'precision': 0.5, 'recall': 1.0}
    """
    stack = report.stack
    first = stack.row_start
    stop = first + stack.counts[stack.comm.rank]
    valid = stack.valid.unsqueeze(0)
    truth = scene.truth(first, stop) & valid
    counted = ~scene.ambiguous(first, stop, patch // 2) & valid
    flags = torch.zeros_like(truth)
    for result in report.results:
        flags |= result.flags
    local = torch.tensor([(flags & truth).sum(), (flags & ~truth & counted).sum(),
                          (~flags & truth).sum()], dtype=torch.float64)
    tp, fp, fn = stack.comm.Allreduce(local, "sum").tolist()
    return {"precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0}


def run_demo(options: Options, comm: Communicator) -> Report:
    """Generate the demo stack in ``options.out``, run the workflow on it and print, as
    the last line on rank 0, ``demo: precision=P recall=R storm_date=D
    detected_peak_date=D'`` (the peak date: the most anomalous date of the first mode).

    Notes
    -----
    Communication: that of :func:`write_stack`, :func:`ember.apps.hotspots.workflow.run`
    and :func:`score`.

    Examples
    --------
    >>> make_scene("small").storm[1:]
    (54, 38, 6.0)
    """
    check_output_dir(options.out, comm)
    scene = make_scene(options.size)
    stack_path = os.path.join(options.out, "demo_stack.npy")
    dates_path = os.path.join(options.out, "demo_dates.txt")
    if comm.rank == 0 and not options.quiet:
        gib = 4 * math.prod(scene.shape) / 2**30
        print(f"ember-hotspots --demo: writing a {options.size} synthetic stack "
              f"{scene.shape} ({gib:.2f} GiB) to {stack_path}", file=sys.stderr, flush=True)
    write_stack(scene, stack_path, options.seed, comm)
    _write_dates(scene.dates, dates_path, comm)
    options.input, options.dates, options.dataset = stack_path, dates_path, None
    report = run(options, comm)
    quality = score(report, scene, options.patch)
    if comm.rank == 0:
        print(f"demo: precision={quality['precision']:.2f} recall={quality['recall']:.2f} "
              f"storm_date={STORM_DATE.isoformat()} detected_peak_date={report.peak_date}",
              flush=True)
    return report


def _write_dates(dates: list[str], path: str, comm: Communicator) -> None:
    def write() -> None:
        with open(path, "w", encoding="utf-8") as fp:
            fp.write("\n".join(dates) + "\n")

    write_on_root(comm, write, f"cannot write {path!r}")
