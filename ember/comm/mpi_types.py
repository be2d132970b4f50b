"""The one mapping from torch dtypes to MPI datatypes and reduction operations.

Data *movement* (gather, all-to-all, broadcast, point-to-point) always travels as raw
bytes (``MPI.BYTE``): it is exact for every dtype, including float16 and bfloat16 that
MPI has no portable type for. Only *arithmetic* collectives (Allreduce, Scan, Exscan)
need typed buffers; this module says which MPI datatype carries each dtype there, and
in which dtype the arithmetic is done (float16 and bfloat16 are reduced in float32 and
rounded back once, never sent as an integer type; the logical operations are done on
booleans, as MPI defines them for no floating-point or complex type). Floating-point
min/max propagate NaN as NumPy does, through a user-defined operation: MPI's own MIN
and MAX drop a NaN or keep it depending on the order of the operands, so ranks could
even disagree on the result.

Importing this module does not initialise MPI: :func:`reduction_rule` validates a
reduction without it, so a world of one process raises the same errors as many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = [
    "REDUCE_OPS",
    "ReductionPlan",
    "reduction_rule",
    "reduction_plan",
    "pair_record",
    "pair_op",
    "pair_datatype",
]

#: Names of the reduction operations accepted by the arithmetic collectives.
REDUCE_OPS = ("sum", "prod", "min", "max", "land", "lor")

# op name -> name of the MPI.Op constant.
_MPI_OPS = {
    "sum": "SUM",
    "prod": "PROD",
    "min": "MIN",
    "max": "MAX",
    "land": "LAND",
    "lor": "LOR",
}

# torch dtype -> name of the MPI datatype used for arithmetic on it. float16/bfloat16
# are absent on purpose: they are reduced in float32 (see ``reduction_rule``).
_MPI_ARITHMETIC_TYPES = {
    torch.bool: "C_BOOL",
    torch.int8: "INT8_T",
    torch.uint8: "UINT8_T",
    torch.int16: "INT16_T",
    torch.int32: "INT32_T",
    torch.int64: "INT64_T",
    torch.float32: "FLOAT",
    torch.float64: "DOUBLE",
    torch.complex64: "C_FLOAT_COMPLEX",
    torch.complex128: "C_DOUBLE_COMPLEX",
}

_REDUCED_IN_FLOAT32 = (torch.float16, torch.bfloat16)
_COMPLEX = (torch.complex64, torch.complex128)
_LOGICAL = ("land", "lor")


@dataclass(frozen=True)
class ReductionPlan:
    """How an arithmetic collective handles one (dtype, op) pair.

    Attributes
    ----------
    compute_dtype : torch.dtype
        The dtype the buffer is converted to before the collective.
    datatype : MPI.Datatype
        The MPI datatype describing one element of ``compute_dtype``.
    op : MPI.Op
        The MPI reduction operation.
    """

    compute_dtype: torch.dtype
    datatype: MPI.Datatype
    op: MPI.Op


def reduction_rule(dtype: torch.dtype, op: str) -> tuple[torch.dtype, str]:
    """Validate reducing ``dtype`` with ``op``; return ``(compute dtype, MPI op name)``.

    Needs no MPI, so every process count validates alike.

    Parameters
    ----------
    dtype : torch.dtype
        The dtype of the tensors to reduce.
    op : str
        One of :data:`REDUCE_OPS`.

    Raises
    ------
    ValueError
        If ``op`` is unknown.
    TypeError
        If ``op`` is undefined for ``dtype`` (min/max of complex numbers, sum/prod of
        booleans: cast them first), or ``dtype`` is not supported.

    Examples
    --------
    >>> reduction_rule(torch.float16, "sum")
    (torch.float32, 'SUM')
    >>> reduction_rule(torch.bool, "max")
    (torch.bool, 'LOR')
    """
    if op not in _MPI_OPS:
        raise ValueError(f"op must be one of {REDUCE_OPS}, got {op!r}")
    if dtype in _COMPLEX and op in ("min", "max"):
        raise TypeError(f"reduction {op!r} is not defined for complex dtype {dtype}")
    if dtype == torch.bool and op in ("sum", "prod"):
        raise TypeError(f"reduction {op!r} of booleans: cast to an integer dtype first")
    if dtype == torch.bool:
        op = {"min": "land", "max": "lor"}.get(op, op)
    if op in _LOGICAL:
        return torch.bool, _MPI_OPS[op]
    compute = torch.float32 if dtype in _REDUCED_IN_FLOAT32 else dtype
    if compute not in _MPI_ARITHMETIC_TYPES:
        raise TypeError(f"reduction of dtype {dtype} is not supported")
    return compute, _MPI_OPS[op]


def reduction_plan(dtype: torch.dtype, op: str) -> ReductionPlan:
    """Return the plan for reducing tensors of ``dtype`` with ``op`` (initialises MPI).

    Raises the errors of :func:`reduction_rule`.

    Examples
    --------
    >>> reduction_plan(torch.float16, "sum").compute_dtype
    torch.float32
    """
    from mpi4py import MPI

    compute, op_name = reduction_rule(dtype, op)
    datatype = getattr(MPI, _MPI_ARITHMETIC_TYPES[compute])
    if compute.is_floating_point and op_name in _NAN_UFUNCS:
        return ReductionPlan(compute, datatype, _nan_propagating_op(op_name, compute))
    return ReductionPlan(compute, datatype, getattr(MPI, op_name))


_NAN_UFUNCS = {"MIN": np.minimum, "MAX": np.maximum}
_NUMPY_FLOATS = {torch.float32: np.float32, torch.float64: np.float64}
_nan_ops: dict[tuple[str, torch.dtype], MPI.Op] = {}


def _nan_propagating_op(op_name: str, dtype: torch.dtype) -> MPI.Op:
    """A commutative MPI min/max on ``dtype`` where NaN wins, as ``numpy.minimum`` (cached)."""
    from mpi4py import MPI

    key = (op_name, dtype)
    op = _nan_ops.get(key)
    if op is None:
        ufunc, np_dtype = _NAN_UFUNCS[op_name], _NUMPY_FLOATS[dtype]

        def merge(inbuf, inoutbuf, datatype) -> None:
            result = np.frombuffer(inoutbuf, dtype=np_dtype)
            ufunc(np.frombuffer(inbuf, dtype=np_dtype), result, out=result)

        op = MPI.Op.Create(merge, commute=True)
        _nan_ops[key] = op
    return op


# --------------------------------------------------------------------------------------
# (value, index) pairs for distributed argmin/argmax
# --------------------------------------------------------------------------------------

_pair_datatypes: dict[int, MPI.Datatype] = {}
_pair_ops: dict[tuple[str, np.dtype], MPI.Op] = {}


def pair_record(value_dtype: np.dtype) -> np.dtype:
    """The packed record ``(value, int64 index)`` exchanged by argmin/argmax."""
    return np.dtype([("value", value_dtype), ("index", np.int64)])


def pair_datatype(record: np.dtype) -> MPI.Datatype:
    """A committed MPI datatype of ``record.itemsize`` contiguous bytes (cached)."""
    from mpi4py import MPI

    datatype = _pair_datatypes.get(record.itemsize)
    if datatype is None:
        datatype = MPI.BYTE.Create_contiguous(record.itemsize).Commit()
        _pair_datatypes[record.itemsize] = datatype
    return datatype


def _take_other(mine: np.ndarray, other: np.ndarray, kind: str) -> np.ndarray:
    """Mask of records where ``other`` wins over ``mine`` (NumPy's argmin/argmax rules).

    NaN wins over numbers (it propagates, as in NumPy); among equal values, and among
    NaNs, the smaller global index wins; a negative index marks "no candidate".
    """
    a, b = mine["value"], other["value"]
    ia, ib = mine["index"], other["index"]
    a_nan, b_nan = a != a, b != b
    better = (b < a) if kind == "argmin" else (b > a)
    ties = (a == b) | (a_nan & b_nan)
    wins = (b_nan & ~a_nan) | (~a_nan & ~b_nan & better) | (ties & (ib < ia))
    a_missing, b_missing = ia < 0, ib < 0
    return ~b_missing & (a_missing | wins)


def pair_op(kind: str, record: np.dtype) -> MPI.Op:
    """A commutative MPI operation merging (value, index) records for ``kind``.

    Parameters
    ----------
    kind : {"argmin", "argmax"}
    record : numpy.dtype
        The record layout from :func:`pair_record`.
    """
    from mpi4py import MPI

    key = (kind, record)
    op = _pair_ops.get(key)
    if op is None:

        def merge(inbuf, inoutbuf, datatype) -> None:
            incoming = np.frombuffer(inbuf, dtype=record)
            result = np.frombuffer(inoutbuf, dtype=record)
            take = _take_other(result, incoming, kind)
            result[take] = incoming[take]

        op = MPI.Op.Create(merge, commute=True)
        _pair_ops[key] = op
    return op


# --------------------------------------------------------------------------------------
# (count, mean, M2) records for distributed mean/var/std (Chan et al.'s parallel merge)
# --------------------------------------------------------------------------------------
_moment_ops: dict[np.dtype, MPI.Op] = {}


def moments_record(mean_dtype: np.dtype) -> np.dtype:
    """The packed record ``(count, mean, M2)``; ``M2`` is the sum of squared deviations."""
    return np.dtype([("count", np.float64), ("mean", mean_dtype), ("m2", np.float64)])


def merge_moments(mine: np.ndarray, other: np.ndarray) -> None:
    """Merge ``other`` into ``mine`` in place (Chan, Golub and LeVeque's pairwise update).

    Empty partial results (count 0) are neutral.
    """
    na, nb = mine["count"], other["count"]
    n = na + nb
    safe = np.where(n > 0, n, 1.0)
    delta = other["mean"] - mine["mean"]
    mine["mean"] = mine["mean"] + delta * (nb / safe)
    mine["m2"] = mine["m2"] + other["m2"] + np.abs(delta) ** 2 * (na * nb / safe)
    mine["count"] = n


def moments_op(record: np.dtype) -> MPI.Op:
    """A commutative MPI operation merging (count, mean, M2) records (cached)."""
    from mpi4py import MPI

    op = _moment_ops.get(record)
    if op is None:

        def merge(inbuf, inoutbuf, datatype) -> None:
            merge_moments(np.frombuffer(inoutbuf, dtype=record),
                          np.frombuffer(inbuf, dtype=record))

        op = MPI.Op.Create(merge, commute=True)
        _moment_ops[record] = op
    return op
