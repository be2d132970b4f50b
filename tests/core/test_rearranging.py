"""flip, roll, rot90, tile, repeat, pad, resize, trim_zeros against NumPy, for every
split, uneven shapes, shapes smaller than the number of processes and several dtypes;
the communication of flip checked."""

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.core import rearranging as ra
from ember.core.validation import AxisError
from ember.testing import assert_array_equal, assert_invariants, splits_of

SHAPES = [(), (0,), (1,), (2,), (7,), (5, 4), (2, 3, 2), (1, 2), (0, 3), (3, 1, 4)]
DTYPES = ["bool", "int32", "float64", "complex64"]


def _data(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(-50, 50, shape).astype(dtype)
    values = rng.standard_normal(shape) * 10
    if dtype.kind == "c":
        values = values + 1j * rng.standard_normal(shape)
    return np.asarray(values).astype(dtype)


def _arrays(rng, shapes=SHAPES, dtypes=DTYPES, per_shape=2):
    """(NumPy array, DNDarray) for every shape, dtype (rotating) and split."""
    for i, shape in enumerate(shapes):
        for j in range(per_shape):
            dtype = dtypes[(i + j) % len(dtypes)]
            a = _data(rng, shape, dtype)
            for split in splits_of(len(shape)):
                yield a, em.array(a, split=split)


def _uneven(a, split, comm):
    """``a`` split along ``split`` with deliberately uneven counts (first rank empty)."""
    n = a.shape[split]
    counts = [0] * comm.size
    counts[-1] = n
    if comm.size > 2:
        counts[1], counts[-1] = n // 2, n - n // 2
    return em.array(a, split=split).redistribute(counts)


def _axis_choices(ndim):
    return [None, *range(-ndim, ndim), *([(0, ndim - 1), (ndim - 1, 0)] if ndim > 1 else [])]


# --------------------------------------------------------------------------------------
# flip
# --------------------------------------------------------------------------------------
def test_flip_every_split_axis_and_dtype(rng, comm):
    check = LocalCheck(comm)
    for a, x in _arrays(rng):
        for axis in _axis_choices(a.ndim):
            check(ra.flip(x, axis), np.flip(a, axis), f"{a.shape} {x.split} {axis}",
                  split=x.split)
        if a.ndim >= 1:
            check(ra.flipud(x), np.flipud(a), f"flipud {a.shape} {x.split}")
        if a.ndim >= 2:
            check(ra.fliplr(x), np.fliplr(a), f"fliplr {a.shape} {x.split}")
    check.done()


def test_flip_split_axis_reverses_counts(rng, comm):
    a = _data(rng, (6, 3), "float32")
    for split in (0, 1):
        x = _uneven(a, split, comm)
        result = ra.flip(x, split)
        assert result.counts == tuple(reversed(x.counts))
        assert_invariants(result)
        assert_array_equal(result, np.flip(a, split), split=split)
        assert_array_equal(ra.flip(x), np.flip(a), split=split)
        assert_array_equal(ra.flip(x, 1 - split), np.flip(a, 1 - split), split=split)


def test_flip_accepts_numpy_and_lists():
    assert_array_equal(ra.flip([[1, 2], [3, 4]]), np.flip([[1, 2], [3, 4]]))
    assert_array_equal(ra.flip(np.arange(5.0), 0), np.arange(5.0)[::-1])


def test_flip_does_not_share_memory():
    x = em.arange(4, split=0)
    result = ra.flip(x, ())
    result.larray.fill_(7)
    assert_array_equal(x, np.arange(4))


def test_flip_communication(monkeypatch):
    x = em.zeros((5, 4), split=0)
    with count_collectives(monkeypatch) as calls:
        ra.flip(x, 1)
        ra.fliplr(x)
        ra.flip(em.zeros((5, 4)), None)
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        ra.flip(x, 0)
    assert len(calls) <= 1
    with count_collectives(monkeypatch) as calls:
        ra.flip(x)
    assert len(calls) <= 1


@pytest.mark.parametrize("split", [None, 0])
def test_flip_errors(split):
    x = em.zeros((3, 2), split=split)
    with pytest.raises(AxisError):
        ra.flip(x, 2)
    with pytest.raises(AxisError):
        ra.flip(x, (0, -3))
    with pytest.raises(ValueError):
        ra.flip(x, (0, 0))
    with pytest.raises(TypeError):
        ra.flip(x, 1.0)
    with pytest.raises(ValueError):
        ra.fliplr(em.zeros(3, split=split))
    with pytest.raises(ValueError):
        ra.flipud(em.array(1.0))


# --------------------------------------------------------------------------------------
# roll
# --------------------------------------------------------------------------------------
def test_roll_every_split_axis_and_shift(rng, comm):
    check = LocalCheck(comm)
    for a, x in _arrays(rng, [s for s in SHAPES if len(s) >= 1]):
        for axis in range(-a.ndim, a.ndim):
            for shift in (1, -2, 17, -40, 0)[axis % 2::2]:
                check(ra.roll(x, shift, axis), np.roll(a, shift, axis),
                      f"{a.shape} {x.split} {axis} {shift}", split=x.split)
        if a.ndim > 1:
            for shift, axis in (((1, -3), (0, -1)), ((2, 5), (1, 1)), (4, (0, 1))):
                check(ra.roll(x, shift, axis), np.roll(a, shift, axis),
                      f"{a.shape} {x.split} {axis} {shift}", split=x.split)
    check.done()


def test_roll_keeps_uneven_counts(rng, comm):
    a = _data(rng, (9, 2), "int64")
    for split in (0, 1):
        x = _uneven(a, split, comm)
        for shift in (1, 4, -7, 11):
            result = ra.roll(x, shift, split)
            assert result.counts == x.counts
            assert_array_equal(result, np.roll(a, shift, split), split=split)


def test_roll_flattened(rng):
    for shape in [(), (7,), (0,), (3, 4), (2, 3, 2)]:
        a = _data(rng, shape, "float32")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            for shift in (1, -5, (2, 3)):
                if x.is_distributed() and x.ndim > 1 and not hasattr(em, "ravel"):
                    continue  # needs ember.ravel/reshape (ember.core.shaping)
                assert_array_equal(ra.roll(x, shift), np.roll(a, shift))


def test_roll_communication(monkeypatch):
    x = em.zeros((7, 3), split=0)
    with count_collectives(monkeypatch) as calls:
        ra.roll(x, 2, 1)
        ra.roll(x, 7, 0)
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        ra.roll(x, 3, 0)
    assert len(calls) <= 1


def test_roll_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(AxisError):
        ra.roll(x, 1, 2)
    with pytest.raises(ValueError):
        ra.roll(x, (1, 2, 3), (0, 1))
    with pytest.raises(ValueError):
        ra.roll(x, [[1]], 0)
    with pytest.raises(TypeError):
        ra.roll(x, "a", 0)


# --------------------------------------------------------------------------------------
# rot90
# --------------------------------------------------------------------------------------
def test_rot90_every_split(rng, comm):
    check = LocalCheck(comm)
    for a, x in _arrays(rng, [(5, 4), (2, 3, 2), (1, 2), (0, 3), (3, 1, 4)]):
        for k in (-1, 0, 1, 2):
            for axes in ((0, 1), (1, 0), (-1, 0)):
                check(ra.rot90(x, k, axes), np.rot90(a, k, axes), f"{a.shape} {x.split} {k}")
    check.done()


def test_rot90_errors():
    x = em.zeros((3, 2), split=0)
    for axes in ((0,), (0, 0), (1, -1), (0, 2)):
        with pytest.raises(ValueError):
            ra.rot90(x, 1, axes)
    with pytest.raises(ValueError):
        ra.rot90(em.zeros(3, split=0))


# --------------------------------------------------------------------------------------
# tile, repeat, resize
# --------------------------------------------------------------------------------------
def test_tile_every_split(rng, comm):
    check = LocalCheck(comm)
    for a, x in _arrays(rng):
        for reps in (2, (3,), (2, 1), (1, 3, 2), (0, 2), 1, ()):
            expected = np.tile(a, reps)
            result = ra.tile(x, reps)
            check(result, expected, f"{a.shape} {x.split} {reps}")
            assert (result.split is None) == (x.split is None)
    check.done()


def test_tile_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(ValueError):
        ra.tile(x, -1)
    with pytest.raises(TypeError):
        ra.tile(x, 1.5)


def test_repeat_every_split(rng, comm):
    check = LocalCheck(comm)
    for a, x in _arrays(rng, [s for s in SHAPES if len(s) >= 1]):
        for axis in range(-a.ndim, a.ndim):
            n = a.shape[axis]
            per_element = rng.integers(0, 4, n)
            variants = (2, 0, [3], per_element, per_element.tolist())
            for repeats in variants[axis % 2::2]:
                check(ra.repeat(x, repeats, axis), np.repeat(a, repeats, axis),
                      f"{a.shape} {x.split} {axis} {repeats}", split=x.split)
    check.done()


def test_repeat_flattened(rng):
    for shape in [(), (7,), (3, 4)]:
        a = _data(rng, shape, "int16")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            if x.is_distributed() and x.ndim > 1 and not hasattr(em, "ravel"):
                continue  # needs ember.ravel (ember.core.shaping)
            assert_array_equal(ra.repeat(x, 2), np.repeat(a, 2))
            repeats = np.arange(a.size) % 3
            assert_array_equal(ra.repeat(x, repeats), np.repeat(a, repeats))


def test_repeat_with_dndarray_repeats(comm):
    a = np.arange(7)
    repeats = np.array([0, 1, 2, 3, 0, 1, 2])
    for split in (None, 0):
        result = ra.repeat(em.array(a, split=split), em.array(repeats, split=0))
        assert_array_equal(result, np.repeat(a, repeats))


def test_repeat_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(ValueError):
        ra.repeat(x, -1, 0)
    with pytest.raises(ValueError):
        ra.repeat(x, [1, -1, 2], 0)
    with pytest.raises(ValueError):
        ra.repeat(x, [1, 2], 0)
    with pytest.raises(ValueError):
        ra.repeat(x, [[1, 2]], 1)
    with pytest.raises(AxisError):
        ra.repeat(x, 2, 2)
    with pytest.raises(TypeError):
        ra.repeat(x, "ab", 0)


def test_resize(rng, comm):
    for shape in [(), (1,), (7,), (0,), (3, 4), (2, 3, 2)]:
        a = _data(rng, shape, "complex128")
        for split in splits_of(len(shape)):
            x = em.array(a, split=split)
            for new_shape in (5, (3, 5), (0,), (2, 0), (), (30,), (4, 1, 3)):
                if x.is_distributed() and not hasattr(em, "reshape"):
                    continue  # needs ember.ravel/reshape (ember.core.shaping)
                assert_array_equal(ra.resize(x, new_shape), np.resize(a, new_shape))


def test_resize_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(ValueError):
        ra.resize(x, (-1, 2))
    with pytest.raises(TypeError):
        ra.resize(x, 2.5)


# --------------------------------------------------------------------------------------
# pad
# --------------------------------------------------------------------------------------
MODES = ["constant", "edge", "reflect", "symmetric", "wrap"]


def test_pad_every_mode_split_and_width(rng, comm):
    check = LocalCheck(comm)
    widths = [1, 5, (2, 0), (0, 7), ((1, 2),), ((9, 1), (0, 3)), ((3, 11), (2, 2), (1, 0))]
    shapes = [(1,), (2,), (7,), (5, 4), (2, 3, 2), (3, 1, 4)]
    for i, (a, x) in enumerate(_arrays(rng, shapes, per_shape=1)):
        for j, mode in enumerate(MODES):
            for width in widths[(i + j) % 3::3] + [0]:
                try:
                    expected = np.pad(a, width, mode=mode)
                except ValueError:
                    continue  # a per-axis width list that does not fit this ndim
                check(em.pad(x, width, mode=mode), expected,
                      f"{a.shape} {x.split} {mode} {width}", split=x.split)
    check.done()


def test_pad_split_axis_wider_than_blocks(rng, comm):
    """Reflections much longer than a rank's block need rows from far ranks."""
    a = _data(rng, (6, 2), "float64")
    for split in (0, 1):
        for x in (em.array(a, split=split), _uneven(a, split, comm)):
            for mode in MODES:
                for width in ((13, 2), (0, 20), (4, 9)):
                    pw = [(0, 0), (0, 0)]
                    pw[split] = width
                    assert_array_equal(em.pad(x, pw, mode=mode), np.pad(a, pw, mode=mode),
                                       split=split)


def test_pad_constant_values(rng):
    a = _data(rng, (3, 4), "int32")
    for split in splits_of(2):
        x = em.array(a, split=split)
        for values in (7, (1, 2), ((1, 2), (3, 4)), 2.7):
            assert_array_equal(em.pad(x, ((1, 2), (3, 1)), constant_values=values),
                               np.pad(a, ((1, 2), (3, 1)), constant_values=values))
    empty = np.zeros((0, 2), dtype=np.float32)
    for split in splits_of(2):
        assert_array_equal(em.pad(em.array(empty, split=split), 2), np.pad(empty, 2))
        assert_array_equal(em.pad(em.array(empty, split=split), ((0, 0), (1, 1)), "edge"),
                           np.pad(empty, ((0, 0), (1, 1)), "edge"))


def test_pad_communication(monkeypatch):
    x = em.zeros((7, 3), split=0)
    with count_collectives(monkeypatch) as calls:
        em.pad(x, 3)
        em.pad(x, ((0, 0), (4, 4)), mode="reflect")
    assert calls == []
    with count_collectives(monkeypatch) as calls:
        em.pad(x, ((5, 5), (0, 0)), mode="symmetric")
    assert len(calls) <= 1


def test_pad_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(ValueError):
        em.pad(x, -1)
    with pytest.raises(TypeError):
        em.pad(x, 1.5)
    with pytest.raises(ValueError):
        em.pad(x, ((1, 2), (3, 4), (5, 6)))
    with pytest.raises(ValueError):
        em.pad(x, 1, mode="foo")
    with pytest.raises(ValueError):
        em.pad(x, 1, mode="edge", constant_values=2)
    with pytest.raises(ValueError):
        em.pad(em.zeros((0, 2), split=0), 1, mode="edge")
    with pytest.raises(NotImplementedError):
        em.pad(x, 1, mode="mean")
    with pytest.raises(NotImplementedError):
        em.pad(x, 1, mode="reflect", reflect_type="odd")


# --------------------------------------------------------------------------------------
# trim_zeros
# --------------------------------------------------------------------------------------
def test_trim_zeros(rng, comm):
    check = LocalCheck(comm)
    boxes = [np.zeros(0), np.zeros(5), np.array([0, 0, 3, 0, 1, 0, 0]), np.array([1, 0, 2]),
             np.pad(rng.integers(1, 3, (2, 3)), ((1, 3), (2, 0))),
             np.pad(rng.integers(-2, 2, (3, 1, 2)), ((2, 0), (1, 1), (0, 2))),
             np.zeros((3, 4), dtype=bool), np.pad(np.ones((1, 1), bool), ((4, 1), (0, 2)))]
    for a in boxes:
        for split in splits_of(a.ndim):
            x = em.array(a, split=split)
            for i, axis in enumerate((None, *range(-a.ndim, a.ndim), tuple(range(a.ndim)))):
                for trim in ("fb", ("f", "b", "BF")[i % 3]):
                    check(ra.trim_zeros(x, trim, axis), np.trim_zeros(a, trim, axis),
                          f"{a.shape} {split} {trim} {axis}", split=split)
    check.done()


def test_trim_zeros_errors():
    x = em.zeros((3, 2), split=0)
    with pytest.raises(ValueError):
        ra.trim_zeros(x, "x")
    with pytest.raises(AxisError):
        ra.trim_zeros(x, axis=2)
    with pytest.raises(ValueError):
        ra.trim_zeros(x, axis=(0, 0))


def test_communication_of_the_others(monkeypatch):
    x = em.array(np.arange(14).reshape(7, 2), split=0)
    with count_collectives(monkeypatch) as calls:
        ra.tile(x, (1, 3))
        ra.repeat(x, 2, 0)
        ra.repeat(x, [1, 0, 2, 1, 1, 3, 0], 0)
    assert calls == []
    for run in (lambda: ra.tile(x, (3, 1)), lambda: ra.trim_zeros(x),
                lambda: ra.rot90(x, 2, (1, 0)), lambda: ra.rot90(x, 1),
                lambda: em.pad(x, ((4, 9), (1, 1)), "reflect")):
        with count_collectives(monkeypatch) as calls:
            run()
        assert len(calls) <= 1


def test_non_contiguous_input_and_method(rng):
    a = _data(rng, (4, 5), "float32")
    for split in splits_of(2):
        x = em.array(a, split=split).T
        assert_array_equal(ra.roll(x, 3, 1), np.roll(a.T, 3, 1))
        assert_array_equal(em.pad(x, ((1, 2), (3, 0)), "wrap"),
                           np.pad(a.T, ((1, 2), (3, 0)), "wrap"))
        assert_array_equal(x.repeat(2, axis=1), a.T.repeat(2, axis=1))
        assert_array_equal(ra.rot90(x, 1), np.rot90(a.T, 1))
