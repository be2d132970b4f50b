"""Aligning elementwise operands: NumPy broadcasting for any mix of split axes.

The oracle: apply a torch operation to the aligned blocks, wrap the result, and compare
with NumPy on the whole arrays. The communication each case may use is checked by
counting the Communicator's collectives.
"""

import itertools

import numpy as np
import pytest
import torch

import ember as em
from ember.comm import Communicator
from ember.core.alignment import align, broadcast_shapes
from ember.testing import assert_array_equal, splits_of


@pytest.fixture
def calls(monkeypatch):
    """Counts of the data-moving collectives called during a test."""
    counted = {"Alltoallv": 0, "Allgatherv": 0}
    for name in counted:
        original = getattr(Communicator, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            counted[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Communicator, name, counting)
    return counted


def _dnd(data, split, counts=None):
    x = em.array(data, split=split)
    return x if counts is None or split is None else x.redistribute(counts)


def _added(*operands):
    aligned = align(operands, em.get_comm())
    total = aligned.blocks[0]
    for block in aligned.blocks[1:]:
        total = torch.add(total, block)
    result = aligned.wrap(torch.as_tensor(total).expand(aligned.local_shape).contiguous())
    return result, aligned


@pytest.mark.parametrize("shapes", [
    ((3,), (3,)), ((2, 3), (3,)), ((5, 1), (1, 4)), ((4, 1, 3), (2, 1)), ((1, 1), (4, 5)),
    ((), (2,)), ((0, 3), (3,)), ((2, 0), (1,)),
])
def test_broadcast_shapes_matches_numpy(shapes):
    assert broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)


@pytest.mark.parametrize("shapes", [((3,), (4,)), ((2, 3), (3, 2)), ((2, 1, 3), (4, 2))])
def test_broadcast_shapes_error_like_numpy(shapes):
    with pytest.raises(ValueError, match="could not be broadcast together"):
        broadcast_shapes(*shapes)


SHAPE_PAIRS = [
    ((7, 5), (7, 5)),
    ((7, 5), (5,)),
    ((7, 5), (7, 1)),
    ((7, 1), (1, 5)),
    ((1, 5), (7, 5)),
    ((2, 1), (2, 3)),
    ((3, 7, 5), (7, 5)),
    ((3, 1, 5), (1, 7, 1)),
    ((1,), (3, 2)),
    ((2, 3), ()),
    ((0, 4), (4,)),
]


@pytest.mark.parametrize("shape_a,shape_b", SHAPE_PAIRS)
def test_any_splits_broadcast_like_numpy(shape_a, shape_b, rng):
    a = rng.integers(-50, 50, shape_a)
    b = rng.integers(-50, 50, shape_b)
    for split_a, split_b in itertools.product(splits_of(len(shape_a)), splits_of(len(shape_b))):
        result, _ = _added(_dnd(a, split_a), _dnd(b, split_b))
        assert_array_equal(result, a + b)


def test_uneven_counts_on_both_sides(comm, rng):
    a = rng.standard_normal((9, 4))
    b = rng.standard_normal((9, 4))
    last_heavy = [0] * (comm.size - 1) + [9]
    first_heavy = [9] + [0] * (comm.size - 1)
    result, aligned = _added(_dnd(a, 0, last_heavy), _dnd(b, 0, first_heavy))
    assert aligned.counts == tuple(last_heavy)
    assert_array_equal(result, a + b)


def test_the_largest_operand_leads(rng):
    small, large = rng.standard_normal((5,)), rng.standard_normal((6, 5))
    _, aligned = _added(_dnd(small, 0), _dnd(large, 1))
    assert aligned.split == 1 and aligned.counts == em.array(large, split=1).counts
    _, aligned = _added(_dnd(large, 0), _dnd(small, 0))
    assert aligned.split == 0


def test_ties_go_to_the_first_operand(rng):
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    _, aligned = _added(_dnd(a, 1), _dnd(b, 0))
    assert aligned.split == 1
    _, aligned = _added(_dnd(a, 0), _dnd(b, 1))
    assert aligned.split == 0


def test_result_split_does_not_depend_on_the_number_of_processes(rng):
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((6,))
    _, aligned = _added(_dnd(a, None), _dnd(b, 0))
    assert aligned.split == 1  # the same for 1, 2 or 3 processes


def test_a_split_broadcast_axis_is_gathered(rng):
    a, b = rng.standard_normal((1, 5)), rng.standard_normal((4, 5))
    result, aligned = _added(_dnd(a, 0), _dnd(b, None))
    assert aligned.split is None
    assert_array_equal(result, a + b, split=None)


def test_replicated_tensors_and_scalars(rng):
    a = rng.standard_normal((5, 3))
    tensor = torch.from_numpy(rng.standard_normal((3,)))
    for split in splits_of(2):
        result, _ = _added(_dnd(a, split), tensor, 2.5)
        assert_array_equal(result, a + tensor.numpy() + 2.5)


def test_three_operands_like_where(rng):
    cond = rng.random((6, 4)) > 0.5
    x, y = rng.standard_normal((6, 1)), rng.standard_normal((4,))
    for splits in itertools.product([None, 0, 1], [None, 0], [None, 0]):
        aligned = align([_dnd(cond, splits[0]), _dnd(x, splits[1]), _dnd(y, splits[2])],
                        em.get_comm())
        local = torch.where(*aligned.blocks).expand(aligned.local_shape).contiguous()
        assert_array_equal(aligned.wrap(local), np.where(cond, x, y))


# ---- the communication each case is allowed ------------------------------------------
def test_same_distribution_moves_nothing(calls, rng):
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((7, 5))
    x, y = _dnd(a, 0), _dnd(b, 0)
    calls.update(Alltoallv=0, Allgatherv=0)
    _added(x, y)
    assert calls == {"Alltoallv": 0, "Allgatherv": 0}


def test_replicated_operand_moves_nothing(calls, rng):
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((7, 5))
    x, y = _dnd(a, 1), _dnd(b, None)
    calls.update(Alltoallv=0, Allgatherv=0)
    _added(x, y)
    assert calls == {"Alltoallv": 0, "Allgatherv": 0}


def test_other_split_axis_costs_one_alltoallv(calls, rng):
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((7, 5))
    x, y = _dnd(a, 0), _dnd(b, 1)
    calls.update(Alltoallv=0, Allgatherv=0)
    _added(x, y)
    assert calls == {"Alltoallv": 1, "Allgatherv": 0}


def test_other_counts_cost_one_alltoallv(calls, comm, rng):
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((7, 5))
    x = _dnd(a, 0)
    y = _dnd(b, 0, [7] + [0] * (comm.size - 1))
    calls.update(Alltoallv=0, Allgatherv=0)
    _added(x, y)
    moves = 0 if comm.size == 1 else 1
    assert calls == {"Alltoallv": moves, "Allgatherv": 0}


def test_operand_lacking_the_split_axis_costs_one_allgatherv(calls, rng):
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((5,))
    x, y = _dnd(a, 0), _dnd(b, 0)  # y's axis 0 is the result's axis 1
    calls.update(Alltoallv=0, Allgatherv=0)
    result, aligned = _added(x, y)
    assert aligned.split == 0
    assert calls["Alltoallv"] == 0 and calls["Allgatherv"] <= 1
    assert_array_equal(result, a + b)


# ---- errors ---------------------------------------------------------------------------
def test_shapes_that_do_not_broadcast_raise_on_every_rank(rng):
    with pytest.raises(ValueError, match="could not be broadcast"):
        align([_dnd(rng.standard_normal((4, 3)), 0), _dnd(rng.standard_normal((4,)), 0)],
              em.get_comm())


def test_different_communicators_are_refused(comm):
    other = Communicator(None) if comm.size > 1 else comm.Split(0)
    x = em.arange(4, split=0)
    y = em.arange(4, split=0, comm=other)
    if other is comm:
        assert align([x, y], comm).split == 0
        return
    with pytest.raises(ValueError, match="different communicators"):
        align([x, y], comm)
