"""The workflow's settings (:class:`Options`) and its one error type."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HotspotsError", "Options", "MODES", "OUT_FORMATS"]

MODES = ("time", "location", "both")
OUT_FORMATS = ("same", "hdf5", "netcdf", "zarr", "npy")


class HotspotsError(Exception):
    """A problem with the user's input or environment, reported as one clear message
    (no traceback) and a non-zero exit status on every rank.

    Examples
    --------
    >>> str(HotspotsError("input 'x.h5' not found"))
    "input 'x.h5' not found"
    """


@dataclass
class Options:
    """Everything the workflow needs, as parsed from the command line (see :mod:`.cli`).

    Examples
    --------
    >>> Options(input="stack.npy", out="out").modes
    ('time', 'location')
    """

    input: str | None = None
    out: str = "hotspots-out"
    dataset: str | None = None
    time_axis: int = 0
    dates: str | None = None
    mask: str | None = None
    mask_dataset: str | None = None
    patch: int = 5
    db: bool = True
    standardize: bool = True
    mode: str = "both"
    n_neighbors: int = 20
    contamination: float | None = None
    threshold: float = 1.5
    out_format: str = "same"
    memory_mb: float = 256.0
    quiet: bool = False
    demo: bool = False
    size: str = "small"
    seed: int = 0

    @property
    def modes(self) -> tuple[str, ...]:
        """The LOF modes to run, in order."""
        return ("time", "location") if self.mode == "both" else (self.mode,)
