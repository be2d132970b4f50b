"""Indexing: x[key] and x[key] = value (basic and advanced), take, put, take_along_axis, put_along_axis."""

from __future__ import annotations

__all__: list[str] = []

from typing import Any


def getitem(x: Any, key: Any) -> Any:
    """``x[key]`` (placeholder until indexing lands: refuses clearly)."""
    raise NotImplementedError("indexing (x[...]) on DNDarrays is not supported yet")


def setitem(x: Any, key: Any, value: Any) -> None:
    """``x[key] = value`` (placeholder until indexing lands: refuses clearly)."""
    raise NotImplementedError("item assignment (x[...] = v) on DNDarrays is not supported yet")
