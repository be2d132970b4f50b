"""nonzero, argwhere, flatnonzero, compress, extract, choose, select, searchsorted and
topk against NumPy, for every split, with the communication of the no-communication
paths counted."""

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import searching as se
from ember.core.selection import where
from ember.testing import assert_array_equal, assert_invariants, splits_of

SHAPES = [(0,), (1,), (2,), (7,), (5, 4), (1, 5), (2, 3, 4), (1, 1, 5), (1, 4, 3), (3, 0, 2),
          (2, 1, 3)]


def _data(rng, shape, dtype):
    """Values with many zeros (and ties); NaN in floats, imaginary-only in complex."""
    values = rng.integers(-2, 3, shape) * (rng.random(shape) < 0.6)
    kind = np.dtype(dtype).kind
    if kind == "b":
        return values.astype(bool)
    if kind == "u":
        values = np.abs(values)
    if kind == "c":
        return (values + 1j * rng.integers(0, 2, shape) * (values == 0)).astype(dtype)
    a = values.astype(dtype)
    if kind == "f" and a.size > 2:
        a.flat[1::5] = np.nan
    return a


def _arrays(a):
    """``a`` as a DNDarray for every split."""
    return [(split, em.array(a, split=split)) for split in splits_of(a.ndim)]


# --------------------------------------------------------------------------------------
# nonzero, argwhere, flatnonzero
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["bool", "int32", "uint8", "float64", "complex64"])
def test_nonzero_argwhere_flatnonzero_every_split(dtype, rng, comm):
    check = LocalCheck(comm)
    for shape in SHAPES:
        a = _data(rng, shape, dtype)
        for split, x in _arrays(a):
            wanted = None if split is None else 0
            context = f"{shape} split={split}"
            result = se.nonzero(x)
            assert len(result) == a.ndim
            for axis, (actual, expected) in enumerate(zip(result, np.nonzero(a), strict=True)):
                check(actual, expected, f"nonzero {context} axis {axis}", split=wanted)
                assert actual.counts == result[0].counts
            check(se.argwhere(x), np.argwhere(a), f"argwhere {context}", split=wanted)
            check(se.flatnonzero(x), np.flatnonzero(a), f"flatnonzero {context}",
                  split=wanted)
    check.done()


def test_hits_stay_on_their_rank(rng, comm):
    """Split along axis 0, each rank holds exactly the hits of its own block."""
    a = _data(rng, (11, 3), "int64")
    x = em.array(a, split=0)
    rows, _ = se.nonzero(x)
    mine = int(np.count_nonzero(x.larray.numpy()))
    assert rows.counts[comm.rank] == mine
    assert_invariants(rows)


def test_nonzero_0d_and_argwhere_flatnonzero_of_scalars():
    for value in (0, 3):
        with pytest.raises(ValueError, match="0d"):
            se.nonzero(em.array(value))
        assert_array_equal(se.argwhere(em.array(value)), np.argwhere(np.array(value)))
        assert_array_equal(se.flatnonzero(em.array(value)), np.flatnonzero(value))
    assert_array_equal(se.argwhere([[0, 1], [2, 0]]), np.argwhere([[0, 1], [2, 0]]))


def test_nonzero_communication(rng, monkeypatch):
    a = _data(rng, (6, 5), "float32")
    with count_collectives(monkeypatch) as calls:
        se.nonzero(em.array(a))
        se.flatnonzero(em.array(a))
    assert calls == []
    x = em.array(a, split=0)
    with count_collectives(monkeypatch) as calls:
        se.nonzero(x)
    assert calls == ["Allgather"]
    x = em.array(a, split=1)  # C order is not rank order: the mask is resplit
    with count_collectives(monkeypatch) as calls:
        se.argwhere(x)
    assert calls == ["Alltoallv", "Allgather"]
    x = em.array(a[:1], split=1)  # a leading axis of extent 1: rank order is C order
    with count_collectives(monkeypatch) as calls:
        se.argwhere(x)
    assert calls == ["Allgather"]


def test_where_with_one_argument_is_nonzero(rng):
    a = _data(rng, (4, 5), "int16")
    for split, x in _arrays(a):
        result = where(x)
        for actual, expected in zip(result, np.where(a), strict=True):
            assert_array_equal(actual, expected, split=None if split is None else 0)


# --------------------------------------------------------------------------------------
# compress, extract
# --------------------------------------------------------------------------------------
def _conditions(rng, n):
    """Conditions shorter than, as long as and longer than ``n`` (extra entries False)."""
    exact = rng.random(n) < 0.5
    return [exact, exact[: n // 2], np.concatenate([exact, np.zeros(2, bool)]),
            (rng.integers(0, 3, n) * 1.5)]


@pytest.mark.parametrize("shape", [(7,), (5, 4), (2, 3, 4), (1, 2), (0, 3), (2, 1, 3)])
def test_compress_every_split_axis_and_condition(shape, rng, comm):
    check = LocalCheck(comm)
    a = _data(rng, shape, "float32")
    for split, x in _arrays(a):
        for axis in [None, *range(len(shape))]:
            n = a.size if axis is None else shape[axis]
            for i, c in enumerate(_conditions(rng, n)):
                expected = np.compress(c, a, axis=axis)
                context = f"{shape} split={split} axis={axis} len={len(c)}"
                check(se.compress(c, x, axis=axis), expected, context)
                if i % 2 == (split or 0) % 2:  # a distributed condition, half the cases
                    cx = em.array(c, split=0)
                    check(se.compress(cx, x, axis=axis), expected, f"{context} split cond")
    check.done()


def test_compress_results_are_valid_and_split_as_documented(rng):
    a = _data(rng, (7, 3), "int32")
    c = np.array([1, 0, 1, 1, 0, 0, 1], bool)
    x = em.array(a, split=0)
    result = se.compress(c, x, axis=0)
    assert_array_equal(result, np.compress(c, a, axis=0), split=0)
    assert_array_equal(se.compress(c[:3], x, axis=1), np.compress(c[:3], a, axis=1), split=0)
    # a replicated array with a distributed condition is cut like the condition
    result = se.compress(em.array(c, split=0), em.array(a), axis=0)
    assert_array_equal(result, np.compress(c, a, axis=0), split=0)
    assert_array_equal(se.compress(em.array(c, split=0), em.array(a, split=1), axis=0),
                       np.compress(c, a, axis=0), split=1)


def test_compress_communication(rng, monkeypatch, comm):
    a = _data(rng, (9, 4), "float64")
    c = rng.random(9) < 0.5
    x = em.array(a, split=0)
    cx = em.array(c, split=0)
    with count_collectives(monkeypatch) as calls:
        se.compress(c, x, axis=0)
        se.compress(c[:4], x, axis=1)
        se.compress(em.array(c), x, axis=0)
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        se.compress(cx, x, axis=0)  # same counts: only the result's counts
        se.extract(x > 0, x)
    assert calls == ["Allgather", "Allgather"]


def test_compress_and_extract_out_of_bounds_raise_on_every_rank(rng):
    a = np.arange(7)
    c = np.zeros(10, bool)
    c[8] = True
    for split in (None, 0):
        x = em.array(a, split=split)
        for condition in (c, em.array(c, split=0), em.array(c)):
            with pytest.raises(IndexError, match="index 8 is out of bounds"):
                se.compress(condition, x)
            with pytest.raises(IndexError, match="index 8 is out of bounds"):
                se.extract(condition, x)


def test_compress_argument_errors_and_out():
    x = em.arange(6, split=0)
    with pytest.raises(ValueError, match="1-d"):
        se.compress([[True, False]], x)
    with pytest.raises(ValueError, match="1-d"):
        se.compress(em.ones((2, 2), dtype=bool, split=0), x)
    with pytest.raises(em.AxisError):
        se.compress([True], x, axis=1)
    assert_array_equal(se.compress([True], em.array(5), axis=0), np.compress([True], 5))
    assert_array_equal(se.compress([True, False], 5), np.compress([True, False], 5))
    out = em.zeros(2, dtype="float64", split=0)
    result = se.compress([0, 1, 0, 1], x, out=out)
    assert result is out
    assert_array_equal(out, np.array([1.0, 3.0]))


@pytest.mark.parametrize("shape", [(7,), (5, 4), (2, 3, 4), (0, 3), (1, 3)])
def test_extract_every_split(shape, rng, comm):
    check = LocalCheck(comm)
    a = _data(rng, shape, "int64")
    c = _data(rng, shape, "float64")
    for split, x in _arrays(a):
        for csplit in splits_of(len(shape)):
            check(se.extract(em.array(c, split=csplit), x), np.extract(c, a),
                  f"{shape} split={split} csplit={csplit}")
        check(se.extract(c > 0, x), np.extract(c > 0, a), f"{shape} split={split} numpy")
        for other in (c.ravel()[:3], np.concatenate([c.ravel(), [0, 0]])):
            check(se.extract(other, x), np.extract(other, a), f"{shape} length {len(other)}")
            check(se.extract(em.array(other, split=0), x), np.extract(other, a),
                  f"{shape} length {len(other)} split")
    check.done()
    assert_array_equal(se.extract(3, em.arange(4, split=0)), np.extract(3, np.arange(4)))


# --------------------------------------------------------------------------------------
# choose, select
# --------------------------------------------------------------------------------------
def test_choose_every_split_and_mode(rng, comm):
    check = LocalCheck(comm)
    index = rng.integers(-2, 5, (5, 4))
    choices = [rng.integers(-9, 9, (5, 4)).astype("int16"), rng.random((1, 4)),
               np.float32(7), rng.integers(0, 5, (5, 1)).astype("uint8")]
    for split, x in _arrays(index):
        for csplit in splits_of(2):
            ch = [em.array(choices[0], split=csplit), choices[1],
                  choices[2], em.array(choices[3], split=0)]
            for mode in ("wrap", "clip"):
                check(se.choose(x, ch, mode=mode), np.choose(index, choices, mode=mode),
                      f"split {split} {csplit} {mode}")
        valid = np.abs(index) % 4
        check(se.choose(em.array(valid, split=split), choices), np.choose(valid, choices),
              f"raise split {split}")
    check.done()


def test_choose_raises_on_every_rank_and_checks_types(rng):
    index = np.zeros(7, int)
    index[-1] = 2  # only the last rank sees it
    for split in (None, 0):
        with pytest.raises(ValueError, match="invalid entry"):
            se.choose(em.array(index, split=split), [np.arange(7), np.ones(7)])
    with pytest.raises(ValueError, match="clipmode"):
        se.choose(em.array(index), [1, 2], mode="bad")
    with pytest.raises(ValueError, match="0-length"):
        se.choose(em.array(index), [])
    with pytest.raises(TypeError, match="Cannot cast"):
        se.choose(em.array(index, dtype="float32"), [1, 2, 3])
    with pytest.raises(OverflowError):
        se.choose(em.array(index), [em.zeros(7, dtype="int8"), 300, 1])
    with pytest.raises(ValueError, match="broadcast"):
        se.choose(em.array(index), [np.zeros(3), 1, 2])


def test_choose_dtypes_scalars_arrays_and_out(rng):
    b = np.array([True, False, True])
    assert_array_equal(se.choose(em.array(b, split=0), [[1, 2, 3], [4, 5, 6]]),
                       np.choose(b, [[1, 2, 3], [4, 5, 6]]))
    assert_array_equal(se.choose(1, [em.arange(3, split=0), [7, 8, 9]]),
                       np.choose(1, [np.arange(3), [7, 8, 9]]))
    i8 = np.array([1, 2], dtype="int8")
    assert_array_equal(se.choose([0, 1], [em.array(i8), 3]), np.choose([0, 1], [i8, 3]))
    assert_array_equal(se.choose([0, 1], [em.array(i8, split=0), 2.5]).astype("float64"),
                       np.choose([0, 1], [i8, 2.5]))
    table = rng.integers(0, 9, (3, 4, 5))
    index = rng.integers(0, 3, (4, 5))
    for split in splits_of(3):
        assert_array_equal(se.choose(em.array(index, split=1), em.array(table, split=split)),
                           np.choose(index, table))
    out = em.zeros((4, 5), dtype="float64", split=0)
    assert se.choose(index, table, out=out) is out
    assert_array_equal(out, np.choose(index, table).astype(float))
    assert_array_equal(em.array(index, split=0).choose(table), np.choose(index, table))


def test_choose_and_select_communication(rng, monkeypatch):
    index = em.array(rng.integers(0, 2, (6, 3)), split=0)
    first, second = em.array(rng.random((6, 3)), split=0), rng.random(3)
    cond = em.array(rng.random((6, 3)) < 0.5, split=0)
    with count_collectives(monkeypatch) as calls:
        se.choose(index, [first, second], mode="wrap")
        se.select([cond, ~cond], [first, second], default=first)
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        se.choose(index, [first, second])
    assert calls == ["raise_if_any"]


def test_select_every_split(rng, comm):
    check = LocalCheck(comm)
    c1, c2 = rng.random((5, 4)) < 0.3, rng.random((1, 4)) < 0.5
    x, y = _data(rng, (5, 4), "int32"), _data(rng, (4,), "float32")
    for split, ex in _arrays(x):
        for csplit in splits_of(2):
            conds = [em.array(c1, split=csplit), c2]
            check(se.select(conds, [ex, y]), np.select([c1, c2], [x, y]), f"{split} {csplit}")
            check(se.select(conds, [ex, 2], default=-1.5),
                  np.select([c1, c2], [x, 2], default=-1.5).astype("float32"),
                  f"{split} {csplit} weak")
            default = em.array(y, split=0)
            check(se.select(conds, [ex, ex], default=default),
                  np.select([c1, c2], [x, x], default=y), f"{split} {csplit} array default")
    check.done()
    assert_array_equal(se.select([True], [3]), np.select([True], [3]))
    i8 = em.array(np.array([1, 2], "int8"), split=0)
    assert se.select([i8 > 1], [i8]).dtype == em.int8  # default 0 is weak, as NumPy 2


def test_select_errors():
    x = em.arange(4, split=0)
    with pytest.raises(ValueError, match="same length"):
        se.select([x > 1], [x, x])
    with pytest.raises(ValueError, match="empty"):
        se.select([], [])
    with pytest.raises(TypeError, match="invalid entry 1"):
        se.select([x > 1, x], [x, x])
    with pytest.raises(TypeError, match="invalid entry 0"):
        se.select([1], [x])
    with pytest.raises(ValueError, match="broadcast"):
        se.select([x > 1], [em.arange(5, split=0)])


# --------------------------------------------------------------------------------------
# searchsorted
# --------------------------------------------------------------------------------------
def _sorted_data(rng, n, dtype):
    a = np.sort(_data(rng, (n,), dtype))
    if np.dtype(dtype).kind == "f" and n > 3:
        a[1] = -0.0
        a[2] = 0.0
        a = np.sort(a)
    return a


@pytest.mark.parametrize("dtype", ["float64", "float16", "int8", "bool"])
def test_searchsorted_every_split(dtype, rng, comm):
    check = LocalCheck(comm)
    probes = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -1, 1, 1.5, 2, 3, -3])
    for n in (0, 1, 2, 9):
        a = _sorted_data(rng, n, dtype)
        v = probes.astype(dtype) if np.dtype(dtype).kind == "f" else _data(rng, (7,), dtype)
        for asplit in (None, 0):
            x = em.array(a, split=asplit)
            for side in ("left", "right"):
                expected = np.searchsorted(a, v, side=side)
                check(se.searchsorted(x, v, side=side), expected, f"{n} {asplit} {side}")
                v2 = v[:6].reshape(2, 3)
                vsplit = [None, 0, 1][(n + len(side)) % 3]
                check(se.searchsorted(x, em.array(v2, split=vsplit), side=side),
                      np.searchsorted(a, v2, side=side), f"{n} {asplit} {vsplit}",
                      split=vsplit)
    check.done()


def test_searchsorted_scalars_mixed_types_and_sorter(rng):
    a32 = np.array([0.1, 0.2, 0.3], dtype="float32")
    for split in (None, 0):
        x = em.array(a32, split=split)
        # a Python float is compared in float64, as NumPy
        assert_array_equal(se.searchsorted(x, 0.1, side="right"),
                           np.searchsorted(a32, 0.1, side="right"))
        assert_array_equal(se.searchsorted(x, [0.1], side="right"),
                           np.searchsorted(a32, [0.1], side="right"))
        ints = em.array(np.array([1, 2, 3], "int8"), split=split)
        assert_array_equal(se.searchsorted(ints, [300, -300, 2.5]),
                           np.searchsorted(np.array([1, 2, 3], "int8"), [300, -300, 2.5]))
        assert_array_equal(x.searchsorted(em.array(np.float32(0.2))),
                           np.searchsorted(a32, np.float32(0.2)))
    a = rng.random(8)
    sorter = np.argsort(a)
    v = rng.random((2, 3))
    for side in ("left", "right"):
        for s in (sorter, em.array(sorter), em.array(sorter, split=0)):
            assert_array_equal(se.searchsorted(em.array(a), v, side, sorter=s),
                               np.searchsorted(a, v, side, sorter=sorter))


def test_searchsorted_errors():
    a = em.arange(4, split=0)
    with pytest.raises(ValueError):
        se.searchsorted(em.zeros((2, 2), split=0), 1)
    with pytest.raises(ValueError):
        se.searchsorted(em.array(1), 1)
    with pytest.raises(ValueError, match="side"):
        se.searchsorted(a, 1, side="middle")
    with pytest.raises(NotImplementedError, match="sorter"):
        se.searchsorted(a, 1, sorter=[0, 1, 2, 3])
    with pytest.raises(NotImplementedError, match="complex"):
        se.searchsorted(a, 1j)
    b = em.arange(4)
    with pytest.raises(ValueError, match="out of range"):
        se.searchsorted(b, 1, sorter=[0, 1, 2, 4])
    with pytest.raises(ValueError, match="size"):
        se.searchsorted(b, 1, sorter=[0, 1, 2])
    with pytest.raises(TypeError, match="integers"):
        se.searchsorted(b, 1, sorter=[0.0, 1, 2, 3])


def test_searchsorted_communication(rng, monkeypatch):
    a = np.sort(rng.random(10))
    v = rng.random(7)
    with count_collectives(monkeypatch) as calls:
        se.searchsorted(em.array(a), em.array(v, split=0))
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        se.searchsorted(em.array(a, split=0), v)
    assert calls == ["Allreduce"]


# --------------------------------------------------------------------------------------
# topk
# --------------------------------------------------------------------------------------
def _topk_oracle(a, k, axis, largest):
    """Stable-sort oracle: descending (NaN first) or ascending (NaN last), ties lowest
    index first."""
    if largest:
        order = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
        order = a.shape[axis] - 1 - np.flip(order, axis)
    else:
        order = np.argsort(a, axis=axis, kind="stable")
    indices = np.take(order, np.arange(k), axis=axis)
    return np.take_along_axis(a, indices, axis), indices


@pytest.mark.parametrize("dtype", ["float64", "int16", "bool"])
def test_topk_every_split_axis_and_k(dtype, rng, comm):
    check = LocalCheck(comm)
    for shape in [(7,), (1,), (2,), (5, 4), (2, 3, 4), (0, 3), (3, 0)]:
        a = _data(rng, shape, dtype)
        for split, x in _arrays(a):
            for axis in range(len(shape)):
                n = shape[axis]
                for j, k in enumerate(sorted({0, 1, n // 2, n} - ({1} if n < 1 else set()))):
                    for largest in (True, False)[j % 2:] if n > 2 else (True, False):
                        values, indices = se.topk(x, k, axis=axis, largest=largest)
                        expected, expected_indices = _topk_oracle(a, k, axis, largest)
                        wanted = None if split == axis else split
                        context = f"{shape} split={split} axis={axis} k={k} {largest}"
                        check(values, expected, context, split=wanted)
                        check(indices, expected_indices, context, split=wanted)
    check.done()


@pytest.mark.parametrize("dtype", ["float64", "float16"])
def test_topk_named_tuple_nan_and_ties(dtype):
    a = np.array([1.0, np.nan, 3.0, 3.0, np.nan, -1.0, 3.0], dtype=dtype)
    for split in (None, 0):
        result = se.topk(em.array(a, split=split), 4)
        assert isinstance(result, se.TopkResult)
        assert result.indices.tolist() == [1, 4, 2, 3]
        assert_array_equal(result.values, np.array([np.nan, np.nan, 3.0, 3.0], dtype=dtype))
        smallest = se.topk(em.array(a, split=split), 6, largest=False, sorted=False)
        assert smallest.indices.tolist() == [5, 0, 2, 3, 6, 1]


def test_topk_communication(rng, monkeypatch, comm):
    a = rng.random((6, 5))
    x = em.array(a, split=0)
    with count_collectives(monkeypatch) as calls:
        se.topk(x, 2, axis=1)
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        se.topk(x, 2, axis=0)
    assert calls == (["Allgatherv"] if comm.size > 1 else [])


def test_topk_errors():
    x = em.arange(5, split=0)
    for k in (-1, 6):
        with pytest.raises(ValueError, match="out of range"):
            se.topk(x, k)
    with pytest.raises(TypeError):
        se.topk(x, 1.5)
    with pytest.raises(em.AxisError):
        se.topk(x, 1, axis=1)
    with pytest.raises(em.AxisError):
        se.topk(em.array(3), 1)
    with pytest.raises(NotImplementedError, match="complex"):
        se.topk(em.ones(3, dtype="complex64", split=0), 1)
