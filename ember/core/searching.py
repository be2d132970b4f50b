"""Searching: nonzero, argwhere, flatnonzero, compress, extract, choose, select, searchsorted, topk."""

from __future__ import annotations

__all__: list[str] = []
