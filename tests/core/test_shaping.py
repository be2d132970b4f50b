"""reshape, ravel, flatten, transpositions, squeeze/expand_dims/atleast_*, broadcasting and
copy against NumPy, for every split, uneven and tiny shapes, with their communication
counted (the transpositions and most reshapes must not communicate)."""

import numpy as np
import pytest
import torch
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import reshaping
from ember.testing import assert_array_equal, assert_invariants, splits_of

DTYPES = ["bool", "int32", "float32", "complex64"]


def _data(shape, dtype, rng):
    values = np.asarray(rng.integers(-9, 10, shape))
    if dtype == "bool":
        return values > 0
    if dtype == "complex64":
        return np.asarray(values + 1j * rng.integers(-9, 10, shape)).astype(dtype)
    return values.astype(dtype)


# ------------------------------------------------------------------------------ reshape
RESHAPES = [
    ((6, 4), [(24,), (4, 6), (3, 8), (2, 3, 4), (2, 12), (8, 3), (1, 24), (24, 1), (-1, 2)]),
    ((5, 7), [(35,), (7, 5), (1, 35, 1)]),
    ((2, 3, 4), [(6, 4), (2, 12), (24,), (4, 3, 2), (3, 8), (8, -1), (1, 2, 1, 12)]),
    ((35,), [(5, 7), (7, 5), (5, 1, 7)]),
    ((1, 5, 1), [(5,), (5, 1), (1, 5)]),
    ((2,), [(1, 2), (2, 1), 2]),
    ((1,), [(), (1, 1)]),
    ((), [(1,), (1, 1), ()]),
    ((0, 3), [(3, 0), (0,), (0, 3), (1, 0, 3)]),
    ((4, 9, 2), [(6, 12), (12, 6), (3, 24), (36, 2), (2, 36)]),
]


def test_reshape_every_split_and_new_split(comm, rng):
    """Every old split meets every new split (default, None and each axis)."""
    check = LocalCheck(comm)
    for index, (shape, targets) in enumerate(RESHAPES):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for target in targets:
                expected = data.reshape(target)
                check(em.reshape(x, target), expected, f"{shape} {split} -> {target}")
                for new_split in splits_of(expected.ndim):
                    result = em.reshape(x, target, new_split=new_split)
                    check(result, expected, f"{shape} {split} -> {target} {new_split}",
                          split=new_split)
    check.done()


def test_reshape_results_are_valid_arrays(rng):
    data = _data((6, 4), "float32", rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        for target in ((3, 8), (24,), (2, 3, 4)):
            for new_split in (*splits_of(len(target)), -1):
                result = em.reshape(x, target, new_split=new_split)
                assert_invariants(result)
                assert_array_equal(result, data.reshape(target))


@pytest.mark.parametrize("shape, split, target, expected_split", [
    ((10, 64), 0, (640,), 0),
    ((640,), 0, (10, 64), 0),
    ((4, 5, 6), 1, (4, 30), 1),
    ((4, 5, 6), 2, (20, 6), 1),
    ((4, 5, 6), 1, (20, 6), 0),
    ((4, 5, 6), 0, (2, 2, 30), 0),
    ((6, 4), 1, (3, 8), 1),
    ((1, 24), 1, (1, 4, 6), 1),
    ((3, 1), 1, (3, 1), 1),
    ((4, 5), None, (20,), None),
    ((1,), 0, (), None),
])
def test_reshape_natural_split(shape, split, target, expected_split, rng):
    data = _data(shape, "int32", rng)
    result = em.reshape(em.array(data, split=split), target)
    assert_array_equal(result, data.reshape(target), split=expected_split)


def test_reshape_keeps_blocks_in_place_without_communication(comm, monkeypatch):
    """Flat-contiguous blocks that hold whole slabs of the new split axis stay put."""
    n = 5 * comm.size + 2
    for x, target in [(em.zeros((n, 64), split=0), (n * 64,)),
                      (em.zeros((1, n, 3), split=1), (n * 3,)),
                      (em.zeros((4, n, 6), split=1), (4, n * 2, 3)),
                      (em.zeros((n, 2, 3)), (2, n, 3)),
                      (em.zeros((n, 4), split=0), (n, 2, 2)),
                      (em.zeros((0, 4), split=1), (2, 0))]:
        with count_collectives(monkeypatch) as calls:
            result = em.reshape(x, target)
        assert calls == [], (x.shape, target, calls)
        assert_invariants(result)
    # counts follow the input's: uneven counts stay uneven
    counts = [6 * comm.size] + [0] * (comm.size - 1)
    x = em.arange(6 * comm.size, split=0).redistribute(counts)
    with count_collectives(monkeypatch) as calls:
        result = em.reshape(x, (2 * comm.size, 3))
    assert calls == [] and result.counts == tuple(c // 3 for c in counts)
    assert_array_equal(result, np.arange(6 * comm.size).reshape(-1, 3))


@pytest.mark.parametrize("shape, split, target, new_split, expected", [
    ((640,), 0, (10, 64), 0, 1),  # flat ranges re-cut to whole rows
    ((6, 4), 1, (24,), 0, 1),  # columns -> flat ranges
    ((24,), 0, (3, 8), 1, 1),  # flat ranges -> columns
    ((4, 6), 1, (4, 6), 1, 0),  # nothing to do (blocks stay)
    ((4, 6), 1, (4, 3, 2), 1, 1),  # same rows view, other counts
    ((6, 4), 1, (3, 8), 1, 2),  # columns -> flat -> columns
    ((2, 3, 4), 2, (4, 3, 2), 1, 2),
    ((6, 4), 1, (3, 8), None, 0),  # gathered: one Allgatherv
])
def test_reshape_moves_with_at_most_two_alltoallv(shape, split, target, new_split, expected,
                                                  comm, monkeypatch, rng):
    data = _data(shape, "float32", rng)
    x = em.array(data, split=split)
    with count_collectives(monkeypatch) as calls:
        result = em.reshape(x, target, new_split=new_split)
    if comm.size > 1:
        assert calls.count("Alltoallv") <= expected, calls
        assert set(calls) <= {"Alltoallv", "Allgatherv"}, calls
        if new_split is None:
            assert calls == ["Allgatherv"]
    else:
        assert calls == []
    assert_array_equal(result, data.reshape(target), split=new_split)


def test_reshape_from_uneven_and_empty_blocks(comm, rng):
    data = _data((7, 6), "complex64", rng)
    check = LocalCheck(comm)
    for counts in ([7] + [0] * (comm.size - 1), [0] * (comm.size - 1) + [7]):
        x = em.array(data, split=0).redistribute(counts)
        for target in ((42,), (6, 7), (3, 14), (2, 3, 7), (21, 2)):
            for new_split in splits_of(len(target)):
                check(em.reshape(x, target, new_split=new_split), data.reshape(target),
                      f"{counts} {target} {new_split}", split=new_split)
    check.done()


def test_reshape_method_and_array_likes():
    data = np.arange(12)
    x = em.array(data, split=0)
    assert_array_equal(x.reshape(3, 4), data.reshape(3, 4), split=0)
    assert_array_equal(x.reshape((4, 3), new_split=1), data.reshape(4, 3), split=1)
    assert_array_equal(em.reshape(data, (2, 6)), data.reshape(2, 6), split=None)
    assert_array_equal(em.reshape([[1, 2], [3, 4]], -1), np.array([1, 2, 3, 4]))
    assert_array_equal(em.reshape(x, np.int64(12)), data)
    assert_array_equal(em.reshape(x, (3, 4), order="A"), data.reshape(3, 4))


def test_reshape_copy(comm):
    x = em.zeros((4 * comm.size, 3), split=0)
    view = em.reshape(x, -1)
    view.larray.fill_(1)
    assert bool((x.larray == 1).all())  # NumPy's view: shared blocks
    fresh = em.reshape(x, -1, copy=True)
    fresh.larray.fill_(2)
    assert not bool((x.larray == 2).any())
    em.reshape(x, -1, copy=False).larray.fill_(3)
    assert bool((x.larray == 3).all())
    replicated = em.zeros((2, 3))
    em.reshape(replicated, (3, 2), copy=False).larray.fill_(4)
    assert bool((replicated.larray == 4).all())
    with pytest.raises(ValueError, match="copy"):
        em.reshape(em.zeros((2, 3)).T, -1, copy=False)
    if comm.size > 1:
        with pytest.raises(ValueError, match="copy"):
            em.reshape(em.zeros((3, 4), split=1), -1, copy=False)
        with pytest.raises(ValueError, match="copy"):
            em.reshape(em.zeros((3, 4), split=0), -1, new_split=None, copy=False)


def test_reshape_errors():
    x = em.zeros((2, 3), split=0)
    for target in ((4, 2), (4, -1), 5, (0, -1)):
        with pytest.raises(ValueError, match="cannot reshape"):
            em.reshape(x, target)
    with pytest.raises(ValueError, match="cannot reshape"):
        em.reshape(em.zeros((0, 3), split=0), (0, -1))
    with pytest.raises(ValueError, match="one unknown"):
        em.reshape(x, (-1, -1))
    with pytest.raises(TypeError):
        em.reshape(x, (2.0, 3))
    with pytest.raises(TypeError):
        em.reshape(x, None)
    with pytest.raises(NotImplementedError, match="order='F'"):
        em.reshape(x, (3, 2), order="F")
    for order in ("K", "X"):
        with pytest.raises(ValueError, match="order"):
            em.reshape(x, (3, 2), order=order)
    with pytest.raises(em.AxisError):
        em.reshape(x, (3, 2), new_split=2)
    with pytest.raises(em.AxisError):
        em.reshape(em.zeros(1, split=0), (), new_split=0)


def test_column_part_partitions_a_flat_range():
    """The layout arithmetic: every item of a flat range lands in exactly one part."""
    for width in (1, 3, 5):
        for start in range(0, 12):
            for length in range(0, 13):
                columns = (np.arange(start, start + length) % width)
                for low in range(width + 1):
                    for high in range(low, width + 1):
                        *_, total = reshaping._column_part(start, length, width, low, high)
                        assert total == ((columns >= low) & (columns < high)).sum()


# ------------------------------------------------------------------------------ ravel
def test_ravel_and_flatten(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(7,), (5, 3), (2, 3, 4), (1, 2), (3, 0), ()]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for function in (em.ravel, em.flatten, reshaping.ravel):
                for order in ("C", "K", "A"):
                    check(function(x, order), data.ravel(), f"{shape} {split}",
                          split=None if split is None or not shape else 0)
    check.done()
    x = em.zeros((4, 3), split=0)
    with count_collectives(monkeypatch) as calls:
        flat = x.ravel()
    assert calls == []
    flat.larray.fill_(1)
    assert not bool(x.larray.any())  # always a copy
    assert_array_equal(x.flatten(), np.zeros(12, np.float32))
    with pytest.raises(NotImplementedError):
        em.ravel(x, "F")
    with pytest.raises(ValueError):
        em.flatten(x, "Z")


# ------------------------------------------------------------------------------ transpositions
def _transpositions(ndim):
    """(name, ember call, NumPy call) for a sweep of axis arguments."""
    cases = [("transpose", lambda m: m.transpose(None), None)]
    if ndim == 3:
        for axes in ((1, 0, 2), (2, 0, 1), (-1, 0, -2)):
            cases.append((f"transpose {axes}", "transpose", (axes,)))
        for source, destination in ((0, -1), (2, 0), ((0, 1), (2, 0)), ([1], [1])):
            cases.append((f"moveaxis {source} {destination}", "moveaxis",
                          (source, destination)))
        for axis1, axis2 in ((0, 2), (-1, 1), (1, 1)):
            cases.append((f"swapaxes {axis1} {axis2}", "swapaxes", (axis1, axis2)))
    if ndim >= 2:
        cases.append(("matrix_transpose", "matrix_transpose", ()))
        cases.append(("permute_dims", "permute_dims", (tuple(range(ndim))[::-1],)))
    return cases


def test_transpositions_every_split_without_communication(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(5, 3, 7), (2, 1, 3), (4, 5), (7,), (), (0, 2, 3)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for name, function, args in _transpositions(len(shape)):
                if callable(function):
                    actual, expected = em.transpose(x), np.transpose(data)
                else:
                    with count_collectives(monkeypatch) as calls:
                        actual = getattr(em, function)(x, *args)
                    assert calls == [], (name, calls)
                    expected = getattr(np, function)(data, *args)
                check(actual, expected, f"{shape} {split} {name}")
                if split is not None:  # the split follows the data; counts are kept
                    assert actual.counts == x.counts
    check.done()


def test_transpositions_copy_and_accept_array_likes():
    x = em.arange(6, split=0).reshape(2, 3)
    y = em.transpose(x)
    y.larray.fill_(7)
    assert_array_equal(x, np.arange(6).reshape(2, 3))
    assert y.larray.is_contiguous()
    assert_array_equal(x.transpose(1, 0), np.arange(6).reshape(2, 3).T, split=1)
    assert_array_equal(x.transpose((1, 0)), np.arange(6).reshape(2, 3).T, split=1)
    assert_array_equal(x.transpose(), np.arange(6).reshape(2, 3).T, split=1)
    assert_array_equal(x.swapaxes(0, 1), np.arange(6).reshape(2, 3).T, split=1)
    data = [[1, 2, 3]]
    assert_array_equal(em.transpose(data), np.transpose(data))
    assert_array_equal(em.moveaxis(np.ones((1, 2, 3)), 0, 2), np.ones((2, 3, 1)))
    assert_array_equal(em.matrix_transpose(data), np.array(data).T)
    assert_array_equal(em.permute_dims(np.zeros((2, 3)), (1, 0)), np.zeros((3, 2)))


def test_transposition_errors():
    x = em.zeros((2, 3, 4), split=1)
    for axes, error in [((0, 1), ValueError), ((0, 1, 2, 3), ValueError),
                        ((0, 0, 1), ValueError), ((0, 1, 3), em.AxisError),
                        ((0, 1, "a"), TypeError)]:
        with pytest.raises(error):
            em.transpose(x, axes)
        with pytest.raises(error):
            em.permute_dims(x, axes)
    with pytest.raises(ValueError, match="at least 2-dimensional"):
        em.matrix_transpose(em.zeros(3, split=0))
    with pytest.raises(em.AxisError):
        em.moveaxis(x, 0, 3)
    with pytest.raises(em.AxisError):
        em.moveaxis(x, -4, 0)
    with pytest.raises(ValueError, match="same number"):
        em.moveaxis(x, (0, 1), (0,))
    with pytest.raises(ValueError, match="repeated"):
        em.moveaxis(x, (0, 0), (0, 1))
    with pytest.raises(ValueError, match="repeated"):
        em.moveaxis(x, (0, 1), (1, 1))
    with pytest.raises(TypeError):
        em.moveaxis(x, 0.5, 1)
    with pytest.raises(em.AxisError):
        em.swapaxes(x, 0, 3)
    with pytest.raises(em.AxisError):
        x.swapaxes(-4, 0)


# ------------------------------------------------------------------------------ squeeze
def test_squeeze_every_split(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(1, 5, 1, 3), (1,), (2, 1), (1, 1), (7, 1, 2), ()]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        ones = [i for i, e in enumerate(shape) if e == 1]
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in [None, *ones, *[i - len(shape) for i in ones], tuple(ones),
                         *([0, -1] if not shape else [])]:
                with count_collectives(monkeypatch) as calls:
                    actual = em.squeeze(x, axis)
                expected = np.squeeze(data, axis)
                axes = range(len(shape)) if axis is None else np.atleast_1d(axis) % max(
                    len(shape), 1)
                gone = split is not None and split in [a for a in axes if shape[a] == 1]
                assert calls == (["Bcast"] if gone and comm.size > 1 else []), calls
                expected_split = None if split is None or gone else split - sum(
                    a < split for a in axes if shape[a] == 1)
                check(actual, expected, f"{shape} {split} {axis}", split=expected_split)
    check.done()


def test_squeeze_of_split_axis_held_by_any_rank(comm):
    counts = [0] * comm.size
    counts[-1] = 1
    x = em.array(np.arange(4.0).reshape(1, 4), split=0).redistribute(counts)
    result = x.squeeze(0)
    assert_invariants(result)
    assert_array_equal(result, np.arange(4.0), split=None)


def test_squeeze_errors():
    x = em.zeros((1, 3, 1), split=1)
    with pytest.raises(ValueError, match="size not equal to one"):
        em.squeeze(x, 1)
    with pytest.raises(ValueError, match="duplicate"):
        em.squeeze(x, (0, -3))
    with pytest.raises(em.AxisError):
        em.squeeze(x, 3)
    for axis in (1, (0,)):
        with pytest.raises(em.AxisError):
            em.squeeze(em.array(1.0), axis)
    with pytest.raises(TypeError):
        em.squeeze(x, 0.0)


# ------------------------------------------------------------------------------ new axes
def test_expand_dims_and_atleast(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(), (5,), (2,), (3, 4), (2, 1, 3), (1, 2, 3, 4)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for axis in (0, -1, (0, 1), (-1, 0), (1,)):
                if max(np.atleast_1d(axis)) >= len(shape) + len(np.atleast_1d(axis)):
                    continue
                with count_collectives(monkeypatch) as calls:
                    actual = em.expand_dims(x, axis)
                assert calls == []
                check(actual, np.expand_dims(data, axis), f"{shape} {split} {axis}")
            for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
                with count_collectives(monkeypatch) as calls:
                    actual = getattr(em, name)(x)
                assert calls == []
                check(actual, getattr(np, name)(data), f"{shape} {split} {name}")
                if split is not None:
                    assert actual.counts == x.counts
    check.done()


def test_atleast_several_inputs():
    x = em.arange(3, split=0)
    results = em.atleast_2d(x, 5.0, [[1, 2]])
    assert isinstance(results, tuple) and len(results) == 3
    for actual, expected in zip(results, np.atleast_2d(np.arange(3), 5.0, [[1, 2]]),
                                strict=True):
        assert_array_equal(actual, expected, dtype=actual.dtype)
    assert em.atleast_1d() == ()
    y = em.zeros((2, 2, 2), split=2)
    assert em.atleast_3d(y) is y  # enough dimensions: the input itself, as NumPy
    assert_array_equal(em.atleast_1d(np.int32(4)), np.array([4], np.int32))


def test_expand_dims_errors():
    x = em.zeros((2, 3), split=0)
    with pytest.raises(em.AxisError):
        em.expand_dims(x, 3)
    with pytest.raises(em.AxisError):
        em.expand_dims(x, (0, 4))
    with pytest.raises(ValueError, match="repeated"):
        em.expand_dims(x, (1, 1))
    with pytest.raises(ValueError, match="repeated"):
        em.expand_dims(x, (0, -4))
    with pytest.raises(TypeError):
        em.expand_dims(x, 1.0)


# ------------------------------------------------------------------------------ broadcasting
BROADCASTS = [((3,), (2, 3)), ((3,), (3,)), ((5, 1), (5, 4)), ((1, 4), (3, 1, 4)),
              ((1,), (7,)), ((1, 1), (2, 5)), ((2, 1, 3), (2, 4, 3)), ((), (2, 2)),
              ((0, 1), (0, 3)), ((1, 3), (0, 3))]


def test_broadcast_to_every_split(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, (shape, target) in enumerate(BROADCASTS):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            with count_collectives(monkeypatch) as calls:
                actual = em.broadcast_to(x, target)
            out_split = None if split is None else split + len(target) - len(shape)
            grows = split is not None and shape[split] != target[out_split]
            assert calls == (["Bcast"] if grows and comm.size > 1 else []), calls
            check(actual, np.broadcast_to(data, target), f"{shape} {split} {target}",
                  split=out_split)
            if split is not None and not grows:
                assert actual.counts == x.counts
    check.done()


def test_broadcast_to_materialises_and_takes_array_likes(comm):
    result = em.broadcast_to(em.arange(3, split=0), (2, 3))
    assert result.larray.is_contiguous()
    result.larray.fill_(5)  # a real block, not a broadcast view
    assert_array_equal(result, np.full((2, 3), 5))
    assert_array_equal(em.broadcast_to([1, 2], (3, 2)), np.broadcast_to([1, 2], (3, 2)))
    assert_array_equal(em.broadcast_to(np.float32(2), 4), np.full(4, 2, np.float32))
    counts = [0] * comm.size
    counts[-1] = 1
    x = em.array([[1.0, 2.0]], split=0).redistribute(counts)
    assert_array_equal(em.broadcast_to(x, (5, 2)), np.ones((5, 1)) * [1.0, 2.0], split=0,
                       dtype=em.float32)


def test_broadcast_to_errors():
    x = em.zeros((2, 3), split=1)
    for shape in ((3, 3), (3,), (2, 1), (1, 2, 4)):
        with pytest.raises(ValueError):
            em.broadcast_to(x, shape)
    with pytest.raises(ValueError):
        em.broadcast_to(x, (-1, 3))
    with pytest.raises(TypeError):
        em.broadcast_to(x, (2.0, 3))


def test_broadcast_arrays(comm, rng):
    check = LocalCheck(comm)
    a, b, c = _data((5, 1), "int32", rng), _data((4,), "float32", rng), _data((), "bool", rng)
    expected = np.broadcast_arrays(a, b, c)
    for split_a in splits_of(2):
        for split_b in splits_of(1):
            results = em.broadcast_arrays(em.array(a, split=split_a),
                                          em.array(b, split=split_b), c)
            assert isinstance(results, tuple) and len(results) == 3
            splits = (split_a, None if split_b is None else split_b + 1, None)
            for actual, want, split in zip(results, expected, splits, strict=True):
                check(actual, want, f"{split_a} {split_b}", split=split)
    check.done()
    assert em.broadcast_arrays() == ()
    with pytest.raises(ValueError):
        em.broadcast_arrays(em.zeros(3, split=0), em.zeros(4))


# ------------------------------------------------------------------------------ copy
def test_copy_function(rng, monkeypatch):
    data = _data((5, 3), "complex64", rng)
    for split in splits_of(2):
        x = em.array(data, split=split)
        with count_collectives(monkeypatch) as calls:
            y = em.copy(x)
        assert calls == []
        assert y.split == x.split and y.counts == x.counts
        y.larray.fill_(0)
        assert_array_equal(x, data)
    assert_array_equal(em.copy([1, 2]), np.array([1, 2]))
    source = np.arange(3)
    copied = em.copy(source)
    source[0] = 9
    assert_array_equal(copied, np.arange(3))
    with pytest.raises(NotImplementedError):
        em.copy(em.zeros(2), order="F")
    with pytest.raises(ValueError):
        em.copy(em.zeros(2), order="Q")


def test_communication_counter_sees_collectives(monkeypatch, comm):
    with count_collectives(monkeypatch) as calls:
        comm.Allreduce(torch.ones(1))
    assert calls == ["Allreduce"]
