"""Ember: distributed N-dimensional arrays with the NumPy API, on PyTorch and MPI.

Every process runs the same script; each holds its block of every array as a torch
tensor. Run it with ``python job.py`` on one process or ``mpiexec -n 4 python job.py``.

Examples
--------
>>> import ember as em
>>> x = em.arange(10, split=0)
>>> x.numpy().sum()
np.int64(45)
"""

import os as _os

# Large torch CPU tensors on transparent huge pages, as NumPy does for its arrays: fresh
# multi-MB buffers (every redistribution makes some) then cost a fraction of the page
# faults. Torch reads this at its first allocation; an explicit setting wins.
_os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

from . import io, random
from ._version import __version__
from .comm import Communicator, get_comm, use_comm
from .core import *
from .core import __all__ as _core_all
from .core.dndarray import DNDarray
from .core.dtypes import bool_ as bool
from .io import *
from .io import __all__ as _io_all

__array_api_version__ = "2024.12"

# The estimator packages load on first use (``em.cluster.KMeans`` or
# ``from ember.cluster import KMeans``), as scikit-learn's do.
_LAZY_PACKAGES = ("cluster", "metrics", "neighbors", "spatial", "utils")


def __getattr__(name: str):
    if name in _LAZY_PACKAGES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def astype(x, dtype, /, *, copy: bool = True, device=None):
    """``x`` cast to ``dtype`` (array API ``astype``); optionally moved to ``device``.

    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.astype(em.arange(3), em.float32).dtype
    ember.float32
    """
    if not isinstance(x, DNDarray):
        raise TypeError(f"astype expects a DNDarray, got {type(x).__name__}")
    result = x.astype(dtype, copy=copy)
    return result if device is None else result.to(device)


__all__ = [
    "__version__",
    "__array_api_version__",
    "Communicator",
    "get_comm",
    "use_comm",
    "astype",
    "bool",
    "io",
    "random",
    *_core_all,
    *_io_all,
]
