"""The core: DNDarray, dtypes, devices, distribution arithmetic and NumPy-like functions."""

from .arithmetic import *
from .arithmetic import __all__ as _arithmetic_all
from .array_api_info import __array_namespace_info__
from .comparison import *
from .comparison import __all__ as _comparison_all
from .creation import *
from .creation import __all__ as _creation_all
from .devices import Device, cpu, get_device, gpu_available, use_device
from .dndarray import DNDarray
from .dtypes import *
from .dtypes import __all__ as _dtypes_all
from .printing import get_printoptions, print0, printoptions, set_printoptions
from .ranges import *
from .ranges import __all__ as _ranges_all
from .validation import AxisError

__all__ = [
    "DNDarray",
    "Device",
    "AxisError",
    "cpu",
    "get_device",
    "use_device",
    "gpu_available",
    "get_printoptions",
    "set_printoptions",
    "printoptions",
    "print0",
    "__array_namespace_info__",
    *_creation_all,
    *_arithmetic_all,
    *_comparison_all,
    *_ranges_all,
    *_dtypes_all,
]
