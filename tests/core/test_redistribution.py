"""Tests for redistribution: resplit, balance and redistribute (and their in-place forms).

NumPy holds the oracle data; every result is checked for its values, its split and
counts (balanced where it must be), the distribution invariants on every rank, and for
leaving its source alone (or, for the in-place forms, for changing it).
"""

import itertools

import numpy as np
import pytest
import torch

import ember as em
from ember.comm import Communicator
from ember.core import redistribution
from ember.core.distribution import balanced_counts, local_range
from ember.testing import assert_array_equal

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]

# Shapes whose axes do not divide by 2 or 3, axes shorter than 3 (empty blocks), size 0.
SHAPES = [
    (5,), (1,), (2,), (0,),
    (7, 3), (1, 4), (0, 3),
    (3, 4, 5), (2, 1, 7), (4, 0, 2),
    (2, 3, 1, 5),
]
# Every kind of move: scatter, gather, Alltoallv between leading and inner axes, none.
MOVES = [(None, None), (None, 0), (None, 2), (0, None), (2, None), (0, 1), (1, 2), (2, 0),
         (1, 1)]
CASES = [(shape, source, target) for shape in SHAPES
         for source, target in itertools.product([None, *range(len(shape))], repeat=2)]


def make_data(rng, shape, name):
    """Random data of dtype ``name`` (bfloat16: float32 values exact in bfloat16)."""
    values = rng.integers(-40, 40, shape)
    if name == "bool":
        return values > 0
    if name == "uint8":
        return (values + 40).astype(np.uint8)
    if name in ("bfloat16", "float16", "float32", "float64"):
        return (values / 4).astype("float32" if name == "bfloat16" else name)
    if name.startswith("complex"):
        return (values / 4 + 1j * rng.integers(-40, 40, shape) / 8).astype(name)
    return values.astype(name)


def to_ember(a, name=None, **kwargs):
    """``a`` as a DNDarray of dtype ``name`` (default: a's own dtype)."""
    if name == "bfloat16":
        return em.array(torch.from_numpy(np.array(a)).to(torch.bfloat16), **kwargs)
    return em.array(a if a.ndim else a[()], **kwargs)


def from_blocks(a, axis, counts, name=None):
    """An array cut along ``axis`` into ``counts``, made with ``is_split``."""
    start, stop = local_range(counts, em.get_comm().rank)
    block = a[(slice(None),) * axis + (slice(start, stop),)]
    return to_ember(block, name, is_split=axis)


def patterns(n, size):
    """Named counts of ``n`` items over ``size`` ranks, most of them unbalanced."""
    triangle, left = [], n
    for rank in range(size):
        take = left if rank == size - 1 else min(left, 2 * rank + 1)
        triangle.append(take)
        left -= take
    gaps = [0] * size
    holders = list(range(0, size, 2))
    for i, rank in enumerate(holders):
        gaps[rank] = balanced_counts(n, len(holders))[i]
    return {
        "balanced": balanced_counts(n, size),
        "reversed": balanced_counts(n, size)[::-1],
        "triangle": tuple(triangle),
        "gaps": tuple(gaps),
        "first": (n,) + (0,) * (size - 1),
        "last": (0,) * (size - 1) + (n,),
    }


PATTERNS = list(patterns(1, 1))


def balanced(x):
    """Whether ``x`` has the balanced counts (checked without ``is_balanced``)."""
    if x.split is None:
        return x.counts is None
    return x.counts == balanced_counts(x.shape[x.split], x.comm.size)


def shares_memory(x, y):
    return x.larray.numel() > 0 and y.larray.untyped_storage().data_ptr() == \
        x.larray.untyped_storage().data_ptr()


# -------------------------------------------------------------------------- resplit


@pytest.mark.parametrize("shape, source, target", CASES, ids=str)
def test_resplit_every_pair(rng, shape, source, target):
    a = make_data(rng, shape, "float64")
    x = to_ember(a, split=source)
    counts = x.counts
    y = x.resplit(target)
    assert_array_equal(y, a, split=target)
    assert balanced(y)
    assert y.is_balanced()
    # the source is untouched and the result owns its memory
    assert x.split == source and x.counts == counts
    assert not shares_memory(x, y)
    y.larray.zero_()
    assert_array_equal(x, a, split=source)
    # in place: the array itself takes the new distribution
    assert x.resplit_(target) is x
    assert_array_equal(x, a, split=target)
    assert balanced(x)


@pytest.mark.parametrize("name", DTYPES)
def test_resplit_every_dtype(rng, name):
    a = make_data(rng, (5, 3, 4), name)
    for source, target in MOVES:
        x = to_ember(a, name, split=source)
        y = x.resplit(target)
        assert_array_equal(y, a, dtype=name, split=target)
        assert balanced(y)
        assert_array_equal(x, a, dtype=name, split=source)
        x.resplit_(target)
        assert_array_equal(x, a, dtype=name, split=target)


@pytest.mark.parametrize("name", DTYPES)
def test_redistribute_every_dtype(rng, comm, name):
    a = make_data(rng, (7, 2), name)
    for axis in (0, 1):
        for pattern in ("triangle", "gaps", "first"):
            counts = patterns(a.shape[axis], comm.size)[pattern]
            x = from_blocks(a, axis, counts, name)
            assert x.counts == counts
            assert_array_equal(x.balance(), a, dtype=name, split=axis)
            target = patterns(a.shape[axis], comm.size)["last"]
            assert_array_equal(x.redistribute(target), a, dtype=name, split=axis)
            assert x.redistribute(target).counts == target


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 1, 5)], ids=str)
def test_resplit_negative_axes(rng, shape):
    a = make_data(rng, shape, "float32")
    ndim = len(shape)
    for source, target in itertools.product(range(-ndim, 0), repeat=2):
        x = to_ember(a, split=source)
        assert x.split == source + ndim
        assert_array_equal(x.resplit(target), a, split=target + ndim)
        assert_array_equal(x.resplit_(target), a, split=target + ndim)


def test_resplit_bad_axis(rng):
    x = to_ember(make_data(rng, (3, 4), "float32"), split=0)
    with pytest.raises(em.AxisError):
        x.resplit(2)
    with pytest.raises(em.AxisError):
        x.resplit_(-3)
    with pytest.raises(TypeError):
        x.resplit(1.0)
    with pytest.raises(TypeError):
        x.resplit("0")
    assert x.split == 0
    with pytest.raises(em.AxisError):
        to_ember(np.float32(1.0)).resplit(0)


def test_resplit_zero_dimensional():
    x = em.array(2.5)
    assert x.resplit(None).item() == 2.5
    assert x.resplit_(None) is x and x.split is None


@pytest.mark.parametrize("split", [None, 0, 1, 2])
def test_resplit_of_transposed_views(rng, split):
    a = make_data(rng, (3, 5, 4), "int64")
    t = to_ember(a, split=split).T  # non-contiguous local blocks
    for target in (None, 0, 1, 2):
        assert_array_equal(t.resplit(target), a.T, split=target)
    for target in (0, 1, 2):
        x = t.resplit(target)
        counts = patterns(a.T.shape[target], em.get_comm().size)["triangle"]
        assert_array_equal(x.redistribute(counts), a.T, split=target)


# -------------------------------------------------------------- unbalanced sources


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("source", [0, 1, 2])
def test_resplit_from_unbalanced(rng, comm, pattern, source):
    shape = [3, 2, 4]
    shape[source] = comm.size ** 2 + 1
    a = make_data(rng, tuple(shape), "float32")
    counts = patterns(shape[source], comm.size)[pattern]
    x = from_blocks(a, source, counts)
    assert x.counts == counts and x.split == source
    assert_array_equal(x, a, split=source)
    assert x.is_balanced() == (counts == balanced_counts(shape[source], comm.size))
    for target in (None, 0, 1, 2):
        y = x.resplit(target)
        assert_array_equal(y, a, split=target)
        assert balanced(y)
        assert x.counts == counts  # source untouched
    x.resplit_(source)  # same axis: rebalances
    assert_array_equal(x, a, split=source)
    assert balanced(x)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("shape, axis", [((9,), 0), ((4, 9), 1), ((9, 3, 2), 0), ((2, 0, 9), 2)],
                         ids=str)
def test_balance(rng, comm, pattern, shape, axis):
    a = make_data(rng, shape, "int16")
    counts = patterns(shape[axis], comm.size)[pattern]
    x = from_blocks(a, axis, counts)
    y = x.balance()
    assert_array_equal(y, a, split=axis)
    assert balanced(y)
    assert y.counts == balanced_counts(shape[axis], comm.size)
    assert x.counts == counts
    assert not shares_memory(x, y)
    assert x.balance_() is x
    assert_array_equal(x, a, split=axis)
    assert balanced(x)


def test_balance_replicated(rng):
    a = make_data(rng, (3, 2), "float32")
    x = to_ember(a)
    y = x.balance()
    assert_array_equal(y, a, split=None)
    assert not shares_memory(x, y)
    assert x.balance_() is x
    assert_array_equal(x, a, split=None)
    assert x.is_balanced()


@pytest.mark.parametrize("source", PATTERNS)
@pytest.mark.parametrize("target", PATTERNS)
def test_redistribute_between_patterns(rng, comm, source, target):
    n = comm.size * 2 + 3
    a = make_data(rng, (3, n, 2), "complex64")
    before, after = (patterns(n, comm.size)[p] for p in (source, target))
    x = from_blocks(a, 1, before)
    y = x.redistribute(after)
    assert y.counts == after and y.split == 1
    assert_array_equal(y, a, split=1)
    assert x.counts == before
    assert not shares_memory(x, y)
    assert x.redistribute_(list(after)) is x
    assert x.counts == after
    assert_array_equal(x, a, split=1)


def test_redistribute_accepts_integer_like_counts(rng, comm):
    a = make_data(rng, (6, 2), "float64")
    x = to_ember(a, split=0)
    counts = np.array(patterns(6, comm.size)["last"], dtype=np.int32)
    y = x.redistribute(counts)
    assert y.counts == tuple(counts.tolist())
    assert all(type(c) is int for c in y.counts)
    assert_array_equal(y, a, split=0)
    assert_array_equal(x.redistribute(), a, split=0)
    assert x.redistribute().is_balanced()


@pytest.mark.parametrize("bad", ["short", "long", "negative", "sum_low", "sum_high"])
def test_redistribute_bad_counts(rng, comm, bad):
    a = make_data(rng, (5, 3), "float32")
    x = to_ember(a, split=0)
    good = list(balanced_counts(5, comm.size))
    counts = {
        "short": good[:-1],
        "long": good + [0],
        "negative": [-1] + good[:-1] + [good[-1] + 1],
        "sum_low": good[:-1] + [good[-1] - 1],
        "sum_high": good[:-1] + [good[-1] + 1],
    }[bad]
    for method in (x.redistribute, x.redistribute_):
        with pytest.raises(ValueError, match="counts"):
            method(counts)
    assert x.counts == tuple(good)
    assert_array_equal(x, a, split=0)


def test_redistribute_bad_count_types(rng, comm):
    x = to_ember(make_data(rng, (5, 3), "float32"), split=1)
    counts = list(balanced_counts(3, comm.size))
    with pytest.raises(TypeError):
        x.redistribute([float(c) for c in counts])
    with pytest.raises(TypeError):
        x.redistribute(3)
    with pytest.raises(TypeError):
        x.redistribute_("3" if comm.size == 1 else "21")
    assert x.counts == tuple(counts)


def test_redistribute_replicated_refuses_counts(rng):
    x = to_ember(make_data(rng, (4,), "int64"))
    with pytest.raises(ValueError, match="not split"):
        x.redistribute([4] + [0] * (em.get_comm().size - 1))
    with pytest.raises(ValueError, match="not split"):
        x.redistribute_([4] + [0] * (em.get_comm().size - 1))


@pytest.mark.parametrize("pattern", ["balanced", "first", "last", "gaps"])
def test_zero_size_arrays(comm, pattern):
    a = np.zeros((0, 4, 3), dtype=np.float32)
    counts = patterns(0, comm.size)[pattern]
    x = from_blocks(a, 0, counts)
    for target in (None, 0, 1, 2):
        assert_array_equal(x.resplit(target), a, split=target)
    b = np.zeros((3, 0, comm.size + 1), dtype=np.int8)
    y = from_blocks(b, 2, patterns(comm.size + 1, comm.size)[pattern])
    for target in (None, 0, 1, 2):
        assert_array_equal(y.resplit(target), b, split=target)
    assert_array_equal(y.balance(), b, split=2)


def test_empty_blocks_with_zero_strides(comm):
    # NumPy gives empty results of fancy indexing zero strides, and torch keeps them;
    # "contiguous" empty tensors must still travel (every rank holds such a block).
    a = np.arange(12, dtype=np.int16)
    block = torch.from_numpy(np.take(a, [], axis=0))
    assert block.stride() == (0,)
    x = em.array(block, is_split=0)
    assert_array_equal(x.resplit(None), a[:0], split=None)
    assert_array_equal(x.resplit(0), a[:0], split=0)
    assert_array_equal(x.redistribute(x.counts), a[:0], split=0)


# ------------------------------------------------------------------- cost model


class Spy:
    """Counts the calls of Communicator's collectives (monkeypatched on the class)."""

    NAMES = ("Allgatherv", "Alltoallv", "Allgather", "Bcast", "Allreduce",
             "allgather_object", "bcast_object", "Send", "Recv", "Sendrecv")

    def __init__(self, monkeypatch):
        self.calls = []
        for name in self.NAMES:
            original = getattr(Communicator, name)
            monkeypatch.setattr(Communicator, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def method(comm, *args, **kwargs):
            self.calls.append(name)
            return original(comm, *args, **kwargs)
        return method

    def take(self):
        calls, self.calls = self.calls, []
        return calls


@pytest.mark.parametrize("source, target, expected", [
    (None, None, []), (None, 0, []), (None, 2, []),
    (0, 0, []), (1, 1, []),
    (0, None, ["Allgatherv"]), (2, None, ["Allgatherv"]),
    (0, 1, ["Alltoallv"]), (2, 0, ["Alltoallv"]), (1, 2, ["Alltoallv"]),
])
def test_resplit_communication(rng, monkeypatch, source, target, expected):
    x = to_ember(make_data(rng, (5, 4, 7), "float32"), split=source)
    spy = Spy(monkeypatch)
    x.resplit(target)
    assert spy.take() == expected
    x.resplit_(target)
    assert spy.take() == expected


def test_balance_communication(rng, comm, monkeypatch):
    a = make_data(rng, (8, 3), "float64")
    x = from_blocks(a, 0, patterns(8, comm.size)["last"])
    balanced = x.balance()
    spy = Spy(monkeypatch)
    balanced.balance()
    balanced.redistribute(balanced.counts)
    assert spy.take() == []  # nothing moves, no metadata exchange either
    x.balance()
    assert spy.take() == ([] if comm.size == 1 else ["Alltoallv"])
    x.redistribute(patterns(8, comm.size)["first"])
    assert spy.take() == ([] if comm.size == 1 else ["Alltoallv"])


# --------------------------------------------------- the module's functions directly


def test_scatter_returns_contiguous_copy(rng, comm):
    full = torch.from_numpy(make_data(rng, (4, 7), "float32"))
    counts = balanced_counts(7, comm.size)
    block = redistribution.scatter(full, 1, counts, comm)
    start, stop = local_range(counts, comm.rank)
    assert block.is_contiguous()
    torch.testing.assert_close(block, full[:, start:stop])
    block.fill_(-1)
    assert (full != -1).all()


def test_gather_and_change_split(rng, comm):
    a = make_data(rng, (5, 6), "int64")
    counts = patterns(5, comm.size)["triangle"]
    start, stop = local_range(counts, comm.rank)
    local = torch.from_numpy(a[start:stop])
    np.testing.assert_array_equal(redistribution.gather(local, 0, counts, comm).numpy(), a)
    moved, new_counts = redistribution.change_split(local, a.shape, 0, counts, 1, comm)
    assert new_counts == balanced_counts(6, comm.size)
    lo, hi = local_range(new_counts, comm.rank)
    np.testing.assert_array_equal(moved.numpy(), a[:, lo:hi])


def test_change_counts(rng, comm):
    a = make_data(rng, (3, 8), "float16")
    counts = patterns(8, comm.size)["first"]
    start, stop = local_range(counts, comm.rank)
    local = torch.from_numpy(a[:, start:stop])
    assert redistribution.change_counts(local, a.shape, 1, counts, counts, comm) is local
    target = patterns(8, comm.size)["gaps"]
    moved = redistribution.change_counts(local, a.shape, 1, counts, target, comm)
    lo, hi = local_range(target, comm.rank)
    np.testing.assert_array_equal(moved.numpy(), a[:, lo:hi])
