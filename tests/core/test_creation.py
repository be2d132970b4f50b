"""Tests for ember.core.creation, with NumPy as the oracle.

Every test runs on every rank at once (SPMD). Ember's default float dtype is float32
where NumPy's is float64 (Python floats, linspace, eye, ...): there the expected ember
dtype is passed to the helpers explicitly and the values are compared.
"""

import warnings

import numpy as np
import pytest
import torch

import ember as em
from ember.core.distribution import balanced_counts
from ember.testing import assert_allclose, assert_array_equal, assert_invariants, splits_of

ALL = [em.bool, em.int8, em.uint8, em.int16, em.int32, em.int64, em.float16, em.bfloat16,
       em.float32, em.float64, em.complex64, em.complex128]
NP = [d for d in ALL if d is not em.bfloat16]
F32 = em.float32

# shapes that do not divide by 1, 2, 3 processes, smaller than the process count, empty
SHAPES = [(), (1,), (2,), (7,), (0,), (4, 5), (0, 3), (3, 0), (2, 3, 5)]
SHAPE_SPLITS = [(shape, split) for shape in SHAPES for split in splits_of(len(shape))]


def ids(value):
    return str(value)


def is_balanced(x):
    return x.split is None or x.counts == balanced_counts(x.shape[x.split], x.comm.size)


def check(actual, expected, dtype=None, split="any", balanced=True):
    """``assert_array_equal`` (values, shape, dtype, invariants on every rank) plus: the
    distribution is (or is not) the balanced one."""
    assert_array_equal(actual, expected, dtype=dtype, split=split)
    assert is_balanced(actual) == balanced, f"counts {actual.counts}"


def check_empty(x, shape, dtype, split):
    """An ``empty`` array: metadata and block shape; its values are undefined, except
    that a replicated one is the same on every rank (zero-filled)."""
    assert (x.shape, x.dtype, x.split) == (shape, dtype, split)
    assert x.larray.dtype == dtype.torch and is_balanced(x)
    local = list(shape)
    if split is not None:
        local[split] = x.counts[x.comm.rank]
    assert x.lshape == tuple(local)
    if split is None:
        assert_invariants(x)  # the replicas agree


def data(rng, shape, dt):
    """Random values of ember dtype ``dt`` as a NumPy array (float32 for bfloat16)."""
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt.numpy)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(dt.numpy)
    values = rng.normal(size=shape) * 10
    if dt.kind == "c":
        values = values + 1j * rng.normal(size=shape)
    if dt is em.bfloat16:  # exactly representable in bfloat16
        return torch.from_numpy(values).to(torch.bfloat16).float().numpy()
    return values.astype(dt.numpy)


def tensor_of(values, dt):
    return torch.from_numpy(np.ascontiguousarray(values)).to(dt.torch)


def everyone_raises(exc, fn, *args, **kwargs):
    """Every rank raises ``exc`` (each rank runs this, so all must)."""
    with pytest.raises(exc):
        fn(*args, **kwargs)


# ======================================================================================
# array / asarray
# ======================================================================================
@pytest.mark.parametrize("value, expected, dtype", [
    (True, np.array(True), None),
    (0, np.array(0), None),
    (-7, np.array(-7), None),
    (2.5, np.array(2.5), F32),  # Python float -> ember's default float
    (1 + 2j, np.array(1 + 2j), em.complex64),  # Python complex -> default complex
    (np.bool_(False), np.array(False), None),
    (np.int8(-3), np.array(-3, np.int8), None),
    (np.uint8(200), np.array(200, np.uint8), None),
    (np.float16(1.5), np.array(1.5, np.float16), None),
    (np.float64(2.5), np.array(2.5), None),  # NumPy scalars keep their dtype
    (np.complex128(1j), np.array(1j), None),
], ids=ids)
def test_array_scalars(value, expected, dtype):
    x = em.array(value)
    check(x, expected, dtype=dtype, split=None)
    assert x.ndim == 0 and x.item() == value


LIST_CASES = ([("int", *c) for c in SHAPE_SPLITS]
              + [(kind, shape, split) for kind in ("float", "bool", "complex")
                 for shape, split in [((7,), 0), ((0,), None), ((2, 3, 5), 1), ((), None)]])


@pytest.mark.parametrize("kind, shape, split", LIST_CASES, ids=ids)
def test_array_nested_lists(rng, shape, split, kind):
    values = data(rng, shape, {"int": em.int64, "float": em.float64, "bool": em.bool,
                               "complex": em.complex128}[kind])
    nested = values.tolist()
    expected = np.array(nested)  # [] for shape (0, 3): NumPy's (0,) float64
    if len(expected.shape) <= (split or 0):
        split = None
    # Python floats (and the float64 NumPy gives empty lists) -> ember's default float
    dtype = {"float64": F32, "complex128": em.complex64}.get(expected.dtype.name)
    x = em.array(nested, split=split)
    check(x, expected, dtype=dtype, split=split)


def test_array_mixed_list_promotes():
    check(em.array([1, 2.5, True]), np.array([1, 2.5, 1.0]), dtype=F32)
    check(em.array([[1, 2], [3, 4]], dtype=em.int8, split=1),
          np.array([[1, 2], [3, 4]], np.int8), split=1)
    check(em.array([1, 2j]), np.array([1, 2j]), dtype=em.complex64)


@pytest.mark.parametrize("dt", NP, ids=ids)
def test_array_numpy_dtypes(rng, dt):
    values = data(rng, (4, 5), dt)
    for split in splits_of(2):
        check(em.array(values, split=split), values, split=split)
    empty = data(rng, (0, 3), dt)
    check(em.asarray(empty, split=-1), empty, split=1)


@pytest.mark.parametrize("dt", ALL, ids=ids)
@pytest.mark.parametrize("split", [None, -1], ids=ids)
def test_array_torch_tensors(rng, dt, split):
    values = data(rng, (5, 3), dt)
    x = em.array(tensor_of(values, dt), split=split)
    expected_split = None if split is None else split % 2
    check(x, values, dtype=dt, split=expected_split)


def test_array_bfloat16_from_data(rng):
    values = data(rng, (7, 2), em.bfloat16)
    for split in splits_of(2):
        check(em.array(values, dtype=em.bfloat16, split=split), values, dtype=em.bfloat16)
        check(em.array(values.tolist(), dtype="bfloat16", split=split), values,
              dtype=em.bfloat16)
    # torch's bfloat16 rounding is the oracle for values that are not representable
    raw = np.linspace(-3, 3, 11)
    expected = torch.from_numpy(raw).to(torch.bfloat16).float().numpy()
    check(em.array(raw, dtype=em.bfloat16, split=0), expected, dtype=em.bfloat16)


@pytest.mark.parametrize("dtype", [em.int8, em.float64, em.complex64, em.bool,
                                   em.bfloat16, "float16", np.int32, torch.int16],
                         ids=ids)
def test_array_dtype_argument(rng, dtype):
    values = data(rng, (6,), em.float64)
    target = em.dtype(dtype)
    expected = (torch.from_numpy(values).to(target.torch))
    x = em.array(values, dtype=dtype, split=0)
    check(x, expected.float().numpy() if target is em.bfloat16 else expected.numpy(),
          dtype=target)


def test_array_unusual_numpy_layouts():
    big = np.arange(6, dtype=">i4").reshape(2, 3)  # non-native byte order
    check(em.array(big, split=1), big.astype(np.int32))
    strided = np.arange(10.0)[::3]  # not contiguous
    check(em.asarray(strided, split=0), strided)
    readonly = np.broadcast_to(np.arange(3), (4, 3))  # read-only, zero strides
    check(em.array(readonly, split=0), np.array(readonly))
    fortran = np.asfortranarray(np.arange(12).reshape(3, 4))
    check(em.array(fortran, split=1), np.ascontiguousarray(fortran))


@pytest.mark.parametrize("src_split", [None, 0, 1], ids=ids)
@pytest.mark.parametrize("dst_split", [None, 0, 1], ids=ids)
def test_array_of_dndarray(rng, src_split, dst_split):
    values = data(rng, (5, 4), em.float64)
    x = em.array(values, split=src_split)
    y = em.array(x, split=dst_split)
    # split=None means "not given": a DNDarray keeps its distribution
    expected_split = src_split if dst_split is None else dst_split
    check(y, values, split=expected_split)
    assert y is not x and y.larray.data_ptr() != x.larray.data_ptr()  # copy=True
    z = em.array(x, dtype=em.int32, split=dst_split)
    check(z, values.astype(np.int32), split=expected_split)


def test_array_from_uneven_dndarray():
    x = em.array(np.arange(5), split=0)
    comm = x.comm
    counts = tuple([0] * (comm.size - 1) + [5])  # everything on the last rank
    x = x.redistribute(counts)
    y = em.array(x, split=0)  # the same split: kept as it is
    assert_array_equal(y, np.arange(5), split=0)
    assert y.counts == counts
    check(em.array(x, split=None), np.arange(5), split=0, balanced=comm.size == 1)


# ------------------------------------------------------------------ is_split
@pytest.mark.parametrize("axis", [0, 1, -1], ids=ids)
@pytest.mark.parametrize("rows", ["r+1", "first-empty", "last-only", "all-empty"])
def test_is_split_assembles_blocks(comm, axis, rows):
    size, rank = comm.size, comm.rank
    extent = {"r+1": lambda r: r + 1, "first-empty": lambda r: 0 if r == 0 else 2,
              "last-only": lambda r: 3 if r == size - 1 else 0,
              "all-empty": lambda r: 0}[rows]

    def block(r):  # rank r's block: shape (extent, 3) or (3, extent), values tell the rank
        shape = [3, 3]
        shape[axis] = extent(r)
        return (np.arange(np.prod(shape)).reshape(shape) + 100 * r).astype(np.int16)

    x = em.array(block(rank), is_split=axis)
    expected = np.concatenate([block(r) for r in range(size)], axis=axis)
    assert_array_equal(x, expected, split=axis % 2)
    assert x.counts == tuple(extent(r) for r in range(size))
    # the same from a torch tensor, with a cast
    y = em.array(torch.from_numpy(block(rank)), is_split=axis, dtype=em.float32)
    assert_array_equal(y, expected.astype(np.float32), split=axis % 2)


def test_is_split_copy_and_ndmin(comm):
    mine = np.full(comm.rank + 1, comm.rank, dtype=np.int64)
    expected = np.concatenate([np.full(r + 1, r) for r in range(comm.size)])
    x = em.array(mine, is_split=0)
    mine[:] = -1  # copy=True by default
    assert_array_equal(x, expected, split=0)
    mine = np.full(comm.rank + 1, comm.rank, dtype=np.int64)
    y = em.array(mine, is_split=0, copy=False)
    mine[0] = 42  # shares memory
    assert y.larray[0].item() == 42
    z = em.array(np.full(comm.rank + 1, comm.rank), is_split=1, ndmin=2)
    assert_array_equal(z, expected[None, :], split=1)


def test_is_split_mismatches(comm):
    last = comm.rank == comm.size - 1
    blocks = [
        np.zeros((2, 2) if last else (2,)),  # ndim
        np.zeros((2, 4 if last else 3)),  # other extents
        np.zeros(2, np.float32 if last else np.float64),  # dtype
    ]
    for block in blocks:
        if comm.size == 1:  # one block always agrees with itself
            assert em.array(block, is_split=0).shape == block.shape
        else:
            everyone_raises(ValueError, em.array, block, is_split=0)
    # blocks of different dtypes are fine when dtype= casts them
    x = em.array(np.ones(2, np.float32 if last else np.float64), is_split=0, dtype=em.float64)
    assert_array_equal(x, np.ones(2 * comm.size), split=0)


def test_is_split_failure_on_one_rank_raises_everywhere(comm):
    last = comm.rank == comm.size - 1
    everyone_raises(TypeError, em.array, ["a"] if last else [1.0], is_split=0)
    everyone_raises(ValueError, em.array, [[1], [1, 2]] if last else [[1]], is_split=0)
    # and the next collective still matches (nothing left half-done)
    assert_array_equal(em.array([comm.rank], is_split=0), np.arange(comm.size), split=0)


def test_is_split_errors():
    everyone_raises(em.AxisError, em.array, np.zeros(3), is_split=1)
    everyone_raises(em.AxisError, em.array, 5, is_split=0)  # 0-d blocks
    everyone_raises(ValueError, em.array, np.zeros(3), split=0, is_split=0)
    everyone_raises(ValueError, em.array, em.zeros(3), is_split=0)
    everyone_raises(TypeError, em.array, np.zeros(3), is_split=0.5)


# ------------------------------------------------------------------ copy semantics
def test_array_copy_numpy_input():
    src = np.arange(6, dtype=np.int64)
    copied, shared, view = em.array(src), em.asarray(src), em.array(src, copy=False)
    src[0] = 99
    assert copied.larray[0].item() == 0
    assert shared.larray[0].item() == 99 and view.larray[0].item() == 99
    # a split block of a copy=False array is a view of the input
    part = em.array(src, split=0, copy=False)
    src[:] = 7
    assert_array_equal(part, np.full(6, 7), split=0)
    # copy=None cuts a private copy when splitting
    part = em.asarray(src, split=0)
    src[:] = 8
    assert_array_equal(part, np.full(6, 7), split=0)


def test_array_copy_torch_input():
    src = torch.arange(4.0)
    copied, shared = em.array(src), em.asarray(src)
    src[1] = -5.0
    assert copied.larray[1].item() == 1.0 and shared.larray[1].item() == -5.0
    grad = torch.ones(3, requires_grad=True)
    assert not em.asarray(grad).larray.requires_grad


def test_array_copy_false_needs_copy():
    everyone_raises(ValueError, em.array, [1, 2, 3], copy=False)  # Python data
    everyone_raises(ValueError, em.array, np.arange(3), dtype=em.float32, copy=False)
    everyone_raises(ValueError, em.asarray, torch.arange(3), dtype=em.int8, copy=False)
    everyone_raises(ValueError, em.array, np.arange(6)[::2], copy=False)  # not contiguous
    x = em.arange(6, split=0)
    everyone_raises(ValueError, em.array, x, dtype=em.float64, copy=False)
    everyone_raises(ValueError, em.array, em.arange(6), split=0, copy=False)
    assert em.array(x, copy=False) is x and em.asarray(x) is x
    assert em.array(x, split=0, copy=False) is x and em.array(x, dtype=em.int64, copy=False) is x


def test_array_copy_dndarray():
    x = em.arange(7, split=0)
    y = em.array(x)
    assert y is not x and y.counts == x.counts
    assert y.larray.numel() == 0 or y.larray.data_ptr() != x.larray.data_ptr()
    assert_array_equal(y, np.arange(7), split=0)


# ------------------------------------------------------------------ ndmin, order
@pytest.mark.parametrize("split", [None, 0, 1, 2], ids=ids)
def test_array_ndmin(split):
    values = np.arange(5.0)
    expected = values.reshape(1, 1, 5)
    check(em.array(values, ndmin=3, split=split), expected, split=split)
    # split counts the result's axes for DNDarray inputs too
    x = em.array(values, split=0)
    y = em.array(x, ndmin=3, split=split)
    assert_array_equal(y, expected, split=2 if split is None else split)
    check(em.array(np.ones((2, 3)), ndmin=1), np.ones((2, 3)))  # no effect
    check(em.array(7, ndmin=2), np.array(7, ndmin=2))


def test_array_ndmin_errors():
    everyone_raises(ValueError, em.array, [1], ndmin=-1)
    everyone_raises(ValueError, em.array, [1], ndmin=1.5)


@pytest.mark.parametrize("order", ["C", "K", "A", None], ids=ids)
def test_array_order_accepted(order):
    check(em.array([[1, 2]], order=order), np.array([[1, 2]]))


def test_order_errors():
    for fn, args in [(em.array, ([1],)), (em.asarray, ([1],)), (em.zeros, (2,)),
                     (em.ones, (2,)), (em.empty, (2,)), (em.full, (2, 1)),
                     (em.eye, (2,)), (em.zeros_like, (em.zeros(2),)),
                     (em.full_like, (em.zeros(2), 1))]:
        everyone_raises(NotImplementedError, fn, *args, order="F")
        everyone_raises(ValueError, fn, *args, order="X")


# ------------------------------------------------------------------ array errors
@pytest.mark.parametrize("obj, exc", [
    ([[1], [1, 2]], ValueError),  # ragged
    (["a", "b"], TypeError),
    ([None], TypeError),
    (None, TypeError),
    (2 ** 70, TypeError),  # no integer type is wide enough (object)
    (np.zeros(2, np.uint16), TypeError),
    (np.zeros(2, np.uint64), TypeError),
    (np.zeros(2, "datetime64[s]"), TypeError),
    (torch.zeros(2, dtype=torch.uint16), TypeError),
], ids=ids)
def test_array_bad_data(obj, exc):
    everyone_raises(exc, em.array, obj)


def test_array_bad_arguments():
    everyone_raises(em.AxisError, em.array, [1, 2], split=1)
    everyone_raises(em.AxisError, em.array, [[1, 2]], split=-3)
    everyone_raises(em.AxisError, em.array, 3, split=0)
    with pytest.raises(IndexError):  # AxisError is both
        em.array([1, 2], split=2)
    everyone_raises(TypeError, em.array, [1, 2], split=0.0)
    everyone_raises(TypeError, em.array, [1, 2], split="0")
    everyone_raises(TypeError, em.array, [1, 2], dtype="float17")
    everyone_raises(TypeError, em.array, [1, 2], dtype=np.uint32)
    everyone_raises(TypeError, em.array, [1, 2], dtype=object)
    everyone_raises(ValueError, em.array, [1, 2], device="tpu")
    everyone_raises(ValueError, em.array, [1, 2], device="cuda:x")
    everyone_raises(TypeError, em.array, [1, 2], device=3)
    everyone_raises(TypeError, em.array, [1, 2], comm="world")
    if not em.gpu_available():
        everyone_raises(ValueError, em.array, [1, 2], device="gpu")


def test_array_device_and_comm(comm):
    x = em.array([1, 2, 3], device="cpu", comm=comm, split=0)
    assert x.device == em.cpu and x.comm is comm
    check(x, np.array([1, 2, 3]), split=0)
    check(em.asarray([1, 2], device=em.cpu), np.array([1, 2]))


# ======================================================================================
# from_dlpack
# ======================================================================================
@pytest.mark.parametrize("split", [None, 0, 1], ids=ids)
def test_from_dlpack(rng, split):
    values = data(rng, (5, 2), em.float64)
    check(em.from_dlpack(values, split=split), values, split=split)
    check(em.from_dlpack(torch.from_numpy(values), split=split), values, split=split)
    for dt in (em.bfloat16, em.int8, em.complex64):
        t = tensor_of(data(rng, (3, 4), dt), dt)
        expected = t.float().numpy() if dt is em.bfloat16 else t.numpy()
        check(em.from_dlpack(t, split=split), expected, dtype=dt, split=split)
    check(em.from_dlpack(em.array(values), split=split), values, split=split)


def test_from_dlpack_copy():
    src = np.arange(4.0)
    shared, copied = em.from_dlpack(src), em.from_dlpack(src, copy=True)
    src[0] = 9.0
    assert shared.larray[0].item() == 9.0 and copied.larray[0].item() == 0.0


def test_from_dlpack_split_dndarray(comm):
    x = em.arange(6, split=0)
    if comm.size == 1:  # one block is the whole array
        assert_array_equal(em.from_dlpack(x), np.arange(6))
    else:
        everyone_raises(BufferError, em.from_dlpack, x)


# ======================================================================================
# empty, zeros, ones
# ======================================================================================
@pytest.mark.parametrize("shape, split", SHAPE_SPLITS, ids=ids)
def test_zeros_ones_empty_shapes(shape, split):
    check(em.zeros(shape, split=split), np.zeros(shape), dtype=F32, split=split)
    check(em.ones(shape, split=split), np.ones(shape), dtype=F32, split=split)
    check_empty(em.empty(shape, split=split), shape, F32, split)


@pytest.mark.parametrize("dt", ALL, ids=ids)
def test_zeros_ones_empty_dtypes(dt):
    exp = dt.numpy or np.float32
    check(em.zeros((3, 2), dt, split=0), np.zeros((3, 2), exp), dtype=dt)
    check(em.ones((3, 2), dtype=dt, split=1), np.ones((3, 2), exp), dtype=dt)
    check(em.ones(5, dtype=dt), np.ones(5, exp), dtype=dt)
    for split in (None, 0, 1):
        check_empty(em.empty((3, 2), dtype=dt, split=split), (3, 2), dt, split)


@pytest.mark.parametrize("shape, expected", [
    (3, (3,)), ([2, 3], (2, 3)), (np.int64(4), (4,)), ((np.int32(2), 1), (2, 1)),
    ((), ()), (torch.Size([2, 2]), (2, 2)), (range(1, 3), (1, 2)),
], ids=ids)
def test_shape_spellings(shape, expected):
    check(em.zeros(shape, dtype=em.int32), np.zeros(expected, np.int32))
    check_empty(em.empty(shape), expected, F32, None)


def test_default_dtype_follows_setting():
    em.set_default_dtype(em.float64)
    check(em.zeros(3, split=0), np.zeros(3))
    check(em.ones(3), np.ones(3))
    check(em.full(2, 1.5), np.full(2, 1.5))
    check(em.array([1.5]), np.array([1.5]))
    check(em.linspace(0, 1, 4), np.linspace(0, 1, 4))
    check(em.eye(2), np.eye(2))


@pytest.mark.parametrize("fn", [em.zeros, em.ones, em.empty], ids=lambda f: f.__name__)
def test_filled_bad_input(fn):
    everyone_raises(ValueError, fn, -1)
    everyone_raises(ValueError, fn, (2, -3))
    everyone_raises(TypeError, fn, 2.0)
    everyone_raises(TypeError, fn, (2, 1.5))
    everyone_raises(TypeError, fn, "3")
    everyone_raises(TypeError, fn, None)
    everyone_raises(em.AxisError, fn, (2, 3), split=2)
    everyone_raises(em.AxisError, fn, (2, 3), split=-3)
    everyone_raises(em.AxisError, fn, (), split=0)
    everyone_raises(TypeError, fn, (2, 3), split=1.0)
    everyone_raises(TypeError, fn, 3, dtype="quadruple")
    everyone_raises(TypeError, fn, 3, dtype=np.uint16)
    everyone_raises(ValueError, fn, 3, device="tpu:0")
    everyone_raises(TypeError, fn, 3, comm=1)


# ======================================================================================
# full
# ======================================================================================
@pytest.mark.parametrize("value, dtype", [
    (True, em.bool), (7, em.int64), (-2, em.int64), (2.5, F32), (1 - 2j, em.complex64),
    (np.float16(1.5), em.float16), (np.int8(-4), em.int8), (np.uint8(250), em.uint8),
    (np.float64(0.1), em.float64), (np.complex128(1j), em.complex128),
    (np.bool_(True), em.bool), (np.array(3, np.int16), em.int16),
    (torch.tensor(2.5, dtype=torch.bfloat16), em.bfloat16),
    (torch.tensor(3, dtype=torch.int32), em.int32),
], ids=ids)
@pytest.mark.parametrize("shape, split", [((), None), ((5,), 0)], ids=ids)
def test_full_scalar_dtype_inference(value, dtype, shape, split):
    x = em.full(shape, value, split=split)
    expected = np.full(shape, float(value) if dtype is em.bfloat16 else value,
                       dtype=dtype.numpy or np.float32)
    check(x, expected, dtype=dtype, split=split)


@pytest.mark.parametrize("dt", ALL, ids=ids)
def test_full_dtypes(dt):
    value = {"b": True, "i": -3, "u": 7, "f": 0.1, "c": 1.5 - 2j}[dt.kind]
    for split in (None, 1):
        x = em.full((4, 3), value, dtype=dt, split=split)
        if dt is em.bfloat16:
            expected = torch.full((4, 3), value, dtype=torch.bfloat16).float().numpy()
        else:
            expected = np.full((4, 3), value, dtype=dt.numpy)
        check(x, expected, dtype=dt, split=split)


@pytest.mark.parametrize("value, dtype", [
    (2.7, em.int64), (-2.7, em.int8), (1e6, em.float16), (np.int64(-1), em.uint8),
    (np.float64(3.9), em.uint8), (True, em.float64), (300.0, em.int16),
], ids=ids)
def test_full_casts_like_numpy(value, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.full(3, value, dtype=dtype.numpy)
        check(em.full(3, value, dtype=dtype, split=0), expected, split=0)


def test_full_complex_to_real_drops_imaginary():
    with pytest.warns(np.exceptions.ComplexWarning):
        x = em.full(2, 1 + 2j, dtype=em.float32)
    check(x, np.ones(2, np.float32))


@pytest.mark.parametrize("value, dtype", [(-1, em.uint8), (300, em.uint8), (128, em.int8),
                                          (2 ** 63, em.int64)], ids=ids)
def test_full_python_int_out_of_range(value, dtype):
    with pytest.raises(OverflowError):  # NEP 50, as np.full
        np.full(2, value, dtype=dtype.numpy)
    everyone_raises(OverflowError, em.full, (2,), value, dtype=dtype)


@pytest.mark.parametrize("shape, split", [((4, 3), None), ((4, 3), 0), ((4, 3), 1),
                                          ((2, 1, 3), 2), ((0, 3), 0), ((1, 3), 0)],
                         ids=ids)
def test_full_broadcasting_fill(rng, shape, split):
    row = data(rng, (3,), em.int32)
    check(em.full(shape, row, split=split), np.full(shape, row), split=split)
    check(em.full(shape, row.tolist(), dtype=em.float64, split=split),
          np.full(shape, row, dtype=np.float64), split=split)
    column = data(rng, shape[:-1] + (1,), em.complex128)
    check(em.full(shape, column, split=split), np.full(shape, column), split=split)
    check(em.full(shape, torch.from_numpy(row), split=split), np.full(shape, row))


@pytest.mark.parametrize("fill_split", [None, 0], ids=ids)
def test_full_dndarray_fill(rng, fill_split):
    row = data(rng, (5,), em.float64)
    fill = em.array(row, split=fill_split)
    check(em.full((3, 5), fill, split=1), np.full((3, 5), row), split=1)
    half = em.array(row, dtype=em.bfloat16, split=fill_split)  # keeps bfloat16
    expected = torch.from_numpy(row).to(torch.bfloat16).float().numpy()
    check(em.full((2, 5), half, split=0), np.full((2, 5), expected), dtype=em.bfloat16)
    check(em.full(4, em.array(2, dtype=em.int8), split=0), np.full(4, 2, np.int8))


def test_full_bad_input():
    everyone_raises(ValueError, em.full, (2, 3), [1, 2])  # does not broadcast
    everyone_raises(ValueError, em.full, (3,), np.ones((2, 3)))
    everyone_raises(TypeError, em.full, 3, "a")
    everyone_raises(TypeError, em.full, 3, None)
    everyone_raises(ValueError, em.full, -2, 1)
    everyone_raises(TypeError, em.full, (2.5,), 1)
    everyone_raises(em.AxisError, em.full, (2, 2), 1, split=2)
    everyone_raises(TypeError, em.full, 2, 1, dtype="int128")
    everyone_raises(ValueError, em.full, 2, 1, device="quantum")


# ======================================================================================
# *_like
# ======================================================================================
LIKE_CASES = [(dt, shape, split) for dt in (em.int16, em.bfloat16, em.complex64)
              for shape, split in [((7,), 0), ((7,), None), ((4, 5), 1), ((0, 3), 0),
                                   ((2, 3, 2), 2)]]


@pytest.mark.parametrize("dt, shape, split", LIKE_CASES, ids=ids)
def test_like_keeps_prototype(rng, dt, shape, split):
    proto = em.array(tensor_of(data(rng, shape, dt), dt), split=split)
    exp = dt.numpy or np.float32
    check(em.zeros_like(proto), np.zeros(shape, exp), dtype=dt, split=split)
    check(em.ones_like(proto), np.ones(shape, exp), dtype=dt, split=split)
    check(em.full_like(proto, 2), np.full(shape, 2, exp), dtype=dt, split=split)
    e = em.empty_like(proto)
    check_empty(e, shape, dt, split)
    assert e.device == proto.device


def test_like_of_uneven_prototype_is_balanced(comm):
    proto = em.arange(5, split=0).redistribute([0] * (comm.size - 1) + [5])
    check(em.zeros_like(proto), np.zeros(5, np.int64), split=0)


@pytest.mark.parametrize("fn", [em.zeros_like, em.ones_like, em.empty_like,
                                lambda p, **kw: em.full_like(p, 3, **kw)],
                         ids=["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_overrides(fn):
    proto = em.zeros((4, 3), dtype=em.int32, split=1)
    x = fn(proto, dtype=em.float64)
    assert (x.dtype, x.split, x.shape) == (em.float64, 1, (4, 3))
    x = fn(proto, shape=(2, 5))
    assert (x.dtype, x.split, x.shape) == (em.int32, 1, (2, 5))
    x = fn(proto, shape=6)  # fewer axes than the split: replicated
    assert (x.dtype, x.split, x.shape) == (em.int32, None, (6,))
    x = fn(proto, split=0)
    assert (x.split, x.shape) == (0, (4, 3))
    x = fn(proto, split=None)
    assert x.split is None
    y = fn(proto, shape=(2, 5))
    assert is_balanced(y) and y.lshape == (2, y.counts[y.comm.rank])
    everyone_raises(em.AxisError, fn, proto, split=2)
    everyone_raises(ValueError, fn, proto, shape=(-1, 3))
    everyone_raises(TypeError, fn, proto, dtype="nope")


def test_like_numpy_and_list_prototypes():
    check(em.zeros_like(np.ones((2, 3), np.int8)), np.zeros((2, 3), np.int8))
    check(em.ones_like(np.ones(3, np.complex128), split=0), np.ones(3, np.complex128))
    check(em.full_like([1.0, 2.0], 7), np.full(2, 7.0), dtype=F32)  # Python floats: float32
    check(em.full_like([1, 2], 7.9), np.full_like([1, 2], 7.9))


def test_full_like_casts_fill():
    proto = em.arange(5, split=0)
    check(em.full_like(proto, 2.7), np.full_like(np.arange(5), 2.7), split=0)
    check(em.full_like(proto, [1, 2, 3, 4, 5]), np.arange(1, 6), split=0)
    check(em.full_like(em.zeros(3, dtype=em.bool), 5), np.full(3, True))
    everyone_raises(OverflowError, em.full_like, em.zeros(3, dtype=em.uint8), -1)


# ======================================================================================
# arange
# ======================================================================================
INT_RANGES = [(5,), (0,), (-3,), (1,), (2,), (2, 9), (9, 2), (-4, 7, 3), (10, 0, -3),
              (10, -11, -7), (0, 5, 10), (5, 5, 1), (3, 8, -1)]
FLOAT_RANGES = [(2.5,), (0.0, 1.0, 0.1), (1, 2, 0.1), (-1.5, 2.25, 0.5), (10, 0, -1.5),
                (0.5, 0.5, 0.1), (0.0, 1e-3, 1e-4), (-3, 7.5, 0.7), (1.0, 0.0, 0.3)]


@pytest.mark.parametrize("args", INT_RANGES, ids=ids)
@pytest.mark.parametrize("split", [None, 0], ids=ids)
def test_arange_integers(args, split):
    check(em.arange(*args, split=split), np.arange(*args), split=split)


@pytest.mark.parametrize("args", FLOAT_RANGES, ids=ids)
@pytest.mark.parametrize("split", [None, 0], ids=ids)
def test_arange_floats(args, split):
    # ember's default float: NumPy's values computed in float32 (as np.arange does)
    check(em.arange(*args, split=split), np.arange(*args, dtype=np.float32), dtype=F32,
          split=split)
    check(em.arange(*args, dtype=em.float64, split=split), np.arange(*args), split=split)


@pytest.mark.parametrize("dt", [d for d in ALL if d is not em.bool], ids=ids)
@pytest.mark.parametrize("args", [(12, -3, -2), (0.1, 5, 0.3), (9.5, 0, -0.75)], ids=ids)
def test_arange_dtypes(dt, args):
    if dt.kind == "u" and min(args[:2]) < 0:
        args = tuple(abs(a) for a in args[:2]) + args[2:]
    if dt is em.bfloat16:  # NumPy's float16 rule: round the first two values, then float32
        start, step = (args[0], args[2] if len(args) == 3 else 1) if len(args) > 1 else (0, 1)
        first = torch.tensor(start, dtype=torch.float64).to(torch.bfloat16).float()
        second = torch.tensor(start + step, dtype=torch.float64).to(torch.bfloat16).float()
        index = torch.arange(len(np.arange(*args))).float()
        expected = (first + index * (second - first)).to(torch.bfloat16).float().numpy()
    else:
        expected = np.arange(*args, dtype=dt.numpy)
    check(em.arange(*args, dtype=dt, split=0), expected, dtype=dt, split=0)


def test_arange_bool():
    check(em.arange(2, dtype=em.bool, split=0), np.arange(2, dtype=bool))
    check(em.arange(1, dtype=em.bool), np.arange(1, dtype=bool))
    everyone_raises(TypeError, em.arange, 3, dtype=em.bool)


def test_arange_numpy_scalars_and_keywords():
    check(em.arange(np.int32(5)), np.arange(5))
    check(em.arange(np.int64(2), np.int8(9), np.int16(2)), np.arange(2, 9, 2))
    check(em.arange(5, step=2), np.arange(5, step=2))
    check(em.arange(1, 4, None, em.int8), np.arange(1, 4, dtype=np.int8))
    check(em.arange(np.float64(3)), np.arange(3.0), dtype=F32)  # float -> default float


def test_arange_bad_input():
    everyone_raises(ZeroDivisionError, em.arange, 0, 5, 0)
    everyone_raises(ZeroDivisionError, em.arange, 0.0, 5.0, 0.0)
    everyone_raises(TypeError, em.arange, "5")
    everyone_raises(TypeError, em.arange, None)
    everyone_raises(TypeError, em.arange, [3])
    everyone_raises(NotImplementedError, em.arange, 3j)
    everyone_raises(TypeError, em.arange, 5, dtype="int3")
    everyone_raises(em.AxisError, em.arange, 5, split=1)
    everyone_raises(ValueError, em.arange, 5, device="abacus")
    everyone_raises(ValueError, em.arange, 0.0, float("nan"))


# ======================================================================================
# linspace, logspace, geomspace
# ======================================================================================
SPACED = [(0, 1, 5, True), (0, 1, 5, False), (-3.3, 7.1, 13, True), (2, -2, 7, False),
          (1, 10, 1, True), (1, 10, 1, False), (3, 3, 4, True), (0, 5, 0, True),
          (-1, 1, 2, True), (0, 1, 50, True)]


@pytest.mark.parametrize("start, stop, num, endpoint", SPACED, ids=ids)
def test_linspace(start, stop, num, endpoint):
    expected = np.linspace(start, stop, num, endpoint=endpoint)
    x = em.linspace(start, stop, num, endpoint=endpoint)
    check(x, expected.astype(np.float32), dtype=F32, split=None)
    y, step = em.linspace(start, stop, num, endpoint, retstep=True, dtype=em.float64, split=0)
    _, expected_step = np.linspace(start, stop, num, endpoint, retstep=True)
    check(y, expected, split=0)
    np.testing.assert_equal(step, expected_step)  # nan for one sample with an endpoint


@pytest.mark.parametrize("dt", ALL, ids=ids)
def test_linspace_dtypes(dt):
    start = 0 if dt.kind in "bu" else -5
    if dt is em.bfloat16:
        expected = torch.linspace(start, 7, 11, dtype=torch.float64).to(torch.bfloat16)
        expected = expected.float().numpy()
    else:
        expected = np.linspace(start, 7, 11, dtype=dt.numpy)  # integers: floored (NumPy 2)
    check(em.linspace(start, 7, 11, dtype=dt, split=0), expected, dtype=dt)


def test_linspace_integer_floors():
    for args in [(-5, 5, 7), (0, 10, 7), (-1, -10, 4), (7, -7, 9)]:
        check(em.linspace(*args, dtype=em.int64, split=0), np.linspace(*args, dtype=np.int64))


def test_linspace_scalar_spellings():
    check(em.linspace(np.float32(0), np.int8(2), np.int64(3), dtype=em.float64),
          np.linspace(0, 2, 3))
    check(em.linspace(0, 1, 3, axis=-1), np.linspace(0, 1, 3), dtype=F32)


def test_spaced_bad_input():
    for fn in (em.linspace, em.logspace, em.geomspace):
        everyone_raises(ValueError, fn, 1, 2, -1)
        everyone_raises(TypeError, fn, 1, 2, 2.0)
        everyone_raises(em.AxisError, fn, 1, 2, 3, axis=1)
        everyone_raises(em.AxisError, fn, 1, 2, 3, split=1)
        everyone_raises(NotImplementedError, fn, [1, 2], 3)
        everyone_raises(NotImplementedError, fn, 1, 2j)
        everyone_raises(TypeError, fn, 1, 2, dtype="float8")
        everyone_raises(ValueError, fn, 1, 2, device="disk")


@pytest.mark.parametrize("start, stop, num, endpoint", SPACED[:5], ids=ids)
@pytest.mark.parametrize("base", [10.0, 2, 0.5], ids=ids)
def test_logspace(start, stop, num, endpoint, base):
    expected = np.logspace(start, stop, num, endpoint=endpoint, base=base)
    x = em.logspace(start, stop, num, endpoint, base, dtype=em.float64, split=0)
    assert_allclose(x, expected, rtol=1e-13, split=0)
    assert is_balanced(x)
    assert_allclose(em.logspace(start, stop, num, endpoint, base),
                    expected.astype(np.float32), rtol=1e-6, dtype=F32, split=None)


def test_logspace_dtypes():
    check(em.logspace(0, 3, 4, base=2, dtype=em.int64, split=0),
          np.logspace(0, 3, 4, base=2, dtype=np.int64))
    check(em.logspace(0, 2.5, 6, dtype=em.int32, split=0),
          np.logspace(0, 2.5, 6, dtype=np.int32))  # truncated, as NumPy's astype
    check(em.logspace(0, 3, 4, base=-2, dtype=em.int16), np.array([1, -2, 4, -8], np.int16))
    assert_allclose(em.logspace(0, 1, 3, dtype=em.complex128),
                    np.logspace(0, 1, 3, dtype=np.complex128), rtol=1e-13)


GEOM = [(1, 1000, 4, True), (1, 1000, 4, False), (-1, -1000, 5, True), (2, 0.5, 6, True),
        (-0.5, -8, 3, False), (5, 5, 3, True), (3, 7, 1, True), (3, 7, 0, True),
        (1, 2, 2, True), (1e-3, 1e3, 13, True)]


@pytest.mark.parametrize("start, stop, num, endpoint", GEOM, ids=ids)
def test_geomspace(start, stop, num, endpoint):
    expected = np.geomspace(start, stop, num, endpoint=endpoint)
    x = em.geomspace(start, stop, num, endpoint, dtype=em.float64, split=0)
    assert_allclose(x, expected, rtol=1e-13, split=0)
    assert is_balanced(x)
    y = em.geomspace(start, stop, num, endpoint)
    assert_allclose(y, np.geomspace(start, stop, num, endpoint, dtype=np.float32), rtol=1e-6,
                    dtype=F32, split=None)
    if num:  # the endpoints are exact
        assert x.numpy()[0] == start and y.numpy()[0] == np.float32(start)
        if endpoint and num > 1:
            assert x.numpy()[-1] == stop


def test_geomspace_integer_dtypes_truncate():
    for args, dt in [((-1, -1000, 5), em.int64), ((1, 1000, 5), em.int16),
                     ((2, 300, 6), em.int32), ((-3, -0.5, 4), em.int8)]:
        check(em.geomspace(*args, dtype=dt, split=0), np.geomspace(*args, dtype=dt.numpy))


def test_geomspace_bad_input():
    everyone_raises(ValueError, em.geomspace, 0, 10)
    everyone_raises(ValueError, em.geomspace, -3, 0.0)
    everyone_raises(NotImplementedError, em.geomspace, -1, 10)  # complex result


# ======================================================================================
# eye, identity, tri
# ======================================================================================
MATRICES = [(1, None, 0), (2, None, 0), (7, 4, 0), (5, 6, 2), (5, 6, -3), (4, 4, -10),
            (0, 3, 1), (3, 0, 0)]


@pytest.mark.parametrize("n, m, k", MATRICES, ids=ids)
@pytest.mark.parametrize("split", splits_of(2), ids=ids)
def test_eye(n, m, k, split):
    check(em.eye(n, m, k, split=split), np.eye(n, m, k), dtype=F32, split=split)


@pytest.mark.parametrize("n, m, k", MATRICES, ids=ids)
@pytest.mark.parametrize("split", splits_of(2), ids=ids)
def test_tri(n, m, k, split):
    check(em.tri(n, m, k=k, dtype=em.int64, split=split), np.tri(n, m, k, dtype=np.int64),
          split=split)


@pytest.mark.parametrize("dt", ALL, ids=ids)
def test_eye_identity_tri_dtypes(dt):
    exp = dt.numpy or np.float32
    check(em.eye(3, 4, 1, dtype=dt, split=1), np.eye(3, 4, 1, dtype=exp), dtype=dt)
    check(em.identity(3, dtype=dt, split=0), np.identity(3, dtype=exp), dtype=dt)
    check(em.tri(4, 3, -1, dtype=dt), np.tri(4, 3, -1, dtype=exp), dtype=dt)


@pytest.mark.parametrize("n", [0, 1, 5], ids=ids)
@pytest.mark.parametrize("split", splits_of(2), ids=ids)
def test_identity(n, split):
    check(em.identity(n, split=split), np.identity(n), dtype=F32, split=split)


def test_matrix_arguments():
    check(em.eye(np.int64(3), k=np.int32(-1)), np.eye(3, k=-1), dtype=F32)
    check(em.tri(3, 4, k=-1.5), np.tri(3, 4, k=-1.5), dtype=F32)  # as NumPy: int(k)
    check(em.tri(3, 4, k=1.5), np.tri(3, 4, k=1.5), dtype=F32)
    everyone_raises(TypeError, em.eye, 3, k=1.5)
    everyone_raises(ValueError, em.eye, -1)
    everyone_raises(ValueError, em.eye, 2, -2)
    everyone_raises(TypeError, em.eye, 2.0)
    everyone_raises(TypeError, em.identity, "2")
    everyone_raises(ValueError, em.tri, -3)
    everyone_raises(TypeError, em.tri, 2, k="1")
    for fn in (em.eye, em.identity, em.tri):
        everyone_raises(em.AxisError, fn, 3, split=2)
        everyone_raises(em.AxisError, fn, 3, split=-3)
        everyone_raises(TypeError, fn, 3, dtype="float128")
        everyone_raises(ValueError, fn, 3, device="gpu:x")


# ======================================================================================
# meshgrid
# ======================================================================================
MESH_SPLITS = [(None, None), (0, None), (None, 0), (0, 0)]


@pytest.mark.parametrize("lengths", [(5, 4), (1, 0)], ids=ids)
@pytest.mark.parametrize("splits", MESH_SPLITS, ids=ids)
@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_meshgrid_two(rng, lengths, splits, indexing, sparse):
    vectors = [data(rng, (lengths[0],), em.int32), data(rng, (lengths[1],), em.float64)]
    inputs = [em.array(v, split=s) for v, s in zip(vectors, splits, strict=True)]
    outputs = em.meshgrid(*inputs, indexing=indexing, sparse=sparse)
    expected = np.meshgrid(*vectors, indexing=indexing, sparse=sparse)
    assert isinstance(outputs, tuple) and len(outputs) == 2
    driver = next((i for i, s in enumerate(splits) if s is not None), None)
    axes = [1, 0] if indexing == "xy" else [0, 1]
    for i, (out, exp) in enumerate(zip(outputs, expected, strict=True)):
        if driver is None:
            split = None
        elif sparse:
            split = axes[driver] if i == driver else None
        else:
            split = axes[driver]
        check(out, exp, split=split)


@pytest.mark.parametrize("splits, indexing, sparse", [
    ((None, None, None), "xy", False), ((None, 0, None), "xy", False),
    ((None, None, 0), "ij", False), ((0, 0, 0), "xy", False), ((0, 0, 0), "ij", False),
    ((None, 0, None), "xy", True), ((None, None, 0), "ij", True), ((0, 0, 0), "xy", True),
], ids=ids)
def test_meshgrid_three(rng, splits, indexing, sparse):
    vectors = [data(rng, (n,), em.int64) for n in (4, 2, 5)]
    inputs = [em.array(v, split=s) for v, s in zip(vectors, splits, strict=True)]
    outputs = em.meshgrid(*inputs, indexing=indexing, sparse=sparse)
    expected = np.meshgrid(*vectors, indexing=indexing, sparse=sparse)
    driver = next((i for i, s in enumerate(splits) if s is not None), None)
    axes = [1, 0, 2] if indexing == "xy" else [0, 1, 2]
    for i, (out, exp) in enumerate(zip(outputs, expected, strict=True)):
        split = None if driver is None or (sparse and i != driver) else axes[driver]
        assert_array_equal(out, exp, split=split)


def test_meshgrid_misc(rng):
    a, b = np.arange(3), np.linspace(0, 1, 4)
    (x,) = em.meshgrid(em.array(a, split=0))
    assert_array_equal(x, a, split=0)
    assert em.meshgrid() == ()
    # plain data (Python floats become the default float), N-d inputs are flattened
    outputs = em.meshgrid(a, b.tolist())
    for out, exp, dtype in zip(outputs, np.meshgrid(a, b), (None, F32), strict=True):
        assert_array_equal(out, exp, dtype=dtype)
    grid = np.arange(6).reshape(2, 3)
    outputs = em.meshgrid(em.array(grid, split=1), em.arange(4), indexing="ij")
    expected = np.meshgrid(grid, np.arange(4), indexing="ij")
    for out, exp in zip(outputs, expected, strict=True):
        check(out, exp, split=0)
    # copy=False gives views that still compare equal
    outputs = em.meshgrid(em.array(a, split=0), em.array(b), copy=False)
    for out, exp in zip(outputs, np.meshgrid(a, b), strict=True):
        assert_array_equal(out, exp, split=1)
    everyone_raises(ValueError, em.meshgrid, a, b, indexing="xyz")


def test_meshgrid_uneven_counts(comm):
    x = em.arange(5, split=0).redistribute([5] + [0] * (comm.size - 1))
    X, Y = em.meshgrid(x, em.arange(3))
    assert X.counts == x.counts and Y.counts == x.counts
    for out, exp in zip((X, Y), np.meshgrid(np.arange(5), np.arange(3)), strict=True):
        assert_array_equal(out, exp, split=1)


@pytest.mark.parametrize("value", [np.array(3), np.array(2.5), np.array(True), np.array(1 + 2j)])
def test_array_from_0d_numpy_keeps_0d(value):
    x = em.array(value)
    assert_array_equal(x, value)
    assert x.shape == () and x.item() == value.item()
