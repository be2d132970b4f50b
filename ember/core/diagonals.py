"""Diagonals and triangles: diag, diagonal, diagflat, tril, triu."""

from __future__ import annotations

__all__: list[str] = []
