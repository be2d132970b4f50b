"""``__array_namespace_info__``: what the ember namespace offers, per the array API."""

from __future__ import annotations

from typing import Any

from . import dtypes
from .devices import Device, cpu, gpu_available, sanitize_device

__all__ = ["__array_namespace_info__"]

_KINDS = ("bool", "signed integer", "unsigned integer", "integral", "real floating",
          "complex floating", "numeric")
_ALL = (dtypes.bool_, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
        dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64, dtypes.complex64,
        dtypes.complex128)
# The array API standard names only these; bfloat16 and float16 are ember extras.
_STANDARD_NAMES = {"bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64",
                   "complex64", "complex128"}


class ArrayNamespaceInfo:
    """Inspection of the ember namespace (array API 2024.12 ``__array_namespace_info__``).

    Examples
    --------
    >>> import ember as em
    >>> em.__array_namespace_info__().default_dtypes()["real floating"]
    ember.float32
    """

    def capabilities(self) -> dict[str, Any]:
        """The optional features ember has."""
        return {"boolean indexing": True, "data-dependent shapes": True,
                "max dimensions": 64}

    def default_device(self) -> Device:
        """The device new arrays are made on."""
        return sanitize_device(None)

    def default_dtypes(self, *, device: Any = None) -> dict[str, Any]:
        """The default dtypes of new arrays."""
        if device is not None:
            sanitize_device(device)
        return {"real floating": dtypes.get_default_dtype(),
                "complex floating": dtypes.default_complex_dtype(),
                "integral": dtypes.default_int_dtype(),
                "indexing": dtypes.default_index_dtype()}

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, Any]:
        """The supported dtypes by name, optionally only those of ``kind``."""
        if device is not None:
            sanitize_device(device)
        if kind is not None and isinstance(kind, str) and kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS} or a tuple of them, got {kind!r}")
        chosen = [d for d in _ALL if kind is None or dtypes.isdtype(d, kind)]
        return {d.name: d for d in chosen if d.name in _STANDARD_NAMES}

    def devices(self) -> list[Device]:
        """The devices arrays can live on."""
        return [cpu, sanitize_device("gpu")] if gpu_available() else [cpu]


def __array_namespace_info__() -> ArrayNamespaceInfo:
    """The array API inspection object of the ember namespace."""
    return ArrayNamespaceInfo()
