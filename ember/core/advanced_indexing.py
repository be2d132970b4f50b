"""Advanced indexing of DNDarrays: integer arrays and boolean masks (internal).

The engine behind :func:`ember.core.indexing.getitem` / ``setitem`` once the basic part of
a key (slices, integers, ``None``) has been applied. Two mechanisms:

- a boolean mask selects locally, once aligned with the array's distribution
  (:func:`mask_get`, :func:`mask_set`);
- integer arrays index locally when the split axis is not among the indexed axes, and
  otherwise go through the "gather rows by global index" primitive
  (:func:`gather_points`, :func:`gather_rows`): each rank sends the indices it wants to
  their owners and gets the rows back, with one Alltoall of the request counts and two
  Alltoallv (requests out, rows back); :func:`scatter_points` is its mirror for
  assignment (requests and values out).

Nothing here loops in Python over indices, elements or ranks with collectives inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from ..comm import Communicator
from . import redistribution
from .alignment import align, broadcast_shapes, operand_block
from .distribution import balanced_counts, local_range, offsets
from .dndarray import DNDarray

__all__: list[str] = []

Index = Any  # a replicated torch tensor or a DNDarray of integers


def out_of_bounds(index: int, axis: int, size: int) -> IndexError:
    """NumPy's error for an index outside ``[-size, size)``."""
    return IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")


@dataclass
class Indexer:
    """One advanced index: an integer array on axis ``position`` of the indexed array.

    ``value`` is a torch tensor (replicated, already checked and non-negative) or a
    DNDarray (checked and normalised here, block by block); ``axis`` and ``size`` name
    the axis of the user's array in error messages (``axis`` None: known to be valid).
    """

    position: int
    value: Index
    axis: int | None
    size: int


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
def permute(x: DNDarray, order: Sequence[int]) -> DNDarray:
    """``x`` with its axes in ``order`` (a view; the split axis follows its data)."""
    order = tuple(order)
    if order == tuple(range(x.ndim)):
        return x
    split = None if x.split is None else order.index(x.split)
    shape = tuple(x.shape[axis] for axis in order)
    return DNDarray(x.larray.permute(order), shape, split, x.comm, x.counts)


def _check_block(block: torch.Tensor, indexer: Indexer) -> tuple[int, int, int] | None:
    """The first out-of-range index in this rank's block as ``(index, axis, size)``."""
    if indexer.axis is None or block.numel() == 0:
        return None
    bad = (block < -indexer.size) | (block >= indexer.size)
    if not bool(bad.any()):
        return None
    return int(block[bad][0]), indexer.axis, indexer.size


def _nonnegative(block: torch.Tensor, size: int) -> torch.Tensor:
    return torch.where(block < 0, block + size, block)


def broadcast_index_shape(indexers: Sequence[Indexer]) -> tuple[int, ...]:
    """The broadcast shape of the index arrays (NumPy's IndexError if they do not)."""
    shapes = [tuple(i.value.shape) for i in indexers]
    try:
        return broadcast_shapes(*shapes)
    except ValueError:
        shown = " ".join(str(s) for s in shapes)
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         f"with shapes {shown}") from None


def to_replicated(indexer: Indexer) -> Indexer:
    """``indexer`` with a whole (gathered) tensor; the same checks on every rank.

    Communication: one Allgatherv of a distributed index array, none otherwise.
    """
    value = indexer.value
    if not isinstance(value, DNDarray):
        return indexer
    full = value._full_tensor()
    failure = _check_block(full, indexer)
    if failure is not None:
        raise out_of_bounds(*failure)
    return Indexer(indexer.position, _nonnegative(full, indexer.size), None, indexer.size)


# --------------------------------------------------------------------------------------
# layout of an advanced selection (NumPy's placement rule)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the broadcast index dimensions land in the result.

    The work is done with the indexed axes moved to the front ("B-first": ``B + rest``);
    NumPy puts the ``B`` dimensions in place of adjacent indexed axes, else first.
    """

    positions: tuple[int, ...]
    rest: tuple[int, ...]
    b_shape: tuple[int, ...]
    front: int  # how many rest axes come before B in NumPy's order

    @classmethod
    def of(cls, ndim: int, positions: Sequence[int], b_shape: tuple[int, ...]) -> Layout:
        positions = tuple(positions)
        adjacent = positions == tuple(range(positions[0], positions[0] + len(positions)))
        rest = tuple(d for d in range(ndim) if d not in positions)
        return cls(positions, rest, b_shape, positions[0] if adjacent else 0)

    @property
    def to_numpy(self) -> tuple[int, ...]:
        """The permutation from B-first order to NumPy's order."""
        nb = len(self.b_shape)
        return (*(nb + i for i in range(self.front)), *range(nb),
                *(nb + i for i in range(self.front, len(self.rest))))

    @property
    def to_b_first(self) -> tuple[int, ...]:
        """The permutation from NumPy's order to B-first order."""
        forward = self.to_numpy
        return tuple(forward.index(i) for i in range(len(forward)))

    def numpy_axis(self, axis: int) -> int:
        """The result axis (NumPy's order) of the indexed array's non-indexed ``axis``."""
        i = self.rest.index(axis)
        return i if i < self.front else i + len(self.b_shape)

    def shape(self, indexed_shape: Sequence[int]) -> tuple[int, ...]:
        """The result's shape in NumPy's order."""
        rest = [indexed_shape[d] for d in self.rest]
        return (*rest[:self.front], *self.b_shape, *rest[self.front:])


# --------------------------------------------------------------------------------------
# the routing primitive: gather / scatter by global index
# --------------------------------------------------------------------------------------
class _Route:
    """Requests sorted by owner, and the counts every rank sends and receives.

    Communication: one Alltoall of ``P x 5`` integers per rank (the request counts,
    together with this rank's first out-of-range index, if any, so that every rank
    raises the same IndexError without another collective).
    """

    def __init__(self, keys: torch.Tensor, counts: Sequence[int], comm: Communicator,
                 failure: tuple[int, int, int] | None = None) -> None:
        self.comm = comm
        size = comm.size
        ends = torch.tensor(offsets(counts)[1:] + (sum(counts),), dtype=torch.int64,
                            device=keys.device)
        owner = torch.searchsorted(ends, keys.contiguous(), right=True).clamp_(max=size - 1)
        self.order = torch.argsort(owner, stable=True) if size > 1 else None
        sent = torch.bincount(owner, minlength=size).cpu()
        table = torch.zeros((size, 5), dtype=torch.int64)
        table[:, 0] = sent
        if failure is not None:
            table[:, 1:] = torch.tensor([1, *failure])
        received = comm.Alltoall(table)
        failed = torch.nonzero(received[:, 1]).reshape(-1)
        if failed.numel():
            index, axis, extent = received[int(failed[0]), 2:].tolist()
            raise out_of_bounds(index, axis, extent)
        self.send_counts = sent.tolist()
        self.recv_counts = received[:, 0].tolist()

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        """Rows in request order, delivered to their owners (source rank order).

        Communication: one Alltoallv of ``rows``.
        """
        if self.order is None:
            return rows
        shape = (sum(self.recv_counts), *rows.shape[1:])
        return self.comm.Alltoallv(rows[self.order], self.send_counts, 0, shape,
                                   self.recv_counts, 0)

    def backward(self, answers: torch.Tensor) -> torch.Tensor:
        """Owners' answers (one per received request) back in the original request order.

        Communication: one Alltoallv of ``answers``.
        """
        if self.order is None:
            return answers
        shape = (sum(self.send_counts), *answers.shape[1:])
        back = self.comm.Alltoallv(answers, self.recv_counts, 0, shape, self.send_counts, 0)
        result = torch.empty_like(back)
        result[self.order] = back
        return result


def gather_points(local: torch.Tensor, counts: Sequence[int], comm: Communicator,
                  columns: Sequence[torch.Tensor], split_column: int = 0,
                  failure: tuple[int, int, int] | None = None) -> torch.Tensor:
    """Fetch ``local[c0[i], c1[i], ...]`` by global index from the owning ranks.

    Parameters
    ----------
    local : torch.Tensor
        This rank's block of an array split along axis ``split_column`` with ``counts``.
    counts : sequence of int
        The extents of every rank's block along that axis.
    comm : Communicator
    columns : sequence of 1-D int64 tensors of one length m
        Non-negative indices into the first ``len(columns)`` axes of the array; the one
        at ``split_column`` is a global index along the split axis, the others are local.
    split_column : int
    failure : (index, axis, size), optional
        An out-of-range index this rank found in its requests: every rank raises
        NumPy's IndexError for the lowest failing rank's, before any data moves.

    Returns
    -------
    torch.Tensor
        Shape ``(m, *local.shape[len(columns):])``, in request order.

    Notes
    -----
    Communication: one Alltoall of ``P x 5`` integers, one Alltoallv of the requests
    (``8 * len(columns)`` bytes each), one Alltoallv of the answered rows.
    """
    route = _Route(columns[split_column], counts, comm, failure)
    requests = route.forward(torch.stack(list(columns), dim=1))
    requests[:, split_column] -= offsets(counts)[comm.rank]
    if requests.shape[1] == 1:  # rows: index_select is several times faster
        return route.backward(local.index_select(0, requests[:, 0]))
    return route.backward(local[tuple(requests.unbind(1))])


def gather_rows(local: torch.Tensor, counts: Sequence[int], comm: Communicator,
                index: torch.Tensor) -> torch.Tensor:
    """Rows of an array split along axis 0 by global row index (any order, repeats).

    ``local`` is this rank's block (rank r holds ``counts[r]`` rows); ``index`` is this
    rank's 1-D int64 request of non-negative global row numbers. Returns
    ``(len(index), *local.shape[1:])`` in request order.

    Notes
    -----
    Communication: one Alltoall of the request counts, one Alltoallv of the indices,
    one Alltoallv of the rows.
    """
    return gather_points(local, counts, comm, [index], 0)


def scatter_points(local: torch.Tensor, counts: Sequence[int], comm: Communicator,
                   columns: Sequence[torch.Tensor], values: torch.Tensor | None,
                   scalar: torch.Tensor | None = None, split_column: int = 0,
                   failure: tuple[int, int, int] | None = None) -> None:
    """``local[c0[i], c1[i], ...] = values[i]`` by global index, on the owning ranks.

    ``values`` has one row per request (or is None and ``scalar`` is written). With
    repeated indices the last request in global order wins on the CPU (requests arrive
    in source rank order and keep their order within a rank).

    Notes
    -----
    Communication: one Alltoall of ``P x 5`` integers, one Alltoallv of the requests,
    one Alltoallv of the values (none for a scalar).
    """
    route = _Route(columns[split_column], counts, comm, failure)
    requests = route.forward(torch.stack(list(columns), dim=1))
    requests[:, split_column] -= offsets(counts)[comm.rank]
    written = scalar if values is None else route.forward(values)
    local[tuple(requests.unbind(1))] = written


# --------------------------------------------------------------------------------------
# integer arrays: get
# --------------------------------------------------------------------------------------
def _index_blocks(indexers: Sequence[Indexer], comm: Communicator, b_shape: tuple,
                  device: torch.device, share: bool):
    """The index arrays' blocks brought to one distribution of the broadcast shape B.

    Distributed index arrays lead (:func:`~ember.core.alignment.align`); with ``share``,
    replicated ones are cut into balanced blocks along B's first axis so that the work
    (and the result) is spread over the ranks.

    Returns ``(columns, local_b_shape, split, counts, failure)``: flattened non-negative
    int64 columns, this rank's block shape of B, B's split and counts, and this rank's
    first out-of-range index as ``(index, axis, size)`` or None.
    """
    aligned = align([i.value for i in indexers], comm)
    split, counts = aligned.split, aligned.counts
    local_shape = aligned.local_shape
    blocks = [torch.as_tensor(b).to(device) for b in aligned.blocks]
    if split is None and share and b_shape:
        split, counts = 0, balanced_counts(b_shape[0], comm.size)
        start, stop = local_range(counts, comm.rank)
        local_shape = (stop - start, *b_shape[1:])
        blocks = [b.narrow(0, start, stop - start)
                  if b.dim() == len(b_shape) and b.shape[0] != 1 else b for b in blocks]
    failure = None
    columns = []
    for block, indexer in zip(blocks, indexers, strict=True):
        if isinstance(indexer.value, DNDarray):
            failure = failure or _check_block(block, indexer)
            block = _nonnegative(block, indexer.size)
        columns.append(torch.broadcast_to(block, local_shape).reshape(-1))
    return columns, local_shape, split, counts, failure


def _raise_agreed(failure: tuple | None, comm: Communicator) -> None:
    """Raise the failure of the lowest failing rank on every rank (one small Allreduce)."""
    error = None if failure is None else out_of_bounds(*failure)
    comm.raise_if_any(error)


def advanced_get(y: DNDarray, indexers: Sequence[Indexer]) -> DNDarray:
    """``y[...]`` with integer arrays on the axes ``indexer.position`` (slices elsewhere).

    Communication: if ``y`` is split along an indexed axis, the routing of
    :func:`gather_points` (one Alltoall, two Alltoallv); replicated index arrays are
    then shared out in balanced blocks and the result is split along the first index
    dimension. If ``y`` is split along another axis: none (a distributed index array
    is gathered first: one Allgatherv). If ``y`` is replicated: none, the result taking
    the distribution of the index arrays (one 8-byte Allreduce checks distributed ones).
    """
    comm = y.comm
    b_shape = broadcast_index_shape(indexers)
    layout = Layout.of(y.ndim, [i.position for i in indexers], b_shape)
    yp = permute(y, layout.positions + layout.rest)
    k = len(indexers)
    rest_shape = yp.shape[k:]
    if yp.split is not None and yp.split < k:
        columns, b_local, split, counts, failure = _index_blocks(
            indexers, comm, b_shape, y.larray.device, share=True)
        answers = gather_points(yp.larray, yp.counts, comm, columns, yp.split, failure)
        local = answers.reshape(*b_local, *rest_shape)
    else:
        if yp.split is not None:
            indexers = [to_replicated(i) for i in indexers]
        columns, b_local, split, counts, failure = _index_blocks(
            indexers, comm, b_shape, y.larray.device, share=False)
        if any(isinstance(i.value, DNDarray) for i in indexers):
            _raise_agreed(failure, comm)
        local = yp.larray[tuple(columns)].reshape(*b_local, *yp.larray.shape[k:])
        if yp.split is not None:
            split, counts = len(b_shape) + yp.split - k, yp.counts
    result = DNDarray(local, (*b_shape, *rest_shape), split, comm, counts)
    result = permute(result, layout.to_numpy)
    return DNDarray(result.larray.contiguous(), result.shape, result.split, comm,
                    result.counts)


# --------------------------------------------------------------------------------------
# values for assignment
# --------------------------------------------------------------------------------------
def fit_value(value: Any, shape: tuple[int, ...], advanced: bool = False) -> Any:
    """``value`` (a tensor or DNDarray) checked to broadcast to ``shape``, with surplus
    leading axes of length one removed (NumPy allows them).

    Raises
    ------
    ValueError
        NumPy's message when it does not broadcast.
    """
    vshape = tuple(value.shape)
    extra = 0
    while len(vshape) - extra > len(shape) and vshape[extra] == 1:
        extra += 1
    try:
        fits = len(vshape) - extra <= len(shape) and \
            broadcast_shapes(vshape[extra:], shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        if advanced:
            raise ValueError(f"shape mismatch: value array of shape {vshape} could not be "
                             f"broadcast to indexing result of shape {tuple(shape)}")
        raise ValueError(f"could not broadcast input array from shape {vshape} into shape "
                         f"{tuple(shape)}")
    if not extra:
        return value
    if isinstance(value, torch.Tensor):
        return value.reshape(vshape[extra:])
    if value.split is not None and value.split < extra:
        value = value.resplit(None)
    split = None if value.split is None else value.split - extra
    return DNDarray(value.larray.reshape(value.larray.shape[extra:]), vshape[extra:], split,
                    value.comm, value.counts)


def flip_value(value: Any, axes: Sequence[int], ndim: int) -> Any:
    """``value`` reversed along the selection axes ``axes`` (of a selection of ``ndim``
    dimensions it broadcasts to). Communication: one Sendrecv per flipped split axis of
    a DNDarray value, none otherwise."""
    own = [a - (ndim - value.ndim) for a in axes]
    own = [a for a in own if a >= 0 and value.shape[a] > 1]
    if not own:
        return value
    if isinstance(value, torch.Tensor):
        return torch.flip(value, own)
    from .rearranging import flip

    return flip(value, tuple(own))


def value_block(value: Any, shape: tuple[int, ...], split: int | None, counts,
                comm: Communicator) -> torch.Tensor:
    """This rank's block of ``value`` (fitted to ``shape``) for a selection distributed
    along ``split`` with ``counts``; it broadcasts to the selection's local shape.

    Communication: none for a replicated value; for a DNDarray, that of aligning it
    (see :mod:`ember.core.alignment`), one Allgatherv when the selection is replicated.
    """
    if isinstance(value, DNDarray):
        if split is None:
            return value._full_tensor()
        return operand_block(value, len(shape), split, tuple(counts))
    if split is None:
        return value
    axis = split - (len(shape) - value.dim())
    if axis < 0 or value.shape[axis] == 1:
        return value
    start, stop = local_range(counts, comm.rank)
    return value.narrow(axis, start, stop - start)


def is_distributed_value(value: Any) -> bool:
    return isinstance(value, DNDarray) and value.is_distributed()


# --------------------------------------------------------------------------------------
# integer arrays: set
# --------------------------------------------------------------------------------------
def advanced_set(view: torch.Tensor, y: DNDarray, indexers: Sequence[Indexer], value: Any,
                 flips: Sequence[int]) -> None:
    """``y[...] = value`` with integer arrays on the axes ``indexer.position``, where
    ``view`` is this rank's block of ``y`` (a view into the target array) and ``y`` its
    metadata; ``flips`` are axes of ``y`` whose order the value must reverse.

    Communication: ``y`` split along an indexed axis: none when the index arrays and the
    value are replicated (each rank writes what it owns); otherwise the routing of
    :func:`scatter_points` (one Alltoall, one Alltoallv of indices, one of values).
    ``y`` split along another axis or replicated: none beyond gathering distributed
    index arrays and aligning the value.
    """
    comm = y.comm
    b_shape = broadcast_index_shape(indexers)
    layout = Layout.of(y.ndim, [i.position for i in indexers], b_shape)
    order = layout.positions + layout.rest
    yp = permute(y, order)
    vp = view.permute(order)
    k = len(indexers)
    sel_numpy = layout.shape(y.shape)
    value = fit_value(value, sel_numpy, advanced=True)
    value = flip_value(value, [layout.numpy_axis(a) for a in flips], len(sel_numpy))
    value = _b_first(value, layout, len(sel_numpy))
    sel = (*b_shape, *yp.shape[k:])
    distributed = any(isinstance(i.value, DNDarray) for i in indexers)
    if yp.split is not None and yp.split < k:
        if not distributed and not is_distributed_value(value):
            _write_owned(vp, yp, indexers, value, sel)
            return
        columns, b_local, split, counts, failure = _index_blocks(
            indexers, comm, b_shape, view.device, share=True)
        block = value_block(value, sel, split, counts, comm)
        m = columns[0].numel() if columns else 0
        scalar = (value.size if isinstance(value, DNDarray) else value.numel()) == 1
        rows = None if scalar else block.expand(*b_local, *sel[len(b_shape):]).reshape(
            m, *sel[len(b_shape):])
        scatter_points(vp, yp.counts, comm, columns, rows,
                       scalar=block.reshape(()) if scalar else None, split_column=yp.split,
                       failure=failure)
        return
    # every rank writes its whole block of y: it needs every index
    indexers = [to_replicated(i) for i in indexers]
    split = None if yp.split is None else len(b_shape) + yp.split - k
    counts = yp.counts
    columns, b_local, _, _, _ = _index_blocks(indexers, comm, b_shape, view.device,
                                              share=False)
    block = value_block(value, sel, split, counts, comm)
    rest_local = vp.shape[k:]
    m = columns[0].numel()
    block = block.expand(*b_local, *rest_local).reshape(m, *rest_local)
    vp[tuple(columns)] = block


def _b_first(value: Any, layout: Layout, ndim: int) -> Any:
    """A value fitted to the NumPy-ordered selection, permuted to B-first order."""
    order = layout.to_b_first
    if order == tuple(range(ndim)):
        return value
    if isinstance(value, torch.Tensor):
        value = value.reshape((1,) * (ndim - value.dim()) + tuple(value.shape))
        return value.permute(order)
    if value.ndim < ndim:
        extra = ndim - value.ndim
        split = None if value.split is None else value.split + extra
        value = DNDarray(value.larray.reshape((1,) * extra + tuple(value.larray.shape)),
                         (1,) * extra + value.shape, split, value.comm, value.counts)
    return permute(value, order)


def _write_owned(vp: torch.Tensor, yp: DNDarray, indexers: Sequence[Indexer], value: Any,
                 sel: tuple[int, ...]) -> None:
    """Replicated index arrays and value: each rank writes the requests it owns."""
    k = len(indexers)
    b_shape = sel[:len(sel) - (yp.ndim - k)]
    columns = [torch.broadcast_to(i.value.to(vp.device), b_shape).reshape(-1)
               for i in indexers]
    start, stop = local_range(yp.counts, yp.comm.rank)
    key = columns[yp.split]
    mine = torch.nonzero((key >= start) & (key < stop)).reshape(-1)
    picked = [c[mine] for c in columns]
    picked[yp.split] = picked[yp.split] - start
    rest = sel[len(b_shape):]
    if isinstance(value, DNDarray):
        value = value.larray
    if value.numel() == 1:
        vp[tuple(picked)] = value.reshape(())
        return
    rows = value.expand(sel).reshape(columns[0].numel(), *rest)
    vp[tuple(picked)] = rows[mine]


# --------------------------------------------------------------------------------------
# boolean masks
# --------------------------------------------------------------------------------------
def _mask_block(mask: Any, counts: Sequence[int] | None, comm: Communicator
                ) -> torch.Tensor:
    """This rank's part of ``mask``: the whole mask (``counts`` None), or its block along
    its first axis for ``counts``.

    Communication: none for a replicated mask; for a distributed one, one Allgatherv
    (whole) or one Alltoallv (new counts or another split; none if it already fits).
    """
    if counts is None:
        return mask._full_tensor() if isinstance(mask, DNDarray) else mask
    if isinstance(mask, torch.Tensor) or not mask.is_distributed():
        full = mask if isinstance(mask, torch.Tensor) else mask.larray
        start, stop = local_range(counts, comm.rank)
        return full.narrow(0, start, stop - start)
    if mask.split == 0:
        return redistribution.change_counts(mask.larray, mask.shape, 0, mask.counts, counts,
                                            comm)
    local, _ = redistribution.change_split(mask.larray, mask.shape, mask.split, mask.counts,
                                           0, comm, counts)
    return local


def _boolean_select(block: torch.Tensor, position: int, mask: torch.Tensor) -> torch.Tensor:
    """``block[..., mask, ...]`` with ``mask`` from axis ``position`` on (local).

    On the CPU through NumPy's boolean indexing on views of the same memory: 2-3x
    faster than torch's for large blocks.
    """
    if block.device.type == "cpu" and block.dtype != torch.bfloat16 \
            and not block.is_conj() and not block.requires_grad:
        index = (slice(None),) * position + (mask.numpy(),)
        return torch.from_numpy(block.numpy()[index])
    return block[(slice(None),) * position + (mask,)]


def mask_get(y: DNDarray, position: int, mask: Any) -> DNDarray:
    """``y[..., mask, ...]`` for one boolean mask covering the axes
    ``position .. position + mask.ndim - 1`` of ``y``.

    Communication: bringing the mask to ``y``'s blocks (none when it is replicated or
    shares ``y``'s distribution); if ``y`` is split along the first masked axis (or is
    replicated and the mask distributed), one Allgather of one integer per rank (the
    selected counts; the result is split there, unbalanced); if ``y`` is split along a
    later masked axis, one Alltoallv first to re-split ``y`` along the first masked axis.
    Other splits: none, the counts are unchanged.
    """
    comm, k = y.comm, mask.ndim
    if y.split is not None and position < y.split < position + k:
        y = y.resplit(position)
    block, split = y.larray, y.split
    if split is None and isinstance(mask, DNDarray) and mask.split is not None:
        if mask.split != 0:
            mask = mask.resplit(0)
        start, stop = local_range(mask.counts, comm.rank)
        block, split = block.narrow(position, start, stop - start), position
        local_mask = mask.larray
    else:
        local_mask = _mask_block(mask, y.counts if split == position else None, comm)
    local = _boolean_select(block, position, local_mask.to(block.device))
    if split is None:
        return DNDarray(local, tuple(local.shape), None, comm)
    if split == position:
        from .creation import from_local

        return from_local(local, position, comm)
    shape = (*y.shape[:position], local.shape[position], *y.shape[position + k:])
    split = split if split < position else split - k + 1
    return DNDarray(local, shape, split, comm, y.counts)


def mask_set(view: torch.Tensor, y: DNDarray, position: int, mask: Any, value: Any,
             flips: Sequence[int]) -> None:
    """``y[..., mask, ...] = value`` (``view``: this rank's block of ``y`` in the target).

    ``y`` must not be split along a masked axis other than the first (callers route that
    case through the integer path).

    Communication: beyond aligning the mask and the value with ``y``'s blocks (none
    when they are replicated or share its distribution): when ``y`` is split along the
    first masked axis and the value has one entry per selected element, one Allgather of
    one integer per rank (the selected counts); none otherwise.
    """
    comm, k = y.comm, mask.ndim
    split = y.split
    local_mask = _mask_block(mask, y.counts if split == position else None, comm)
    local_mask = local_mask.to(view.device)
    chosen = int(local_mask.sum())
    sel_ndim = y.ndim - k + 1
    if split == position and _broadcasts_along(value, position, sel_ndim):
        sel_split, counts, total = None, None, 1  # the block does not depend on counts
    elif split == position:
        sel_split = position
        counts = tuple(comm.Allgather(torch.tensor([chosen])).reshape(-1).tolist())
        total = sum(counts)
    else:
        sel_split = None if split is None else (split if split < position else split - k + 1)
        counts, total = y.counts, chosen
    sel = (*y.shape[:position], total, *y.shape[position + k:])
    value = fit_value(value, sel, advanced=True)
    value = flip_value(value, [a if a < position else a - k + 1 for a in flips], sel_ndim)
    block = value_block(value, sel, sel_split, counts, comm)
    view[(slice(None),) * position + (local_mask,)] = block


def _broadcasts_along(value: Any, axis: int, ndim: int) -> bool:
    """Whether ``value`` is not distributed and of length one (or absent) along ``axis``
    of a selection of ``ndim`` axes, so that its block does not depend on the counts."""
    if isinstance(value, DNDarray) and value.is_distributed():
        return False
    own = axis - (ndim - value.ndim)
    return own < 0 or value.shape[own] == 1


def mask_indexers(mask: Any, position: int) -> list[Indexer]:
    """Integer index arrays (one per masked axis) selecting what ``mask`` selects.

    Communication: none for a replicated mask; for a distributed one, one Alltoallv if
    it is not split along its first axis, then one Allgather of one integer per rank
    (the index arrays are split along their only axis, unbalanced).
    """
    if not isinstance(mask, DNDarray) or mask.split is None:
        local = mask if isinstance(mask, torch.Tensor) else mask.larray
        columns = torch.nonzero(local).unbind(1)
        return [Indexer(position + j, c, None, 0) for j, c in enumerate(columns)]
    from .creation import from_local

    if mask.split != 0:
        mask = mask.resplit(0)
    found = torch.nonzero(mask.larray)
    found[:, 0] += mask.offsets[mask.comm.rank]
    columns = found.unbind(1)
    first = from_local(columns[0].contiguous(), 0, mask.comm)
    arrays = [first] + [DNDarray(c.contiguous(), first.shape, 0, mask.comm, first.counts)
                        for c in columns[1:]]
    return [Indexer(position + j, a, None, 0) for j, a in enumerate(arrays)]
