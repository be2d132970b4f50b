"""Tests for the DNDarray class: metadata, conversions and interchange, NumPy as the oracle."""

import copy
import operator
import warnings

import numpy as np
import pytest
import torch

import ember as em
from ember.comm import Communicator
from ember.core.distribution import balanced_counts, local_range, offsets
from ember.core.dndarray import DNDarray
from ember.testing import assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]
INTEGERS = ["int8", "uint8", "int16", "int32", "int64"]
SHAPES = [(), (5,), (1,), (0,), (2, 7), (3, 1), (2, 0), (3, 2, 5), (2, 3, 1, 4)]
SHAPE_SPLITS = [(shape, split) for shape in SHAPES for split in splits_of(len(shape))]


def make_data(rng, shape, name):
    """Non-negative data of dtype ``name`` that every cast keeps well defined.

    Values are halves in [0, 100): exact in float16 and bfloat16 (bfloat16 data is given
    as float32), and castable to every integer type.
    """
    halves = rng.integers(0, 200, shape) / 2
    if name == "bool":
        return halves > 50
    if name in INTEGERS:
        return halves.astype(name)
    if name.startswith("complex"):
        return (halves + 1j * rng.integers(0, 200, shape) / 2).astype(name)
    return halves.astype("float32" if name == "bfloat16" else name)


def to_ember(a, name=None, **kwargs):
    """``a`` as a DNDarray of dtype ``name`` (default: a's own)."""
    if name == "bfloat16":
        return em.array(torch.from_numpy(np.array(a)).to(torch.bfloat16), **kwargs)
    return em.array(a if a.ndim else a[()], **kwargs)


def owned_by(a, owner, comm):
    """``a`` (size 1 along axis 0) split along 0 with its item on rank ``owner``."""
    counts = [0] * comm.size
    counts[min(owner, comm.size - 1)] = a.shape[0]
    start, stop = local_range(counts, comm.rank)
    return em.array(a[start:stop], is_split=0)


def shares_memory(x, y):
    return x.larray.untyped_storage().data_ptr() == y.larray.untyped_storage().data_ptr()


# ------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("shape, split", SHAPE_SPLITS, ids=str)
def test_metadata(rng, comm, shape, split):
    a = make_data(rng, shape, "float64")
    x = to_ember(a, split=split)
    assert isinstance(x, DNDarray)
    assert x.shape == shape and isinstance(x.shape, tuple)
    assert x.ndim == a.ndim
    assert x.size == a.size and isinstance(x.size, int)
    assert x.dtype is em.float64
    assert x.device == em.cpu and x.device.type == "cpu"
    assert x.split == split
    assert x.comm is comm
    assert isinstance(x.larray, torch.Tensor) and x.larray.dtype == torch.float64
    assert x.lshape == tuple(x.larray.shape)
    assert x.itemsize == a.itemsize
    assert x.nbytes == a.nbytes
    assert x.lnbytes == x.larray.numel() * a.itemsize
    assert x.is_balanced()
    assert x.is_distributed() == (split is not None and comm.size > 1)
    if split is None:
        assert x.counts is None and x.offsets is None
        assert x.lshape == shape and x.lnbytes == a.nbytes
    else:
        counts = balanced_counts(shape[split], comm.size)
        assert x.counts == counts
        assert x.offsets == offsets(counts)
        expected = list(shape)
        expected[split] = counts[comm.rank]
        assert x.lshape == tuple(expected)
        assert sum(comm.allgather_object(x.lnbytes)) == a.nbytes
    assert_array_equal(x, a, split=split)


@pytest.mark.parametrize("name", DTYPES)
def test_itemsize_and_nbytes_per_dtype(comm, name):
    x = em.zeros((4, 3), dtype=name, split=0)
    itemsize = 2 if name == "bfloat16" else np.dtype(name).itemsize
    assert x.dtype is em.dtype(name)
    assert x.itemsize == itemsize
    assert x.nbytes == 12 * itemsize
    assert x.lnbytes == x.counts[comm.rank] * 3 * itemsize


def test_unbalanced_metadata(comm):
    a = np.arange(10.0).reshape(5, 2)
    counts = [0] * (comm.size - 1) + [5]
    x = em.array(a, split=0).redistribute(counts)
    assert x.counts == tuple(counts)
    assert x.offsets == (0,) * comm.size
    assert x.is_balanced() == (comm.size == 1)
    assert x.lshape == ((5, 2) if comm.rank == comm.size - 1 else (0, 2))
    assert x.is_distributed() == (comm.size > 1)


def test_constructor_checks_counts(comm):
    with pytest.raises(RuntimeError, match="internal error"):
        DNDarray(torch.zeros(7, 2), (6, 2), 0, comm)


# ------------------------------------------------------------------------------- T


@pytest.mark.parametrize("shape, split", SHAPE_SPLITS, ids=str)
def test_transpose(rng, comm, monkeypatch, shape, split):
    a = make_data(rng, shape, "int32")
    x = to_ember(a, split=split)
    calls = []
    for name in ("Allgatherv", "Alltoallv", "allgather_object", "Bcast"):
        original = getattr(Communicator, name)
        monkeypatch.setattr(Communicator, name,
                            lambda *args, _o=original, _n=name, **kw: calls.append(_n) or
                            _o(*args, **kw))
    t = x.T
    assert calls == []  # no communication, a view of the local block
    assert shares_memory(x, t) or x.larray.numel() == 0
    monkeypatch.undo()
    expected_split = None if split is None else len(shape) - 1 - split
    assert t.split == expected_split
    assert t.counts == x.counts
    assert_array_equal(t, a.T, split=expected_split)
    assert_array_equal(t.T, a, split=split)


def test_transpose_unbalanced(comm):
    a = np.arange(24).reshape(2, 3, 4)
    counts = [0] * (comm.size - 1) + [4]
    x = em.array(a, split=2).redistribute(counts)
    t = x.T
    assert t.split == 0 and t.counts == tuple(counts)
    assert_array_equal(t, a.T, split=0)


# ----------------------------------------------------------------------- to NumPy


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("split", [None, 0, 1])
def test_numpy_every_dtype(rng, name, split):
    a = make_data(rng, (5, 3), name)
    x = to_ember(a, name, split=split)
    result = x.numpy()
    assert isinstance(result, np.ndarray)
    assert result.dtype == (np.float32 if name == "bfloat16" else np.dtype(name))
    np.testing.assert_array_equal(result, a)
    np.testing.assert_array_equal(np.asarray(x), a)
    assert np.asarray(x).dtype == result.dtype
    assert x.tolist() == a.tolist()


@pytest.mark.parametrize("shape, split", SHAPE_SPLITS, ids=str)
def test_numpy_and_tolist_shapes(rng, shape, split):
    a = make_data(rng, shape, "int64")
    x = to_ember(a, split=split)
    np.testing.assert_array_equal(x.numpy(), a)
    assert x.numpy().shape == shape
    assert x.tolist() == a.tolist()
    assert type(x.tolist()) is type(a.tolist())


def test_numpy_shares_memory_when_not_distributed(comm):
    x = em.array(np.arange(6.0), split=None)
    x.numpy()[0] = 42.0
    assert x.larray[0].item() == 42.0
    y = em.array(np.arange(6.0), split=0)
    y.numpy()[0] = 42.0
    assert y.numpy()[0] == (42.0 if comm.size == 1 else 0.0)


def test_array_protocol_dtype_and_copy(comm):
    a = np.arange(6.0).reshape(2, 3)
    x = em.array(a)
    # dtype=
    b = np.asarray(x, dtype=np.int16)
    assert b.dtype == np.int16
    np.testing.assert_array_equal(b, a.astype(np.int16))
    np.testing.assert_array_equal(np.array(x, dtype=np.complex64), a)
    # copy=True: independent memory
    c = np.array(x, copy=True)
    c[0, 0] = -1.0
    assert x.numpy()[0, 0] == 0.0
    # copy=False / None on a replicated CPU array: a view of its memory
    d = np.asarray(x, copy=False)
    d[0, 0] = -2.0
    assert x.numpy()[0, 0] == -2.0
    np.asarray(x)[0, 1] = -3.0
    assert x.numpy()[0, 1] == -3.0
    # copy=False is impossible when the dtype changes or for bfloat16
    with pytest.raises(ValueError):
        np.asarray(x, dtype=np.float32, copy=False)
    with pytest.raises(ValueError):
        np.asarray(x.astype(em.bfloat16), copy=False)
    assert np.asarray(x, dtype=np.float64, copy=False).dtype == np.float64


def test_lazy_torch_views_convert(comm):
    # blocks may be torch views with the conjugate or negative bit set
    z = torch.tensor([1 + 2j, 3 - 1j])
    conj = DNDarray(z.conj(), (2,), None, comm)
    negative = DNDarray(z.conj().imag, (2,), None, comm)
    np.testing.assert_array_equal(conj.numpy(), [1 - 2j, 3 + 1j])
    np.testing.assert_array_equal(negative.numpy(), [-2.0, 1.0])
    assert negative.tolist() == [-2.0, 1.0]
    np.testing.assert_array_equal(np.asarray(negative), [-2.0, 1.0])
    with pytest.raises(ValueError, match="copy"):
        np.asarray(conj, copy=False)
    assert repr(negative) == "DNDarray([-2.,  1.], dtype=ember.float32, split=None)"
    assert_array_equal(negative.resplit(0), np.array([-2.0, 1.0], dtype=np.float32), split=0)


def test_array_protocol_distributed(comm):
    a = np.arange(12).reshape(4, 3)
    x = em.array(a, split=1)
    np.testing.assert_array_equal(np.asarray(x), a)
    c = np.array(x, copy=True)
    c[0, 0] = 99
    assert_array_equal(x, a)
    if comm.size > 1:  # replicated metadata: every rank takes the same branch
        with pytest.raises(ValueError, match="copy"):
            np.asarray(x, copy=False)
    else:
        np.testing.assert_array_equal(np.asarray(x, copy=False), a)


# --------------------------------------------------------------- Python scalars


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("shape, split", [((), None), ((1,), None), ((1,), 0),
                                          ((1, 1, 1), 1), ((1, 1), 1)], ids=str)
def test_item(rng, name, shape, split):
    a = make_data(rng, shape, name)
    x = to_ember(a, name, split=split)
    value = x.item()
    assert value == a.item()
    assert type(value) is type(a.item())


@pytest.mark.parametrize("owner", [0, 1, 2])
@pytest.mark.parametrize("name", ["bool", "int16", "bfloat16", "float64", "complex64"])
def test_item_on_another_rank(comm, owner, name):
    a = np.array([[3]]).astype("float32" if name == "bfloat16" else name)
    x = owned_by(to_ember(a, name).numpy(), owner, comm).astype(name)
    assert x.counts[min(owner, comm.size - 1)] == 1
    assert x.item() == a.item() and type(x.item()) is type(a.item())
    assert bool(x) == bool(a.item())
    assert x.tolist() == a.tolist()


@pytest.mark.parametrize("shape, split", [((0,), None), ((0,), 0), ((2,), 0), ((3, 2), 1),
                                          ((2, 0), 1)], ids=str)
def test_item_needs_exactly_one_element(shape, split):
    x = em.zeros(shape, split=split)
    with pytest.raises(ValueError, match="size 1"):
        x.item()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)


def outcome(convert, value):
    """``convert(value)`` and its type, or the type of the exception it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = convert(value)
        except Exception as error:  # noqa: BLE001 - the oracle compares exception types
            return type(error)
    return result, type(result)


@pytest.mark.parametrize("convert", [float, int, complex, bool, operator.index],
                         ids=["float", "int", "complex", "bool", "index"])
@pytest.mark.parametrize("name", DTYPES)
def test_scalar_conversions_of_0d(name, convert):
    a = np.array(3.5 if name != "bool" else True).astype(
        "float32" if name == "bfloat16" else name)
    x = to_ember(a, name)
    assert outcome(convert, x) == outcome(convert, a)


@pytest.mark.parametrize("convert", [float, int, complex, operator.index],
                         ids=["float", "int", "complex", "index"])
@pytest.mark.parametrize("shape, split", [((1,), None), ((1,), 0), ((1, 1), 1), ((2,), 0),
                                          ((0,), None)], ids=str)
def test_scalar_conversions_need_0d(shape, split, convert):
    # NumPy 2: only 0-d arrays convert to Python numbers (TypeError otherwise)
    x = em.ones(shape, dtype=em.int64, split=split)
    with pytest.raises(TypeError):
        convert(x)
    with pytest.raises(TypeError):
        convert(np.ones(shape, dtype=np.int64))


@pytest.mark.parametrize("owner", [0, 1, 2])
def test_bool_of_one_element(comm, owner):
    for value in (0, 5):
        x = owned_by(np.array([value]), owner, comm)
        assert bool(x) is bool(value)
    assert bool(em.array([[0.5]], split=1)) is True
    assert bool(em.array(0j)) is False


def test_bool_messages_like_numpy():
    with pytest.raises(ValueError, match="empty"):
        bool(em.zeros((0, 3), split=1))
    with pytest.raises(ValueError, match="more than one element"):
        bool(em.zeros((2,), split=0))


def test_index_in_python_contexts():
    n = em.array(3)
    assert operator.index(n) == 3 and type(operator.index(n)) is int
    assert list(range(n)) == [0, 1, 2]
    assert "abcd"[em.array(1, dtype=em.uint8)] == "b"
    assert [10, 20, 30][em.array(-1, dtype=em.int8)] == 30


@pytest.mark.parametrize("shape, split", SHAPE_SPLITS, ids=str)
def test_len(shape, split):
    x = em.zeros(shape, split=split)
    if shape:
        assert len(x) == shape[0] == len(np.zeros(shape))
    else:
        with pytest.raises(TypeError, match="unsized"):
            len(x)


# --------------------------------------------------------------------------- astype


@pytest.mark.parametrize("source", DTYPES)
def test_astype_every_pair(rng, comm, source):
    a = make_data(rng, (4, 5), source)
    for i, target in enumerate(DTYPES):
        split = [None, 0, 1][i % 3]
        x = to_ember(a, source, split=split)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # complex -> real discards the imaginary part
            y = x.astype(target)
            oracle = a.astype("float32" if target == "bfloat16" else target)
        if target == "bfloat16":  # NumPy lacks it: round through torch
            oracle = torch.from_numpy(oracle).to(torch.bfloat16).float().numpy()
        assert_array_equal(y, oracle, dtype=target, split=split)
        assert y.counts == x.counts
        assert y is not x and (y.larray.numel() == 0 or not shares_memory(x, y))
        assert_array_equal(x, a, dtype=source, split=split)


@pytest.mark.parametrize("split", [None, 0, 1])
def test_astype_copy_semantics(rng, split):
    a = make_data(rng, (3, 4), "int32")
    x = em.array(a, split=split)
    assert x.astype(em.int32, copy=False) is x
    assert x.astype("int32", copy=False) is x
    assert x.astype(np.int32, copy=False) is x
    same = x.astype(em.int32)
    assert same is not x and not shares_memory(x, same)
    same.larray.fill_(0)
    assert_array_equal(x, a, split=split)
    other = x.astype(em.int64, copy=False)
    assert other is not x and other.dtype is em.int64
    assert_array_equal(other, a.astype(np.int64), split=split)
    assert_array_equal(em.astype(x, em.float16), a.astype(np.float16), split=split)


def test_astype_keeps_unbalanced_counts(comm):
    counts = [0] * (comm.size - 1) + [6]
    x = em.array(np.arange(6), split=0).redistribute(counts)
    y = x.astype(em.float32)
    assert y.counts == tuple(counts)
    assert_array_equal(y, np.arange(6, dtype=np.float32), split=0)


def test_astype_bad_dtype():
    x = em.zeros(3)
    with pytest.raises(TypeError):
        x.astype("uint16")
    with pytest.raises(TypeError):
        x.astype(object)


# ------------------------------------------------------------ devices and copies


@pytest.mark.parametrize("split", [None, 0])
def test_to_cpu(split):
    a = np.arange(5.0)
    x = em.array(a, split=split)
    for moved in (x.to("cpu"), x.cpu(), x.to_device("cpu"), x.to(em.cpu),
                  x.to(torch.device("cpu"))):
        assert moved.device == em.cpu
        assert_array_equal(moved, a, split=split)
        assert moved.counts == x.counts
    assert x.to("cpu") is x  # nothing to move
    with pytest.raises(NotImplementedError, match="stream"):
        x.to_device("cpu", stream=1)
    with pytest.raises(ValueError):
        x.to("tpu")
    with pytest.raises(TypeError):
        x.to(3)


@pytest.mark.parametrize("split", [None, 0, 1])
def test_to_gpu_and_back(rng, split):
    a = make_data(rng, (5, 3), "float32")
    x = em.array(a, split=split)
    if not em.gpu_available():  # the same on every rank
        with pytest.raises(ValueError, match="GPU"):
            x.to("gpu")
        return
    g = x.to("gpu")
    assert g.device.type == "gpu" and g.larray.is_cuda
    assert g.counts == x.counts
    np.testing.assert_array_equal(g.numpy(), a)
    back = g.cpu()
    assert_array_equal(back, a, split=split)
    assert "device=gpu" in repr(g)
    with pytest.raises(ValueError, match="copy"):
        np.asarray(g, copy=False)
    for target in (None, 0, 1):
        moved = g.resplit(target)
        assert moved.larray.is_cuda
        np.testing.assert_array_equal(moved.numpy(), a)


@pytest.mark.parametrize("shape, split", [((5, 3), None), ((5, 3), 0), ((5, 3), 1), ((0,), 0),
                                          ((), None)], ids=str)
def test_copy(rng, shape, split):
    a = make_data(rng, shape, "float32")
    x = to_ember(a, split=split)
    for duplicate in (x.copy(), copy.copy(x), copy.deepcopy(x)):
        assert duplicate is not x
        assert duplicate.split == x.split and duplicate.counts == x.counts
        assert_array_equal(duplicate, a, split=split)
        if x.larray.numel():
            assert not shares_memory(x, duplicate)
        duplicate.larray.fill_(-1)
        assert_array_equal(x, a, split=split)


def test_copy_keeps_unbalanced_counts(comm):
    counts = [0] * (comm.size - 1) + [4]
    x = em.array(np.arange(8).reshape(4, 2), split=0).redistribute(counts)
    assert x.copy().counts == tuple(counts)


# --------------------------------------------------------------------- interchange


def test_dlpack_replicated():
    a = np.arange(6.0).reshape(2, 3)
    x = em.array(a)
    t = torch.from_dlpack(x)
    assert t.data_ptr() == x.larray.data_ptr()
    np.testing.assert_array_equal(t.numpy(), a)
    shared = np.from_dlpack(x)
    np.testing.assert_array_equal(shared, a)
    copied = np.from_dlpack(x, copy=True)
    copied[0, 0] = -1.0
    assert x.larray[0, 0].item() == 0.0
    assert x.__dlpack_device__() == (1, 0)
    assert em.from_dlpack(x).tolist() == a.tolist()


def test_dlpack_split(comm):
    a = np.arange(6)
    x = em.array(a, split=0)
    if comm.size > 1:  # replicated metadata: every rank takes the same branch
        with pytest.raises(BufferError, match="resplit"):
            x.__dlpack__()
        with pytest.raises(BufferError):
            np.from_dlpack(x)
        np.testing.assert_array_equal(np.from_dlpack(x.resplit(None)), a)
    else:
        np.testing.assert_array_equal(torch.from_dlpack(x).numpy(), a)


def test_array_namespace():
    x = em.zeros(3, split=0)
    assert x.__array_namespace__() is em
    assert x.__array_namespace__(api_version="2024.12") is em
    assert x.__array_namespace__(api_version="2023.12") is em
    with pytest.raises(ValueError):
        x.__array_namespace__(api_version="2021.12")


# ------------------------------------------------------------- not supported yet


def test_not_implemented_operations():
    x = em.arange(4, split=0)
    with pytest.raises(NotImplementedError, match="@"):
        x @ x  # noqa: B015
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)


@pytest.mark.parametrize("shape", [(2, 3), (4, 2, 3), (3, 1, 5, 2), (1, 0)])
def test_mT_swaps_the_last_two_axes(shape, rng):
    data = rng.standard_normal(shape)
    for split in splits_of(len(shape)):
        x = em.array(data, split=split)
        y = x.mT
        assert_array_equal(y, np.swapaxes(data, -1, -2))
        expected_split = {len(shape) - 1: len(shape) - 2, len(shape) - 2: len(shape) - 1}
        assert y.split == (None if split is None else expected_split.get(split, split))
        assert y.counts == x.counts


def test_mT_needs_two_dimensions():
    with pytest.raises(ValueError, match="at least 2"):
        _ = em.arange(3, split=0).mT
