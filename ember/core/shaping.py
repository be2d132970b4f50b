"""Shape and layout: reshape, ravel, transpose, moveaxis, squeeze, expand_dims, broadcasting.

NumPy returns views for most of these; ember returns new arrays (a contiguous copy of
each block), except :func:`reshape`, which shares memory with its input as NumPy's view
does when no element has to move (``copy=None``, the default). ``reshape``, ``ravel``
and ``flatten`` are implemented in :mod:`ember.core.reshaping`.

Communication:

====================================================  ===================================
transpose, permute_dims, matrix_transpose, moveaxis,  none: each rank permutes its block
swapaxes, expand_dims, atleast_1d/2d/3d, copy         and the split axis follows its data
squeeze                                               none; one Bcast of the result when
                                                      the split axis (extent 1) goes
reshape, ravel, flatten                               none when every rank's elements
                                                      stay; else one or two Alltoallv
broadcast_to, broadcast_arrays                        none; one Bcast of the input when
                                                      its split axis of extent 1 grows
====================================================  ===================================
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import torch

from .alignment import broadcast_shapes
from .creation import asarray
from .distribution import balanced_counts
from .dndarray import DNDarray
from .reshaping import _as_array, _check_order, _fresh, _local_shape
from .validation import sanitize_axis, sanitize_shape

__all__ = [
    "transpose",
    "permute_dims",
    "matrix_transpose",
    "moveaxis",
    "swapaxes",
    "squeeze",
    "expand_dims",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_to",
    "broadcast_arrays",
    "copy",
]


# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
def _axis_tuple(axis: Any, ndim: int, name: str, repeated: str) -> tuple[int, ...]:
    """``axis`` (an int or a sequence of ints) as a tuple of non-negative axes, in order.

    Raises TypeError for non-integers, AxisError out of range and ValueError with the
    message ``repeated`` for a repeated axis.
    """
    try:
        axes = (operator.index(axis),)
    except TypeError:
        if not hasattr(axis, "__iter__"):
            raise TypeError(f"{name} must be an integer or a sequence of integers, got "
                            f"{type(axis).__name__}") from None
        axes = tuple(axis)
    result = tuple(sanitize_axis(a, ndim, name) for a in axes)
    if len(set(result)) != len(result):
        raise ValueError(repeated)
    return result


def _permute(x: DNDarray, order: Sequence[int]) -> DNDarray:
    """``x`` with its axes in ``order``: each block permuted and copied, no communication."""
    view = x._permuted(tuple(order))
    return DNDarray(_fresh(view.larray), view.shape, view.split, view.comm, view.counts)


def _owner(x: DNDarray) -> int:
    """The rank holding the only index of ``x``'s split axis (extent 1)."""
    return x.counts.index(1)


def _broadcast_owned(x: DNDarray, local: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """The owner's ``local`` (of ``shape``) on every rank: one Bcast of it.

    For an array whose split axis has extent 1: only one rank holds data.
    """
    root = _owner(x)
    if not x.is_distributed():
        return local.reshape(tuple(shape))
    if x.comm.rank == root:
        buffer = local.reshape(tuple(shape)).contiguous()
    else:
        buffer = torch.empty(tuple(shape), dtype=local.dtype, device=local.device)
    return x.comm.Bcast(buffer, root)


# --------------------------------------------------------------------------------------
# transpositions
# --------------------------------------------------------------------------------------
def transpose(a: Any, axes: Sequence[int] | None = None) -> DNDarray:
    """The array with its axes permuted (reversed by default).

    Parameters
    ----------
    a : array_like
    axes : sequence of int, optional
        A permutation of the axes (negative values count from the end).

    Returns
    -------
    DNDarray
        A copy; the split axis follows its data (its counts are kept).

    Raises
    ------
    ValueError
        If ``axes`` is not a permutation of the axes ("axes don't match array",
        "repeated axis in transpose").
    AxisError
        If an axis is out of range.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> x = em.transpose(em.zeros((2, 3, 4), split=0))
    >>> x.shape, x.split
    ((4, 3, 2), 2)
    """
    x = _as_array(a)
    if axes is None:
        return _permute(x, range(x.ndim - 1, -1, -1))
    axes = tuple(axes) if hasattr(axes, "__iter__") else (axes,)
    if len(axes) != x.ndim:
        raise ValueError("axes don't match array")
    return _permute(x, _axis_tuple(axes, x.ndim, "axis", "repeated axis in transpose"))


def permute_dims(a: Any, axes: Sequence[int] | None = None) -> DNDarray:
    """The array with its axes permuted (array API name of :func:`transpose`).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.permute_dims(em.zeros((2, 3), split=1), (1, 0)).split
    0
    """
    return transpose(a, axes)


def matrix_transpose(x: Any, /) -> DNDarray:
    """The stack of matrices with their last two axes swapped.

    Raises
    ------
    ValueError
        For arrays of fewer than two dimensions.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.matrix_transpose(em.arange(6, split=0).reshape(2, 3)).tolist()
    [[0, 3], [1, 4], [2, 5]]
    """
    x = _as_array(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return _permute(x, (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2))


def moveaxis(a: Any, source: int | Sequence[int], destination: int | Sequence[int]
             ) -> DNDarray:
    """Move axes to new positions; the other axes keep their order.

    Parameters
    ----------
    a : array_like
    source, destination : int or sequence of int
        The axes to move and their new positions (same number of each).

    Raises
    ------
    AxisError
        An axis out of range.
    ValueError
        Different numbers of source and destination axes, or a repeated axis.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.moveaxis(em.zeros((2, 3, 4), split=2), 0, -1).shape
    (3, 4, 2)
    """
    x = _as_array(a)
    source = _axis_tuple(source, x.ndim, "source", "repeated axis in `source` argument")
    destination = _axis_tuple(destination, x.ndim, "destination",
                              "repeated axis in `destination` argument")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number "
                         "of elements")
    order = [axis for axis in range(x.ndim) if axis not in source]
    for target, axis in sorted(zip(destination, source, strict=True)):
        order.insert(target, axis)
    return _permute(x, order)


def swapaxes(a: Any, axis1: int, axis2: int) -> DNDarray:
    """The array with two axes interchanged.

    Raises
    ------
    AxisError
        An axis out of range.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.swapaxes(em.zeros((2, 3), split=0), 0, 1).split
    1
    """
    x = _as_array(a)
    axis1, axis2 = sanitize_axis(axis1, x.ndim, "axis1"), sanitize_axis(axis2, x.ndim, "axis2")
    order = list(range(x.ndim))
    order[axis1], order[axis2] = axis2, axis1
    return _permute(x, order)


# --------------------------------------------------------------------------------------
# adding and removing axes of extent 1
# --------------------------------------------------------------------------------------
def squeeze(a: Any, axis: int | Sequence[int] | None = None) -> DNDarray:
    """The array without (some of) its axes of extent 1.

    Parameters
    ----------
    a : array_like
    axis : int or sequence of int, optional
        The axes to remove (each of extent 1); all axes of extent 1 by default.

    Returns
    -------
    DNDarray
        A copy. The split axis follows its data; when the split axis itself is removed
        the result is replicated.

    Raises
    ------
    ValueError
        If a selected axis does not have extent 1, or is repeated.
    AxisError
        An axis out of range.

    Notes
    -----
    Communication: none, unless the split axis (extent 1, so held by one rank) is
    removed: then one Bcast of the result from that rank.

    Examples
    --------
    >>> import ember as em
    >>> em.squeeze(em.zeros((1, 3, 1), split=1)).shape
    (3,)
    """
    x = _as_array(a)
    if axis is None:
        axes = tuple(i for i, extent in enumerate(x.shape) if extent == 1)
    else:
        scalar = x.ndim == 0 and isinstance(axis, int) and axis in (0, -1)  # as NumPy
        axes = () if scalar else _axis_tuple(axis, x.ndim, "axis", "duplicate value in 'axis'")
        if any(x.shape[i] != 1 for i in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not "
                             "equal to one")
    shape = tuple(e for i, e in enumerate(x.shape) if i not in axes)
    if x.split is None or x.split not in axes:
        split = None if x.split is None else x.split - sum(i < x.split for i in axes)
        local = x.larray.reshape(_local_shape(shape, split, x.counts, x.comm.rank))
        return DNDarray(_fresh(local), shape, split, x.comm, x.counts)
    return DNDarray(_fresh(_broadcast_owned(x, x.larray, shape)), shape, None, x.comm)


def _with_axes(x: DNDarray, positions: Sequence[int], copy: bool = True) -> DNDarray:
    """``x`` with new axes of extent 1 at ``positions`` (axes of the result); a view of
    ``x``'s block when not ``copy`` (for callers that copy anyway). Communication: none."""
    ndim = x.ndim + len(positions)
    old = iter(range(x.ndim))
    source = [None if axis in positions else next(old) for axis in range(ndim)]
    shape = tuple(1 if s is None else x.shape[s] for s in source)
    split = None if x.split is None else source.index(x.split)
    local = x.larray.reshape(_local_shape(shape, split, x.counts, x.comm.rank))
    return DNDarray(_fresh(local) if copy else local, shape, split, x.comm, x.counts)


def expand_dims(a: Any, axis: int | Sequence[int]) -> DNDarray:
    """The array with new axes of extent 1 inserted at ``axis`` (axes of the result).

    Raises
    ------
    AxisError
        An axis out of range for the result.
    ValueError
        A repeated axis.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> x = em.expand_dims(em.zeros((2, 3), split=1), (0, -1))
    >>> x.shape, x.split
    ((1, 2, 3, 1), 2)
    """
    x = _as_array(a)
    ndim = x.ndim + (len(axis) if hasattr(axis, "__len__") else 1)
    return _with_axes(x, _axis_tuple(axis, ndim, "axis", "repeated axis"))


# atleast_Nd: input ndim -> the new axes of extent 1 (axes of the result), as NumPy
ATLEAST_AXES = {1: {0: (0,)}, 2: {0: (0, 1), 1: (0,)}, 3: {0: (0, 1, 2), 1: (0, 2), 2: (2,)}}


def _at_least(arys: tuple[Any, ...], positions: dict[int, tuple[int, ...]]
              ) -> DNDarray | tuple[DNDarray, ...]:
    """Each input with axes added at ``positions[ndim]`` (unchanged if ndim is not a key)."""
    results = []
    for ary in arys:
        x = _as_array(ary)
        results.append(_with_axes(x, positions[x.ndim]) if x.ndim in positions else x)
    return results[0] if len(results) == 1 else tuple(results)


def atleast_1d(*arys: Any) -> DNDarray | tuple[DNDarray, ...]:
    """The inputs as arrays of at least one dimension (0-d becomes shape ``(1,)``).

    Returns one array for one input, else a tuple. Inputs with enough dimensions are
    returned as they are (a DNDarray itself, not a copy, as NumPy).

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.atleast_1d(3.0).shape
    (1,)
    """
    return _at_least(arys, ATLEAST_AXES[1])


def atleast_2d(*arys: Any) -> DNDarray | tuple[DNDarray, ...]:
    """The inputs as arrays of at least two dimensions (``(N,)`` becomes ``(1, N)``).

    Returns one array for one input, else a tuple.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> x = em.atleast_2d(em.zeros(3, split=0))
    >>> x.shape, x.split
    ((1, 3), 1)
    """
    return _at_least(arys, ATLEAST_AXES[2])


def atleast_3d(*arys: Any) -> DNDarray | tuple[DNDarray, ...]:
    """The inputs as arrays of at least three dimensions: ``(N,)`` becomes
    ``(1, N, 1)`` and ``(M, N)`` becomes ``(M, N, 1)``, as NumPy.

    Returns one array for one input, else a tuple.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> [x.shape for x in em.atleast_3d(1, [1, 2])]
    [(1, 1, 1), (1, 2, 1)]
    """
    return _at_least(arys, ATLEAST_AXES[3])


# --------------------------------------------------------------------------------------
# broadcasting
# --------------------------------------------------------------------------------------
def broadcast_to(array: Any, shape: int | Sequence[int], subok: bool = False) -> DNDarray:
    """The array broadcast to ``shape`` (NumPy's rules), as a new array.

    Parameters
    ----------
    array : array_like
    shape : int or sequence of int
    subok : bool
        Accepted for compatibility (there are no subclasses).

    Returns
    -------
    DNDarray
        Each rank's block is materialised (NumPy returns a read-only view). A split
        input keeps its split axis (moved by the new leading axes) and counts; a split
        axis of extent 1 that grows is cut into balanced counts.

    Raises
    ------
    ValueError
        If the array cannot be broadcast to ``shape``, or ``shape`` has a negative
        extent.

    Notes
    -----
    Communication: none, except when the split axis has extent 1 and grows: one Bcast
    of the input (held by one rank) to every rank.

    Examples
    --------
    >>> import ember as em
    >>> em.broadcast_to(em.arange(3, split=0), (2, 3)).tolist()
    [[0, 1, 2], [0, 1, 2]]
    """
    x = _as_array(array)
    shape = sanitize_shape(shape)
    if len(shape) < x.ndim:
        raise ValueError("input operand has more dimensions than allowed by the axis "
                         "remapping")
    try:
        fits = broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {x.shape} and requested shape {shape}")
    if x.split is None:
        return DNDarray(_fresh(x.larray.expand(shape)), shape, None, x.comm)
    split = x.split + len(shape) - x.ndim
    if x.shape[x.split] == shape[split]:
        counts, local = x.counts, x.larray
    else:  # a split axis of extent 1 grows: every rank needs the owner's slice
        counts = balanced_counts(shape[split], x.comm.size)
        local = _broadcast_owned(x, x.larray, x.shape)
    local_shape = _local_shape(shape, split, counts, x.comm.rank)
    return DNDarray(_fresh(local.expand(local_shape)), shape, split, x.comm, counts)


def broadcast_arrays(*args: Any, subok: bool = False) -> tuple[DNDarray, ...]:
    """The inputs broadcast against each other (NumPy 2: a tuple).

    Each result keeps its input's distribution, as :func:`broadcast_to`.

    Raises
    ------
    ValueError
        If the shapes cannot be broadcast together.

    Notes
    -----
    Communication: as :func:`broadcast_to` for each input (none unless a split axis of
    extent 1 grows).

    Examples
    --------
    >>> import ember as em
    >>> [x.shape for x in em.broadcast_arrays(em.zeros((2, 1), split=0), [1, 2, 3])]
    [(2, 3), (2, 3)]
    """
    arrays = [_as_array(arg) for arg in args]
    shape = broadcast_shapes(*(x.shape for x in arrays))
    return tuple(broadcast_to(x, shape) for x in arrays)


def copy(a: Any, order: str = "K", subok: bool = False) -> DNDarray:
    """A copy of the array with the same distribution (function form of ``x.copy()``).

    Parameters
    ----------
    a : array_like
    order : {"K", "C", "A"}
        Ember arrays are C-ordered.
    subok : bool
        Accepted for compatibility.

    Raises
    ------
    NotImplementedError
        For ``order="F"``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import ember as em
    >>> em.copy([1, 2]).tolist()
    [1, 2]
    """
    if order not in ("K", "C", "A"):
        _check_order(order, "", "copy")
    if isinstance(a, DNDarray):
        return a.copy()
    return asarray(a, copy=True)

