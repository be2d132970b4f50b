"""``Generator``: a Philox4x32-10 stream whose values depend only on (seed, position).

Element ``g`` (its flat C-order index in the global array) of a draw takes output
``g % per_block`` of the 128-bit Philox block ``g // per_block``, whose counter is the
generator's counter plus ``g // per_block``; a draw then advances the counter by the
number of blocks it used. Each rank computes only the blocks of its own elements, so the
values are the same for every number of processes and every ``split``, and no draw
communicates (except the ones documented: seeding from entropy, and moving the rows of a
split array in :meth:`Generator.permutation` / :meth:`Generator.shuffle`).
"""

from __future__ import annotations

import math
import numbers
import secrets
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, sanitize_comm
from ..core.creation import _build, array
from ..core.devices import sanitize_device
from ..core.dndarray import DNDarray
from ..core.dtypes import dtype as as_dtype
from ..core.dtypes import get_default_dtype
from ..core.validation import sanitize_axis, sanitize_shape, sanitize_split
from ._kernels import MASK32, feistel_permute, multiply_high, philox_blocks

__all__ = ["Generator", "default_rng"]

MASK64 = (1 << 64) - 1
BIT_GENERATOR = "Philox4x32-10"
_FEISTEL_ROUNDS = 8

Transform = Callable[[torch.Tensor], torch.Tensor]


# --------------------------------------------------------------------------------------
# from Philox words to values: (m, 4) int64 words -> (m, per_block) values
# --------------------------------------------------------------------------------------
def _unit_float(bits: int, dtype: torch.dtype) -> Transform:
    """Four uniforms in [0, 1) per block: the top ``bits`` bits of each word * 2**-bits."""
    scale = 2.0 ** -bits

    def transform(words):
        return (words >> (32 - bits)).to(dtype).mul_(scale)

    return transform


def _unit_double(words: torch.Tensor) -> torch.Tensor:
    """Two float64 uniforms in [0, 1) per block, from 53 bits of two words each."""
    pairs = words.view(-1, 2, 2)
    mantissa = (pairs[..., 0] >> 5) * 67108864 + (pairs[..., 1] >> 6)  # 27 + 26 bits
    return mantissa.to(torch.float64).mul_(2.0 ** -53)


def _normal_pair(words: torch.Tensor) -> torch.Tensor:
    """Two standard normals per block: Box-Muller on two float64 uniforms."""
    u = _unit_double(words)
    radius = torch.log1p(-u[:, 0]).mul_(-2.0).sqrt_()  # 1 - u is in (0, 1]
    angle = u[:, 1] * (2.0 * math.pi)
    return torch.stack((radius * torch.cos(angle), radius * torch.sin(angle)), dim=1)


def _uniform_transform(dtype: torch.dtype) -> tuple[Transform, int]:
    """The transform to uniforms of ``dtype`` and its outputs per block."""
    if dtype == torch.float64:
        return _unit_double, 2
    return _unit_float(1 - round(math.log2(torch.finfo(dtype).eps)), dtype), 4


def _integers_transform(low: int, span: int) -> tuple[Transform, int]:
    """Integers in ``[low, low + span)``: the multiply-high of a random number by ``span``.

    Spans up to 2**32 use 64 random bits (two values per block), larger ones 128 bits
    (one per block); the bias of any value is then below ``span / 2**64 <= 2**-32`` or
    ``2**64 / 2**128 = 2**-64``.
    """
    n_words = 2 if span <= 1 << 32 else 4
    per_block = 4 // n_words

    def transform(words):
        w = words.view(-1, per_block, n_words)
        high, low_word = multiply_high([w[..., t] for t in range(n_words)], span)
        if span <= 1 << 63:
            return ((high << 32) | low_word).add_(low)
        # the offset is >= 2**63: shift it into int64's range before adding ``low``
        # (which is then negative, so low + 2**63 fits too)
        return ((high - (1 << 31)) * (1 << 32)).add_(low_word).add_(low + (1 << 63))

    return transform, per_block


# --------------------------------------------------------------------------------------
# which global positions this rank holds
# --------------------------------------------------------------------------------------
def _runs(shape: tuple[int, ...], split: int | None, start: int,
          local_shape: tuple[int, ...], device) -> tuple[torch.Tensor, int, int]:
    """This rank's elements as runs of consecutive global flat indices.

    Returns ``(run_starts, length, stride)``: the block holds, in C order, the runs
    ``[run_starts[o], run_starts[o] + length)``; consecutive runs are ``stride`` apart.
    """
    if split is None:
        return torch.zeros(1, dtype=torch.int64, device=device), math.prod(shape), 0
    inner = math.prod(shape[split + 1:])
    outer = math.prod(shape[:split])
    stride = shape[split] * inner
    run_starts = torch.arange(outer, dtype=torch.int64, device=device) * stride + start * inner
    return run_starts, local_shape[split] * inner, stride


def _flat_positions(shape, split, start, local_shape, device) -> torch.Tensor:
    """The global C-order flat index of every element of this rank's block."""
    run_starts, length, _ = _runs(shape, split, start, local_shape, device)
    steps = torch.arange(length, dtype=torch.int64, device=device)
    return (run_starts[:, None] + steps).reshape(local_shape)


def _positional(shape, split, start, local_shape, offset: int, key: tuple[int, int],
                transform: Transform, per_block: int, dtype: torch.dtype, device
                ) -> torch.Tensor:
    """This rank's block of a draw: element g is output ``g % per_block`` of block
    ``g // per_block``. Whole runs are generated block by block (a run's first and last
    blocks are shared with its neighbours); when runs are shorter than a block, each
    element's block is computed on its own."""
    if math.prod(local_shape) == 0:
        return torch.empty(local_shape, dtype=dtype, device=device)
    run_starts, length, stride = _runs(shape, split, start, local_shape, device)
    outer = run_starts.numel()
    n_blocks = -(-length // per_block) + (per_block > 1)
    if n_blocks <= length:
        first = run_starts // per_block
        steps = torch.arange(n_blocks, dtype=torch.int64, device=device)
        blocks = (first[:, None] + steps).reshape(-1)
        values = philox_blocks(blocks, offset, key, transform, per_block, dtype)
        values = values.view(outer, n_blocks * per_block)
        if outer == 1 or stride % per_block == 0:  # every run starts at the same lane
            lane = (start * (length // local_shape[split] if split is not None else 0)
                    ) % per_block
            local = values[:, lane:lane + length]
        else:
            shift = run_starts - first * per_block
            columns = shift[:, None] + torch.arange(length, dtype=torch.int64, device=device)
            local = values.gather(1, columns)
    else:
        g = (run_starts[:, None] + torch.arange(length, dtype=torch.int64, device=device)
             ).reshape(-1)
        values = philox_blocks(g // per_block, offset, key, transform, per_block, dtype)
        local = values if per_block == 1 else values.gather(1, (g % per_block)[:, None])
    return local.reshape(local_shape)


# --------------------------------------------------------------------------------------
# argument checks (replicated metadata only: every rank raises the same error)
# --------------------------------------------------------------------------------------
def _size(size: Any) -> tuple[int, ...]:
    return () if size is None else sanitize_shape(size, "size")


def _float_dtype(dtype: Any, what: str):
    target = get_default_dtype() if dtype is None else as_dtype(dtype)
    if target.kind != "f":
        raise TypeError(f"{what}: unsupported dtype {target.name}; a real floating dtype "
                        "is needed")
    return target


def _real_scalar(value: Any, name: str) -> float:
    """A Python float from a real scalar; arrays of parameters are not supported yet."""
    if isinstance(value, DNDarray) or np.ndim(value) != 0:
        raise NotImplementedError(f"{name}: only scalar parameters are supported")
    if isinstance(value, (complex, np.complexfloating)) or not isinstance(
            value, (numbers.Real, np.generic, np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def _int_scalar(value: Any, name: str) -> int:
    if isinstance(value, DNDarray) or np.ndim(value) != 0:
        raise NotImplementedError(f"{name}: only scalar bounds are supported")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral,
                                                                        np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    return int(value)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral,
                                                                      np.integer)):
        raise TypeError(f"seed must be None or a non-negative integer, got "
                        f"{type(seed).__name__}")
    seed = int(seed)
    if not 0 <= seed <= MASK64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return seed


def _is_integer(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(
        value, (bool, np.bool_))


class Generator:
    """A reproducible stream of random numbers that do not depend on the process count.

    Parameters
    ----------
    seed : int, optional
        ``0 <= seed < 2**64``: the Philox key. None: fresh entropy from rank 0 of
        ``comm``, broadcast so every rank holds the same generator.
    comm : Communicator, optional
        The communicator over which a ``seed=None`` is agreed.

    Notes
    -----
    Philox4x32-10 keyed by the seed; element ``g`` (global flat C-order index) of a draw
    uses counter ``counter + g // k`` (``k`` values per 128-bit block: 4 for float32, 2
    for float64, normals and integers, 1 for integers wider than 2**32), and the draw
    advances ``counter`` by the blocks it used. Each rank generates only its own block,
    so the same seed gives bit-identical arrays for every ``split`` and process count.

    Communication: none, except one Bcast when ``seed`` is None.

    Examples
    --------
    >>> import ember.random as er
    >>> g = er.Generator(7)
    >>> g.integers(0, 100, size=5, split=0).tolist()
    [75, 8, 79, 95, 0]
    """

    def __init__(self, seed: int | None = None, *, comm: Communicator | None = None) -> None:
        self.seed(seed, comm=comm)

    def __repr__(self) -> str:
        return f"Generator({BIT_GENERATOR}, seed={self._seed}, counter={self._counter})"

    # ----------------------------------------------------------------------------------
    # state
    # ----------------------------------------------------------------------------------
    def seed(self, seed: int | None = None, *, comm: Communicator | None = None) -> None:
        """Restart the stream from ``seed`` (counter 0); None draws fresh entropy.

        Notes
        -----
        Communication: one Bcast of rank 0's choice when ``seed`` is None, else none.

        Examples
        --------
        >>> import ember.random as er
        >>> g = er.Generator(1)
        >>> g.seed(5)
        >>> g.get_state()["seed"], g.get_state()["counter"]
        (5, 0)
        """
        if seed is None:
            comm = sanitize_comm(comm)
            seed = comm.bcast_object(secrets.randbits(64) if comm.rank == 0 else None)
        self._seed = _check_seed(seed)
        self._counter = 0

    def get_state(self) -> dict[str, Any]:
        """The state: ``{"bit_generator": "Philox4x32-10", "seed": int, "counter": int}``.

        Notes
        -----
        Communication: none.

        Examples
        --------
        >>> import ember.random as er
        >>> g = er.Generator(3)
        >>> _ = g.random(10)
        >>> g.get_state()
        {'bit_generator': 'Philox4x32-10', 'seed': 3, 'counter': 3}
        """
        return {"bit_generator": BIT_GENERATOR, "seed": self._seed, "counter": self._counter}

    def set_state(self, state: Any) -> None:
        """Restore a state from :meth:`get_state` (or a tuple ``(name, seed, counter)``).

        Notes
        -----
        Communication: none.

        Examples
        --------
        >>> import ember.random as er
        >>> g = er.Generator(3)
        >>> saved = g.get_state()
        >>> a = g.integers(10, size=4).tolist()
        >>> g.set_state(saved)
        >>> g.integers(10, size=4).tolist() == a
        True
        """
        if isinstance(state, dict):
            missing = {"bit_generator", "seed", "counter"} - set(state)
            if missing:
                raise ValueError(f"state lacks {sorted(missing)}")
            name, seed, counter = state["bit_generator"], state["seed"], state["counter"]
        elif isinstance(state, (tuple, list)) and len(state) == 3:
            name, seed, counter = state
        else:
            raise TypeError("state must be a dict from get_state() or a tuple "
                            "(name, seed, counter)")
        if name != BIT_GENERATOR:
            raise ValueError(f"state is for {name!r}, not {BIT_GENERATOR!r}")
        seed = _check_seed(seed)
        if not _is_integer(counter) or not 0 <= int(counter) <= MASK64:
            raise ValueError(f"counter must be an integer in [0, 2**64), got {counter!r}")
        self._seed, self._counter = seed, int(counter)

    @property
    def _key(self) -> tuple[int, int]:
        return self._seed & MASK32, self._seed >> 32

    def _reserve(self, n_blocks: int) -> int:
        """The counter of this draw's first block; the counter moves past its blocks."""
        offset = self._counter
        self._counter = (offset + n_blocks) & MASK64
        return offset

    def _draw(self, size: Any, transform: Transform, per_block: int, dtype: torch.dtype,
              split: Any, device: Any, comm: Any, shape: tuple[int, ...] | None = None
              ) -> DNDarray:
        """A new array whose element g comes from block ``g // per_block`` of this draw."""
        shape = _size(size) if shape is None else shape
        split = sanitize_split(split, len(shape))
        comm = sanitize_comm(comm)
        place = sanitize_device(device).torch_device
        offset = self._reserve(-(-math.prod(shape) // per_block))
        key = self._key

        def block(local_shape, start):
            return _positional(shape, split, start, local_shape, offset, key, transform,
                               per_block, dtype, place)

        return _build(shape, split, comm, block)

    def _feistel_keys(self) -> list[int]:
        """Round keys of a fresh permutation (two blocks of this stream)."""
        offset = self._reserve(2)
        words = philox_blocks(torch.arange(2), offset, self._key, lambda w: w, 4,
                              torch.int64)
        return words.reshape(-1).tolist()[:_FEISTEL_ROUNDS]

    # ----------------------------------------------------------------------------------
    # distributions
    # ----------------------------------------------------------------------------------
    def random(self, size: Any = None, dtype: Any = None, *, split: int | None = None,
               device: Any = None, comm: Communicator | None = None) -> DNDarray:
        """Uniform floats in [0, 1).

        Parameters
        ----------
        size : int or tuple of int, optional
            The shape; None gives a 0-d array.
        dtype : floating dtype, optional
            ember's default float dtype when not given. float64 values carry 53 random
            bits, float32 24 (the top bits of a 32-bit word times 2**-24).
        split, device, comm
            Distribution, device and communicator of the result.

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> x = er.default_rng(0).random((4, 3), split=1)
        >>> x.shape, x.dtype, bool(((x.numpy() >= 0) & (x.numpy() < 1)).all())
        ((4, 3), ember.float32, True)
        """
        target = _float_dtype(dtype, "random").torch
        transform, per_block = _uniform_transform(target)
        return self._draw(size, transform, per_block, target, split, device, comm)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None,
                dtype: Any = None, *, split: int | None = None, device: Any = None,
                comm: Communicator | None = None) -> DNDarray:
        """Uniform floats in [low, high) (scalar bounds).

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> x = er.default_rng(0).uniform(-2, 2, size=1000, split=0)
        >>> bool(x.numpy().min() >= -2 and x.numpy().max() < 2)
        True
        """
        low, high = _real_scalar(low, "low"), _real_scalar(high, "high")
        if not math.isfinite(high - low):
            raise OverflowError("uniform: high - low must be finite")
        target = _float_dtype(dtype, "uniform").torch
        unit, per_block = _uniform_transform(target)

        def transform(words):
            return unit(words).to(torch.float64).mul_(high - low).add_(low)

        return self._draw(size, transform, per_block, target, split, device, comm)

    def standard_normal(self, size: Any = None, dtype: Any = None, *,
                        split: int | None = None, device: Any = None,
                        comm: Communicator | None = None) -> DNDarray:
        """Standard normal floats (Box-Muller on pairs of float64 uniforms).

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> er.default_rng(0).standard_normal((2, 5), dtype="float64", split=0).dtype
        ember.float64
        """
        target = _float_dtype(dtype, "standard_normal").torch
        return self._draw(size, _normal_pair, 2, target, split, device, comm)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None,
               dtype: Any = None, *, split: int | None = None, device: Any = None,
               comm: Communicator | None = None) -> DNDarray:
        """Normal floats with mean ``loc`` and standard deviation ``scale`` (scalars).

        Raises
        ------
        ValueError
            If ``scale < 0``.
        NotImplementedError
            For array-valued ``loc`` or ``scale``.

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> er.default_rng(0).normal(10.0, 2.0, size=(3, 3), split=1).shape
        (3, 3)
        """
        loc, scale = _real_scalar(loc, "loc"), _real_scalar(scale, "scale")
        if not scale >= 0:
            raise ValueError(f"scale must be non-negative, got {scale}")
        target = _float_dtype(dtype, "normal").torch

        def transform(words):
            return _normal_pair(words).mul_(scale).add_(loc)

        return self._draw(size, transform, 2, target, split, device, comm)

    def exponential(self, scale: float = 1.0, size: Any = None, dtype: Any = None, *,
                    split: int | None = None, device: Any = None,
                    comm: Communicator | None = None) -> DNDarray:
        """Exponential floats with mean ``scale``: ``-scale * log(1 - U)``.

        Raises
        ------
        ValueError
            If ``scale < 0``.

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> x = er.default_rng(0).exponential(2.0, size=100, split=0)
        >>> bool(x.numpy().min() >= 0)
        True
        """
        scale = _real_scalar(scale, "scale")
        if not scale >= 0:
            raise ValueError(f"scale must be non-negative, got {scale}")
        target = _float_dtype(dtype, "exponential").torch

        def transform(words):
            return torch.log1p(-_unit_double(words)).mul_(-scale)

        return self._draw(size, transform, 2, target, split, device, comm)

    def integers(self, low: int, high: int | None = None, size: Any = None,
                 dtype: Any = "int64", endpoint: bool = False, *, split: int | None = None,
                 device: Any = None, comm: Communicator | None = None) -> DNDarray:
        """Random integers in ``[low, high)`` (``[low, high]`` with ``endpoint=True``).

        With one bound, ``[0, low)``. Unbiased to within ``2**-32``: the value is the
        high part of a 64-bit random number times the range (128 bits for ranges over
        2**32, bias below ``2**-64``); no rejection, so every element has a fixed
        position in the stream.

        Raises
        ------
        ValueError
            If the range is empty or outside ``dtype``'s range.
        TypeError
            For non-integer bounds or a non-integer ``dtype``.

        Notes
        -----
        Communication: none (each rank computes its block from the global positions).

        Examples
        --------
        >>> import ember.random as er
        >>> er.default_rng(42).integers(1, 7, size=6, split=0).tolist()
        [3, 3, 2, 3, 4, 5]
        """
        if high is None:
            low, high = 0, low
        low, high = _int_scalar(low, "low"), _int_scalar(high, "high")
        target = as_dtype(dtype)
        if target.kind not in "iub":
            raise TypeError(f"integers: unsupported dtype {target.name}; an integer or bool "
                            "dtype is needed")
        if endpoint:
            high += 1
        if low >= high:
            raise ValueError(f"low >= high{' + 1' if endpoint else ''}: empty range "
                             f"[{low}, {high})")
        lowest, highest = (0, 1) if target.kind == "b" else (
            int(torch.iinfo(target.torch).min), int(torch.iinfo(target.torch).max))
        if low < lowest:
            raise ValueError(f"low {low} is out of bounds for {target.name}")
        if high - 1 > highest:
            raise ValueError(f"high {high - int(endpoint)} is out of bounds for {target.name}")
        transform, per_block = _integers_transform(low, high - low)
        result = self._draw(size, transform, per_block, torch.int64, split, device, comm)
        return result if target.torch == torch.int64 else result.astype(target, copy=False)

    def permutation(self, x: Any, axis: int = 0, *, split: int | None = None,
                    device: Any = None, comm: Communicator | None = None) -> DNDarray:
        """A random permutation of ``arange(x)`` (int ``x``), or a copy of the array ``x``
        with its slices along ``axis`` permuted.

        The permutation is a keyed Feistel bijection of the index, evaluated element by
        element, so it is the same for every process count and ``split``. ``split``,
        ``device`` and ``comm`` apply to an int ``x``; an array keeps its distribution.

        Notes
        -----
        Communication: none for an int ``x`` or when ``axis`` is not the split axis;
        one Alltoallv (each row travels once) when permuting along the split axis.

        Examples
        --------
        >>> import ember as em
        >>> import ember.random as er
        >>> sorted(er.default_rng(0).permutation(10, split=0).tolist())
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        >>> er.default_rng(0).permutation(em.arange(10, split=0)).tolist() == (
        ...     er.default_rng(0).permutation(10).tolist())
        True
        """
        if _is_integer(x):
            n = int(x)
            if n < 0:
                raise ValueError(f"permutation: x must be non-negative, got {n}")
            split = sanitize_split(split, 1)
            comm = sanitize_comm(comm)
            place = sanitize_device(device).torch_device
            keys = self._feistel_keys()

            def block(local_shape, start):
                positions = torch.arange(start, start + local_shape[0], device=place)
                return feistel_permute(positions, n, keys)

            return _build((n,), split, comm, block)
        arr = x if isinstance(x, DNDarray) else array(x, device=device, comm=comm)
        if arr.ndim == 0:
            raise ValueError("permutation: x must be an integer or at least 1-dimensional")
        axis = sanitize_axis(axis, arr.ndim)
        local = _permute_along(arr, axis, self._feistel_keys())
        return DNDarray(local, arr.shape, arr.split, arr.comm, arr.counts)

    def shuffle(self, x: Any, axis: int = 0) -> None:
        """Permute the slices of ``x`` along ``axis`` in place (a DNDarray or an ndarray).

        The result equals ``permutation(x, axis)`` drawn from the same state.

        Notes
        -----
        Communication: none unless ``axis`` is the split axis: then one Alltoallv.

        Examples
        --------
        >>> import ember as em
        >>> import ember.random as er
        >>> x = em.arange(6, split=0)
        >>> er.default_rng(1).shuffle(x)
        >>> sorted(x.tolist())
        [0, 1, 2, 3, 4, 5]
        """
        if isinstance(x, np.ndarray):
            if x.ndim == 0:
                raise ValueError("shuffle: x must be at least 1-dimensional")
            axis = sanitize_axis(axis, x.ndim)
            n = x.shape[axis]
            index = feistel_permute(torch.arange(n), n, self._feistel_keys()).numpy()
            x[...] = np.take(x, index, axis=axis)
            return
        if not isinstance(x, DNDarray):
            raise TypeError(f"shuffle: x must be a DNDarray or numpy.ndarray, got "
                            f"{type(x).__name__}")
        if x.ndim == 0:
            raise ValueError("shuffle: x must be at least 1-dimensional")
        axis = sanitize_axis(axis, x.ndim)
        x.larray.copy_(_permute_along(x, axis, self._feistel_keys()))

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None, *,
               split: int | None = None, device: Any = None,
               comm: Communicator | None = None) -> DNDarray:
        """Random samples from ``arange(a)`` (int ``a``) or from the 1-d array ``a``.

        ``replace=False`` takes the first ``size`` entries of a Feistel permutation;
        ``p`` weights: inverse CDF (``searchsorted`` on the cumulative sum) with
        replacement, Efraimidis-Spirakis keys (the largest ``U**(1/p)``) without.

        Raises
        ------
        ValueError
            Empty population with samples requested, ``a`` not 1-d, ``p`` of the wrong
            length, negative or not summing to 1, or ``replace=False`` with ``size``
            larger than the population (or than the non-zero entries of ``p``).

        Notes
        -----
        Communication: none (each rank computes its block from the global positions),
        except one Allgatherv of ``a`` when it is a split DNDarray.

        Examples
        --------
        >>> import ember.random as er
        >>> g = er.default_rng(3)
        >>> sorted(g.choice(5, size=5, replace=False, split=0).tolist())
        [0, 1, 2, 3, 4]
        >>> g.choice([10, 20, 30], size=4, p=[0.0, 1.0, 0.0]).tolist()
        [20, 20, 20, 20]
        """
        values = None
        if _is_integer(a):
            n = int(a)
            if n < 0:
                raise ValueError(f"choice: a must be a non-negative integer, got {n}")
        else:
            if isinstance(a, DNDarray):
                comm = a.comm if comm is None else comm
                device = a.device if device is None else device
                values = a._full_tensor()
            else:
                values = array(a, device=device, comm=comm).larray
            if values.ndim != 1:
                raise ValueError(f"choice: a must be 1-dimensional, got {values.ndim} "
                                 "dimensions")
            n = values.shape[0]
        shape = _size(size)
        total = math.prod(shape)
        split = sanitize_split(split, len(shape))
        comm = sanitize_comm(comm)
        place = sanitize_device(device).torch_device
        weights = None if p is None else _probabilities(p, n)
        if n == 0 and total > 0:
            raise ValueError("choice: a cannot be empty unless no samples are taken")
        if not replace and total > n:
            raise ValueError(f"choice: cannot take a larger sample ({total}) than the "
                             f"population ({n}) when replace=False")
        if not replace and weights is not None and int((weights > 0).sum()) < total:
            raise ValueError("choice: fewer non-zero entries in p than size")
        if values is not None:
            values = values.to(place)
        if total == 0:
            index = _build(shape, split, comm, lambda local_shape, _: torch.empty(
                local_shape, dtype=torch.int64, device=place))
        elif replace and weights is None:
            index = self.integers(0, n, shape, split=split, device=place, comm=comm)
        elif replace:
            cdf = torch.cumsum(weights, 0)
            cdf = (cdf / cdf[-1]).to(place)

            def transform(words):
                return torch.searchsorted(cdf, _unit_double(words), right=True).clamp_(
                    max=n - 1)

            index = self._draw(None, transform, 2, torch.int64, split, place, comm, shape)
        else:
            if weights is None:
                keys = self._feistel_keys()

                def pick(positions):
                    return feistel_permute(positions, n, keys)
            else:
                order = self._weighted_order(weights, total).to(place)

                def pick(positions):
                    return order[positions]

            def block(local_shape, start):
                return pick(_flat_positions(shape, split, start, local_shape, place))

            index = _build(shape, split, comm, block)
        if values is None:
            return index
        return DNDarray(values[index.larray], shape, index.split, comm, index.counts)

    def _weighted_order(self, weights: torch.Tensor, total: int) -> torch.Tensor:
        """The first ``total`` items of a weighted draw without replacement: the largest
        keys ``log(U) / p`` (Efraimidis-Spirakis), computed for the whole population on
        every rank."""
        n = weights.numel()
        offset = self._reserve(-(-n // 2))
        u = philox_blocks(torch.arange(-(-n // 2)), offset, self._key, _unit_double, 2,
                          torch.float64).reshape(-1)[:n]
        keys = torch.where(weights > 0, torch.log1p(-u) / weights,
                           torch.tensor(-math.inf, dtype=torch.float64))
        return torch.argsort(keys, descending=True, stable=True)[:total]


def _probabilities(p: Any, n: int) -> torch.Tensor:
    """``p`` checked as a probability vector over ``n`` items (float64, CPU)."""
    if isinstance(p, DNDarray):
        p = p.numpy()
    weights = np.asarray(p, dtype=np.float64)
    if weights.ndim != 1:
        raise ValueError("choice: p must be 1-dimensional")
    if weights.shape[0] != n:
        raise ValueError(f"choice: a and p must have the same size, got {n} and "
                         f"{weights.shape[0]}")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("choice: probabilities must be finite and non-negative")
    if abs(weights.sum() - 1.0) > math.sqrt(np.finfo(np.float64).eps):
        raise ValueError(f"choice: probabilities do not sum to 1 (sum {weights.sum()!r})")
    return torch.from_numpy(weights.copy())


def _permute_along(x: DNDarray, axis: int, keys: list[int]) -> torch.Tensor:
    """This rank's block of ``x`` with its slices along ``axis`` permuted: position j of
    the result holds slice ``sigma(j)`` of ``x``, sigma the Feistel permutation.

    Along the split axis each rank sends every row it holds to the rank owning its
    destination ``sigma^-1(i)`` (grouped by a stable argsort: one Alltoallv); a receiver
    knows the source ``sigma(j)`` of each of its positions, and rows arrive in increasing
    source order, so an argsort of the sources places them.
    """
    n = x.shape[axis]
    local = x.larray
    place = local.device
    comm = x.comm
    if x.split != axis or comm.size == 1:
        index = feistel_permute(torch.arange(n, device=place), n, keys)
        return local.index_select(axis, index)
    offsets = x.offsets
    start, count = offsets[comm.rank], x.counts[comm.rank]
    mine = torch.arange(start, start + count, device=place)
    bounds = torch.tensor(offsets[1:], dtype=torch.int64, device=place)
    destination = torch.searchsorted(bounds, feistel_permute(mine, n, keys, inverse=True),
                                     right=True)
    order = torch.argsort(destination, stable=True)
    send_counts = torch.bincount(destination, minlength=comm.size).tolist()
    source = feistel_permute(mine, n, keys)
    recv_counts = torch.bincount(torch.searchsorted(bounds, source, right=True),
                                 minlength=comm.size).tolist()
    received = comm.Alltoallv(local.index_select(axis, order), send_counts, axis,
                              tuple(local.shape), recv_counts, axis)
    result = torch.empty_like(received)
    result.index_copy_(axis, torch.argsort(source), received)
    return result


def default_rng(seed: Any = None, *, comm: Communicator | None = None) -> Generator:
    """A new :class:`Generator` (``seed`` as there; a Generator is returned unchanged).

    Notes
    -----
    Communication: one Bcast when ``seed`` is None, else none.

    Examples
    --------
    >>> import ember.random as er
    >>> er.default_rng(5).integers(0, 10, size=3).tolist() == (
    ...     er.default_rng(5).integers(0, 10, size=3, split=0).tolist())
    True
    """
    if isinstance(seed, Generator):
        return seed
    return Generator(seed, comm=comm)
