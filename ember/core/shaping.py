"""Shape and layout: reshape, ravel, transpose, moveaxis, squeeze, expand_dims, broadcasting views."""

from __future__ import annotations

__all__: list[str] = []
