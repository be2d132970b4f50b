"""NumPy's module-level random functions, drawing from one global :class:`Generator`.

The global generator is seeded by :func:`seed`; until then, the first draw seeds it from
fresh entropy agreed over the default communicator (one Bcast).
"""

from __future__ import annotations

from typing import Any

from ..comm import Communicator
from ..core.dndarray import DNDarray
from ._generator import Generator

__all__ = ["seed", "get_state", "set_state", "rand", "randn", "random", "random_sample",
           "randint", "uniform", "normal", "standard_normal", "exponential", "permutation",
           "shuffle", "choice"]

_global: Generator | None = None


def _generator() -> Generator:
    global _global
    if _global is None:
        _global = Generator(None)
    return _global


def _shape(args: tuple) -> Any:
    """``rand(2, 3)`` and ``rand((2, 3))`` alike; no arguments: a 0-d array."""
    if len(args) == 1 and not isinstance(args[0], int):
        return args[0]
    return args


def seed(seed: int | None = None, *, comm: Communicator | None = None) -> None:
    """Seed the global generator (``0 <= seed < 2**64``; None: fresh entropy).

    Notes
    -----
    Communication: one Bcast of rank 0's entropy when ``seed`` is None, else none.

    Examples
    --------
    >>> import ember.random as er
    >>> er.seed(11)
    >>> a = er.randint(0, 1000, size=4).tolist()
    >>> er.seed(11)
    >>> er.randint(0, 1000, size=4, split=0).tolist() == a
    True
    """
    global _global
    _global = Generator(seed, comm=comm)


def get_state() -> dict[str, Any]:
    """The global generator's state: ``{"bit_generator", "seed", "counter"}``.

    Notes
    -----
    Communication: none (one Bcast if the generator was never seeded).

    Examples
    --------
    >>> import ember.random as er
    >>> er.seed(2)
    >>> er.get_state()
    {'bit_generator': 'Philox4x32-10', 'seed': 2, 'counter': 0}
    """
    return _generator().get_state()


def set_state(state: Any) -> None:
    """Restore the global generator's state from :func:`get_state`.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember.random as er
    >>> er.seed(2)
    >>> saved = er.get_state()
    >>> a = er.rand(5).tolist()
    >>> er.set_state(saved)
    >>> er.rand(5).tolist() == a
    True
    """
    _generator().set_state(state)


def rand(*shape: int, dtype: Any = None, split: int | None = None, device: Any = None,
         comm: Communicator | None = None) -> DNDarray:
    """Uniform floats in [0, 1) of the given shape (no arguments: a 0-d array).

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> x = er.rand(3, 4, split=0)
    >>> x.shape, x.dtype
    ((3, 4), ember.float32)
    """
    return _generator().random(_shape(shape), dtype, split=split, device=device, comm=comm)


def randn(*shape: int, dtype: Any = None, split: int | None = None, device: Any = None,
          comm: Communicator | None = None) -> DNDarray:
    """Standard normal floats of the given shape.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.randn(2, 3, split=1).shape
    (2, 3)
    """
    return _generator().standard_normal(_shape(shape), dtype, split=split, device=device,
                                        comm=comm)


def random(size: Any = None, dtype: Any = None, *, split: int | None = None,
           device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """Uniform floats in [0, 1) of shape ``size``; see :meth:`Generator.random`.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.random((2, 2), dtype="float64").dtype
    ember.float64
    """
    return _generator().random(size, dtype, split=split, device=device, comm=comm)


def random_sample(size: Any = None, dtype: Any = None, *, split: int | None = None,
                  device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """Alias of :func:`random`.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.random_sample(4, split=0).shape
    (4,)
    """
    return random(size, dtype, split=split, device=device, comm=comm)


def randint(low: int, high: int | None = None, size: Any = None, dtype: Any = "int64", *,
            split: int | None = None, device: Any = None, comm: Communicator | None = None
            ) -> DNDarray:
    """Random integers in ``[low, high)`` (``[0, low)`` with one bound).

    See :meth:`Generator.integers` for the method and its bias bound (< 2**-32).

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.seed(42)
    >>> er.randint(1, 7, size=6, split=0).tolist()
    [3, 3, 2, 3, 4, 5]
    """
    return _generator().integers(low, high, size, dtype, split=split, device=device,
                                 comm=comm)


def uniform(low: float = 0.0, high: float = 1.0, size: Any = None, dtype: Any = None, *,
            split: int | None = None, device: Any = None, comm: Communicator | None = None
            ) -> DNDarray:
    """Uniform floats in [low, high).

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.uniform(5, 6, size=3, split=0).shape
    (3,)
    """
    return _generator().uniform(low, high, size, dtype, split=split, device=device,
                                comm=comm)


def normal(loc: float = 0.0, scale: float = 1.0, size: Any = None, dtype: Any = None, *,
           split: int | None = None, device: Any = None, comm: Communicator | None = None
           ) -> DNDarray:
    """Normal floats with mean ``loc`` and standard deviation ``scale`` (scalars).

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.normal(0.0, 3.0, size=(4, 2), split=0).shape
    (4, 2)
    """
    return _generator().normal(loc, scale, size, dtype, split=split, device=device,
                               comm=comm)


def standard_normal(size: Any = None, dtype: Any = None, *, split: int | None = None,
                    device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """Standard normal floats of shape ``size``.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.standard_normal(5).shape
    (5,)
    """
    return _generator().standard_normal(size, dtype, split=split, device=device, comm=comm)


def exponential(scale: float = 1.0, size: Any = None, dtype: Any = None, *,
                split: int | None = None, device: Any = None,
                comm: Communicator | None = None) -> DNDarray:
    """Exponential floats with mean ``scale``.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions).

    Examples
    --------
    >>> import ember.random as er
    >>> er.exponential(1.0, size=(2, 2)).dtype
    ember.float32
    """
    return _generator().exponential(scale, size, dtype, split=split, device=device,
                                    comm=comm)


def permutation(x: Any, axis: int = 0, *, split: int | None = None, device: Any = None,
                comm: Communicator | None = None) -> DNDarray:
    """A permuted ``arange(x)`` (int ``x``) or a copy of ``x`` with its rows permuted.

    See :meth:`Generator.permutation`.

    Notes
    -----
    Communication: none, except one Alltoallv for an array split along ``axis``.

    Examples
    --------
    >>> import ember.random as er
    >>> sorted(er.permutation(6, split=0).tolist())
    [0, 1, 2, 3, 4, 5]
    """
    return _generator().permutation(x, axis, split=split, device=device, comm=comm)


def shuffle(x: Any, axis: int = 0) -> None:
    """Permute the rows (slices along ``axis``) of ``x`` in place.

    Notes
    -----
    Communication: none, except one Alltoallv for an array split along ``axis``.

    Examples
    --------
    >>> import ember as em
    >>> import ember.random as er
    >>> x = em.arange(8, split=0)
    >>> er.shuffle(x)
    >>> sorted(x.tolist())
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    _generator().shuffle(x, axis)


def choice(a: Any, size: Any = None, replace: bool = True, p: Any = None, *,
           split: int | None = None, device: Any = None, comm: Communicator | None = None
           ) -> DNDarray:
    """Random samples from ``arange(a)`` or the 1-d array ``a``; see
    :meth:`Generator.choice`.

    Notes
    -----
    Communication: none (each rank computes its block from the global positions),
    except one Allgatherv of ``a`` when it is a split DNDarray.

    Examples
    --------
    >>> import ember.random as er
    >>> sorted(er.choice(4, size=4, replace=False).tolist())
    [0, 1, 2, 3]
    """
    return _generator().choice(a, size, replace, p, split=split, device=device, comm=comm)
