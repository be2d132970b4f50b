"""The distributed N-dimensional array."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator
from . import redistribution
from .devices import Device, device_of, sanitize_device
from .distribution import balanced_counts, offsets
from .dtypes import dtype as as_dtype
from .dtypes import from_torch
from .validation import sanitize_split

__all__ = ["DNDarray"]


def _ufunc(name: str):
    """The ember function ``name`` (looked up at call time: the ufuncs import this module)."""
    import ember.core

    function = getattr(ember.core, name, None)
    if function is None:
        raise NotImplementedError(f"this operator needs ember.{name}, which is not "
                                  "supported yet")
    return function


def _operators(name: str):
    """The operator, reflected operator and in-place operator calling ufunc ``name``."""

    def forward(self, other):
        return _ufunc(name)(self, other)

    def reflected(self, other):
        return _ufunc(name)(other, self)

    def inplace(self, other):
        return _ufunc(name)(self, other, out=self)

    for method, prefix in ((forward, ""), (reflected, "r"), (inplace, "i")):
        method.__doc__ = f"Operator form of :func:`ember.{name}`" + (
            " (reflected)." if prefix == "r" else " (in place)." if prefix == "i" else ".")
    return forward, reflected, inplace


def _method(name: str):
    """A method calling the ember function ``name`` with the array as first argument."""

    def method(self, *args, **kwargs):
        return _ufunc(name)(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"Method form of :func:`ember.{name}`: ``x.{name}(...)`` is " \
                     f"``ember.{name}(x, ...)``."
    return method


def _unary_operator(name: str):
    def operator(self):
        return _ufunc(name)(self)

    operator.__doc__ = f"Operator form of :func:`ember.{name}`."
    return operator


class DNDarray:
    """A distributed N-dimensional array: NumPy's API over one torch tensor per rank.

    The array is cut into contiguous blocks along one axis, ``split``, one block per
    rank in rank order (``split=None``: every rank holds all of it). The metadata below
    is identical on every rank; ``larray`` is this rank's block.

    Arrays are made by the creation functions (:func:`ember.array`, :func:`ember.zeros`,
    ...), not by calling this class; its constructor is internal.

    Parameters
    ----------
    larray : torch.Tensor
        This rank's block.
    shape : tuple of int
        The global shape.
    split : int or None
        The distributed axis (non-negative), or None.
    comm : Communicator
        The processes sharing the array.
    counts : tuple of int, optional
        Each rank's extent along ``split``; the balanced counts when not given.

    Attributes
    ----------
    shape, ndim, size, dtype, device, split, comm, counts, larray, lshape, nbytes, T, mT

    Examples
    --------
    >>> import ember as em
    >>> x = em.arange(6, split=0)
    >>> x.shape, x.split
    ((6,), 0)
    """

    __slots__ = ("_larray", "_shape", "_split", "_counts", "_comm", "__weakref__")
    __array_ufunc__ = None  # NumPy's operators defer to ours: ndarray + DNDarray -> DNDarray
    __hash__ = None  # mutable, like numpy.ndarray

    def __init__(self, larray: torch.Tensor, shape: Sequence[int], split: int | None,
                 comm: Communicator, counts: Sequence[int] | None = None) -> None:
        shape = tuple(int(extent) for extent in shape)
        if split is not None and counts is None:
            counts = balanced_counts(shape[split], comm.size)
        if split is not None and larray.shape[split] != counts[comm.rank]:
            raise RuntimeError(
                f"internal error: local extent {larray.shape[split]} along split {split} "
                f"does not match counts {tuple(counts)} on rank {comm.rank}"
            )
        self._larray = larray
        self._shape = shape
        self._split = split
        self._counts = None if split is None else tuple(int(c) for c in counts)
        self._comm = comm

    # ----------------------------------------------------------------------------------
    # metadata (replicated; reading it never communicates)
    # ----------------------------------------------------------------------------------
    @property
    def larray(self) -> torch.Tensor:
        """This rank's block as a torch tensor."""
        return self._larray

    @property
    def shape(self) -> tuple[int, ...]:
        """The global shape."""
        return self._shape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self._shape)

    @property
    def size(self) -> int:
        """Number of elements in the whole array."""
        return int(np.prod(self._shape, dtype=np.int64))

    @property
    def dtype(self):
        """The element type (an ember dtype)."""
        return from_torch(self._larray.dtype)

    @property
    def device(self) -> Device:
        """The device holding each rank's block."""
        return device_of(self._larray)

    @property
    def split(self) -> int | None:
        """The distributed axis, or None when every rank holds the whole array."""
        return self._split

    @property
    def comm(self) -> Communicator:
        """The communicator of the processes sharing the array."""
        return self._comm

    @property
    def counts(self) -> tuple[int, ...] | None:
        """Each rank's extent along ``split`` (None when not split)."""
        return self._counts

    @property
    def offsets(self) -> tuple[int, ...] | None:
        """The global index along ``split`` where each rank's block starts."""
        return None if self._split is None else offsets(self._counts)

    @property
    def lshape(self) -> tuple[int, ...]:
        """The shape of this rank's block."""
        return tuple(self._larray.shape)

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._larray.element_size()

    @property
    def nbytes(self) -> int:
        """Bytes of the whole array (all ranks' blocks; a replicated array counted once)."""
        return self.size * self.itemsize

    @property
    def lnbytes(self) -> int:
        """Bytes of this rank's block."""
        return self._larray.numel() * self.itemsize

    @property
    def T(self) -> DNDarray:
        """The array with its axes reversed (as NumPy's ``.T``); no communication."""
        return self._permuted(tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> DNDarray:
        """The stack of matrices transposed: the last two axes swapped (array API ``.mT``).

        Raises ValueError for arrays of fewer than two dimensions. No communication.

        Examples
        --------
        >>> import ember as em
        >>> em.zeros((4, 2, 3), split=0).mT.shape
        (4, 3, 2)
        """
        if self.ndim < 2:
            raise ValueError(f"mT needs an array of at least 2 dimensions, got {self.ndim}")
        order = (*range(self.ndim - 2), self.ndim - 1, self.ndim - 2)
        return self._permuted(order)

    def _permuted(self, order: tuple[int, ...]) -> DNDarray:
        """A view with axes permuted to ``order``; the split axis follows its data."""
        split = None if self._split is None else order.index(self._split)
        shape = tuple(self._shape[axis] for axis in order)
        return DNDarray(self._larray.permute(order), shape, split, self._comm, self._counts)

    def is_distributed(self) -> bool:
        """Whether the data is actually spread over more than one process."""
        return self._split is not None and self._comm.size > 1

    def is_balanced(self) -> bool:
        """Whether ``counts`` is the balanced distribution (no communication)."""
        return self._split is None or self._counts == balanced_counts(
            self._shape[self._split], self._comm.size)

    # ----------------------------------------------------------------------------------
    # distribution changes
    # ----------------------------------------------------------------------------------
    def resplit(self, axis: int | None = None) -> DNDarray:
        """A copy of the array, balanced and split along ``axis`` (None: replicated).

        Parameters
        ----------
        axis : int or None
            The new split axis; negative values count from the end.

        Notes
        -----
        Communication: none from ``split=None``; to ``None`` one Allgatherv of the whole
        array; between two axes one Alltoallv (each rank sends and receives its block);
        along the same axis one Alltoallv of the items whose owner changes.

        Examples
        --------
        >>> import ember as em
        >>> em.zeros((4, 6), split=0).resplit(1).split
        1
        """
        local, split, counts = self._resplit_parts(axis)
        if local is self._larray:
            local = local.clone()
        return DNDarray(local, self._shape, split, self._comm, counts)

    def resplit_(self, axis: int | None = None) -> DNDarray:
        """In-place :meth:`resplit`: this array takes the new distribution; returns self."""
        self._larray, self._split, self._counts = self._resplit_parts(axis)
        return self

    def _resplit_parts(self, axis):
        axis = sanitize_split(axis, self.ndim)
        comm, shape = self._comm, self._shape
        if axis is None:
            if self._split is None:
                return self._larray, None, None
            return redistribution.gather(self._larray, self._split, self._counts, comm), None, None
        counts = balanced_counts(shape[axis], comm.size)
        if self._split is None:
            return redistribution.scatter(self._larray, axis, counts, comm), axis, counts
        if self._split == axis:
            local = redistribution.change_counts(self._larray, shape, axis, self._counts,
                                                 counts, comm)
            return local, axis, counts
        local, counts = redistribution.change_split(self._larray, shape, self._split,
                                                    self._counts, axis, comm)
        return local, axis, counts

    def balance(self) -> DNDarray:
        """A copy of the array with the balanced distribution along the same split.

        Notes
        -----
        Communication: one Alltoallv of the items whose owner changes; none if balanced.
        """
        return self.redistribute(None)

    def balance_(self) -> DNDarray:
        """In-place :meth:`balance`; returns self."""
        return self.redistribute_(None)

    def redistribute(self, counts: Sequence[int] | None = None) -> DNDarray:
        """A copy of the array in which rank r holds ``counts[r]`` items along ``split``.

        Parameters
        ----------
        counts : sequence of int, optional
            One non-negative count per rank, summing to ``shape[split]``; balanced when
            not given.

        Raises
        ------
        TypeError
            If a count is not an integer.
        ValueError
            If the counts do not fit the array, or the array is not split (checked on
            replicated metadata, so every rank raises before any communication).

        Notes
        -----
        Communication: one Alltoallv of the items whose owner changes.
        """
        local, counts = self._redistribute_parts(counts)
        if local is self._larray:
            local = local.clone()
        return DNDarray(local, self._shape, self._split, self._comm, counts)

    def redistribute_(self, counts: Sequence[int] | None = None) -> DNDarray:
        """In-place :meth:`redistribute`; returns self."""
        self._larray, self._counts = self._redistribute_parts(counts)
        return self

    def _redistribute_parts(self, counts):
        if self._split is None:
            if counts is not None:
                raise ValueError("redistribute: counts given for an array that is not split")
            return self._larray, None
        extent = self._shape[self._split]
        if counts is None:
            counts = balanced_counts(extent, self._comm.size)
        try:
            counts = tuple(operator.index(c) for c in counts)
        except TypeError:
            raise TypeError(f"counts must be a sequence of integers, got {counts!r}") from None
        if len(counts) != self._comm.size or any(c < 0 for c in counts) or sum(counts) != extent:
            raise ValueError(
                f"counts must be {self._comm.size} non-negative integers summing to "
                f"{extent} (the extent of split axis {self._split}), got {counts}"
            )
        local = redistribution.change_counts(self._larray, self._shape, self._split,
                                             self._counts, counts, self._comm)
        return local, counts

    # ----------------------------------------------------------------------------------
    # conversions
    # ----------------------------------------------------------------------------------
    def _full_tensor(self) -> torch.Tensor:
        """The whole array as one torch tensor on every rank (gathers if split)."""
        if not self.is_distributed():
            return self._larray
        return redistribution.gather(self._larray, self._split, self._counts, self._comm)

    def numpy(self) -> np.ndarray:
        """The whole array as a NumPy array, on every rank.

        bfloat16, which NumPy lacks, becomes float32. For an array that is not
        distributed and lives on the CPU the result shares memory with it, like torch's
        ``Tensor.numpy()``.

        Notes
        -----
        Communication: one Allgatherv of the whole array when it is distributed.

        Examples
        --------
        >>> import ember as em
        >>> em.arange(3, split=0).numpy()
        array([0, 1, 2])
        """
        full = self._full_tensor().detach()
        if full.dtype == torch.bfloat16:
            full = full.float()
        return full.cpu().resolve_conj().resolve_neg().numpy()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy is False and not self._shares_numpy_memory(dtype):
            raise ValueError("a copy is needed to convert this DNDarray to NumPy (it is "
                             "distributed, on a GPU, bfloat16 or of another dtype), but "
                             "copy=False was given")
        result = self.numpy()
        if dtype is not None:
            result = result.astype(dtype, copy=False)
        return result.copy() if copy else result

    def _shares_numpy_memory(self, dtype: Any) -> bool:
        """Whether ``np.asarray(self, dtype)`` can be a view of the local block."""
        if self.is_distributed() or self._larray.device.type != "cpu":
            return False
        if self._larray.dtype == torch.bfloat16 or self._larray.is_conj() or self._larray.is_neg():
            return False
        return dtype is None or np.dtype(dtype) == self.dtype.numpy

    def tolist(self) -> Any:
        """The array as nested Python lists (a Python scalar for 0-d); gathers."""
        return self.numpy().tolist()

    def item(self) -> bool | int | float | complex:
        """The only element as a Python scalar.

        Raises
        ------
        ValueError
            If the array does not have exactly one element.

        Notes
        -----
        Communication: one Allgatherv of one element when the array is split.
        """
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._full_tensor().item()

    def __bool__(self) -> bool:
        if self.size == 0:
            raise ValueError("The truth value of an empty array is ambiguous. Use "
                             "`array.size > 0` to check that an array is not empty.")
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(self.item())

    def _scalar(self) -> bool | int | float | complex:
        """The element of a 0-d array (as NumPy 2, TypeError for any other array)."""
        if self.ndim:
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __index__(self) -> int:
        if self.ndim or self.dtype.kind not in "iu":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.item())

    def __len__(self) -> int:
        if not self.ndim:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def astype(self, dtype: Any, copy: bool = True) -> DNDarray:
        """The array cast to ``dtype`` (NumPy's unsafe casting). Communication: none.

        Examples
        --------
        >>> import ember as em
        >>> em.arange(3).astype(em.float64).dtype
        ember.float64
        """
        target = as_dtype(dtype).torch
        if target == self._larray.dtype and not copy:
            return self
        local = self._larray.to(target, copy=copy)
        return DNDarray(local, self._shape, self._split, self._comm, self._counts)

    def to(self, device: Any) -> DNDarray:
        """The array moved to ``device`` ("cpu", "gpu", ...). Communication: none."""
        target = sanitize_device(device).torch_device
        if target == self._larray.device:
            return self
        return DNDarray(self._larray.to(target), self._shape, self._split, self._comm,
                        self._counts)

    def to_device(self, device: Any, /, *, stream: Any = None) -> DNDarray:
        """Array API spelling of :meth:`to`."""
        if stream is not None:
            raise NotImplementedError("to_device: the stream argument is not supported")
        return self.to(device)

    def cpu(self) -> DNDarray:
        """The array with its blocks in host memory."""
        return self.to("cpu")

    def copy(self) -> DNDarray:
        """A copy of the array with the same distribution. Communication: none."""
        return DNDarray(self._larray.clone(), self._shape, self._split, self._comm,
                        self._counts)

    def __copy__(self) -> DNDarray:
        return self.copy()

    def __deepcopy__(self, memo: dict) -> DNDarray:
        return self.copy()

    # ----------------------------------------------------------------------------------
    # interchange
    # ----------------------------------------------------------------------------------
    def _require_whole(self, what: str) -> None:
        if self.is_distributed():
            raise BufferError(
                f"{what}: a DNDarray split over {self._comm.size} processes cannot be "
                "exported as one buffer; call .resplit(None) first, or use .larray for "
                "this rank's block"
            )

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None,
                   dl_device: Any = None, copy: bool | None = None) -> Any:
        self._require_whole("__dlpack__")
        given = {"stream": stream, "max_version": max_version, "dl_device": dl_device,
                 "copy": copy}
        return self._larray.__dlpack__(**{k: v for k, v in given.items() if v is not None})

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._larray.__dlpack_device__()

    def __array_namespace__(self, *, api_version: str | None = None) -> Any:
        if api_version not in (None, "2023.12", "2024.12"):
            raise ValueError(f"unsupported array API version {api_version!r}")
        import ember

        return ember

    # ----------------------------------------------------------------------------------
    # printing
    # ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .printing import format_array

        return format_array(self, as_repr=True)

    def __str__(self) -> str:
        from .printing import format_array

        return format_array(self, as_repr=False)

    # ----------------------------------------------------------------------------------
    # not supported yet: refuse clearly instead of giving Python's defaults
    # ----------------------------------------------------------------------------------
    def _not_yet(self, what: str):
        raise NotImplementedError(f"{what} on DNDarrays is not supported yet")

    def __getitem__(self, key: Any) -> DNDarray:
        """NumPy indexing: integers, slices, ``...``, ``None``, boolean masks and integer
        arrays (:func:`ember.core.indexing.getitem`)."""
        from .indexing import getitem

        return getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        """NumPy item assignment (:func:`ember.core.indexing.setitem`)."""
        from .indexing import setitem

        setitem(self, key, value)

    def __iter__(self):
        """Iterate over the first axis, as NumPy (each item is ``x[i]``; one
        collective per item when axis 0 is split)."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        for i in range(self._shape[0]):
            yield self[i]

    # ----------------------------------------------------------------------------------
    # operators: the ufuncs of the same names (ember.add for +, ...)
    # ----------------------------------------------------------------------------------
    __add__, __radd__, __iadd__ = _operators("add")
    __sub__, __rsub__, __isub__ = _operators("subtract")
    __mul__, __rmul__, __imul__ = _operators("multiply")
    __truediv__, __rtruediv__, __itruediv__ = _operators("divide")
    __floordiv__, __rfloordiv__, __ifloordiv__ = _operators("floor_divide")
    __mod__, __rmod__, __imod__ = _operators("remainder")
    __pow__, __rpow__, __ipow__ = _operators("power")
    __and__, __rand__, __iand__ = _operators("bitwise_and")
    __or__, __ror__, __ior__ = _operators("bitwise_or")
    __xor__, __rxor__, __ixor__ = _operators("bitwise_xor")
    __lshift__, __rlshift__, __ilshift__ = _operators("left_shift")
    __rshift__, __rrshift__, __irshift__ = _operators("right_shift")
    __divmod__, __rdivmod__, _ = _operators("divmod")
    __eq__ = _operators("equal")[0]
    __ne__ = _operators("not_equal")[0]
    __lt__ = _operators("less")[0]
    __le__ = _operators("less_equal")[0]
    __gt__ = _operators("greater")[0]
    __ge__ = _operators("greater_equal")[0]
    __neg__ = _unary_operator("negative")
    __pos__ = _unary_operator("positive")
    __abs__ = _unary_operator("absolute")
    __invert__ = _unary_operator("invert")

    # ----------------------------------------------------------------------------------
    # reductions as methods (x.sum(axis=0) is ember.sum(x, axis=0))
    # ----------------------------------------------------------------------------------
    sum = _method("sum")
    prod = _method("prod")
    min = _method("min")
    max = _method("max")
    any = _method("any")
    all = _method("all")
    mean = _method("mean")
    var = _method("var")
    std = _method("std")
    argmin = _method("argmin")
    argmax = _method("argmax")
    ptp = _method("ptp")
    cumsum = _method("cumsum")
    cumprod = _method("cumprod")
    round = _method("round")
    conj = _method("conj")
    conjugate = _method("conjugate")
    clip = _method("clip")

    # ----------------------------------------------------------------------------------
    # manipulations, indexing and sorting as methods (the functions of the same names)
    # ----------------------------------------------------------------------------------
    def reshape(self, *shape: Any, **kwargs: Any) -> DNDarray:
        """Method form of :func:`ember.reshape`; the shape may be given as one tuple or
        as separate integers (``x.reshape(2, 3)``)."""
        if len(shape) == 1:
            shape = shape[0]
        return _ufunc("reshape")(self, shape, **kwargs)

    def transpose(self, *axes: Any) -> DNDarray:
        """Method form of :func:`ember.transpose`; the axes may be given as one tuple or
        as separate integers (``x.transpose(1, 0)``)."""
        if len(axes) == 1:
            axes = axes[0]
        return _ufunc("transpose")(self, axes if axes != () else None)

    ravel = _method("ravel")
    flatten = _method("flatten")
    squeeze = _method("squeeze")
    swapaxes = _method("swapaxes")
    repeat = _method("repeat")
    diagonal = _method("diagonal")
    take = _method("take")
    put = _method("put")

    def compress(self, condition: Any, axis: int | None = None, out: Any = None) -> DNDarray:
        """Method form of :func:`ember.compress` (``x.compress(c)`` is
        ``ember.compress(c, x)``)."""
        return _ufunc("compress")(condition, self, axis=axis, out=out)

    choose = _method("choose")
    nonzero = _method("nonzero")
    argsort = _method("argsort")
    argpartition = _method("argpartition")

    def sort(self, *args: Any, **kwargs: Any) -> None:
        """Sort in place, as NumPy's ``ndarray.sort`` (:func:`ember.sort` then adopting
        its blocks; the counts along the split axis may change)."""
        self._adopt(_ufunc("sort")(self, *args, **kwargs))

    def partition(self, *args: Any, **kwargs: Any) -> None:
        """Partition in place, as NumPy's ``ndarray.partition`` (:func:`ember.partition`
        then adopting its blocks)."""
        self._adopt(_ufunc("partition")(self, *args, **kwargs))

    def _adopt(self, other: DNDarray) -> None:
        """Take over ``other``'s blocks and distribution (same shape, split and dtype)."""
        self._larray, self._counts = other._larray, other._counts
    searchsorted = _method("searchsorted")

    def fill(self, value: Any) -> None:
        """Fill the array with a scalar, in place (NumPy's ``ndarray.fill``).
        Communication: none."""
        self._larray.fill_(value)

    @property
    def real(self) -> DNDarray:
        """The real part (a copy; :func:`ember.real`)."""
        return _ufunc("real")(self)

    @property
    def imag(self) -> DNDarray:
        """The imaginary part (a copy; :func:`ember.imag`)."""
        return _ufunc("imag")(self)

    def __matmul__(self, other: Any):
        self._not_yet("matrix multiplication (@)")

    __rmatmul__ = __imatmul__ = __matmul__
