"""The one mapping from torch dtypes to MPI datatypes and reduction operations.

Data *movement* (gather, all-to-all, broadcast, point-to-point) always travels as raw
bytes (``MPI.BYTE``): it is exact for every dtype, including float16 and bfloat16 that
MPI has no portable type for. Only *arithmetic* collectives (Allreduce, Scan, Exscan)
need typed buffers; this module says which MPI datatype carries each dtype there, and
in which dtype the arithmetic is done (float16 and bfloat16 are reduced in float32 and
rounded back once, never sent as an integer type).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from mpi4py import MPI

__all__ = [
    "REDUCE_OPS",
    "ReductionPlan",
    "reduction_plan",
    "pair_op",
    "pair_datatype",
]

#: Names of the reduction operations accepted by the arithmetic collectives.
REDUCE_OPS = ("sum", "prod", "min", "max", "land", "lor")

_MPI_OPS = {
    "sum": MPI.SUM,
    "prod": MPI.PROD,
    "min": MPI.MIN,
    "max": MPI.MAX,
    "land": MPI.LAND,
    "lor": MPI.LOR,
}

# torch dtype -> MPI datatype used for arithmetic on it. float16/bfloat16 are absent on
# purpose: they are reduced in float32 (see ``reduction_plan``).
_MPI_ARITHMETIC_TYPES = {
    torch.bool: MPI.C_BOOL,
    torch.int8: MPI.INT8_T,
    torch.uint8: MPI.UINT8_T,
    torch.int16: MPI.INT16_T,
    torch.int32: MPI.INT32_T,
    torch.int64: MPI.INT64_T,
    torch.float32: MPI.FLOAT,
    torch.float64: MPI.DOUBLE,
    torch.complex64: MPI.C_FLOAT_COMPLEX,
    torch.complex128: MPI.C_DOUBLE_COMPLEX,
}

_REDUCED_IN_FLOAT32 = (torch.float16, torch.bfloat16)
_COMPLEX = (torch.complex64, torch.complex128)


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


def reduction_plan(dtype: torch.dtype, op: str) -> ReductionPlan:
    """Return the plan for reducing tensors of ``dtype`` with ``op``.

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
        booleans: cast them first).

    Examples
    --------
    >>> reduction_plan(torch.float16, "sum").compute_dtype
    torch.float32
    """
    if op not in _MPI_OPS:
        raise ValueError(f"op must be one of {REDUCE_OPS}, got {op!r}")
    if dtype in _COMPLEX and op in ("min", "max", "land", "lor"):
        raise TypeError(f"reduction {op!r} is not defined for complex dtype {dtype}")
    if dtype == torch.bool and op in ("sum", "prod"):
        raise TypeError(f"reduction {op!r} of booleans: cast to an integer dtype first")
    if dtype == torch.bool:
        op = {"min": "land", "max": "lor"}.get(op, op)
    compute = torch.float32 if dtype in _REDUCED_IN_FLOAT32 else dtype
    return ReductionPlan(compute, _MPI_ARITHMETIC_TYPES[compute], _MPI_OPS[op])


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
