"""Sorting: sort and argsort (parallel sample sort along the split axis), partition, lexsort."""

from __future__ import annotations

__all__: list[str] = []
