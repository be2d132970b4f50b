"""Rearranging elements: flip, roll, rot90, tile, repeat, pad, resize, trim_zeros."""

from __future__ import annotations

__all__: list[str] = []
