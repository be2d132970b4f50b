"""Creating arrays: NumPy's creation functions plus ``split``, ``device`` and ``comm``.

Every function builds only this rank's block (``split=k``) or the whole array on every rank
(``split=None``, the default). Values, shapes and dtypes match NumPy, except that the
default floating dtype is ember's (float32 unless changed by ``set_default_dtype``), as
in PyTorch.

Communication: none, except :func:`array` with ``is_split`` (one small Allgather of the
block shapes), :func:`array` of a DNDarray with another ``split`` (a redistribution),
:func:`full` with a split DNDarray fill value (one Allgatherv of it) and
:func:`meshgrid` of split inputs (one Allgatherv of each input that does not give the
split axis).
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..comm import Communicator, sanitize_comm
from .devices import sanitize_device
from .distribution import balanced_counts, local_range
from .dndarray import DNDarray
from .dtypes import (
    default_complex_dtype,
    default_int_dtype,
    from_torch,
    get_default_dtype,
)
from .dtypes import dtype as as_dtype
from .validation import sanitize_shape, sanitize_split

__all__ = [
    "array",
    "asarray",
    "from_dlpack",
    "empty",
    "zeros",
    "ones",
    "full",
    "empty_like",
    "zeros_like",
    "ones_like",
    "full_like",
    "eye",
    "identity",
    "tri",
    "meshgrid",
]

_SAME = object()  # "keep the prototype's split" in the *_like functions


# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
def _check_order(order: str | None) -> None:
    if order not in (None, "C", "K", "A"):
        if order == "F":
            raise NotImplementedError("order='F': ember arrays are always C-ordered")
        raise ValueError(f"order must be one of 'C', 'K', 'A', got {order!r}")


def _build(shape: Sequence[int], split: int | None, comm: Communicator,
           block: Callable[[tuple[int, ...], int], torch.Tensor]) -> DNDarray:
    """Make an array whose blocks come from ``block(local_shape, start)``.

    ``start`` is the global index along ``split`` where this rank's block begins (0 when
    ``split`` is None); ``block`` must return a tensor of ``local_shape``.
    """
    shape = tuple(shape)
    split = sanitize_split(split, len(shape))
    if split is None:
        return DNDarray(block(shape, 0), shape, None, comm)
    counts = balanced_counts(shape[split], comm.size)
    start, stop = local_range(counts, comm.rank)
    local_shape = shape[:split] + (stop - start,) + shape[split + 1:]
    return DNDarray(block(local_shape, start), shape, split, comm, counts)


def _local_indices(extent: int, split_here: bool, start: int, local_extent: int,
                   device: torch.device, dtype: torch.dtype = torch.int64) -> torch.Tensor:
    """Global indices along one axis held by this rank."""
    if split_here:
        return torch.arange(start, start + local_extent, dtype=dtype, device=device)
    return torch.arange(extent, dtype=dtype, device=device)


def _scalar_dtype(value: Any):
    """The dtype NumPy gives a scalar, with ember's default float/complex dtypes."""
    if isinstance(value, (bool, np.bool_)):
        return as_dtype(bool)
    if isinstance(value, (np.generic, np.ndarray, torch.Tensor)):
        return as_dtype(value.dtype)
    if isinstance(value, numbers.Integral):
        return default_int_dtype()
    if isinstance(value, numbers.Real):
        return get_default_dtype()
    if isinstance(value, numbers.Complex):
        return default_complex_dtype()
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _cast_scalar(value: Any, target) -> torch.Tensor:
    """``value`` as a 0-d tensor of ``target``, cast as NumPy's ``full`` does: unsafe
    casting, except that a Python int out of the integer type's range is an OverflowError
    (NEP 50) and complex -> real drops the imaginary part."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.dtype == torch.bfloat16:
            return value.to(target.torch)
        value = value.resolve_conj().numpy()
    if target.numpy is not None:
        cell = np.empty((), dtype=target.numpy)
        np.copyto(cell, value, casting="unsafe")
        return torch.from_numpy(cell)
    cell = np.empty((), dtype=np.float64)  # bfloat16: NumPy's rules to float64, then round
    np.copyto(cell, value, casting="unsafe")
    return torch.from_numpy(cell).to(target.torch)


# --------------------------------------------------------------------------------------
# from data
# --------------------------------------------------------------------------------------
def _python_data_to_tensor(obj: Any, target) -> torch.Tensor:
    """A tensor from Python scalars/sequences or objects NumPy understands."""
    try:
        data = np.asarray(obj)
    except (ValueError, TypeError) as error:
        raise ValueError(f"could not convert the input to an array: {error}") from None
    if data.dtype.kind in "OSUVMm":
        raise TypeError(f"cannot make an ember array from data of NumPy dtype {data.dtype}")
    from_python = not isinstance(obj, (np.ndarray, np.generic)) and not hasattr(obj, "__array__")
    if target is None and from_python:
        if data.dtype == np.float64:
            target = get_default_dtype()
        elif data.dtype == np.complex128:
            target = default_complex_dtype()
    if data.dtype.byteorder not in "=|":
        data = data.astype(data.dtype.newbyteorder("="))
    as_dtype(data.dtype)  # raises TypeError for dtypes ember does not support (uint16, ...)
    tensor = torch.from_numpy(np.array(data, copy=not data.flags.writeable or None, order="C"))
    return tensor if target is None else tensor.to(target.torch)


def _to_tensor(obj: Any, target) -> tuple[torch.Tensor, bool]:
    """``obj`` as a tensor, and whether that tensor may share memory with ``obj``."""
    if isinstance(obj, torch.Tensor):
        from_torch(obj.dtype)  # raises TypeError for unsupported dtypes
        tensor = obj.detach()
        shared = True
    elif isinstance(obj, np.ndarray) and obj.flags.writeable and obj.dtype.byteorder in "=|":
        as_dtype(obj.dtype)
        tensor = torch.from_numpy(obj if obj.flags.c_contiguous else np.array(obj, order="C"))
        shared = tensor.data_ptr() == obj.__array_interface__["data"][0]
    elif hasattr(obj, "__dlpack__") and not isinstance(obj, np.ndarray):
        tensor = torch.from_dlpack(obj)
        from_torch(tensor.dtype)
        shared = True
    else:
        return _python_data_to_tensor(obj, target), False
    if target is not None and tensor.dtype != target.torch:
        return tensor.to(target.torch), False
    return tensor, shared


def _assemble(local: torch.Tensor | None, error: Exception | None, axis: Any,
              comm: Communicator) -> DNDarray:
    """Join per-rank blocks along ``axis`` into one array, checking that they fit.

    ``error`` is this rank's failure to make its block (the input is data, so only some
    ranks may fail); it is raised on every rank.

    Communication: one small Allgather of the blocks' shapes and dtypes (or errors).
    """
    mine = ("error", type(error), error.args) if error is not None else (
        tuple(local.shape), str(local.dtype))
    described = comm.allgather_object(mine)
    failed = next((d for d in described if d[0] == "error"), None)
    if failed is not None:
        if error is not None:
            raise error
        raise failed[1](*failed[2])
    shapes = [shape for shape, _ in described]
    if len({len(shape) for shape in shapes}) != 1:
        raise ValueError(f"is_split: the blocks have different numbers of dimensions: {shapes}")
    axis = sanitize_split(axis, len(shapes[0]))
    if axis is None:
        raise ValueError("is_split must be an axis, not None")
    others = {shape[:axis] + shape[axis + 1:] for shape in shapes}
    if len(others) != 1:
        raise ValueError(f"is_split={axis}: the blocks' shapes differ outside axis {axis}: "
                         f"{shapes}")
    dtypes = {name for _, name in described}
    if len(dtypes) != 1:
        raise ValueError(f"is_split: the blocks have different dtypes {sorted(dtypes)}; "
                         "pass dtype= to cast them")
    counts = tuple(shape[axis] for shape in shapes)
    shape = shapes[0][:axis] + (sum(counts),) + shapes[0][axis + 1:]
    return DNDarray(local.contiguous(), shape, axis, comm, counts)


def as_dndarray(a: Any, comm: Communicator | None = None, *,
                like: DNDarray | None = None) -> DNDarray:
    """``a`` itself if it is a DNDarray, else ``a`` (NumPy data, sequences, scalars) as
    a replicated DNDarray without copying where possible (internal helper of the
    functions that accept array_like arguments).

    ``like`` gives the communicator and device of another operand; ``comm`` the
    communicator alone. Communication: none.
    """
    if isinstance(a, DNDarray):
        return a
    if like is not None:
        return array(a, copy=None, comm=like.comm, device=like.device)
    return array(a, copy=None, comm=comm)


def from_local(local: torch.Tensor, split: int | None, comm: Communicator,
               counts: Sequence[int] | None = None) -> DNDarray:
    """Wrap each rank's block ``local`` along ``split`` as one DNDarray (internal).

    For results whose extent along the split axis depends on the data (boolean
    selection, unique, nonzero, ...). The blocks must agree in dtype and in every
    extent but ``split``'s, which callers guarantee; ``counts`` is discovered when not
    given. With ``split=None`` every rank's ``local`` must be the same whole tensor.

    Communication: none when ``counts`` is given or ``split`` is None; else one
    Allgather of one integer per rank.
    """
    if split is None:
        return DNDarray(local, tuple(local.shape), None, comm)
    if counts is None:
        extent = torch.tensor([local.shape[split]], dtype=torch.int64)
        counts = tuple(int(c) for c in comm.Allgather(extent).reshape(-1).tolist())
    shape = list(local.shape)
    shape[split] = sum(counts)
    return DNDarray(local, shape, split, comm, counts)


def array(obj: Any, dtype: Any = None, *, copy: bool | None = True, ndmin: int = 0,
          order: str | None = "K", split: int | None = None, is_split: int | None = None,
          device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """Create an array from data: scalars, nested sequences, NumPy arrays, torch tensors,
    DLPack producers or DNDarrays.

    Parameters
    ----------
    obj : array_like
        The data. With ``split`` (or neither option) it is the whole array and must be
        the same on every rank; with ``is_split`` it is this rank's block.
    dtype : dtype-like, optional
        Inferred as NumPy does when not given, except that Python floats give ember's
        default float dtype (float32) and Python complex numbers the default complex
        dtype; NumPy arrays and tensors keep their dtype.
    copy : bool or None
        True: always copy. None: copy only if needed. False: never copy (ValueError if
        a copy is needed).
    ndmin : int
        Prepend axes of length one up to this many dimensions.
    order : {"K", "C", "A"}
        Accepted for compatibility; ember arrays are C-ordered ("F" is not supported).
    split : int, optional
        Cut the replicated input along this axis (an axis of the result, after
        ``ndmin``); each rank keeps its block. A DNDarray input is redistributed to this
        split; None keeps its distribution.
    is_split : int, optional
        ``obj`` is this rank's block along this axis; blocks must agree in dtype and in
        their extents along the other axes (ValueError on every rank otherwise). An
        error making one rank's block is raised on every rank.
    device : str or Device, optional
        Default: the input's device for tensors and DNDarrays, else the default device.
    comm : Communicator, optional
        Default: ember's default communicator (a DNDarray input's own for DNDarrays).

    Returns
    -------
    DNDarray

    Notes
    -----
    Communication: none, except one small Allgather of the block shapes for
    ``is_split`` and a redistribution when a DNDarray is given another ``split``.

    Examples
    --------
    >>> import ember as em
    >>> em.array([[1, 2, 3], [4, 5, 6]], split=0).shape
    (2, 3)
    >>> em.array([1.0, 2.0]).dtype
    ember.float32
    """
    _check_order(order)
    if split is not None and is_split is not None:
        raise ValueError("split and is_split cannot both be given")
    if not isinstance(ndmin, numbers.Integral) or ndmin < 0:
        raise ValueError(f"ndmin must be a non-negative integer, got {ndmin!r}")
    target = None if dtype is None else as_dtype(dtype)
    if isinstance(obj, DNDarray):
        return _from_dndarray(obj, target, copy, ndmin, split, is_split, device, comm)
    comm = sanitize_comm(comm)
    place = sanitize_device(device).torch_device if device is not None else None
    if is_split is not None:
        # each rank's block is different data: a failure on one rank is raised on all
        try:
            tensor = _local_tensor(obj, target, copy, ndmin, place)
        except Exception as error:  # re-raised on every rank
            return _assemble(None, error, is_split, comm)
        return _assemble(tensor, None, is_split, comm)
    if split is None:
        tensor = _local_tensor(obj, target, copy, ndmin, place)
        return DNDarray(tensor, tuple(tensor.shape), None, comm)
    # the block is copied below (unless copy=False), so the whole need not be
    tensor = _local_tensor(obj, target, False if copy is False else None, ndmin, place)
    split = sanitize_split(split, tensor.ndim)
    counts = balanced_counts(tensor.shape[split], comm.size)
    start, stop = local_range(counts, comm.rank)
    block = tensor.narrow(split, start, stop - start)
    if copy is not False:
        block = block.clone(memory_format=torch.contiguous_format)
    return DNDarray(block, tuple(tensor.shape), split, comm, counts)


def _local_tensor(obj: Any, target, copy: bool | None, ndmin: int, place) -> torch.Tensor:
    """``obj`` as a tensor of ``target`` dtype on ``place`` with at least ``ndmin`` dims.

    ``copy=True``: the result never shares memory with ``obj``; ``copy=False``: it must
    (ValueError otherwise); ``None``: it shares memory when it can.
    """
    tensor, shared = _to_tensor(obj, target)
    if place is None and not isinstance(obj, torch.Tensor):
        place = sanitize_device(None).torch_device
    if place is not None and tensor.device != place:
        tensor, shared = tensor.to(place), False
    if copy is False and not shared:
        raise ValueError("copy=False was given, but the input must be copied to make an array")
    if copy and shared:
        tensor = tensor.clone()
    if tensor.ndim < ndmin:
        tensor = tensor.reshape((1,) * (ndmin - tensor.ndim) + tuple(tensor.shape))
    return tensor


def _from_dndarray(x: DNDarray, target, copy, ndmin, split, is_split, device, comm
                   ) -> DNDarray:
    if is_split is not None:
        raise ValueError("is_split cannot be used with a DNDarray input; use split")
    if comm is not None and sanitize_comm(comm) is not x.comm:
        raise ValueError("comm differs from the input DNDarray's communicator")
    extra = max(0, ndmin - x.ndim)  # ``split`` counts the axes of the result, as for data
    split = None if split is None else sanitize_split(split, x.ndim + extra)
    old_split = None if x.split is None else x.split + extra
    resplit = split is not None and split != old_split
    fresh = (target is not None and target != x.dtype) or (
        device is not None and sanitize_device(device) != x.device) or resplit
    if copy is False and fresh:
        raise ValueError("copy=False was given, but the input must be copied to make an array")
    result = x if target is None else x.astype(target, copy=False)
    if device is not None:
        result = result.to(device)
    if extra:
        local = result.larray.reshape((1,) * extra + tuple(result.larray.shape))
        result = DNDarray(local, (1,) * extra + result.shape, old_split, result.comm,
                          result.counts)
    if resplit:
        result = result.resplit(split)
    elif copy and not fresh:
        result = result.copy()
    return result


def asarray(obj: Any, dtype: Any = None, *, copy: bool | None = None, order: str | None = None,
            split: int | None = None, is_split: int | None = None, device: Any = None,
            comm: Communicator | None = None) -> DNDarray:
    """Convert the input to a DNDarray, copying only when needed (array API ``asarray``).

    Same as :func:`array` with ``copy=None`` by default; see there for the parameters.

    Notes
    -----
    Communication: as :func:`array`.

    Examples
    --------
    >>> import ember as em
    >>> import numpy as np
    >>> em.asarray(np.arange(4.0)).dtype
    ember.float64
    """
    return array(obj, dtype, copy=copy, order=order, split=split, is_split=is_split,
                 device=device, comm=comm)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None,
                split: int | None = None, comm: Communicator | None = None) -> DNDarray:
    """Create an array from any DLPack producer (torch, NumPy, CuPy, JAX, ...).

    The producer holds the whole array on every rank; ``split`` cuts it.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> import numpy as np
    >>> em.from_dlpack(np.arange(3)).tolist()
    [0, 1, 2]
    """
    tensor = torch.from_dlpack(x)
    return array(tensor, copy=copy, split=split, device=device, comm=comm)


# --------------------------------------------------------------------------------------
# filled arrays
# --------------------------------------------------------------------------------------
def _filled(shape: Any, dtype: Any, split: Any, device: Any, comm: Any, order: Any,
            fill: Callable[..., torch.Tensor]) -> DNDarray:
    _check_order(order)
    shape = sanitize_shape(shape)
    torch_dtype = (get_default_dtype() if dtype is None else as_dtype(dtype)).torch
    place = sanitize_device(device).torch_device
    return _build(shape, split, sanitize_comm(comm),
                  lambda local_shape, _: fill(local_shape, dtype=torch_dtype, device=place))


def empty(shape: Any, dtype: Any = None, order: str = "C", *, split: int | None = None,
          device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """An uninitialised array of ``shape`` (default float dtype).

    Each rank's block along ``split`` is left uninitialised. A replicated result
    (``split=None``) is zero-filled instead, so that every rank holds the same data
    (garbage that differs between ranks would break that invariant).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.empty((2, 3), split=1).shape
    (2, 3)
    """
    return _filled(shape, dtype, split, device, comm, order,
                   torch.zeros if split is None else torch.empty)


def zeros(shape: Any, dtype: Any = None, order: str = "C", *, split: int | None = None,
          device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """An array of zeros of ``shape`` (default float dtype).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.zeros(3, split=0).tolist()
    [0.0, 0.0, 0.0]
    """
    return _filled(shape, dtype, split, device, comm, order, torch.zeros)


def ones(shape: Any, dtype: Any = None, order: str = "C", *, split: int | None = None,
         device: Any = None, comm: Communicator | None = None) -> DNDarray:
    """An array of ones of ``shape`` (default float dtype).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.ones((2,), dtype=em.int32).tolist()
    [1, 1]
    """
    return _filled(shape, dtype, split, device, comm, order, torch.ones)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", *,
         split: int | None = None, device: Any = None, comm: Communicator | None = None
         ) -> DNDarray:
    """An array of ``shape`` filled with ``fill_value`` (a scalar, or array-like that
    broadcasts to ``shape``).

    The dtype defaults to the fill value's: bool, int64, ember's default float or
    complex dtype for Python scalars; the array's dtype for array-likes and NumPy or
    torch scalars. The value is cast as NumPy does (a Python int out of range of an
    integer ``dtype`` raises OverflowError).

    Notes
    -----
    Communication: none, except one Allgatherv of a split DNDarray ``fill_value``.

    Examples
    --------
    >>> import ember as em
    >>> em.full((2, 2), 7).tolist()
    [[7, 7], [7, 7]]
    """
    _check_order(order)
    shape = sanitize_shape(shape)
    place = sanitize_device(device).torch_device
    if isinstance(fill_value, DNDarray):
        fill_value = fill_value._full_tensor()
    if np.ndim(fill_value) == 0:
        target = as_dtype(dtype) if dtype is not None else _scalar_dtype(fill_value)
        value = _cast_scalar(fill_value, target).to(place)
        return _build(shape, split, sanitize_comm(comm),
                      lambda local_shape, _: torch.empty(local_shape, dtype=target.torch,
                                                         device=place).fill_(value))
    values = array(fill_value, dtype, device=device, comm=comm).larray
    try:
        whole = values.broadcast_to(shape)
    except RuntimeError:
        raise ValueError(f"could not broadcast fill_value of shape {tuple(values.shape)} "
                         f"into shape {shape}") from None
    split = sanitize_split(split, len(shape))

    def block(local_shape, start):
        part = whole if split is None else whole.narrow(split, start, local_shape[split])
        return part.clone(memory_format=torch.contiguous_format)

    return _build(shape, split, sanitize_comm(comm), block)


def _like(prototype: Any, dtype: Any, split: Any, shape: Any, device: Any, comm: Any):
    """Shape, dtype, split, device and comm for a *_like function."""
    if not isinstance(prototype, DNDarray):
        prototype = array(prototype, copy=None, comm=comm)
    new_shape = prototype.shape if shape is None else sanitize_shape(shape)
    if split is _SAME:
        split = prototype.split if prototype.split is not None and (
            prototype.split < len(new_shape)) else None
    return (new_shape, prototype.dtype if dtype is None else dtype, split,
            prototype.device if device is None else device,
            prototype.comm if comm is None else comm)


def empty_like(prototype: Any, dtype: Any = None, order: str = "K", *, shape: Any = None,
               split: Any = _SAME, device: Any = None, comm: Communicator | None = None
               ) -> DNDarray:
    """An uninitialised array with the shape, dtype, split and device of ``prototype``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.empty_like(em.zeros((2, 3), split=0)).split
    0
    """
    _check_order(order)
    shape, dtype, split, device, comm = _like(prototype, dtype, split, shape, device, comm)
    return empty(shape, dtype, split=split, device=device, comm=comm)


def zeros_like(prototype: Any, dtype: Any = None, order: str = "K", *, shape: Any = None,
               split: Any = _SAME, device: Any = None, comm: Communicator | None = None
               ) -> DNDarray:
    """An array of zeros with the shape, dtype, split and device of ``prototype``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.zeros_like(em.arange(3)).tolist()
    [0, 0, 0]
    """
    _check_order(order)
    shape, dtype, split, device, comm = _like(prototype, dtype, split, shape, device, comm)
    return zeros(shape, dtype, split=split, device=device, comm=comm)


def ones_like(prototype: Any, dtype: Any = None, order: str = "K", *, shape: Any = None,
              split: Any = _SAME, device: Any = None, comm: Communicator | None = None
              ) -> DNDarray:
    """An array of ones with the shape, dtype, split and device of ``prototype``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.ones_like(em.arange(3)).tolist()
    [1, 1, 1]
    """
    _check_order(order)
    shape, dtype, split, device, comm = _like(prototype, dtype, split, shape, device, comm)
    return ones(shape, dtype, split=split, device=device, comm=comm)


def full_like(prototype: Any, fill_value: Any, dtype: Any = None, order: str = "K", *,
              shape: Any = None, split: Any = _SAME, device: Any = None,
              comm: Communicator | None = None) -> DNDarray:
    """An array filled with ``fill_value``, with the shape, dtype, split and device of
    ``prototype`` (the fill value is cast to the prototype's dtype, as NumPy).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.full_like(em.arange(3), 2.7).tolist()
    [2, 2, 2]
    """
    _check_order(order)
    shape, dtype, split, device, comm = _like(prototype, dtype, split, shape, device, comm)
    return full(shape, fill_value, dtype, split=split, device=device, comm=comm)


# --------------------------------------------------------------------------------------
# matrices and grids
# --------------------------------------------------------------------------------------
def _matrix(N: Any, M: Any, dtype: Any, split: Any, device: Any, comm: Any,
            rule: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> DNDarray:
    """A 2-d array with ``rule(rows, cols)`` (broadcast global indices) as its values."""
    (N,) = sanitize_shape(N, "N")
    (M,) = (N,) if M is None else sanitize_shape(M, "M")
    target = get_default_dtype() if dtype is None else as_dtype(dtype)
    place = sanitize_device(device).torch_device
    split = sanitize_split(split, 2)

    def block(local_shape, start):
        rows = _local_indices(N, split == 0, start, local_shape[0], place)
        cols = _local_indices(M, split == 1, start, local_shape[1], place)
        return rule(rows[:, None], cols[None, :]).to(target.torch)

    return _build((N, M), split, sanitize_comm(comm), block)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, order: str = "C", *,
        split: int | None = None, device: Any = None, comm: Communicator | None = None
        ) -> DNDarray:
    """A 2-d array with ones on the ``k``-th diagonal and zeros elsewhere.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.eye(2, 3, k=1, dtype=em.int64, split=1).tolist()
    [[0, 1, 0], [0, 0, 1]]
    """
    _check_order(order)
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"k must be an integer, got {type(k).__name__}") from None
    return _matrix(N, M, dtype, split, device, comm, lambda r, c: c - r == k)


def identity(n: int, dtype: Any = None, *, split: int | None = None, device: Any = None,
             comm: Communicator | None = None) -> DNDarray:
    """The ``n`` x ``n`` identity matrix.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.identity(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return eye(n, dtype=dtype, split=split, device=device, comm=comm)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *,
        split: int | None = None, device: Any = None, comm: Communicator | None = None
        ) -> DNDarray:
    """Ones at and below the ``k``-th diagonal, zeros above.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.tri(2, dtype=em.int64).tolist()
    [[1, 0], [1, 1]]
    """
    if not isinstance(k, numbers.Real):
        raise TypeError(f"k must be a real number, got {type(k).__name__}")
    k = int(k)  # as NumPy, which makes its column indices with an integer arange
    return _matrix(N, M, dtype, split, device, comm, lambda r, c: c <= r + k)


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy"
             ) -> tuple[DNDarray, ...]:
    """Coordinate arrays from 1-d coordinate vectors (NumPy's meshgrid).

    The outputs are split along the output axis of the first input that is a split
    DNDarray (keeping that input's counts if it is 1-d, balanced otherwise); every other
    input is replicated. N-d inputs are flattened, as in NumPy. With ``sparse=True``
    only the output that varies along the split axis is split; the others are
    replicated.

    Notes
    -----
    Communication: one Allgatherv of each split input other than the first split one
    (and of that one too when it is not 1-d).

    Examples
    --------
    >>> import ember as em
    >>> X, Y = em.meshgrid(em.arange(3), em.arange(2))
    >>> X.shape
    (2, 3)
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Valid values for `indexing` are 'xy' and 'ij', got {indexing!r}")
    if not xi:
        return ()
    arrays = [x if isinstance(x, DNDarray) else array(x, copy=None) for x in xi]
    ndim = len(arrays)
    # output axis of input i
    axes = list(range(ndim))
    if indexing == "xy" and ndim > 1:
        axes[0], axes[1] = 1, 0
    driver = next((i for i, x in enumerate(arrays) if x.split is not None), None)
    comm = arrays[driver].comm if driver is not None else arrays[0].comm
    vectors = [x.larray if i == driver and x.ndim == 1 else x._full_tensor().reshape(-1)
               for i, x in enumerate(arrays)]
    lengths = [x.size for x in arrays]
    shape = tuple(lengths[axes.index(axis)] for axis in range(ndim))
    split = None if driver is None else axes[driver]
    counts = None
    if driver is not None:
        counts = arrays[driver].counts
        if arrays[driver].ndim != 1:  # flattened: cut the gathered vector, balanced
            counts = balanced_counts(lengths[driver], comm.size)
            start, stop = local_range(counts, comm.rank)
            vectors[driver] = vectors[driver][start:stop]
    outputs = []
    for i, vector in enumerate(vectors):
        view_shape = [1] * ndim
        view_shape[axes[i]] = vector.shape[0]
        local = vector.reshape(view_shape)
        if sparse:
            out_split = split if axes[i] == split else None
            out_shape = tuple(shape[a] if a == axes[i] else 1 for a in range(ndim))
            outputs.append(DNDarray(local.clone() if copy else local, out_shape, out_split,
                                    comm, counts if out_split is not None else None))
            continue
        local_shape = list(shape)
        if split is not None:
            local_shape[split] = counts[comm.rank]
        local = local.expand(local_shape)
        outputs.append(DNDarray(local.contiguous() if copy else local, shape, split, comm,
                                counts))
    return tuple(outputs)
