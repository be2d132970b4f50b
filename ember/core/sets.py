"""Set operations: unique and the array API's unique_*, isin, in1d, intersect1d, union1d, setdiff1d, setxor1d."""

from __future__ import annotations

__all__: list[str] = []
