"""Tests for ember.comm.Communicator: every collective, every dtype, on every rank (SPMD).

The oracle: every rank can build every rank's data (``data(dtype, r)``), so it computes
the expected result of each collective locally with torch/NumPy and compares exactly.
Data are small dyadic numbers, so sums and products are exact in every dtype.
"""

import math
import os
import shutil
import tempfile
import time

import numpy as np
import pytest
import torch

from ember.comm import Communicator

DTYPES = [
    torch.bool,
    torch.int8,
    torch.uint8,
    torch.int16,
    torch.int32,
    torch.int64,
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.complex64,
    torch.complex128,
]
REAL = [d for d in DTYPES if not d.is_complex]
FLOATS = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
LOW = (torch.float16, torch.bfloat16)
OPS = ["sum", "prod", "min", "max", "land", "lor"]


def _undefined(dtype, op):
    return (dtype.is_complex and op in ("min", "max")) or (
        dtype == torch.bool and op in ("sum", "prod"))


def ops_of(dtype):
    return [op for op in OPS if not _undefined(dtype, op)]


INVALID = [(d, op) for d in DTYPES for op in OPS if _undefined(d, op)]


def name(value):
    return str(value).removeprefix("torch.")


# --------------------------------------------------------------------------------------
# deterministic data and oracles
# --------------------------------------------------------------------------------------
def data(dtype, r, shape=(3, 4)):
    """Rank ``r``'s tensor: values in -3..3 (0..6 unsigned), halves for floats."""
    idx = torch.arange(math.prod(shape), dtype=torch.int64)
    base = (idx * 5 + r * 3) % 7 - 3
    if dtype == torch.bool:
        t = (idx % 4 == 0) | ((idx + r) % 3 == 0)
    elif dtype == torch.uint8:
        t = base + 3
    elif dtype.is_complex:
        t = torch.complex(base * 0.5, ((idx + 2 * r) % 5 - 2) * 0.25)
    elif dtype.is_floating_point:
        t = base * 0.5
    else:
        t = base
    return t.reshape(shape).to(dtype)


def stack(dtype, ranks, shape=(3, 4)):
    return torch.stack([data(dtype, r, shape) for r in ranks])


def oracle(stacked, dtype, op):
    """``op`` over the leading axis, as the library promises to compute it."""
    if dtype == torch.bool:
        op = {"min": "land", "max": "lor"}.get(op, op)
    if op in ("land", "lor"):
        truth = stacked != 0
        return (truth.all(0) if op == "land" else truth.any(0)).to(dtype)
    wide = stacked.float() if dtype in LOW else stacked
    reduce = {"sum": wide.sum, "prod": wide.prod, "min": wide.amin, "max": wide.amax}[op]
    return reduce(0).to(dtype)


def identity(dtype, op, shape=(3, 4)):
    """The neutral element rank 0 gets from Exscan, stated independently of the code."""
    if dtype == torch.bool:
        value = {"min": True, "max": False, "land": True, "lor": False}[op]
    elif op in ("sum", "lor"):
        value = 0
    elif op in ("prod", "land"):
        value = 1
    elif dtype.is_floating_point:
        value = math.inf if op == "min" else -math.inf
    else:
        info = torch.iinfo(dtype)
        value = info.max if op == "min" else info.min
    return torch.full(shape, value, dtype=dtype)


def host(t):
    """NumPy copy of a tensor (bfloat16 widened to float32, exactly)."""
    t = t.detach().cpu().resolve_conj()
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy().copy()


def assert_same(actual, expected, what=""):
    """Same dtype, shape and values (NaN equal to NaN)."""
    assert actual.dtype == expected.dtype, f"{what}: {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, (
        f"{what}: {tuple(actual.shape)} != {tuple(expected.shape)}")
    np.testing.assert_array_equal(host(actual), host(expected), err_msg=what)


def noncontiguous(t):
    """The same values as ``t`` in a non-contiguous (transposed-memory) layout."""
    if t.dim() < 2:
        return t.repeat_interleave(2)[::2]
    out = t.transpose(0, -1).contiguous().transpose(0, -1)
    assert not out.is_contiguous() or 0 in t.shape or 1 in t.shape
    return out


def balanced(n, p):
    return [n // p + (i < n % p) for i in range(p)]


def layout(n, p, kind):
    """Counts of ``n`` items over ``p`` ranks: balanced, or with an empty rank."""
    if kind == "balanced" or p == 1:
        return balanced(n, p)
    if kind == "first_empty":
        return [0] + balanced(n, p - 1)
    if kind == "last_empty":
        return balanced(n, p - 1) + [0]
    raise AssertionError(kind)


def start(counts, r):
    return sum(counts[:r])


# --------------------------------------------------------------------------------------
# Allreduce, Scan, Exscan
# --------------------------------------------------------------------------------------
# Tests that loop over collectives run them all before asserting, so that a failure on
# one rank cannot leave the others waiting in the next collective.
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_allreduce(comm, dtype):
    results = {op: comm.Allreduce(data(dtype, comm.rank), op=op) for op in ops_of(dtype)}
    for op, result in results.items():
        assert_same(result, oracle(stack(dtype, range(comm.size)), dtype, op), op)


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_scan(comm, dtype):
    results = {op: comm.Scan(data(dtype, comm.rank), op=op) for op in ops_of(dtype)}
    for op, result in results.items():
        assert_same(result, oracle(stack(dtype, range(comm.rank + 1)), dtype, op), op)


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_exscan(comm, dtype):
    results = {op: comm.Exscan(data(dtype, comm.rank), op=op) for op in ops_of(dtype)}
    for op, result in results.items():
        if comm.rank == 0:
            expected = identity(dtype, op)
        else:
            expected = oracle(stack(dtype, range(comm.rank)), dtype, op)
        assert_same(result, expected, op)


@pytest.mark.parametrize(("dtype", "op"), INVALID, ids=[f"{name(d)}-{o}" for d, o in INVALID])
def test_reduction_undefined_for_dtype(comm, dtype, op):
    for method in (comm.Allreduce, comm.Scan, comm.Exscan):
        with pytest.raises(TypeError, match=op):
            method(data(dtype, comm.rank), op=op)


@pytest.mark.parametrize("method", ["Allreduce", "Scan", "Exscan"])
def test_reduction_unknown_op(comm, method):
    for op in ["mean", "SUM", "", None]:
        with pytest.raises(ValueError, match="op must be one of"):
            getattr(comm, method)(data(torch.float32, comm.rank), op=op)


@pytest.mark.parametrize("dtype", LOW, ids=name)
def test_low_precision_sum_is_float32_rounded_once(comm, dtype):
    # 2048 + 1 + 1 is 2050 exactly, but 2048 in float16 absorbs a single 1; summing the
    # bit patterns as integers would give nonsense (a negative number here).
    mine = [2048.0 if comm.rank == 0 else 1.0, 0.375 * (comm.rank + 1), -1.25, 0.5]
    result = comm.Allreduce(torch.tensor(mine, dtype=dtype), op="sum")
    rows = [[2048.0 if r == 0 else 1.0, 0.375 * (r + 1), -1.25, 0.5] for r in range(comm.size)]
    expected = torch.tensor(rows, dtype=torch.float64).sum(0).to(dtype)
    assert_same(result, expected)
    if comm.size == 3 and dtype == torch.float16:
        assert result[0].item() == 2050.0
    assert result[2].item() == -1.25 * comm.size


@pytest.mark.parametrize("op", ["min", "max"])
@pytest.mark.parametrize("dtype", FLOATS, ids=name)
def test_min_max_propagate_nan_like_numpy(comm, dtype, op):
    nan = math.nan
    last = comm.size - 1
    mine = torch.tensor([nan if comm.rank == 0 else 1.0, nan if comm.rank == last else 2.0,
                         float(comm.rank), -float(comm.rank)], dtype=dtype)
    result = comm.Allreduce(mine, op=op)
    rows = np.array([[nan if r == 0 else 1.0, nan if r == last else 2.0, r, -r]
                     for r in range(comm.size)])
    expected = (np.min if op == "min" else np.max)(rows, axis=0)
    np.testing.assert_array_equal(host(result), expected)
    everyone = comm.allgather_object(host(result).tobytes())
    assert all(b == everyone[0] for b in everyone), "ranks disagree on the result"


@pytest.mark.parametrize("op", ["land", "lor"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.complex64], ids=name)
def test_logical_reduction_of_non_integers(comm, dtype, op):
    # column 0: zero on rank 0 only; column 1: non-zero everywhere; column 2: zero everywhere
    mine = torch.tensor([0.0 if comm.rank == 0 else 2.5, -0.5, 0.0]).to(dtype)
    result = comm.Allreduce(mine, op=op)
    expected = [0.0 if op == "land" else float(comm.size > 1), 1.0, 0.0]
    assert_same(result, torch.tensor(expected).to(dtype))


@pytest.mark.parametrize("dtype", [torch.int32, torch.float16, torch.complex128], ids=name)
def test_reductions_of_empty_and_scalar_tensors(comm, dtype):
    empty = comm.Allreduce(torch.zeros((0, 3), dtype=dtype), op="sum")
    assert empty.shape == (0, 3) and empty.dtype == dtype
    scalar = comm.Allreduce(torch.tensor(comm.rank + 1).to(dtype), op="sum")
    assert_same(scalar, torch.tensor(comm.size * (comm.size + 1) // 2).to(dtype))
    scanned = comm.Exscan(torch.tensor(comm.rank + 1).to(dtype), op="sum")
    assert_same(scanned, torch.tensor(comm.rank * (comm.rank + 1) // 2).to(dtype))


def test_allreduce_leaves_its_input_alone(comm):
    mine = data(torch.float64, comm.rank)
    before = mine.clone()
    comm.Allreduce(mine, op="sum")
    comm.Exscan(mine, op="prod")
    assert torch.equal(mine, before)


def test_reductions_of_noncontiguous_conjugate_and_grad_tensors(comm):
    mine = noncontiguous(data(torch.complex64, comm.rank, (4, 5))).conj()
    assert mine.is_conj() and not mine.is_contiguous()
    expected = stack(torch.complex64, range(comm.size), (4, 5)).conj().sum(0)
    assert_same(comm.Allreduce(mine, op="sum"), expected.resolve_conj())
    leaf = data(torch.float32, comm.rank).requires_grad_()
    result = comm.Allreduce(leaf * 2, op="max")
    assert_same(result.detach(), stack(torch.float32, range(comm.size)).amax(0) * 2)
    flipped = comm.Scan(-noncontiguous(data(torch.int16, comm.rank, (3, 4))), op="min")
    assert_same(flipped, -stack(torch.int16, range(comm.rank + 1)).amax(0))


@pytest.mark.parametrize("dtype", [torch.int16, torch.bfloat16, torch.complex128], ids=name)
def test_tensors_of_zero_or_one_element_with_odd_strides(comm, dtype):
    # "contiguous" to torch, but with strides a byte view refuses (NumPy gives empty
    # results zero strides; a size-1 dimension may have any stride)
    empty = torch.empty(0, dtype=dtype).as_strided((0,), (0,))
    one = data(dtype, comm.rank, (10,)).as_strided((1, 1), (5, 7), 4)
    assert one.is_contiguous() and one.stride() == (5, 7)
    expected_one = torch.stack([data(dtype, r, (10,))[4] for r in range(comm.size)])
    results = [comm.Allgatherv(empty, axis=0, counts=[0] * comm.size),
               comm.Allgatherv(one, axis=1), comm.Allgather(one), comm.Bcast(one.clone(), root=0),
               comm.Allreduce(empty, op="sum"), comm.Sendrecv(one, comm.rank, comm.rank),
               comm.Alltoallv(one.expand(1, comm.size).contiguous(), [1] * comm.size, 1,
                              (1, comm.size), [1] * comm.size, 1)]
    assert_same(results[0], torch.empty(0, dtype=dtype))
    assert_same(results[1], expected_one.reshape(1, -1))
    assert_same(results[2], expected_one.reshape(-1, 1, 1))
    assert_same(results[3], expected_one[:1].reshape(1, 1))
    assert_same(results[4], torch.empty(0, dtype=dtype))
    assert_same(results[5], one)
    assert_same(results[6], expected_one.reshape(1, -1))


# --------------------------------------------------------------------------------------
# Allreduce_argextreme
# --------------------------------------------------------------------------------------
def _global_table(dtype, n=7, m=6):
    """A table with ties across rows and, for floats, NaNs (two in column 1)."""
    table = ((np.arange(n)[:, None] * 3 + np.arange(m)[None, :] * 5) % 4).astype(np.float64)
    if dtype.is_floating_point:
        table[2, 1] = table[5, 1] = np.nan
        table[n - 1, 2] = np.nan
        table[0, 3] = np.nan
        table *= 0.5
    elif dtype == torch.bool:
        table = table > 1
    elif dtype != torch.uint8:
        table -= 2
    return table


def _winning_garbage(dtype, kind):
    """A value that would win if a rank without candidates were not ignored."""
    if dtype.is_floating_point:
        return math.nan
    if dtype == torch.bool:
        return kind == "argmax"
    info = torch.iinfo(dtype)
    return info.min if kind == "argmin" else info.max


@pytest.mark.parametrize("where", ["balanced", "first_empty", "last_empty"])
@pytest.mark.parametrize("kind", ["argmin", "argmax"])
@pytest.mark.parametrize("dtype", REAL, ids=name)
def test_allreduce_argextreme_matches_numpy(comm, dtype, kind, where):
    table = _global_table(dtype)
    full = torch.tensor(table).to(dtype)
    n, m = full.shape
    counts = layout(n, comm.size, where)
    lo = start(counts, comm.rank)
    block = full[lo:lo + counts[comm.rank]]
    if block.shape[0]:
        local = getattr(np, kind)(host(block), axis=0)
        values = block[torch.from_numpy(local), torch.arange(m)]
        indices = torch.from_numpy(local) + lo
    else:
        values = torch.full((m,), _winning_garbage(dtype, kind), dtype=dtype)
        indices = torch.full((m,), -1, dtype=torch.int64)
    got_values, got_indices = comm.Allreduce_argextreme(values, indices, kind)
    expected = getattr(np, kind)(host(full), axis=0)
    assert got_indices.dtype == torch.int64 and got_values.dtype == dtype
    np.testing.assert_array_equal(got_indices.numpy(), expected)
    np.testing.assert_array_equal(host(got_values), host(full)[expected, np.arange(m)])


@pytest.mark.parametrize("kind", ["argmin", "argmax"])
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.int64], ids=name)
def test_argextreme_ties_nan_and_missing_candidates(comm, dtype, kind):
    r, last = comm.rank, comm.size - 1
    nan_or_9 = math.nan if dtype.is_floating_point else 9
    # 0: tie everywhere -> smallest index; 1: only the last rank has a candidate;
    # 2: nobody has one; 3: NaN on the last rank wins (integers: 9 wins argmax)
    values = torch.tensor([5, 7 - r, 1, nan_or_9 if r == last else r], dtype=torch.float64)
    indices = torch.tensor([100 - r, 10 * r if r == last else -1, -1, 10 * r])
    got_values, got_indices = comm.Allreduce_argextreme(values.to(dtype), indices, kind)
    assert got_indices[0] == 100 - last
    assert got_indices[1] == 10 * last and got_values[1] == 7 - last
    assert got_indices[2] < 0
    if dtype.is_floating_point or kind == "argmax":
        assert got_indices[3] == 10 * last
    else:
        assert got_indices[3] == 0
    assert got_values.dtype == dtype


def test_argextreme_of_a_scalar_and_errors(comm):
    value, index = comm.Allreduce_argextreme(torch.tensor(float(comm.rank)),
                                             torch.tensor(comm.rank), "argmax")
    assert value.item() == comm.size - 1 and index.item() == comm.size - 1
    with pytest.raises(TypeError, match="complex"):
        comm.Allreduce_argextreme(torch.zeros(2, dtype=torch.complex64),
                                  torch.zeros(2, dtype=torch.int64), "argmin")
    with pytest.raises(ValueError, match="kind"):
        comm.Allreduce_argextreme(torch.zeros(2), torch.zeros(2, dtype=torch.int64), "min")


# --------------------------------------------------------------------------------------
# Bcast, Allgather, Allgatherv
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_bcast_from_every_root(comm, dtype):
    results = [(comm.Bcast(data(dtype, comm.rank, (2, 3, 4)), root=root),
                comm.Bcast(data(dtype, comm.rank, (5, 3)).T, root=root))
               for root in range(comm.size)]
    for root, (result, transposed) in enumerate(results):
        assert_same(result, data(dtype, root, (2, 3, 4)), f"root {root}")
        assert_same(transposed, data(dtype, root, (5, 3)).T, f"root {root}, transposed")


def test_bcast_validates_root(comm):
    for root in (-1, comm.size):
        with pytest.raises(ValueError, match="root"):
            comm.Bcast(torch.zeros(2), root=root)
        with pytest.raises(ValueError, match="root"):
            comm.bcast_object("x", root=root)


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_allgather(comm, dtype):
    assert_same(comm.Allgather(data(dtype, comm.rank)), stack(dtype, range(comm.size)))
    gathered = comm.Allgather(data(dtype, comm.rank, (4, 3)).T)
    assert_same(gathered, stack(dtype, range(comm.size), (4, 3)).transpose(1, 2))
    scalars = comm.Allgather(data(dtype, comm.rank, ()))
    assert_same(scalars, stack(dtype, range(comm.size), ()))


def _gatherv_case(dtype, axis, where, lead, comm):
    """The global tensor and this rank's block along ``axis``."""
    n = 0 if where == "all_empty" else 7
    counts = [0] * comm.size if where == "all_empty" else layout(n, comm.size, where)
    shape = [lead, 3]
    shape.insert(axis, n)
    full = data(dtype, 11, tuple(shape))
    block = full.narrow(axis, start(counts, comm.rank), counts[comm.rank])
    return full, block, counts


@pytest.mark.parametrize("given", [True, False], ids=["counts", "discovered"])
@pytest.mark.parametrize("lead", [1, 2])
@pytest.mark.parametrize("where", ["balanced", "first_empty", "last_empty", "all_empty"])
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_allgatherv_3d(comm, axis, where, lead, given):
    dtype = torch.float32
    full, block, counts = _gatherv_case(dtype, axis % 3, where, lead, comm)
    result = comm.Allgatherv(block.contiguous(), axis=axis, counts=counts if given else None)
    assert_same(result, full)


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_allgatherv_every_dtype_noncontiguous(comm, dtype, axis):
    full, block, counts = _gatherv_case(dtype, axis, "first_empty", 2, comm)
    assert_same(comm.Allgatherv(noncontiguous(block), axis=axis, counts=counts), full)
    assert_same(comm.Allgatherv(block.contiguous(), axis=axis), full)


def test_allgatherv_validates_arguments(comm):
    block = torch.zeros(2, 3)
    with pytest.raises(np.exceptions.AxisError):
        comm.Allgatherv(block, axis=2)
    with pytest.raises(ValueError, match="counts"):
        comm.Allgatherv(block, axis=0, counts=[2] * (comm.size + 1))
    with pytest.raises(ValueError, match="counts"):
        comm.Allgatherv(block, axis=0, counts=[-1] + [2] * (comm.size - 1))
    with pytest.raises(ValueError, match="along axis 1"):  # not this rank's extent
        comm.Allgatherv(block, axis=1, counts=[2] * comm.size)


# --------------------------------------------------------------------------------------
# Alltoall, Alltoallv
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_alltoall(comm, dtype):
    p = comm.size

    def block(s, d):  # what rank s sends to rank d
        return data(dtype, s * p + d, (2, 3))

    mine = torch.cat([block(comm.rank, d) for d in range(p)])
    expected = torch.cat([block(s, comm.rank) for s in range(p)])
    assert_same(comm.Alltoall(mine), expected)
    assert_same(comm.Alltoall(noncontiguous(mine)), expected)


def test_alltoall_needs_a_multiple_of_size(comm):
    if comm.size > 1:  # any length is a multiple of 1
        with pytest.raises(ValueError, match="multiple"):
            comm.Alltoall(torch.zeros(comm.size + 1, 2))
    assert comm.Alltoall(torch.zeros(2 * comm.size, 2)).shape == (2 * comm.size, 2)


def _overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def _redistribution(shape, old_axis, old_counts, new_axis, new_counts, r, p):
    """Alltoallv arguments moving rank r's block from (old_axis, old_counts) to
    (new_axis, new_counts), as the redistribution code must call it."""
    if old_axis != new_axis:
        send, recv = new_counts, old_counts
    else:
        old = [(start(old_counts, q), start(old_counts, q) + old_counts[q]) for q in range(p)]
        new = [(start(new_counts, q), start(new_counts, q) + new_counts[q]) for q in range(p)]
        send = [_overlap(*old[r], *new[d]) for d in range(p)]
        recv = [_overlap(*old[s], *new[r]) for s in range(p)]
    recv_shape = list(shape)
    recv_shape[new_axis] = new_counts[r]
    return send, recv_shape, recv


COMBOS = [(0, 0), (0, 1), (1, 0), (1, 2), (2, 2), (2, 0), (1, 1)]


@pytest.mark.parametrize(("send_axis", "recv_axis"), COMBOS, ids=[f"{s}/{r}" for s, r in COMBOS])
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_alltoallv_redistributes(comm, dtype, send_axis, recv_axis):
    p, r = comm.size, comm.rank
    shape = (5, 4, 7)
    full = data(dtype, 3, shape)
    old_axis, new_axis = recv_axis, send_axis  # the block is cut along the new axis
    checks = []
    for old, new in [("first_empty", "last_empty"), ("balanced", "first_empty")]:
        old_counts = layout(shape[old_axis], p, old)
        new_counts = layout(shape[new_axis], p, new)
        mine = full.narrow(old_axis, start(old_counts, r), old_counts[r])
        send, recv_shape, recv = _redistribution(shape, old_axis, old_counts, new_axis,
                                                 new_counts, r, p)
        expected = full.narrow(new_axis, start(new_counts, r), new_counts[r])
        what = f"{old_counts} -> {new_counts}"
        result = comm.Alltoallv(mine.contiguous(), send, send_axis, recv_shape, recv,
                                recv_axis)
        checks.append((result, expected, what))
        result = comm.Alltoallv(noncontiguous(mine), send, send_axis - 3, recv_shape, recv,
                                recv_axis - 3)
        checks.append((result, expected, f"non-contiguous {what}"))
    for result, expected, what in checks:
        assert_same(result, expected, what)


@pytest.mark.parametrize("dtype", [torch.int64, torch.complex128, torch.float16], ids=name)
def test_alltoallv_arbitrary_counts(comm, dtype):
    p = comm.size

    def piece(s, d):  # rows rank s sends to rank d: (s + 2d) % 3 of them, some empty
        rows = (s + 2 * d) % 3
        codes = 100 * s + 10 * d + torch.arange(rows * 2).reshape(rows, 2)
        return codes.to(dtype)

    mine = torch.cat([piece(comm.rank, d) for d in range(p)])
    expected = torch.cat([piece(s, comm.rank) for s in range(p)])
    send = [piece(comm.rank, d).shape[0] for d in range(p)]
    recv = [piece(s, comm.rank).shape[0] for s in range(p)]
    result = comm.Alltoallv(mine, send, 0, expected.shape, recv, 0)
    assert_same(result, expected)
    # the same exchange with the rows as columns (pack and unpack on both sides)
    result = comm.Alltoallv(mine.T, send, 1, expected.T.shape, recv, 1)
    assert_same(result, expected.T)


def test_alltoallv_validates_arguments(comm):
    p = comm.size
    mine = torch.zeros(p, 2)
    with pytest.raises(np.exceptions.AxisError):
        comm.Alltoallv(mine, [1] * p, 2, (p, 2), [1] * p, 0)
    with pytest.raises(np.exceptions.AxisError):
        comm.Alltoallv(mine, [1] * p, 0, (p, 2), [1] * p, -3)
    with pytest.raises(ValueError, match="send_counts"):
        comm.Alltoallv(mine, [1] * (p + 1), 0, (p, 2), [1] * p, 0)
    with pytest.raises(ValueError, match="recv_counts"):
        comm.Alltoallv(mine, [1] * p, 0, (p, 2), [1] * (p - 1), 0)
    # sums that would make MPI read past the send buffer or write past the receive one
    with pytest.raises(ValueError, match="send_counts .* must add up to 2"):
        comm.Alltoallv(mine, [3] + [1] * (p - 1), 1, (p, 2), [1] * p, 0)
    with pytest.raises(ValueError, match="recv_counts .* must add up to"):
        comm.Alltoallv(mine, [1] * p, 0, (p + 1, 2), [1] * p, 0)


# --------------------------------------------------------------------------------------
# point to point
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_send_recv_ring(comm, dtype):
    p, r = comm.size, comm.rank
    right, left = (r + 1) % p, (r - 1) % p
    mine = noncontiguous(data(dtype, r, (3, 2)))
    like = torch.empty(0, dtype=dtype)
    if r % 2 == 0:  # even ranks send first, odd ranks receive first: no cycle of waits
        comm.Send(mine, right, tag=7)
        got = comm.Recv((3, 2), like, left, tag=7)
    else:
        got = comm.Recv((3, 2), like, left, tag=7)
        comm.Send(mine, right, tag=7)
    assert_same(got, data(dtype, left, (3, 2)))


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_sendrecv_ring_shift_with_other_shape(comm, dtype):
    p, r = comm.size, comm.rank
    left = (r - 1) % p
    mine = data(dtype, r, (r + 1, 2))
    got = comm.Sendrecv(mine, dest=(r + 1) % p, source=left, recv_shape=(left + 1, 2))
    assert_same(got, data(dtype, left, (left + 1, 2)))
    got = comm.Sendrecv(noncontiguous(data(dtype, r, (2, 3))), (r + 1) % p, left, tag=3)
    assert_same(got, data(dtype, left, (2, 3)))


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_isend_irecv_double_buffered_ring(comm, dtype):
    p, r = comm.size, comm.rank
    right, left = (r + 1) % p, (r - 1) % p
    current = data(dtype, r, (2, 5))
    seen = []
    for step in range(1, p + 1):
        incoming = comm.Irecv((2, 5), current, left, tag=step)
        outgoing = comm.Isend(current, right, tag=step)
        seen.append(current.clone())  # work on the current buffer while the next arrives
        current = incoming.wait()
        outgoing.wait()
    seen.append(current)
    for step, tensor in enumerate(seen):
        assert_same(tensor, data(dtype, (r - step) % p, (2, 5)), f"step {step}")


# --------------------------------------------------------------------------------------
# Barrier, Split
# --------------------------------------------------------------------------------------
def test_barrier_waits_for_everyone(comm):
    folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    try:
        time.sleep(0.15 * comm.rank)  # later ranks arrive later
        open(os.path.join(folder, f"rank-{comm.rank}"), "w").close()
        comm.Barrier()
        assert sorted(os.listdir(folder)) == sorted(f"rank-{q}" for q in range(comm.size))
        comm.Barrier()
    finally:
        if comm.rank == 0:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("key_order", ["same", "reversed"])
def test_split_even_odd(comm, key_order):
    r = comm.rank
    color = r % 2
    members = [q for q in range(comm.size) if q % 2 == color]
    if key_order == "reversed":
        members.reverse()
    sub = comm.Split(color, key=-r if key_order == "reversed" else r)
    assert isinstance(sub, Communicator)
    assert sub.size == len(members) and sub.rank == members.index(r)
    total = sub.Allreduce(torch.tensor([r, 1]), op="sum")
    assert total.tolist() == [sum(members), len(members)]
    assert sub.Allgather(torch.tensor(r)).tolist() == members
    assert sub.Bcast(torch.tensor([r]), root=0).item() == members[0]
    assert sub.Scan(torch.tensor(1.0), op="sum").item() == sub.rank + 1
    blocks = sub.Allgatherv(torch.full((r % 3, 2), r), axis=0)
    assert blocks[:, 0].tolist() == [q for q in members for _ in range(q % 3)]
    assert sub.allgather_object(r) == members
    comm.Barrier()


# --------------------------------------------------------------------------------------
# small objects and agreement
# --------------------------------------------------------------------------------------
def test_allgather_object_and_bcast_object(comm):
    mine = {"rank": comm.rank, "shape": (comm.rank, 2), "name": "x" * comm.rank}
    everyone = comm.allgather_object(mine)
    assert everyone == [{"rank": q, "shape": (q, 2), "name": "x" * q} for q in range(comm.size)]
    for root in range(comm.size):
        assert comm.bcast_object(("from", comm.rank), root=root) == ("from", root)


def test_all_agree(comm):
    assert comm.all_agree(True) is True
    assert comm.all_agree(False) is False
    assert comm.all_agree(comm.rank != comm.size - 1) is False
    assert comm.all_agree(np.bool_(comm.rank >= 0)) is True
    assert comm.all_agree(comm.size == 1 or comm.rank % 2 == 0) is (comm.size == 1)


def test_raise_if_any_passes_when_nobody_failed(comm):
    assert comm.raise_if_any(None) is None


def test_raise_if_any_from_each_single_rank(comm):
    for culprit in range(comm.size):
        error = IndexError(f"index 9 out of range on rank {culprit}") \
            if comm.rank == culprit else None
        with pytest.raises(IndexError) as caught:
            comm.raise_if_any(error)
        assert str(caught.value) == f"index 9 out of range on rank {culprit}"


def test_raise_if_any_keeps_attributes_and_lowest_rank_wins(comm):
    error = FileNotFoundError(2, "No such file or directory", f"part-{comm.rank}.h5") \
        if comm.rank >= comm.size // 2 else None
    with pytest.raises(FileNotFoundError) as caught:
        comm.raise_if_any(error)
    first = comm.size // 2
    assert caught.value.filename == f"part-{first}.h5"
    assert str(caught.value) == f"[Errno 2] No such file or directory: 'part-{first}.h5'"


class _Picky(Exception):
    def __init__(self, a, b):  # args == (a,) cannot rebuild it
        super().__init__(a)
        self.b = b


def test_raise_if_any_with_exceptions_that_do_not_pickle(comm):
    last = comm.size - 1
    error = _Picky("picky failure", 2) if comm.rank == last else None
    with pytest.raises(Exception) as caught:
        comm.raise_if_any(error)
    if comm.size == 1:
        assert type(caught.value) is _Picky
    else:
        assert type(caught.value) is RuntimeError
        assert str(caught.value) == "_Picky: picky failure"
    not_an_error = "oops" if comm.rank == last else None
    with pytest.raises(TypeError, match="exception or None"):
        comm.raise_if_any(not_an_error)


# --------------------------------------------------------------------------------------
# a world of one process: Communicator(None) never touches MPI
# --------------------------------------------------------------------------------------
class TestWorldOfOne:
    @pytest.fixture
    def solo(self):
        return Communicator(None)

    def test_metadata(self, solo):
        assert (solo.rank, solo.size, solo.handle, solo.is_distributed) == (0, 1, None, False)
        assert repr(solo) == "Communicator(rank=0, size=1)"

    @pytest.mark.parametrize("dtype", DTYPES, ids=name)
    def test_reductions(self, solo, dtype):
        mine = data(dtype, 4)
        for op in ops_of(dtype):
            assert_same(solo.Allreduce(mine, op), oracle(mine[None], dtype, op), op)
            assert_same(solo.Scan(mine, op), oracle(mine[None], dtype, op), op)
            assert_same(solo.Exscan(mine, op), identity(dtype, op), op)

    @pytest.mark.parametrize(("dtype", "op"), INVALID, ids=[f"{name(d)}-{o}" for d, o in INVALID])
    def test_reductions_validate_like_many(self, solo, dtype, op):
        for method in (solo.Allreduce, solo.Scan, solo.Exscan):
            with pytest.raises(TypeError):
                method(data(dtype, 0), op)
        with pytest.raises(ValueError):
            solo.Allreduce(data(dtype, 0), "avg")

    def test_data_movement(self, solo):
        mine = data(torch.bfloat16, 2, (3, 4))
        assert_same(solo.Bcast(mine.clone()), mine)
        assert_same(solo.Allgather(mine), mine[None])
        assert_same(solo.Allgatherv(mine, axis=1), mine)
        assert_same(solo.Allgatherv(mine, axis=-1, counts=[4]), mine)
        assert_same(solo.Alltoall(mine), mine)
        assert_same(solo.Alltoallv(mine, [4], 1, (3, 4), [3], 0), mine)
        assert_same(solo.Sendrecv(mine, 0, 0), mine)
        values, indices = solo.Allreduce_argextreme(mine[0], torch.arange(4), "argmin")
        assert_same(values, mine[0])
        assert torch.equal(indices, torch.arange(4))
        with pytest.raises(np.exceptions.AxisError):
            solo.Allgatherv(mine, axis=2)

    def test_point_to_point_to_oneself(self, solo):
        mine = data(torch.int16, 1, (2, 3))
        solo.Send(mine, 0, tag=1)
        solo.Send(mine + 1, 0, tag=1)
        pending = solo.Irecv((3, 2), mine, 0, tag=2)  # posted before its send
        solo.Isend(mine.T, 0, tag=2).wait()
        assert_same(solo.Recv((2, 3), mine, 0, tag=1), mine)
        assert_same(solo.Recv((2, 3), mine, 0, tag=1), mine + 1)
        assert_same(pending.wait(), mine.T)
        with pytest.raises(RuntimeError, match="no matching send"):
            solo.Recv((2, 3), mine, 0, tag=1)
        with pytest.raises(ValueError, match="dest"):
            solo.Send(mine, 1)

    def test_objects_and_agreement(self, solo):
        solo.Barrier()
        assert solo.Split(0) is solo
        assert solo.allgather_object({"a": 1}) == [{"a": 1}]
        assert solo.bcast_object([1, 2]) == [1, 2]
        assert solo.all_agree(1) is True and solo.all_agree(0) is False
        solo.raise_if_any(None)
        with pytest.raises(KeyError, match="missing"):
            solo.raise_if_any(KeyError("missing"))
