"""The benchmark cases, one module per family of functions.

To add a family, write ``benchmarks/cases/<family>.py`` with a list ``CASES`` of
:class:`~benchmarks.harness.Case` and append it below; to add a case, append a ``Case``
to its family's list.
"""

from __future__ import annotations

from ..harness import Case
from . import cluster, core, io, manipulations, maths, neighbors

__all__ = ["CASES"]

CASES: tuple[Case, ...] = (
    *core.CASES,
    *maths.CASES,
    *manipulations.CASES,
    *io.CASES,
    *neighbors.CASES,
    *cluster.CASES,
)
