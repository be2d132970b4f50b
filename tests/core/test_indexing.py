"""x[key], x[key] = value, take, put, take_along_axis, put_along_axis against NumPy, for
every split, uneven and tiny shapes (empty chunks), several dtypes, with the
communication of the main paths counted and every error raised on every rank."""

import warnings

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.testing import assert_array_equal, assert_invariants, splits_of

SHAPES = [(7,), (2,), (5, 4), (1, 3), (3, 4, 2), (0, 3)]
DTYPES = ["int64", "float32", "bool", "complex64", "int8", "float64"]


def _data(shape, dtype):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    if dtype == "bool":
        return a % 3 == 1
    if dtype.startswith("complex"):
        return (a + 1j * (a % 4)).astype(dtype)
    return (a - 3).astype(dtype)


def _basic_keys(shape):
    keys = [(), Ellipsis, None, slice(None), slice(1, None), slice(None, None, 2),
            slice(None, None, -1), slice(-2, None, -3), slice(5, 1, -2), (None, Ellipsis),
            (Ellipsis, None)]
    if shape[0]:
        keys += [0, -1, (shape[0] - 1,), (0, Ellipsis)]
    if len(shape) > 1:
        keys += [(slice(None), 1), (Ellipsis, -1), (slice(None, None, -1), slice(1, None, 2)),
                 (slice(1, 3), None, slice(None, None, -2))]
        if shape[0]:
            keys += [(0, 1), (-1, slice(None, None, -1))]
    if len(shape) > 2:
        keys += [(slice(None), 0, slice(None, None, -1)), (1, Ellipsis, 0), (Ellipsis, 1, None)]
    return keys


def _advanced_keys(shape, rng):
    n = shape[0]
    keys = [[], True, False, np.zeros(shape, bool), rng.random(shape) > 0.4,
            np.ones(shape[:1], bool)]
    if n:
        keys += [[0, -1, 0], np.array([n - 1, 0]), ([n - 1, 0, 0],), [[0], [n - 1]],
                 (rng.random(n) > 0.5, Ellipsis)]
    if len(shape) > 1 and n:
        keys += [([0, n - 1], [1, 0]), ([[0], [n - 1]], [0, 1, 0]), (slice(None), [1, 0, 1]),
                 ([0, 0], slice(None, None, -1)), (slice(1, None), [0]),
                 (rng.random(n) > 0.5, 0), (0, rng.random(shape[1]) > 0.5),
                 ([0, n - 1], None, [1, 0]), (None, 0, None, [1, 0]), (True, [0, n - 1]),
                 (slice(None), rng.random(shape[1]) > 0.5)]
    if len(shape) > 2:
        keys += [(0, slice(None), [0, 1]), ([0, 1], slice(None), [1, 1]),
                 (slice(None), [0, 3], [1, 0]), (slice(None), rng.random(shape[1:]) > 0.5),
                 (rng.random(shape[:2]) > 0.5,), (Ellipsis, [1, 0]), (1, Ellipsis, [0, 0]),
                 ([0, 1], 1, slice(None)), ([1], slice(None), 0),
                 (rng.random(shape[:2]) > 0.5, [1])]
    return keys


def _distributed(key, split=0):
    """The key with its NumPy/list arrays as DNDarrays split along ``split``."""
    def convert(k):
        if isinstance(k, (list, np.ndarray)) and np.asarray(k).ndim:
            data = np.asarray(k)
            data = data.astype(np.int64) if data.dtype.kind == "f" else data
            return em.array(data, split=min(split, data.ndim - 1))
        return k

    if isinstance(key, tuple):
        return tuple(convert(k) for k in key)
    return convert(key)


def _sweep(comm, keys_of, rng, with_distributed):
    check = LocalCheck(comm)
    for i, shape in enumerate(SHAPES):
        a = _data(shape, DTYPES[i % len(DTYPES)])
        for key in keys_of(shape, rng):
            try:
                expected = a[key]
            except IndexError:
                continue
            for split in splits_of(len(shape)):
                x = em.array(a, split=split)
                check(x[key], expected, context=f"{shape} split={split} key={key!r}")
                if with_distributed:
                    index_split = (i + split if split is not None else i) % 2
                    check(x[_distributed(key, index_split)], expected,
                          context=f"{shape} split={split} dnd({index_split}) key={key!r}")
    check.done()


def test_basic_keys_every_split(comm, rng):
    _sweep(comm, lambda shape, rng: _basic_keys(shape), rng, False)


def test_advanced_keys_every_split(comm, rng):
    _sweep(comm, _advanced_keys, rng, True)


def test_results_are_copies_and_zero_d(comm):
    a = np.arange(12).reshape(3, 4)
    for split in splits_of(2):
        x = em.array(a, split=split)
        y = x[1:]
        y[...] = -1
        assert_array_equal(x, a)
        item = x[2, 3]
        assert item.shape == () and item.split is None and item.item() == 11
    zero = em.array(5.0)
    assert_array_equal(zero[()], np.float32(5.0))
    assert_array_equal(zero[...], np.float32(5.0))
    assert_array_equal(zero[None], np.array([5.0], np.float32))
    zero[()] = 2
    assert zero.item() == 2.0
    with pytest.raises(IndexError, match="too many indices"):
        zero[0]


def test_distributions_of_results(comm):
    a = np.arange(40).reshape(10, 4)
    x = em.array(a, split=0)
    y = x[3:9:2]
    assert y.split == 0 and sum(y.counts) == 3
    assert_invariants(y)
    assert x[4].split is None
    mask = em.array(a[:, 0] % 20 < 8, split=0)
    selected = x[mask]
    assert selected.split == 0
    assert_invariants(selected)
    assert_array_equal(selected, a[a[:, 0] % 20 < 8])
    gathered = x[[9, 0, 0, 5, 1]]
    assert gathered.split == 0 and gathered.counts == em.array(np.zeros(5), split=0).counts
    assert_array_equal(gathered, a[[9, 0, 0, 5, 1]])
    assert em.array(a, split=1)[:, [3, 0]].split == 1
    assert em.array(a)[em.array([1, 2, 3], split=0)].split == 0
    # split along a later masked axis: re-split along the first one
    full_mask = a % 3 == 0
    assert_array_equal(em.array(a, split=1)[em.array(full_mask, split=1)], a[full_mask])


# --------------------------------------------------------------------------------------
# assignment
# --------------------------------------------------------------------------------------
SET_KEYS = [3, -1, (slice(None), 2), slice(1, None, 3), slice(None, None, -2), Ellipsis,
            (None, slice(2, 4)), [4, 0, 4], np.array([[1], [2]]), ([5, 0], [1, 3]),
            (slice(None), [3, 0]), ([1, 2], slice(None, None, -1)), True,
            (np.arange(6) % 2 == 0,), (np.arange(6) % 4 == 1, slice(1, 3)),
            np.arange(24).reshape(6, 4) % 5 == 0, (slice(None), np.array([0, 1, 1, 0], bool))]


def test_setitem_every_key_value_and_split(comm):
    check = LocalCheck(comm)
    a = np.arange(24).reshape(6, 4).astype(np.float64)
    for k, key in enumerate(SET_KEYS):
        shape = a[key].shape
        values = [-7, -np.arange(int(np.prod(shape))).reshape(shape) - 1.0]
        if shape:
            values.append(-100.0 - np.arange(shape[-1]))
        for split in splits_of(2):
            for v, value in enumerate(values):
                expected = a.copy()
                expected[key] = value
                kinds = [value]
                if isinstance(value, np.ndarray):
                    kinds += [em.array(value, split=(k + v) % value.ndim if value.ndim else None)]
                for given in kinds:
                    for use_key in (key, _distributed(key, (k + v) % 2)):
                        x = em.array(a, split=split)
                        x[use_key] = given
                        check(x, expected, context=f"split={split} key={key!r} v={v}")
    check.done()


def test_setitem_casts_as_numpy(comm):
    for split in (None, 0):
        x = em.array(np.arange(5), split=split)
        x[...] = 1.7
        assert_array_equal(x, np.ones(5, np.int64))
        x[[0, 3]] = np.array([2.9, -2.9])
        assert_array_equal(x, np.array([2, 1, 1, -2, 1]))
        b = em.array(np.zeros(4, bool), split=split)
        b[1:3] = 5
        assert_array_equal(b, np.array([False, True, True, False]))
        small = em.array(np.zeros(3, np.int8), split=split)
        with pytest.raises(OverflowError):
            small[0] = 300
        f = em.array(np.zeros(3), split=split)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f[1] = 2 + 3j
        assert_array_equal(f, np.array([0.0, 2.0, 0.0]))
        c = em.array(np.zeros(3, np.complex64), split=split)
        c[em.array([2, 0], split=0)] = em.array([1j, 2], split=0)
        assert_array_equal(c, np.array([2, 0, 1j], np.complex64))


def test_repeated_indices_are_deterministic(comm):
    expected = np.zeros(5)
    expected[[1, 1, 3, 1]] = [1.0, 2.0, 3.0, 4.0]
    for split in (None, 0):
        for index in ([1, 1, 3, 1], em.array([1, 1, 3, 1], split=0)):
            x = em.array(np.zeros(5), split=split)
            x[index] = em.array([1.0, 2.0, 3.0, 4.0], dtype="float64", split=0)
            assert_array_equal(x, expected)


def test_iteration(comm):
    a = np.arange(12).reshape(4, 3)
    for split in splits_of(2):
        rows = list(em.array(a, split=split))
        assert len(rows) == 4
        for row, expected in zip(rows, a, strict=True):
            assert_array_equal(row, expected)
    assert [v.item() for v in em.arange(3, split=0)] == [0, 1, 2]
    assert list(em.zeros((0, 2), split=0)) == []
    with pytest.raises(TypeError):
        iter(em.array(1.0)).__next__()


# --------------------------------------------------------------------------------------
# errors: the same type on every rank
# --------------------------------------------------------------------------------------
def test_errors_raise_on_every_rank(comm):
    a = np.arange(12).reshape(4, 3)
    for split in splits_of(2):
        x = em.array(a, split=split)
        with pytest.raises(IndexError, match="out of bounds for axis 0 with size 4"):
            x[4]
        with pytest.raises(IndexError, match="out of bounds for axis 1"):
            x[0, -4]
        with pytest.raises(IndexError, match="too many indices"):
            x[0, 0, 0]
        with pytest.raises(IndexError, match="boolean index did not match"):
            x[np.ones(3, bool)]
        with pytest.raises(IndexError, match="only integers"):
            x[1.0]
        with pytest.raises(IndexError, match="integer"):
            x[np.array([1.0])]
        with pytest.raises(IndexError, match="single ellipsis"):
            x[..., ...]
        with pytest.raises(IndexError, match="shape mismatch"):
            x[[0, 1], [0, 1, 2]]
        with pytest.raises(IndexError):
            x[[0, 7]]
        with pytest.raises(IndexError):
            x[[0, 7]] = 1
        with pytest.raises(ValueError):
            x[:2] = [1, 2]
        with pytest.raises(ValueError):
            x[[0, 1]] = np.ones((3, 3))
        # an out-of-range index held by one rank only (the last)
        bad = np.zeros(7, np.int64)
        bad[-1] = 9
        index = em.array(bad, split=0)
        with pytest.raises(IndexError, match="index 9 is out of bounds"):
            x[index]
        with pytest.raises(IndexError, match="index 6 is out of bounds for axis 1"):
            x[:, em.array(bad - 3, split=0)]
        with pytest.raises(IndexError, match="index 9 is out of bounds"):
            x[index] = 0
        with pytest.raises(IndexError, match="index 9 is out of bounds"):
            em.take(x, index, axis=0)


# --------------------------------------------------------------------------------------
# communication
# --------------------------------------------------------------------------------------
def test_communication_of_the_main_paths(comm, monkeypatch):
    a = np.arange(60).reshape(12, 5)
    x = em.array(a, split=0)
    mask = em.array(a[:, 1] % 3 == 0, split=0)
    index = em.array([11, 0, 5, 5, 2, 9], split=0)
    with count_collectives(monkeypatch) as calls:
        x[2:11:3, ::-2]
        x[..., None, 1]
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        x[mask]
    assert calls == ["Allgather"]
    with count_collectives(monkeypatch) as calls:
        x[index]
    assert calls == ["Alltoall", *(["Alltoallv"] * 2 if comm.size > 1 else [])]
    with count_collectives(monkeypatch) as calls:
        x[7]
    assert calls == ["Bcast"]
    with count_collectives(monkeypatch) as calls:
        x[1:9:2] = 3
        x[:, 1:] = np.arange(4)
        x[[1, 7, 7]] = -1
        x[mask] = 0
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        x[index] = em.array(np.ones((6, 5), np.int64), split=0)
    assert calls == ["Alltoall", *(["Alltoallv"] * 2 if comm.size > 1 else [])]


# --------------------------------------------------------------------------------------
# take, put, take_along_axis, put_along_axis
# --------------------------------------------------------------------------------------
def test_take_every_axis_mode_and_split(comm, rng):
    check = LocalCheck(comm)
    a = rng.standard_normal((5, 3, 4))
    for split in splits_of(3):
        x = em.array(a, split=split)
        for axis in (None, 0, 1, 2):
            for indices in ([0, -1, 2], [[7, -9], [3, 1]], 2):
                for mode in ("wrap", "clip", "raise"):
                    try:
                        expected = np.take(a, indices, axis=axis, mode=mode)
                    except IndexError:
                        with pytest.raises(IndexError):
                            em.take(x, indices, axis=axis, mode=mode)
                        continue
                    check(em.take(x, indices, axis=axis, mode=mode), expected,
                          context=f"split={split} axis={axis} {indices} {mode}")
                    check(em.take(x, em.array(np.asarray(indices), split=None if
                                              np.ndim(indices) == 0 else 0),
                                  axis=axis, mode=mode), expected, context="dnd")
    check.done()
    out = em.zeros(2, dtype="float64", split=0)
    assert em.take(em.array(a, split=1), [1, 0], out=out) is out
    assert_array_equal(out, np.take(a, [1, 0]))
    with pytest.raises(ValueError, match="clipmode"):
        em.take(em.arange(3), [0], mode="bogus")
    with pytest.raises(IndexError, match="empty"):
        em.take(em.zeros(0), [1], mode="wrap")


def test_put(comm):
    for shape in ((2, 5), (7,)):
        for split in splits_of(len(shape)):
            for ind, v, mode in (([0, 4, 9 % np.prod(shape)], [7, 8], "raise"),
                                 ([-1, 11, 3], -5, "wrap"), ([20, -3], [1, 2, 3], "clip"),
                                 (em.array([1, 5, 6], split=0), em.array([4, 5, 6], split=0),
                                  "raise")):
                a = np.arange(int(np.prod(shape))).reshape(shape)
                x = em.array(a, split=split)
                em.put(x, ind, v, mode=mode)
                np.put(a, np.asarray(ind), np.asarray(v), mode=mode)
                assert_array_equal(x, a)
            x = em.array(np.zeros(shape), split=split)
            with pytest.raises(IndexError):
                em.put(x, [0, 100], 1.0)
    with pytest.raises(TypeError):
        em.put(np.zeros(3), [0], 1)


def test_take_along_axis_of_another_axis_is_local(comm, monkeypatch):
    a = np.arange(30).reshape(6, 5)
    x = em.array(a, split=0)
    order = np.argsort(-a, axis=1)
    with count_collectives(monkeypatch) as calls:
        result = em.take_along_axis(x, order, axis=1)
    assert calls == []
    assert_array_equal(result, np.take_along_axis(a, order, axis=1), split=0)
    bad = order.copy()
    bad[-1, 0] = 5
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1"):
        em.take_along_axis(x, bad, axis=1)
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1"):
        em.take_along_axis(x, em.array(bad, split=0), axis=1)


def test_take_and_put_along_axis(comm, rng):
    check = LocalCheck(comm)
    a = rng.standard_normal((4, 5, 3))
    for split in splits_of(3):
        x = em.array(a, split=split)
        for axis in (0, 1, 2, -1):
            order = np.argsort(a, axis=axis)
            for indices in (order, em.array(order, split=(split or 0)),
                            np.take(order, [0], axis=axis)):
                expected = np.take_along_axis(a, np.asarray(indices), axis=axis)
                check(em.take_along_axis(x, indices, axis=axis), expected,
                      context=f"split={split} axis={axis}")
                target = em.array(a, split=split)
                em.put_along_axis(target, indices, -1.0, axis=axis)
                wanted = a.copy()
                np.put_along_axis(wanted, np.asarray(indices), -1.0, axis=axis)
                check(target, wanted, context=f"put split={split} axis={axis}")
        flat = np.array([3, 0, 59])
        check(em.take_along_axis(x, flat, axis=None), np.take_along_axis(a, flat, axis=None))
    check.done()
    with pytest.raises(ValueError, match="same number of dimensions"):
        em.take_along_axis(em.zeros((2, 3)), np.zeros(2, np.int64), axis=0)
    with pytest.raises(IndexError, match="integer"):
        em.take_along_axis(em.zeros((2, 3)), np.zeros((2, 3)), axis=0)
