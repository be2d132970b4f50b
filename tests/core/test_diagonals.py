"""diag, diagonal, diagflat, tril and triu against NumPy for every split, uneven and tiny
shapes and several dtypes; none of them communicates (diagflat only to flatten)."""

import numpy as np
import pytest
from _oracle_checks import LocalCheck, count_collectives

import ember as em
from ember.testing import assert_array_equal, assert_invariants, splits_of

DTYPES = ["bool", "int32", "float32", "complex64"]
OFFSETS = (-8, -3, -1, 0, 1, 2, 6)


def _data(shape, dtype, rng):
    values = np.asarray(rng.integers(-9, 10, shape))
    if dtype == "bool":
        return values > 0
    if dtype == "complex64":
        return np.asarray(values + 1j * rng.integers(-9, 10, shape)).astype(dtype)
    return values.astype(dtype)


def _expected_diagonal_split(split, axis1, axis2, ndim):
    if split is None:
        return None
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    if split in (axis1, axis2):
        return ndim - 2
    return split - (axis1 < split) - (axis2 < split)


def test_diagonal_every_split_offset_and_axes(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(5, 7), (7, 5), (2, 2), (1, 4), (4, 3, 5), (0, 3),
                                   (2, 3, 1, 4)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        ndim = len(shape)
        for split in splits_of(ndim):
            x = em.array(data, split=split)
            for offset in OFFSETS:
                for axis1, axis2 in ((0, 1), (1, 0), (-1, 0), (0, -1), (ndim - 2, ndim - 1)):
                    with count_collectives(monkeypatch) as calls:
                        actual = em.diagonal(x, offset, axis1, axis2)
                    assert calls == []
                    check(actual, np.diagonal(data, offset, axis1, axis2),
                          f"{shape} {split} {offset} {axis1} {axis2}",
                          split=_expected_diagonal_split(split, axis1, axis2, ndim))
    check.done()


def test_diagonal_of_uneven_blocks_and_method(comm, rng):
    data = _data((7, 6), "float32", rng)
    for counts in ([7] + [0] * (comm.size - 1), [0] * (comm.size - 1) + [7],
                   [1] * (comm.size - 1) + [8 - comm.size]):
        x = em.array(data, split=0).redistribute(counts)
        for offset in (-2, 0, 3):
            result = x.diagonal(offset)
            assert_invariants(result)
            assert_array_equal(result, np.diagonal(data, offset), split=0)
    assert_array_equal(em.diagonal([[1, 2], [3, 4]]), np.array([1, 4]))
    assert_array_equal(em.diagonal(np.ones((2, 3, 4)), 1, 2, 0), np.diagonal(np.ones((2, 3, 4)),
                                                                          1, 2, 0))


def test_diagonal_copies(comm):
    x = em.zeros((4, 4), split=0)
    d = em.diagonal(x)
    d.larray.fill_(1)
    assert not bool(x.larray.any())


def test_diagonal_errors():
    with pytest.raises(ValueError, match="at least two"):
        em.diagonal(em.zeros(3, split=0))
    with pytest.raises(ValueError, match="cannot be the same"):
        em.diagonal(em.zeros((3, 3), split=0), 0, 1, -1)
    with pytest.raises(em.AxisError):
        em.diagonal(em.zeros((3, 3), split=1), 0, 0, 2)
    with pytest.raises(em.AxisError):
        em.diagonal(em.zeros((3, 3)), 0, -3, 1)
    with pytest.raises(TypeError):
        em.diagonal(em.zeros((3, 3)), 1.5)


def test_diag_of_vectors_and_matrices(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, n in enumerate((0, 1, 2, 5, 7)):
        data = _data((n,), DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(1):
            x = em.array(data, split=split)
            for k in OFFSETS:
                with count_collectives(monkeypatch) as calls:
                    actual = em.diag(x, k)
                assert calls == []
                check(actual, np.diag(data, k), f"{n} {split} {k}", split=split)
    for index, shape in enumerate([(5, 7), (3, 2), (1, 1)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(2):
            x = em.array(data, split=split)
            for k in OFFSETS:
                check(em.diag(x, k), np.diag(data, k), f"{shape} {split} {k}")
    check.done()


def test_diag_result_rows_follow_the_vector(comm):
    x = em.arange(4 * comm.size, split=0)
    for k in (-2, 0, 3):
        result = em.diag(x, k)
        assert_invariants(result)
        counts = list(x.counts)
        counts[0 if k < 0 else -1] += abs(k)
        assert result.counts == tuple(counts)
    counts = [0] * comm.size
    counts[-1] = 3
    uneven = em.array([1.0, 2.0, 3.0], split=0).redistribute(counts)
    assert_array_equal(em.diag(uneven, -1), np.diag([1.0, 2.0, 3.0], -1), dtype=em.float32)
    assert_array_equal(em.diag([1, 2]), np.diag([1, 2]))


def test_diag_errors():
    for v in (em.zeros((2, 2, 2), split=0), em.array(1.0)):
        with pytest.raises(ValueError, match="1- or 2-d"):
            em.diag(v)
    with pytest.raises(TypeError):
        em.diag(em.zeros(3, split=0), 1.5)


def test_diagflat(comm, rng, monkeypatch):
    check = LocalCheck(comm)
    for index, shape in enumerate([(), (4,), (2, 3), (3, 1, 2), (0, 2)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for k in (-2, 0, 1):
                with count_collectives(monkeypatch) as calls:
                    actual = em.diagflat(x, k)
                if split in (None, 0):
                    assert calls == [], calls
                check(actual, np.diagflat(data, k), f"{shape} {split} {k}",
                      split=None if split is None or not shape else 0)
    check.done()
    assert_array_equal(em.diagflat([[1, 2], [3, 4]], -1), np.diagflat([[1, 2], [3, 4]], -1))
    with pytest.raises(TypeError):
        em.diagflat([1, 2], "1")


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangles_every_split_without_communication(name, comm, rng, monkeypatch):
    check = LocalCheck(comm)
    ours, theirs = getattr(em, name), getattr(np, name)
    for index, shape in enumerate([(5, 7), (7, 5), (1, 3), (2, 3, 4), (3, 0), (4, 2, 1, 3),
                                   (5,), (2,), (0,)]):
        data = _data(shape, DTYPES[index % len(DTYPES)], rng)
        for split in splits_of(len(shape)):
            x = em.array(data, split=split)
            for k in (*OFFSETS, 1.5, -0.5):
                with count_collectives(monkeypatch) as calls:
                    actual = ours(x, k)
                assert calls == []
                expected_split = split if len(shape) > 1 or split is None else 1
                check(actual, theirs(data, k), f"{shape} {split} {k}", split=expected_split)
                if split is not None:
                    assert actual.counts == x.counts
    check.done()


def test_triangles_accept_array_likes_and_check_input():
    assert_array_equal(em.tril([[1, 2], [3, 4]]), np.tril([[1, 2], [3, 4]]))
    assert_array_equal(em.triu(np.ones((3, 3), np.float32), 1),
                       np.triu(np.ones((3, 3), np.float32), 1))
    for function in (em.tril, em.triu):
        with pytest.raises(TypeError):
            function(em.array(1.0))
        with pytest.raises(TypeError):
            function(em.zeros((2, 2), split=0), "1")
