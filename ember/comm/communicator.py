"""``Communicator``: MPI collectives on torch tensors, handed over as buffers.

Naming follows mpi4py: capitalised methods move tensor memory (no pickling; contiguous
CPU tensors are not copied), lower-case methods move small Python objects (metadata,
error messages). Every method is collective over the communicator unless it says
otherwise, so every rank must call it, in the same order.

With one process nothing here touches MPI: every collective returns its input (or the
trivially reduced value) at once, after validating its arguments as with many, and a
message sent to oneself waits in a local mailbox until received. Tensors on a GPU are
staged through host memory unless the MPI library is CUDA-aware
(``EMBER_CUDA_AWARE_MPI=1``).
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from .mpi_types import reduction_rule

__all__ = ["Communicator"]

Shape = Sequence[int]

_CUDA_AWARE = os.environ.get("EMBER_CUDA_AWARE_MPI", "0") not in ("0", "", "false", "no")


def _identity(dtype: torch.dtype, op: str) -> float | int | bool:
    """The neutral element of ``op`` (used for rank 0 of an exclusive scan)."""
    if op in ("sum", "lor"):
        return 0
    if op in ("prod", "land"):
        return 1
    if dtype == torch.bool:
        return op == "min"
    if dtype.is_floating_point:
        return float("inf") if op == "min" else float("-inf")
    info = torch.iinfo(dtype)
    return info.max if op == "min" else info.min


def _reduce_alone(tensor: torch.Tensor, op: str) -> torch.Tensor:
    """The reduction of ``tensor`` over a world of one process (validated as with many)."""
    compute, _ = reduction_rule(tensor.dtype, op)
    if compute == torch.bool and tensor.dtype != torch.bool:
        return (tensor != 0).to(tensor.dtype)
    return tensor


def _leading(shape: Shape, axis: int) -> bool:
    """Whether slabs along ``axis`` are contiguous runs of a C-ordered buffer."""
    return all(extent == 1 for extent in shape[:axis])


def _axis(axis: int, ndim: int, name: str = "axis") -> int:
    """``axis`` made non-negative; ``numpy.exceptions.AxisError`` when out of range."""
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim, name)
    return axis % ndim


def _check_counts(counts: Sequence[int], size: int, name: str, total: int | None = None
                  ) -> list[int]:
    """``counts`` as a list of ``size`` non-negative ints (summing to ``total`` if given).

    A wrong sum would make MPI read or write past a buffer: ValueError instead.
    """
    counts = [int(c) for c in counts]
    if len(counts) != size or any(c < 0 for c in counts):
        raise ValueError(f"{name} must be {size} non-negative integers, got {counts}")
    if total is not None and sum(counts) != total:
        raise ValueError(f"{name} {counts} must add up to {total}")
    return counts


def _check_root(root: int, size: int) -> None:
    """ValueError unless ``0 <= root < size``."""
    if not 0 <= root < size:
        raise ValueError(f"root must be a rank in [0, {size}), got {root}")


def _offsets(counts: Sequence[int]) -> list[int]:
    """Exclusive prefix sums of ``counts``."""
    return np.concatenate(([0], np.cumsum(counts[:-1], dtype=np.int64))).tolist()


class Communicator:
    """A group of processes exchanging torch tensors.

    Parameters
    ----------
    handle : mpi4py.MPI.Intracomm or None
        The MPI communicator to wrap; ``None`` is a world of this process alone, which
        never calls MPI.

    Attributes
    ----------
    rank : int
        This process's rank, ``0 <= rank < size``.
    size : int
        The number of processes.

    Examples
    --------
    >>> comm = Communicator(None)
    >>> comm.Allreduce(torch.tensor([1.0, 2.0]), op="sum")
    tensor([1., 2.])
    """

    def __init__(self, handle=None) -> None:
        self.handle = handle
        self.rank = 0 if handle is None else handle.Get_rank()
        self.size = 1 if handle is None else handle.Get_size()
        # With one process, point-to-point messages to oneself wait here, per tag.
        self._mailbox: dict[int, deque[torch.Tensor]] = {}

    def __repr__(self) -> str:
        return f"Communicator(rank={self.rank}, size={self.size})"

    @property
    def is_distributed(self) -> bool:
        """Whether more than one process takes part."""
        return self.size > 1

    # ----------------------------------------------------------------------------------
    # buffers
    # ----------------------------------------------------------------------------------
    @staticmethod
    def _bytes(tensor: torch.Tensor):
        """A byte buffer over ``tensor``'s memory (contiguous; host unless CUDA-aware)."""
        flat = tensor.detach().reshape(-1)
        # A contiguous tensor of 0 or 1 elements may carry any stride (NumPy gives empty
        # results zero strides); bytes can only be viewed with a unit stride.
        flat = flat.as_strided((flat.numel(),), (1,)).view(torch.uint8)
        if flat.is_cuda:
            torch.cuda.current_stream(flat.device).synchronize()
            return flat
        return flat.numpy()

    @staticmethod
    def _staged(tensor: torch.Tensor) -> torch.Tensor:
        """``tensor`` made contiguous, and moved to host memory if MPI cannot read the GPU."""
        if tensor.is_cuda and not _CUDA_AWARE:
            tensor = tensor.cpu()
        return tensor.detach().resolve_conj().resolve_neg().contiguous()

    @staticmethod
    def _empty_like_staged(shape: Shape, like: torch.Tensor) -> torch.Tensor:
        device = like.device if (not like.is_cuda or _CUDA_AWARE) else torch.device("cpu")
        return torch.empty(tuple(shape), dtype=like.dtype, device=device)

    # ----------------------------------------------------------------------------------
    # reductions and scans
    # ----------------------------------------------------------------------------------
    def Allreduce(self, tensor: torch.Tensor, op: str = "sum") -> torch.Tensor:
        """Reduce ``tensor`` elementwise over all ranks; every rank gets the result.

        Parameters
        ----------
        tensor : torch.Tensor
            Same shape and dtype on every rank.
        op : {"sum", "prod", "min", "max", "land", "lor"}
            float16 and bfloat16 are reduced in float32 and rounded back once; booleans
            support min/max/land/lor; complex numbers sum/prod/land/lor. min/max of
            floats propagate NaN (as NumPy); land/lor of any dtype give 0 or 1.

        Raises
        ------
        ValueError
            For an unknown ``op``.
        TypeError
            For min/max of complex numbers and sum/prod of booleans (on every process
            count, before any communication).

        Returns
        -------
        torch.Tensor
            A new tensor on ``tensor``'s device (``tensor`` itself with one process,
            except for land/lor of non-booleans, which give 0 or 1 as with many).

        Notes
        -----
        Communication: one MPI_Allreduce of ``tensor.numel()`` elements.
        """
        if self.size == 1:
            return _reduce_alone(tensor, op)
        return self._reduce(tensor, op, "Allreduce")

    def Scan(self, tensor: torch.Tensor, op: str = "sum") -> torch.Tensor:
        """Inclusive prefix reduction over ranks: rank r gets ``op(t_0, ..., t_r)``.

        ``op`` and the dtype rules are those of :meth:`Allreduce`.

        Notes
        -----
        Communication: one MPI_Scan of ``tensor.numel()`` elements.
        """
        if self.size == 1:
            return _reduce_alone(tensor, op)
        return self._reduce(tensor, op, "Scan")

    def Exscan(self, tensor: torch.Tensor, op: str = "sum") -> torch.Tensor:
        """Exclusive prefix reduction: rank r gets ``op(t_0, ..., t_{r-1})``.

        Rank 0 gets the neutral element of ``op`` (0 for sum, 1 for prod, +inf for
        min, ...), unlike raw MPI which leaves it undefined.

        Notes
        -----
        Communication: one MPI_Exscan of ``tensor.numel()`` elements.
        """
        reduction_rule(tensor.dtype, op)
        if self.size == 1:
            return torch.full_like(tensor, _identity(tensor.dtype, op))
        result = self._reduce(tensor, op, "Exscan")
        if self.rank == 0:
            result.fill_(_identity(tensor.dtype, op))
        return result

    def _reduce(self, tensor: torch.Tensor, op: str, method: str) -> torch.Tensor:
        from .mpi_types import reduction_plan

        plan = reduction_plan(tensor.dtype, op)
        send = self._staged(tensor.to(plan.compute_dtype))
        recv = torch.empty_like(send)
        getattr(self.handle, method)(
            [self._bytes(send), send.numel(), plan.datatype],
            [self._bytes(recv), recv.numel(), plan.datatype],
            plan.op,
        )
        return recv.to(device=tensor.device, dtype=tensor.dtype)

    def Allreduce_argextreme(
        self, values: torch.Tensor, indices: torch.Tensor, kind: str
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Merge per-rank (value, global index) candidates of an argmin or argmax.

        Parameters
        ----------
        values, indices : torch.Tensor
            Same shape; ``indices`` int64, negative where a rank has no candidate (an
            empty chunk).
        kind : {"argmin", "argmax"}
            NumPy's rules: NaN wins (it propagates), ties go to the smaller index.

        Returns
        -------
        (values, indices) : tuple of torch.Tensor
            The winning records, identical on every rank.

        Notes
        -----
        Communication: one MPI_Allreduce of ``values.numel()`` records of
        ``itemsize + 8`` bytes, with a user-defined commutative operation.
        """
        if kind not in ("argmin", "argmax"):
            raise ValueError(f"kind must be 'argmin' or 'argmax', got {kind!r}")
        if values.is_complex():
            raise TypeError(f"{kind} is not defined for complex dtype {values.dtype}")
        if self.size == 1:
            return values, indices
        from .mpi_types import pair_datatype, pair_op, pair_record

        exact = values.float() if values.dtype in (torch.float16, torch.bfloat16) else values
        host = exact.detach().cpu().contiguous().numpy()
        record = pair_record(host.dtype)
        send = np.empty(host.shape, dtype=record)
        send["value"] = host
        send["index"] = indices.detach().cpu().numpy()
        recv = np.empty_like(send)
        datatype = pair_datatype(record)
        self.handle.Allreduce([send, send.size, datatype], [recv, recv.size, datatype],
                              pair_op(kind, record))
        out_values = torch.from_numpy(recv["value"].copy())
        out_indices = torch.from_numpy(recv["index"].copy())
        return (out_values.to(device=values.device, dtype=values.dtype),
                out_indices.to(indices.device))

    def Allreduce_moments(self, count: torch.Tensor, mean: torch.Tensor, m2: torch.Tensor
                          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Merge per-rank partial moments into global ones (for mean, var, std).

        Parameters
        ----------
        count, mean, m2 : torch.Tensor
            Same shape: each rank's number of values, their mean and their sum of squared
            deviations (``m2``) per output element. Ranks without values pass count 0.

        Returns
        -------
        (count, mean, m2) : tuple of torch.Tensor
            The global moments (float64 counts and m2; ``mean`` in float64 or
            complex128), identical on every rank.

        Notes
        -----
        Communication: one MPI_Allreduce of ``count.numel()`` records of 24 (or 32)
        bytes, merged with Chan et al.'s pairwise formulas (never a second pass over the
        data).
        """
        if self.size == 1:
            return count, mean, m2
        from .mpi_types import moments_op, moments_record, pair_datatype

        mean_dtype = np.complex128 if mean.is_complex() else np.float64
        record = moments_record(np.dtype(mean_dtype))
        send = np.empty(tuple(count.shape), dtype=record)
        send["count"] = count.detach().cpu().double().numpy()
        send["mean"] = mean.detach().cpu().resolve_conj().numpy().astype(mean_dtype)
        send["m2"] = m2.detach().cpu().double().numpy()
        recv = np.empty_like(send)
        datatype = pair_datatype(record)
        self.handle.Allreduce([send, send.size, datatype], [recv, recv.size, datatype],
                              moments_op(record))
        device = count.device
        return tuple(torch.from_numpy(recv[name].copy()).to(device)
                     for name in ("count", "mean", "m2"))

    # ----------------------------------------------------------------------------------
    # data movement
    # ----------------------------------------------------------------------------------
    def Bcast(self, tensor: torch.Tensor, root: int = 0) -> torch.Tensor:
        """Broadcast root's ``tensor``; other ranks pass a tensor of the same shape/dtype.

        Returns the received tensor (``tensor`` itself on root). Other ranks receive into
        ``tensor`` itself when it is a contiguous tensor MPI can read, else into a new
        one: use the returned tensor, and do not count on ``tensor`` being left alone.

        Notes
        -----
        Communication: one MPI_Bcast of ``tensor.nbytes`` bytes.
        """
        _check_root(root, self.size)
        if self.size == 1:
            return tensor
        buffer = self._staged(tensor)
        self.handle.Bcast(self._bytes(buffer), root=root)
        return buffer.to(tensor.device)

    def Allgather(self, tensor: torch.Tensor) -> torch.Tensor:
        """Stack every rank's same-shaped ``tensor`` along a new leading axis.

        Notes
        -----
        Communication: one MPI_Allgather; each rank receives ``size * tensor.nbytes``.
        """
        if self.size == 1:
            return tensor.unsqueeze(0)
        send = self._staged(tensor)
        recv = self._empty_like_staged((self.size, *send.shape), send)
        self.handle.Allgather(self._bytes(send), self._bytes(recv))
        return recv.to(tensor.device)

    def Allgatherv(
        self, tensor: torch.Tensor, axis: int = 0, counts: Sequence[int] | None = None
    ) -> torch.Tensor:
        """Concatenate every rank's ``tensor`` along ``axis`` in rank order.

        Parameters
        ----------
        tensor : torch.Tensor
            Shapes agree on every rank except along ``axis``.
        axis : int
            The concatenation axis.
        counts : sequence of int, optional
            Each rank's extent along ``axis``; discovered with one small Allgather when
            not given.

        Notes
        -----
        Communication: one MPI_Allgatherv; each rank receives the whole result.
        """
        axis = _axis(axis, tensor.dim())
        if counts is not None:
            counts = _check_counts(counts, self.size, "counts")
            if counts[self.rank] != tensor.shape[axis]:
                raise ValueError(f"counts[{self.rank}] = {counts[self.rank]} but this rank's "
                                 f"tensor has {tensor.shape[axis]} along axis {axis}")
        if self.size == 1:
            return tensor
        if counts is None:
            counts = self.allgather_object(tensor.shape[axis])
        shape = list(tensor.shape)
        shape[axis] = sum(counts)
        send = self._staged(tensor)
        recv = self._empty_like_staged(shape, send)
        byte_counts = [c * _slab(shape, axis) * send.element_size() for c in counts]
        if _leading(shape, axis):
            self.handle.Allgatherv(self._bytes(send), [self._bytes(recv), byte_counts])
            return recv.to(tensor.device)
        flat = self._empty_like_staged((recv.numel(),), send)
        self.handle.Allgatherv(self._bytes(send), [self._bytes(flat), byte_counts])
        pieces = _unflatten(flat, shape, axis, counts)
        return torch.cat(pieces, dim=axis).to(tensor.device)

    def Alltoall(self, tensor: torch.Tensor) -> torch.Tensor:
        """Send block ``i`` of ``tensor`` (split evenly along axis 0) to rank ``i``.

        ``tensor.shape[0]`` must be a multiple of ``size``; the result has the same
        shape, block ``j`` coming from rank ``j``.

        Notes
        -----
        Communication: one MPI_Alltoall of ``tensor.nbytes`` bytes per rank.
        """
        if tensor.shape[0] % self.size:
            raise ValueError(
                f"Alltoall needs tensor.shape[0] ({tensor.shape[0]}) to be a multiple "
                f"of the number of processes ({self.size})"
            )
        if self.size == 1:
            return tensor
        send = self._staged(tensor)
        recv = torch.empty_like(send)
        self.handle.Alltoall(self._bytes(send), self._bytes(recv))
        return recv.to(tensor.device)

    def Alltoallv(
        self,
        tensor: torch.Tensor,
        send_counts: Sequence[int],
        send_axis: int,
        recv_shape: Shape,
        recv_counts: Sequence[int],
        recv_axis: int,
    ) -> torch.Tensor:
        """Personalised all-to-all of slabs: the engine of every redistribution.

        Rank ``i`` receives slab ``i`` of ``tensor`` cut along ``send_axis`` into
        ``send_counts``; the slab from rank ``j`` lands as slab ``j`` of the result (shape
        ``recv_shape``) cut along ``recv_axis`` into ``recv_counts``. Slabs along a
        leading axis travel straight from and into the tensors' memory; others are packed
        and unpacked with one copy each.

        Notes
        -----
        Communication: one MPI_Alltoallv; each rank sends ``tensor.nbytes`` and receives
        the bytes of ``recv_shape``.
        """
        send_axis = _axis(send_axis, tensor.dim(), "send_axis")
        recv_axis = _axis(recv_axis, len(recv_shape), "recv_axis")
        send_counts = _check_counts(send_counts, self.size, "send_counts",
                                    tensor.shape[send_axis])
        recv_counts = _check_counts(recv_counts, self.size, "recv_counts",
                                    recv_shape[recv_axis])
        if self.size == 1:
            return tensor
        send = self._staged(tensor)
        item = send.element_size()
        send_slab = _slab(send.shape, send_axis)
        recv_slab = _slab(recv_shape, recv_axis)
        send_bytes = [c * send_slab * item for c in send_counts]
        recv_bytes = [c * recv_slab * item for c in recv_counts]
        if not _leading(send.shape, send_axis):
            send = torch.cat([p.reshape(-1) for p in send.split(list(send_counts), send_axis)])
        leading_recv = _leading(recv_shape, recv_axis)
        numel = int(np.prod(recv_shape, dtype=np.int64))
        recv = self._empty_like_staged(recv_shape if leading_recv else (numel,), send)
        self.handle.Alltoallv(
            [self._bytes(send), send_bytes, _offsets(send_bytes), _byte_type()],
            [self._bytes(recv), recv_bytes, _offsets(recv_bytes), _byte_type()],
        )
        if not leading_recv:
            recv = torch.cat(_unflatten(recv, recv_shape, recv_axis, recv_counts), recv_axis)
        return recv.to(tensor.device)

    # ----------------------------------------------------------------------------------
    # point to point
    # ----------------------------------------------------------------------------------
    def Send(self, tensor: torch.Tensor, dest: int, tag: int = 0) -> None:
        """Blocking send of ``tensor``'s bytes to ``dest`` (not collective).

        With one process, a message to oneself is kept (copied) until received.
        """
        if self.size == 1:
            self._post(tensor, dest, tag)
            return
        self.handle.Send(self._bytes(self._staged(tensor)), dest=dest, tag=tag)

    def Recv(self, shape: Shape, like: torch.Tensor, source: int, tag: int = 0) -> torch.Tensor:
        """Blocking receive of a tensor of ``shape`` and ``like``'s dtype/device."""
        if self.size == 1:
            return self._collect(shape, like, source, tag)
        recv = self._empty_like_staged(shape, like)
        self.handle.Recv(self._bytes(recv), source=source, tag=tag)
        return recv.to(like.device)

    def _post(self, tensor: torch.Tensor, dest: int, tag: int) -> None:
        """One process: keep a copy of a message sent to oneself."""
        if dest != 0:
            raise ValueError(f"dest must be 0 in a world of one process, got {dest}")
        copy = tensor.detach().resolve_conj().resolve_neg().clone()
        self._mailbox.setdefault(tag, deque()).append(copy)

    def _collect(self, shape: Shape, like: torch.Tensor, source: int, tag: int) -> torch.Tensor:
        """One process: the oldest message sent to oneself with ``tag``, as ``shape``."""
        if source != 0:
            raise ValueError(f"source must be 0 in a world of one process, got {source}")
        queue = self._mailbox.get(tag)
        if not queue:
            raise RuntimeError(f"receive with tag {tag} has no matching send: it would "
                               "wait forever in a world of one process")
        message = queue.popleft()
        if message.dtype != like.dtype or message.numel() != int(np.prod(shape)):
            raise ValueError(f"message of {message.numel()} {message.dtype} elements does "
                             f"not fit shape {tuple(shape)} of dtype {like.dtype}")
        return message.reshape(tuple(shape)).to(like.device)

    def Sendrecv(
        self,
        tensor: torch.Tensor,
        dest: int,
        source: int,
        recv_shape: Shape | None = None,
        tag: int = 0,
    ) -> torch.Tensor:
        """Send ``tensor`` to ``dest`` while receiving one from ``source`` (a ring shift).

        Parameters
        ----------
        recv_shape : sequence of int, optional
            Shape of the incoming tensor; ``tensor.shape`` when not given.

        Notes
        -----
        Communication: one MPI_Sendrecv; ``tensor.nbytes`` out, ``recv_shape`` in.
        """
        if recv_shape is None:
            recv_shape = tensor.shape
        if self.size == 1:
            return tensor.reshape(recv_shape)
        send = self._staged(tensor)
        recv = self._empty_like_staged(recv_shape, send)
        self.handle.Sendrecv(self._bytes(send), dest=dest, sendtag=tag,
                             recvbuf=self._bytes(recv), source=source, recvtag=tag)
        return recv.to(tensor.device)

    def Isend(self, tensor: torch.Tensor, dest: int, tag: int = 0) -> PendingTransfer:
        """Start sending ``tensor`` to ``dest``; ``wait()`` the returned transfer."""
        if self.size == 1:
            self._post(tensor, dest, tag)
            return PendingTransfer(None, tensor, tensor.device)
        send = self._staged(tensor)
        request = self.handle.Isend(self._bytes(send), dest=dest, tag=tag)
        return PendingTransfer(request, send, tensor.device)

    def Irecv(self, shape: Shape, like: torch.Tensor, source: int, tag: int = 0
              ) -> PendingTransfer:
        """Start receiving a tensor of ``shape``; ``wait()`` returns it.

        With one process the message is taken at ``wait()``, so the matching ``Isend``
        may come after this call, as with MPI.
        """
        if self.size == 1:
            return PendingTransfer(None, None, like.device,
                                   lambda: self._collect(shape, like, source, tag))
        recv = self._empty_like_staged(shape, like)
        request = self.handle.Irecv(self._bytes(recv), source=source, tag=tag)
        return PendingTransfer(request, recv, like.device)

    def Barrier(self) -> None:
        """Wait until every rank has arrived. Communication: one MPI_Barrier."""
        if self.size > 1:
            self.handle.Barrier()

    def Split(self, color: int, key: int = 0) -> Communicator:
        """Partition the ranks by ``color`` into sub-communicators, ordered by ``key``.

        Notes
        -----
        Communication: one MPI_Comm_split.
        """
        if self.size == 1:
            return self
        return Communicator(self.handle.Split(color, key))

    # ----------------------------------------------------------------------------------
    # small Python objects (metadata, errors): pickled, lower-case like mpi4py
    # ----------------------------------------------------------------------------------
    def allgather_object(self, obj: Any) -> list[Any]:
        """Every rank's ``obj``, in rank order. For small metadata only."""
        if self.size == 1:
            return [obj]
        return self.handle.allgather(obj)

    def bcast_object(self, obj: Any, root: int = 0) -> Any:
        """Root's ``obj`` on every rank. For small metadata only."""
        _check_root(root, self.size)
        if self.size == 1:
            return obj
        return self.handle.bcast(obj, root=root)

    def all_agree(self, flag: bool) -> bool:
        """Whether ``flag`` is true on every rank. Communication: one 1-byte Allreduce."""
        if self.size == 1:
            return bool(flag)
        return bool(self.Allreduce(torch.tensor([bool(flag)]), op="land").item())

    def raise_if_any(self, error: BaseException | None) -> None:
        """Raise the same exception on every rank if any rank passes one.

        The cure for data-dependent failures that only some ranks see (an index out of
        range in one chunk, a file one rank cannot read): every rank calls this with its
        own error or ``None``; then either all continue, or all raise the error of the
        lowest failing rank.

        The exception travels pickled, so its type, message and attributes (an
        ``OSError``'s ``filename``, say) are the same on every rank; one that cannot be
        pickled is raised everywhere as a ``RuntimeError`` naming its type and message.

        Notes
        -----
        Communication: one 8-byte Allreduce; on failure, one small Bcast more.
        """
        if error is not None and not isinstance(error, BaseException):
            # Still take part in the agreement below: raising here alone would hang the rest.
            error = TypeError(f"error must be an exception or None, got {type(error).__name__}")
        if self.size == 1:
            if error is not None:
                raise error
            return
        flag = torch.tensor([self.rank if error is not None else self.size])
        first = int(self.Allreduce(flag, op="min").item())
        if first == self.size:
            return
        faithful, payload = _portable(error) if self.rank == first else (None, None)
        faithful, payload = self.bcast_object((faithful, payload), root=first)
        if self.rank == first and faithful:
            raise error
        raise pickle.loads(payload) from error


class PendingTransfer:
    """A started non-blocking send or receive; ``wait()`` completes it.

    ``request`` is the MPI request, or ``None`` in a world of one process, where
    ``complete`` (if given) produces the received tensor at ``wait()``.
    """

    def __init__(self, request, buffer: torch.Tensor | None, device: torch.device,
                 complete: Callable[[], torch.Tensor] | None = None) -> None:
        self._request = request
        self._buffer = buffer
        self._device = device
        self._complete = complete

    def wait(self) -> torch.Tensor:
        """Block until done; return the tensor (received data for a receive)."""
        if self._request is not None:
            self._request.Wait()
        if self._complete is not None:
            self._buffer, self._complete = self._complete(), None
        return self._buffer.to(self._device)


def _portable(error: BaseException) -> tuple[bool, bytes]:
    """``(True, error pickled)``, or ``(False, a RuntimeError naming its type and message
    pickled)`` if ``error`` cannot make the round trip (unpicklable arguments, a
    constructor that rejects its own args)."""
    try:
        payload = pickle.dumps(error)
        pickle.loads(payload)
    except Exception:
        return False, pickle.dumps(RuntimeError(f"{type(error).__qualname__}: {error}"))
    return True, payload


def _slab(shape: Shape, axis: int) -> int:
    """Elements in one index step along ``axis`` (product of the other extents)."""
    return int(np.prod([e for i, e in enumerate(shape) if i != axis], dtype=np.int64))


def _unflatten(flat: torch.Tensor, shape: Shape, axis: int, counts: Sequence[int]
               ) -> list[torch.Tensor]:
    """Views of the consecutive C-ordered slabs packed in ``flat``."""
    slab = _slab(shape, axis)
    sizes = [c * slab for c in counts]
    pieces = []
    for piece, count in zip(flat.split(sizes), counts, strict=True):
        piece_shape = list(shape)
        piece_shape[axis] = count
        pieces.append(piece.view(piece_shape))
    return pieces


def _byte_type():
    from mpi4py import MPI

    return MPI.BYTE
