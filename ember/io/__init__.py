"""Parallel file I/O: HDF5, NetCDF, Zarr, .npy and CSV, each rank reading and writing
only its part."""

from __future__ import annotations

__all__: list[str] = []
