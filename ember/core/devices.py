"""Devices: where each rank's local tensor lives ("cpu", or "gpu" = the rank's CUDA GPU)."""

from __future__ import annotations

import torch

from ..comm import local_rank

__all__ = ["Device", "cpu", "gpu_available", "sanitize_device", "get_device", "use_device"]


class Device:
    """A kind of device, the same on every rank ("cpu" or "gpu").

    On a GPU run each rank uses the GPU of its node-local rank (``local_rank % n_gpus``)
    unless an explicit index ``"cuda:i"`` is asked for; the local torch device is
    ``torch_device``.

    Examples
    --------
    >>> cpu
    device('cpu')
    >>> cpu == "cpu"
    True
    """

    __slots__ = ("type", "torch_device")

    def __init__(self, kind: str, torch_device: torch.device) -> None:
        self.type = kind
        self.torch_device = torch_device

    def __repr__(self) -> str:
        return f"device({str(self)!r})"

    def __str__(self) -> str:
        return self.type if self.type == "cpu" else f"gpu:{self.torch_device.index}"

    def __eq__(self, other: object) -> bool:
        try:
            return sanitize_device(other).torch_device == self.torch_device
        except (TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(self.torch_device)


cpu = Device("cpu", torch.device("cpu"))
_default: Device = cpu


def gpu_available() -> bool:
    """Whether this rank can see a CUDA GPU."""
    return torch.cuda.is_available() and torch.cuda.device_count() > 0


def _gpu(index: int | None) -> Device:
    if not gpu_available():
        raise ValueError("device 'gpu' was requested, but no CUDA GPU is available")
    index = local_rank % torch.cuda.device_count() if index is None else index
    if not 0 <= index < torch.cuda.device_count():
        raise ValueError(f"device 'cuda:{index}' does not exist on this node")
    return Device("gpu", torch.device("cuda", index))


def sanitize_device(device: object = None) -> Device:
    """Turn a device-like into a :class:`Device`.

    Parameters
    ----------
    device : Device, str, torch.device or None
        ``None`` is the default device; strings are ``"cpu"``, ``"gpu"``, ``"cuda"``,
        ``"cuda:i"`` or ``"gpu:i"``.

    Raises
    ------
    ValueError
        Unknown device string, or a GPU that is not there.
    TypeError
        Not a device-like.
    """
    if device is None:
        return _default
    if isinstance(device, Device):
        return device
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise TypeError(f"device must be a str, torch.device or ember device, got "
                        f"{type(device).__name__}")
    name, _, index = device.strip().lower().partition(":")
    if name == "cpu" and not index:
        return cpu
    if name in ("gpu", "cuda"):
        if index and not index.isdigit():
            raise ValueError(f"invalid device {device!r}")
        return _gpu(int(index) if index else None)
    raise ValueError(f"device must be 'cpu', 'gpu' or 'cuda[:i]', got {device!r}")


def device_of(tensor: torch.Tensor) -> Device:
    """The :class:`Device` holding ``tensor``."""
    if tensor.device.type == "cpu":
        return cpu
    return Device("gpu", tensor.device)


def get_device() -> Device:
    """The default device of new arrays."""
    return _default


def use_device(device: object = None) -> None:
    """Set the default device of new arrays (``None`` resets it to cpu)."""
    global _default
    _default = cpu if device is None else sanitize_device(device)
