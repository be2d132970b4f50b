"""Joining and splitting (concatenate, stack, *stack, split family, unstack, append, insert,
delete) against NumPy, for every mix of input distributions (split along each axis,
replicated, plain NumPy data), uneven and tiny shapes, empty arrays and dtype promotion;
with the communication checked: one Alltoallv to join along the split axis, none to split."""

import itertools

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core.distribution import balanced_counts
from ember.core.validation import AxisError
from ember.testing import assert_array_equal, assert_invariants

NP = "numpy"  # an input given as a NumPy array rather than a DNDarray
KINDS = [None, 0, 1, NP]


def _data(rng, shape, dtype="int64"):
    values = rng.integers(-9, 10, shape)
    if dtype == "bool":
        return values > 0
    if dtype.startswith("complex"):
        return (values + 1j * rng.integers(-9, 10, shape)).astype(dtype)
    return values.astype(dtype)


def _make(a, kind):
    """``a`` as a NumPy array (kind NP) or a DNDarray split along ``kind``."""
    if kind == NP:
        return a
    return em.array(a, split=kind if kind is None or kind < a.ndim else None)


def _first_split(inputs):
    return next((x.split for x in inputs if isinstance(x, em.DNDarray) and x.split is not None),
                None)


def _balanced(x):
    return x.split is None or x.counts == balanced_counts(x.shape[x.split], x.comm.size)


# --------------------------------------------------------------------------------------
# concatenate
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shapes", [
    [(5, 3), (2, 3), (1, 3)],      # along axis 0; tiny and uneven pieces
    [(3, 4), (3, 1), (3, 0)],      # along axis 1, with an empty operand
    [(0, 2), (0, 2), (0, 2)],      # empty result
])
def test_concatenate_every_mix_of_distributions(shapes, rng, comm):
    axis = 0 if shapes[0][1] == shapes[1][1] else 1
    arrays = [_data(rng, s) for s in shapes]
    expected = np.concatenate(arrays, axis=axis)
    check = LocalCheck(comm)
    for kinds in itertools.product(KINDS, repeat=3):
        inputs = [_make(a, k) for a, k in zip(arrays, kinds, strict=True)]
        split = _first_split(inputs)
        result = em.concatenate(inputs, axis=axis)
        check(result, expected, f"{kinds} axis={axis}", split=split)
        if split == axis and not _balanced(result):
            check.failures.append(f"{kinds}: along the split axis the result must be balanced")
    check.done()


def test_concatenate_three_dims_and_negative_axis(rng, comm):
    arrays = [_data(rng, (2, 3, 4)), _data(rng, (2, 1, 4)), _data(rng, (2, 5, 4))]
    check = LocalCheck(comm)
    for kinds in itertools.product([None, 0, 1, 2], repeat=2):
        for axis in (1, -2):
            inputs = [em.array(arrays[0], split=kinds[0]), em.array(arrays[1], split=kinds[1]),
                      arrays[2]]
            check(em.concatenate(inputs, axis=axis), np.concatenate(arrays, axis=axis),
                  f"{kinds} {axis}", split=_first_split(inputs))
    check.done()


def test_concatenate_one_dimensional_smaller_than_processes(rng):
    pieces = [np.arange(n) for n in (0, 1, 2, 0, 1)]
    for kinds in [(0, 0, 0, 0, 0), (None, 0, NP, 0, None), (NP, NP, 0, NP, NP)]:
        inputs = [_make(a, k) for a, k in zip(pieces, kinds, strict=True)]
        result = em.concatenate(inputs)
        assert_array_equal(result, np.concatenate(pieces), split=0)
        assert _balanced(result)


def test_concatenate_uneven_input_counts(rng, comm):
    """Inputs with data-dependent (uneven, empty) counts, along and across the split."""
    a = _data(rng, (7, 3))
    check = LocalCheck(comm)
    skewed = em.delete(em.array(a, split=0), [0, 1, 2], axis=0)  # the first rank(s) lose rows
    b = np.delete(a, [0, 1, 2], axis=0)
    for other in (None, 0, 1, NP):
        check(em.concatenate([skewed, _make(b, other)], axis=0), np.concatenate([b, b]),
              f"axis 0 {other}", split=0)
        check(em.concatenate([skewed, _make(b, other)], axis=1), np.concatenate([b, b], 1),
              f"axis 1 {other}", split=0)
        check(em.concatenate([_make(b, other), skewed], axis=1), np.concatenate([b, b], 1),
              f"axis 1 first {other}", split=0 if other in (NP, None, 0) else 1)
    check.done()


@pytest.mark.parametrize("dtypes", [("bool", "int8"), ("int8", "uint8"), ("int32", "float32"),
                                    ("float32", "complex64"), ("bool", "complex128"),
                                    ("int64", "float64")])
def test_concatenate_promotes_as_numpy(dtypes, rng, comm):
    arrays = [_data(rng, (4, 2), dtypes[0]), _data(rng, (3, 2), dtypes[1])]
    check = LocalCheck(comm)
    for kinds in [(0, None), (None, 0), (1, 0), (0, NP)]:
        inputs = [_make(a, k) for a, k in zip(arrays, kinds, strict=True)]
        check(em.concatenate(inputs), np.concatenate(arrays), f"{dtypes} {kinds}")
        check(em.concatenate(inputs, axis=None), np.concatenate(arrays, axis=None),
              f"{dtypes} {kinds} axis=None")
    check.done()


def test_concatenate_dtype_casting_and_out(rng):
    a, b = _data(rng, (3, 2), "float64"), _data(rng, (4, 2), "int32")
    for split in (None, 0, 1):
        x = em.array(a, split=split)
        assert_array_equal(em.concatenate([x, b], dtype="int16", casting="unsafe"),
                           np.concatenate([a, b], dtype="int16", casting="unsafe"))
        assert_array_equal(em.concat([x, b], axis=0), np.concat([a, b], axis=0))
        for out_split in (None, 0, 1):
            out = em.zeros((7, 2), dtype=em.complex128, split=out_split)
            result = em.concatenate([x, b], out=out)
            assert result is out and out.split == out_split
            assert_array_equal(out, np.concatenate([a, b]).astype(np.complex128))
        with pytest.raises(TypeError, match="according to the rule 'same_kind'"):
            em.concatenate([x, b], dtype="int32")
        with pytest.raises(TypeError, match="rule 'safe'"):
            em.concatenate([b, b], dtype="int8", casting="safe")
        with pytest.raises(TypeError, match="rule 'same_kind'"):
            em.concatenate([x, b], out=em.zeros((7, 2), dtype=em.int64))
        with pytest.raises(TypeError, match="only takes `out` or `dtype`"):
            em.concatenate([x, b], out=em.zeros((7, 2)), dtype="float64")
        with pytest.raises(ValueError, match="wrong shape"):
            em.concatenate([x, b], out=em.zeros((6, 2), dtype=em.float64))
        with pytest.raises(ValueError, match="wrong dimensionality"):
            em.concatenate([x, b], out=em.zeros(14, dtype=em.float64))


def test_concatenate_errors_on_every_rank(rng):
    a = _data(rng, (3, 2))
    for split in (None, 0, 1):
        x = em.array(a, split=split)
        with pytest.raises(ValueError, match="need at least one array"):
            em.concatenate([])
        with pytest.raises(ValueError, match="same number of dimensions"):
            em.concatenate([x, np.arange(2)])
        with pytest.raises(ValueError, match="along dimension 1"):
            em.concatenate([x, np.ones((3, 3))], axis=0)
        with pytest.raises(ValueError, match="zero-dimensional"):
            em.concatenate([em.array(1), em.array(2)])
        with pytest.raises(AxisError):
            em.concatenate([x, x], axis=2)
        with pytest.raises(TypeError):
            em.concatenate(5)
    assert_array_equal(em.concatenate([em.array(1), em.array(2)], axis=None), [1, 2])


def test_concatenate_of_a_dndarray_iterates_its_first_axis(rng):
    a = _data(rng, (3, 2, 4))
    for split in (None, 0, 1, 2):
        assert_array_equal(em.concatenate(em.array(a, split=split), axis=1),
                           np.concatenate(a, axis=1))


def test_joining_along_split_axis_is_one_alltoallv(rng, comm, monkeypatch):
    """Any mix of inputs (split along the axis, across it, replicated, NumPy): one
    Alltoallv in all, however many operands."""
    arrays = [_data(rng, (n, 3)) for n in (5, 2, 4, 1, 3)]
    inputs = [em.array(arrays[0], split=0), em.array(arrays[1], split=1), arrays[2],
              em.array(arrays[3]), em.array(arrays[4], split=0)]
    with count_collectives(monkeypatch) as calls:
        result = em.concatenate(inputs)
    assert calls == (["Alltoallv"] if comm.size > 1 else [])
    assert_array_equal(result, np.concatenate(arrays), split=0)


def test_joining_along_another_axis_needs_no_communication_when_aligned(rng, monkeypatch):
    a, b = _data(rng, (5, 3)), _data(rng, (5, 2))
    for split in (None, 0):
        x, y = em.array(a, split=split), em.array(b, split=split)
        with count_collectives(monkeypatch) as calls:
            em.concatenate([x, b, y], axis=1)
            em.stack([x, a, x], axis=2)
            em.hstack([x, y])
        assert calls == []
    with count_collectives(monkeypatch) as calls:  # one Alltoallv for the misaligned one
        em.concatenate([em.array(a, split=0), em.array(b, split=1)], axis=1)
    assert len(calls) <= 1


# --------------------------------------------------------------------------------------
# stack and its variants
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2,), (0, 2), (1, 1)])
def test_stack_every_axis_and_mix(shape, rng, comm):
    arrays = [_data(rng, shape, "float32"), _data(rng, shape, "int16"), _data(rng, shape, "bool")]
    check = LocalCheck(comm)
    for axis in range(-len(shape) - 1, len(shape) + 1):
        expected = np.stack(arrays, axis=axis)
        for i, pair in enumerate(itertools.product(KINDS, repeat=2)):
            kinds = (*pair, KINDS[(i + axis) % len(KINDS)])
            inputs = [_make(a, k) for a, k in zip(arrays, kinds, strict=True)]
            first = _first_split(inputs)
            split = None if first is None else first + (first >= axis % (len(shape) + 1))
            check(em.stack(inputs, axis=axis), expected, f"{kinds} {axis}", split=split)
    check.done()


def test_stack_errors_dtype_and_out(rng):
    a = _data(rng, (2, 3))
    x = em.array(a, split=0)
    with pytest.raises(ValueError, match="need at least one array to stack"):
        em.stack([])
    with pytest.raises(ValueError, match="same shape"):
        em.stack([x, a.T])
    with pytest.raises(AxisError):
        em.stack([x, x], axis=3)
    with pytest.raises(TypeError, match="rule 'same_kind'"):
        em.stack([x, x], dtype="bool")
    out = em.zeros((2, 2, 3), dtype=em.float64, split=1)
    em.stack([x, a], out=out)
    assert_array_equal(out, np.stack([a, a]).astype(np.float64), split=1)
    assert_array_equal(em.stack([x, a], axis=-1, dtype="float32"),
                       np.stack([a, a], axis=-1, dtype="float32"))


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack"])
def test_stack_variants(name, rng, comm):
    ours, theirs = getattr(em, name), getattr(np, name)
    groups = {
        "hstack": [[(3,), (0,), (2,)], [(2, 3), (2, 1)], [(), ()], [(3, 2, 1), (3, 1, 1)]],
        "vstack": [[(3,), (3,)], [(2, 3), (1, 3), (3,)], [(), ()], [(2, 2, 2), (1, 2, 2)]],
        "dstack": [[(3,), (3,)], [(2, 3), (2, 3, 2)], [(), ()], [(2, 2, 1), (2, 2)]],
        "column_stack": [[(3,), (3,)], [(3, 2), (3,)], [(), ()], [(0,), (0, 2)]],
    }[name]
    check = LocalCheck(comm)
    for shapes in groups:
        arrays = [_data(rng, s) for s in shapes]
        expected = theirs(arrays)
        for kinds in itertools.product(KINDS, repeat=len(arrays)):
            inputs = [_make(a, k) for a, k in zip(arrays, kinds, strict=True)]
            check(ours(inputs), expected, f"{shapes} {kinds}")
    check.done()
    with pytest.raises(ValueError, match="need at least one array"):
        ours([])


def test_hstack_vstack_dtype():
    a, b = np.arange(3), np.arange(3.0)
    assert_array_equal(em.hstack([em.array(a, split=0), b], dtype="float32"),
                       np.hstack([a, b], dtype="float32"))
    assert_array_equal(em.vstack([a, em.array(b, split=0)], dtype="complex64"),
                       np.vstack([a, b], dtype="complex64"))
    with pytest.raises(TypeError):
        em.vstack([a, b], dtype="int64")


def test_append(rng, comm):
    a, v2, v1, v3 = (_data(rng, s) for s in [(3, 4), (2, 4), (5,), (3, 2)])
    check = LocalCheck(comm)
    for ka, kv in itertools.product(KINDS, repeat=2):
        x = _make(a, ka)
        check(em.append(x, _make(v2, kv), axis=0), np.append(a, v2, axis=0), f"{ka} {kv} 0")
        check(em.append(x, _make(v3, kv), axis=-1), np.append(a, v3, axis=-1), f"{ka} {kv}")
        check(em.append(x, _make(v1, kv)), np.append(a, v1), f"{ka} {kv} None")
        check(em.append(_make(v1, kv), x), np.append(v1, a), f"{ka} {kv} None (1-d first)")
    check(em.append(em.arange(3, split=0), [1.5, 2]), np.append(np.arange(3), [1.5, 2]),
          "list", dtype=em.float64)
    check.done()
    with pytest.raises(ValueError, match="dimension"):
        em.append(em.array(a, split=0), v1, axis=0)


# --------------------------------------------------------------------------------------
# split family and unstack
# --------------------------------------------------------------------------------------
SPLIT_SHAPES = [(7,), (2,), (0,), (5, 3), (1, 4), (3, 0), (2, 5, 3)]


@pytest.mark.parametrize("shape", SPLIT_SHAPES)
def test_split_and_array_split_every_split_and_axis(shape, rng, comm, monkeypatch):
    a = _data(rng, shape, "complex64")
    check = LocalCheck(comm)
    for split, axis in itertools.product([None, *range(len(shape))], range(len(shape))):
        x = em.array(a, split=split)
        extent = shape[axis]
        cases = [3, 1, [2], [1, 3], [-2, 10], [4, 1], [], np.array([0, 0, 2])]
        with count_collectives(monkeypatch) as calls:
            results = [(how, em.array_split(x, how, axis=axis)) for how in cases]
            for sections in (1, 2, extent):
                if sections and extent % sections == 0:
                    results.append((f"split {sections}", em.split(x, sections, axis=axis)))
        if calls:
            check.failures.append(f"split {split} axis {axis}: communicated {calls}")
        for how, pieces in results:
            if isinstance(how, str):
                expected = np.split(a, int(how.split()[1]), axis=axis)
            else:
                expected = np.array_split(a, how, axis=axis)
            if len(pieces) != len(expected):
                check.failures.append(f"{how}: {len(pieces)} pieces, expected {len(expected)}")
                continue
            for piece, wanted in zip(pieces, expected, strict=True):
                check(piece, wanted, f"split={split} axis={axis} {how}", split=split)
    check.done()


def test_split_pieces_stay_where_their_data_is(comm):
    x = em.arange(10, split=0)
    pieces = em.split(x, [3, 6])
    for piece, (start, stop) in zip(pieces, [(0, 3), (3, 6), (6, 10)], strict=True):
        assert_invariants(piece)
        mine = x.larray[(x.larray >= start) & (x.larray < stop)]
        assert piece.larray.tolist() == mine.tolist()  # the rank's own rows of the piece
    assert_array_equal(pieces[1].balance(), [3, 4, 5])
    pieces[0].larray.fill_(-1)  # pieces are new arrays
    assert_array_equal(x, np.arange(10))


def test_split_errors_on_every_rank():
    for split in (None, 0):
        x = em.arange(6, split=split)
        with pytest.raises(ValueError, match="does not result in an equal division"):
            em.split(x, 4)
        with pytest.raises(ValueError, match="larger than 0"):
            em.array_split(x, 0)
        with pytest.raises(ZeroDivisionError):
            em.split(x, 0)
        with pytest.raises(AxisError):
            em.split(x, 2, axis=1)
        with pytest.raises(TypeError):
            em.array_split(x, [1.5])
        with pytest.raises(ValueError, match="hsplit"):
            em.hsplit(em.array(1), 1)
        with pytest.raises(ValueError, match="vsplit"):
            em.vsplit(x, 2)
        with pytest.raises(ValueError, match="dsplit"):
            em.dsplit(em.zeros((2, 3), split=split), 1)


@pytest.mark.parametrize("name,shape", [("hsplit", (4,)), ("hsplit", (3, 4)),
                                        ("vsplit", (4, 3)), ("dsplit", (2, 3, 4))])
def test_hsplit_vsplit_dsplit(name, shape, rng, comm):
    a = _data(rng, shape)
    check = LocalCheck(comm)
    for split in [None, *range(len(shape))]:
        x = em.array(a, split=split)
        for how in (2, [1, 3], [-1]):
            pieces, expected = getattr(em, name)(x, how), getattr(np, name)(a, how)
            assert len(pieces) == len(expected)
            for piece, wanted in zip(pieces, expected, strict=True):
                check(piece, wanted, f"{split} {how}", split=split)
    check.done()


@pytest.mark.parametrize("shape", [(3,), (4, 2), (1, 3), (2, 3, 4), (3, 0, 2)])
def test_unstack_every_split_and_axis(shape, rng, comm):
    a = _data(rng, shape, "float64")
    check = LocalCheck(comm)
    for split, axis in itertools.product([None, *range(len(shape))], range(-len(shape),
                                                                            len(shape))):
        pieces = em.unstack(em.array(a, split=split), axis=axis)
        expected = np.unstack(a, axis=axis)
        assert isinstance(pieces, tuple) and len(pieces) == len(expected)
        for piece, wanted in zip(pieces, expected, strict=True):
            kept = split is not None and split != axis % len(shape)
            check(piece, wanted, f"{split} {axis}",
                  split=(split - (split > axis % len(shape))) if kept else "any")
    check.done()
    assert em.unstack(em.zeros(0, split=0)) == ()
    with pytest.raises(ValueError, match="at least 1-d"):
        em.unstack(em.array(1.0))
    with pytest.raises(AxisError):
        em.unstack(em.zeros((2, 2), split=0), axis=2)


# --------------------------------------------------------------------------------------
# insert and delete
# --------------------------------------------------------------------------------------
DELETE_OBJS = [0, -1, 3, [0, 2], [4, 0, 4, -5], [], np.array([1]), slice(1, None, 2),
               slice(None, None, -3), slice(5, 1), slice(None), np.int64(2)]


@pytest.mark.parametrize("shape", [(5,), (1,), (5, 3), (6, 2, 2), (5, 1)])
def test_delete_every_split_and_axis(shape, rng, comm, monkeypatch):
    a = _data(rng, shape, "bool")
    check = LocalCheck(comm)
    combos = itertools.product([None, *range(len(shape))], [None, *range(len(shape))])
    for i, (split, axis) in enumerate(combos):
        x = em.array(a, split=split)
        extent = a.size if axis is None else shape[axis]
        objs = DELETE_OBJS if len(shape) < 3 else DELETE_OBJS[i % 2::2]  # rotate in 3-d
        for obj in [*objs, np.arange(extent) % 2 == 0, [extent - 1, 0]]:
            try:
                expected = np.delete(a, obj, axis=axis)
            except IndexError:
                with pytest.raises(IndexError, match="out of bounds"):
                    em.delete(x, obj, axis=axis)
                continue
            flat_split = split if axis is not None or len(shape) == 1 else "any"
            with count_collectives(monkeypatch) as calls:
                result = em.delete(x, obj, axis=axis)
            if calls and (axis is not None or len(shape) == 1):
                check.failures.append(f"delete {obj} split {split} axis {axis}: {calls}")
            check(result, expected, f"split={split} axis={axis} obj={obj}", split=flat_split)
    check.done()


def test_delete_errors_on_every_rank():
    for split in (None, 0, 1):
        x = em.zeros((4, 3), split=split)
        with pytest.raises(IndexError, match="out of bounds"):
            em.delete(x, 4, axis=0)
        with pytest.raises(IndexError, match="out of bounds"):
            em.delete(x, [0, -5], axis=0)
        with pytest.raises(IndexError, match="integer"):
            em.delete(x, [0.5], axis=1)
        with pytest.raises(ValueError, match="boolean array"):
            em.delete(x, [True, False], axis=1)
        with pytest.raises(AxisError):
            em.delete(x, 0, axis=2)
    assert_array_equal(em.delete(em.arange(4, split=0), [[0, 1]]), [2, 3])


INSERT_CASES = [  # (obj, values) for an axis of extent >= 3, values broadcast as NumPy
    (1, 7), (0, [7]), (-1, 7), (3, [[7]]), ([1], 7), ([1], [7, 8]), ([0, 2], 7),
    ([3, 0, 3], [5, 6, 7]), ([-1, 1], 8), ([-4, 0], [1, 2]), ([], 1), (slice(0, 3, 2), 9),
    (slice(1, 2), [4, 5]), (np.array([True, False, True]), 3),
]


@pytest.mark.parametrize("shape", [(3,), (4, 3), (3, 2, 3)])
def test_insert_every_split_and_axis(shape, rng, comm, monkeypatch):
    a = _data(rng, shape, "float32")
    check = LocalCheck(comm)
    combos = itertools.product([None, *range(len(shape))], [None, *range(len(shape))])
    for i, (split, axis) in enumerate(combos):
        x = em.array(a, split=split)
        extent = a.size if axis is None else shape[axis]
        cases = INSERT_CASES if len(shape) < 3 else INSERT_CASES[i % 2::2]  # rotate in 3-d
        for obj, values in cases:
            if isinstance(obj, np.ndarray) and obj.size != extent:
                obj = np.arange(extent) % 2 == 0
            try:
                expected = np.insert(a, obj, values, axis=axis)
            except (ValueError, IndexError) as error:
                with pytest.raises(type(error)):
                    em.insert(x, obj, values, axis=axis)
                continue
            with count_collectives(monkeypatch) as calls:
                result = em.insert(x, obj, values, axis=axis)
            moved = [c for c in calls if c != "Alltoallv"]
            if (moved or len(calls) > 1) and (axis is not None or len(shape) == 1):
                check.failures.append(f"insert {obj} split {split} axis {axis}: {calls}")
            check(result, expected, f"split={split} axis={axis} obj={obj} values={values}",
                  split=split if axis is not None or len(shape) == 1 else "any")
    check.done()


def test_insert_values_cast_and_distributed(rng):
    a = _data(rng, (4, 3), "int32")
    for split in (None, 0, 1):
        x = em.array(a, split=split)
        assert_array_equal(em.insert(x, 2, [1.7, 2.2, -3.9], axis=0),
                           np.insert(a, 2, [1.7, 2.2, -3.9], axis=0))
        values = em.array(np.array([[5], [6], [7], [8]]), split=0)
        assert_array_equal(em.insert(x, [1], values, axis=1),
                           np.insert(a, [1], np.array([5, 6, 7, 8])[:, None], axis=1))
        result = em.insert(x, [0, 4], [[1, 2, 3]], axis=0)
        assert_array_equal(result, np.insert(a, [0, 4], [[1, 2, 3]], axis=0), split=split)
        if split == 0:
            assert _balanced(result)


def test_insert_errors_on_every_rank():
    for split in (None, 0, 1):
        x = em.zeros((4, 3), split=split)
        with pytest.raises(IndexError, match="out of bounds"):
            em.insert(x, 5, 1, axis=0)
        with pytest.raises(IndexError, match="out of bounds"):
            em.insert(x, [6, 0], 1, axis=0)
        with pytest.raises(IndexError, match="integer"):
            em.insert(x, [0.5, 1.5], 1, axis=0)
        with pytest.raises(TypeError):
            em.insert(x, 1.5, 1, axis=0)
        with pytest.raises(ValueError, match="one dimensional"):
            em.insert(x, [[1]], 1, axis=0)
        with pytest.raises(ValueError):
            em.insert(x, [1, 2], [1, 2], axis=0)
        with pytest.raises(AxisError):
            em.insert(x, 0, 1, axis=-3)


def test_permuted_views_and_bfloat16(comm):
    """Inputs whose blocks are not contiguous (transposed views), and bfloat16."""
    a = np.arange(24).reshape(4, 6)
    x, y = em.array(a, split=0).T, em.array(a.T.copy(), split=0)  # split 1 and split 0
    assert_array_equal(em.concatenate([x, y], axis=1), np.concatenate([a.T, a.T], 1), split=1)
    assert_array_equal(em.concatenate([y, x], axis=0), np.concatenate([a.T, a.T], 0), split=0)
    assert_array_equal(em.split(x, [2], axis=1)[1], a.T[:, 2:], split=1)
    assert_array_equal(em.delete(x, [1], axis=1), np.delete(a.T, [1], axis=1), split=1)
    assert_array_equal(em.insert(x, [1, 3], 0, axis=1), np.insert(a.T, [1, 3], 0, axis=1))
    assert_array_equal(em.unstack(x, axis=1)[2], a.T[:, 2])
    b = em.arange(6, split=0).astype(em.bfloat16)
    result = em.concatenate([b, em.arange(3, split=0).astype(em.float32)])
    assert_array_equal(result, [0, 1, 2, 3, 4, 5, 0, 1, 2], dtype=em.float32)
    assert_array_equal(em.stack([b, b]), np.stack([np.arange(6)] * 2), dtype=em.bfloat16)
