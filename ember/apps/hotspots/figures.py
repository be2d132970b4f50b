"""PNG figures, drawn by rank 0 with matplotlib (Agg): the anomaly map of the most
anomalous date next to a normal date, and the anomaly fraction over time.

The only data gathered are small: the per-date summary (already on every rank) and two
2-D score maps, each downsampled by striding to at most :data:`MAX_SIDE` pixels a side
before it is gathered (every ``s``-th row and column, ``s = ceil(max(rows, cols) /
MAX_SIDE)``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import torch

from ember.comm import Communicator

from .config import HotspotsError
from .inputs import describe_error

__all__ = ["MAX_SIDE", "gather_map", "pick_dates", "plot_maps", "plot_fraction",
           "draw_on_root"]

MAX_SIDE = 512


def gather_map(local: torch.Tensor, counts: Sequence[int], comm: Communicator,
               max_side: int = MAX_SIDE) -> tuple[np.ndarray, int]:
    """One 2-D map (this rank's rows x cols) gathered on every rank, keeping every
    ``stride``-th row and column so that no side exceeds ``max_side``.

    Returns
    -------
    (numpy.ndarray, int)
        The map and the stride.

    Notes
    -----
    Communication: one Allgatherv of at most ``max_side**2`` values.

    Examples
    --------
    >>> import ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> image, stride = gather_map(torch.arange(16.0).reshape(4, 4), (4,), comm, 2)
    >>> image.tolist(), stride
    ([[0.0, 2.0], [8.0, 10.0]], 2)
    """
    rows, cols = sum(counts), local.shape[1]
    stride = max(1, math.ceil(max(rows, cols) / max_side))
    starts = np.concatenate([[0], np.cumsum(counts)])
    kept = [len(range(-(-int(a) // stride) * stride, int(b), stride))
            for a, b in zip(starts[:-1], starts[1:], strict=True)]
    first = -(-int(starts[comm.rank]) // stride) * stride - int(starts[comm.rank])
    mine = local[first::stride, ::stride].contiguous() if kept[comm.rank] else \
        local[:0, ::stride].contiguous()
    return comm.Allgatherv(mine, 0, kept).numpy(), stride


def pick_dates(fractions: Sequence[float]) -> tuple[int, int]:
    """The most anomalous date (largest fraction; the first on ties) and a normal one
    (the fraction closest to the median).

    Examples
    --------
    >>> pick_dates([0.01, 0.02, 0.5, 0.012, 0.011])
    (2, 3)
    """
    values = np.asarray(fractions, dtype=float)
    peak = int(np.argmax(values))
    normal = int(np.argmin(np.abs(values - np.median(values)) + (np.arange(len(values)) == peak)))
    return peak, normal


def plot_maps(path: str, maps: Sequence[np.ndarray], titles: Sequence[str],
              vmax: float, stride: int) -> None:
    """Two score maps side by side (LOF score, clipped to ``[1, vmax]``).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.png")
    >>> plot_maps(path, [np.ones((4, 4)), np.ones((4, 4))], ["a", "b"], 2.0, 1)
    >>> open(path, "rb").read(8) == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(maps), figsize=(5.5 * len(maps), 4.6), squeeze=False)
    for ax, image, title in zip(axes[0], maps, titles, strict=True):
        shown = ax.imshow(image, cmap="magma", vmin=1.0, vmax=vmax, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("col" + (f" (every {stride}th)" if stride > 1 else ""))
        ax.set_ylabel("row")
    fig.colorbar(shown, ax=axes[0].tolist(), label="LOF score", shrink=0.85)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_fraction(path: str, dates: Sequence[str], series: dict[str, Sequence[float]],
                  peak: int) -> None:
    """The anomaly fraction per date for each mode, the peak date marked.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "f.png")
    >>> plot_fraction(path, ["a", "b", "c"], {"time": [0.0, 0.5, 0.1]}, 1)
    >>> os.path.getsize(path) > 0
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(dates))
    for mode, values in series.items():
        ax.plot(x, values, marker=".", label=f"LOF by {mode}")
    ax.axvline(peak, color="grey", linestyle="--", linewidth=1)
    ax.annotate(f"peak {dates[peak]}", (peak, ax.get_ylim()[1]), xytext=(4, -12),
                textcoords="offset points", fontsize=8)
    ticks = x[:: max(1, len(x) // 8)]
    ax.set_xticks(ticks, [dates[i] for i in ticks], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("anomalous locations (fraction)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def draw_on_root(comm: Communicator, draw, path: str) -> None:
    """Run ``draw()`` on rank 0; raise HotspotsError on every rank if it failed.

    Notes
    -----
    Communication: one small broadcast.

    Examples
    --------
    >>> import ember as em
    >>> draw_on_root(em.get_comm(), lambda: None, "unused.png")
    """
    message = None
    if comm.rank == 0:
        try:
            draw()
        except (OSError, ValueError, RuntimeError) as error:
            message = f"cannot draw {os.path.basename(path)!r}: {describe_error(error)}"
    message = comm.bcast_object(message)
    if message is not None:
        raise HotspotsError(message)
