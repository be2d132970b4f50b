"""Joining and splitting arrays: concatenate, stack, split and their variants, append, insert, delete."""

from __future__ import annotations

__all__: list[str] = []
