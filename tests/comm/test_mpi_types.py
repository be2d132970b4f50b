"""Tests for ember.comm.mpi_types: the one torch dtype -> MPI mapping, for every dtype.

The MPI operations are applied locally (``Op.Reduce_local``), so these tests check the
mapping itself, with no communication; the collectives are tested in test_communicator.
"""

import itertools
import math

import numpy as np
import pytest
import torch
from mpi4py import MPI

from ember.comm import mpi_types

DTYPES = [torch.bool, torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
          torch.complex128]
OPS = mpi_types.REDUCE_OPS
INTEGER_TYPES = [MPI.INT8_T, MPI.UINT8_T, MPI.INT16_T, MPI.INT32_T, MPI.INT64_T]
NUMPY = {torch.bool: np.bool_, torch.int8: np.int8, torch.uint8: np.uint8,
         torch.int16: np.int16, torch.int32: np.int32, torch.int64: np.int64,
         torch.float32: np.float32, torch.float64: np.float64,
         torch.complex64: np.complex64, torch.complex128: np.complex128}


def _undefined(dtype, op):
    return (dtype.is_complex and op in ("min", "max")) or (
        dtype == torch.bool and op in ("sum", "prod"))


VALID = [(d, op) for d, op in itertools.product(DTYPES, OPS) if not _undefined(d, op)]
INVALID = [(d, op) for d, op in itertools.product(DTYPES, OPS) if _undefined(d, op)]


def name(value):
    return str(value).removeprefix("torch.")


def expected_compute_dtype(dtype, op):
    if op in ("land", "lor") or dtype == torch.bool:
        return torch.bool
    if dtype in (torch.float16, torch.bfloat16):
        return torch.float32
    return dtype


@pytest.mark.parametrize(("dtype", "op"), VALID, ids=[f"{name(d)}-{o}" for d, o in VALID])
def test_plan_for_every_dtype(dtype, op):
    plan = mpi_types.reduction_plan(dtype, op)
    assert plan.compute_dtype == expected_compute_dtype(dtype, op)
    item = torch.empty(0, dtype=plan.compute_dtype).element_size()
    assert plan.datatype.Get_size() == item
    if plan.compute_dtype.is_floating_point or plan.compute_dtype.is_complex:
        assert plan.datatype not in INTEGER_TYPES  # a float never travels as an integer
    assert mpi_types.reduction_rule(dtype, op)[0] == plan.compute_dtype


@pytest.mark.parametrize(("dtype", "op"), VALID, ids=[f"{name(d)}-{o}" for d, o in VALID])
def test_plan_computes_the_operation(dtype, op):
    plan = mpi_types.reduction_plan(dtype, op)
    kind = NUMPY[plan.compute_dtype]
    a = np.array([0, 1, 2, -3, 5, 0], dtype=np.int64)
    b = np.array([0, 3, -2, 2, 5, 7], dtype=np.int64)
    if kind == np.uint8:
        a, b = np.abs(a), np.abs(b)
    a, b = a.astype(kind), b.astype(kind)
    inout = b.copy()
    plan.op.Reduce_local([a, plan.datatype], [inout, plan.datatype])
    effective = {"min": "land", "max": "lor"}.get(op, op) if dtype == torch.bool else op
    expected = {"sum": a + b, "prod": a * b, "min": np.minimum(a, b),
                "max": np.maximum(a, b), "land": np.logical_and(a, b),
                "lor": np.logical_or(a, b)}[effective]
    np.testing.assert_array_equal(inout, expected.astype(kind))


@pytest.mark.parametrize("op", ["min", "max"])
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64],
                         ids=name)
def test_float_min_max_propagate_nan_in_either_order(dtype, op):
    plan = mpi_types.reduction_plan(dtype, op)
    kind = NUMPY[plan.compute_dtype]
    x = np.array([np.nan, 1.0, np.nan, -0.5], dtype=kind)
    y = np.array([2.0, np.nan, np.nan, 0.5], dtype=kind)
    expected = (np.minimum if op == "min" else np.maximum)(x, y)
    for first, second in [(x, y), (y, x)]:
        inout = second.copy()
        plan.op.Reduce_local([first, plan.datatype], [inout, plan.datatype])
        np.testing.assert_array_equal(inout, expected)


@pytest.mark.parametrize(("dtype", "op"), INVALID, ids=[f"{name(d)}-{o}" for d, o in INVALID])
def test_undefined_reductions_raise_type_error(dtype, op):
    with pytest.raises(TypeError, match=op):
        mpi_types.reduction_rule(dtype, op)
    with pytest.raises(TypeError, match=op):
        mpi_types.reduction_plan(dtype, op)


@pytest.mark.parametrize("op", ["mean", "MIN", "", None, "argmin"])
def test_unknown_op_raises_value_error(op):
    with pytest.raises(ValueError, match="op must be one of"):
        mpi_types.reduction_rule(torch.float32, op)


def test_boolean_min_max_are_logical():
    assert mpi_types.reduction_rule(torch.bool, "min") == (torch.bool, "LAND")
    assert mpi_types.reduction_rule(torch.bool, "max") == (torch.bool, "LOR")
    assert mpi_types.reduction_plan(torch.bool, "min").op == MPI.LAND
    assert mpi_types.reduction_plan(torch.int32, "sum").op == MPI.SUM


# --------------------------------------------------------------------------------------
# (value, index) records of argmin/argmax
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [np.float32, np.float64, np.int8, np.int64, np.bool_])
def test_pair_record_and_datatype(value):
    record = mpi_types.pair_record(np.dtype(value))
    assert record.names == ("value", "index")
    assert record.itemsize == np.dtype(value).itemsize + 8
    datatype = mpi_types.pair_datatype(record)
    assert datatype.Get_size() == record.itemsize
    assert mpi_types.pair_datatype(record) is datatype  # cached


def _records(record, values, indices):
    out = np.empty(len(values), dtype=record)
    out["value"], out["index"] = values, indices
    return out


@pytest.mark.parametrize("kind", ["argmin", "argmax"])
def test_pair_op_follows_numpy_rules(kind):
    record = mpi_types.pair_record(np.dtype(np.float32))
    datatype, op = mpi_types.pair_datatype(record), mpi_types.pair_op(kind, record)
    nan = math.nan
    #       smaller  larger  tie    tie   nan-vs-1  1-vs-nan nan-nan  missing  present
    mine = ([2.0,    2.0,    3.0,   3.0,  nan,      1.0,     nan,     7.0,     nan],
            [5,      5,      5,     2,    4,        4,       9,       -1,      3])
    other = ([1.0,   3.0,    3.0,   3.0,  1.0,      nan,     nan,     nan,     0.0],
             [8,     8,      1,     6,    2,        8,       1,       5,       -1])
    better = 0 if kind == "argmin" else 1  # which of the first two columns `other` wins
    expected_index = [8 if better == 0 else 5, 8 if better == 1 else 5, 1, 2, 4, 8, 1, 5, 3]
    for first, second in [(mine, other), (other, mine)]:  # commutative
        inout = _records(record, *second)
        op.Reduce_local([_records(record, *first), len(inout), datatype],
                        [inout, len(inout), datatype])
        np.testing.assert_array_equal(inout["index"], expected_index)
    assert mpi_types.pair_op(kind, record) is op  # cached
