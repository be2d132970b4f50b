"""Tests for ``repr``/``str`` of DNDarrays and ember's print options.

The oracle is NumPy's own formatting of the same data: ``str(a)`` for ``str`` and
``np.array2string(a, separator=", ", prefix="DNDarray(")`` for the body of ``repr``
(what ``repr`` of a NumPy array does with ``prefix="array("``).
"""

import numpy as np
import pytest
import torch

import ember as em
from ember.comm import Communicator
from ember.core import printing, redistribution
from ember.core.distribution import local_range
from ember.core.dndarray import DNDarray

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]


@pytest.fixture(autouse=True)
def _restore_print_options():
    saved = dict(printing._options)
    numpy_saved = np.get_printoptions()
    yield
    printing._options.clear()
    printing._options.update(saved)
    assert np.get_printoptions() == numpy_saved, "ember changed NumPy's print options"


def make_data(rng, shape, name):
    """Random data of dtype ``name`` with mixed magnitudes (bfloat16: float32 values
    rounded to bfloat16, so that NumPy formats exactly what ember holds)."""
    if name == "bool":
        return rng.random(shape) > 0.5
    if name in ("int8", "uint8", "int16", "int32", "int64"):
        low = 0 if name == "uint8" else -100
        return rng.integers(low, 100, shape).astype(name)
    values = np.asarray(rng.standard_normal(shape) * 10.0 ** rng.integers(-2, 3, shape))
    if name.startswith("complex"):
        return (values + 1j * rng.standard_normal(shape)).astype(name)
    if name == "bfloat16":
        return torch.from_numpy(values).to(torch.bfloat16).float().numpy()
    return values.astype(name)


def to_ember(a, name=None, **kwargs):
    if name == "bfloat16":
        return em.array(torch.from_numpy(np.array(a)).to(torch.bfloat16), **kwargs)
    return em.array(a if a.ndim else a[()], **kwargs)


def expected_repr(a, name, split):
    body = np.array2string(a, separator=", ", prefix="DNDarray(")
    return f"DNDarray({body}, dtype=ember.{name}, split={split})"


def check(x, a, name, split):
    """str and repr of ``x`` match NumPy's for ``a``; every rank gets the same strings."""
    text, representation = str(x), repr(x)
    assert text == str(a)
    assert representation == expected_repr(a, name, split)
    everyone = x.comm.allgather_object((text, representation))
    assert all(strings == (text, representation) for strings in everyone)


SMALL = [((), None), ((4,), None), ((4,), 0), ((3, 5), None), ((3, 5), 0), ((3, 5), 1),
         ((2, 3, 4), None), ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), 2)]


@pytest.mark.parametrize("shape, split", SMALL, ids=str)
@pytest.mark.parametrize("name", DTYPES)
def test_small_arrays_like_numpy(rng, name, shape, split):
    a = make_data(rng, shape, name)
    check(to_ember(a, name, split=split), a, name, split)


def test_literal_examples():
    assert repr(em.array([1, 2, 3], split=0)) == "DNDarray([1, 2, 3], dtype=ember.int64, split=0)"
    assert str(em.array([1, 2, 3], split=0)) == "[1 2 3]"
    assert str(em.array([[1.5, 2.0], [3.0, 4.0]], split=1)) == "[[1.5 2. ]\n [3.  4. ]]"
    assert repr(em.array([[1.5, 2.0], [3.0, 4.0]], split=1)) == (
        "DNDarray([[1.5, 2. ],\n          [3. , 4. ]], dtype=ember.float32, split=1)")
    assert repr(em.array(2.5)) == "DNDarray(2.5, dtype=ember.float32, split=None)"
    assert str(em.array(2.5)) == "2.5"
    assert str(em.array(True)) == "True"
    assert repr(em.array([1 + 2j], dtype=em.complex64)) == (
        "DNDarray([1.+2.j], dtype=ember.complex64, split=None)")
    assert repr(em.arange(2000, split=0)) == (
        "DNDarray([   0,    1,    2, ..., 1997, 1998, 1999], dtype=ember.int64, split=0)")


@pytest.mark.parametrize("shape, split", [((0,), None), ((0,), 0), ((2, 0), 1), ((0, 3), 0),
                                          ((0, 3), 1), ((3, 0, 2), 2)], ids=str)
def test_empty_arrays(shape, split):
    a = np.zeros(shape, dtype=np.float32)
    x = em.zeros(shape, split=split)
    check(x, a, "float32", split)
    assert str(x) == "[]"


LARGE = [(2000,), (1001,), (50, 60), (7, 150), (6, 200), (12, 10, 10), (7, 7, 7, 3)]


@pytest.mark.parametrize("shape", LARGE, ids=str)
@pytest.mark.parametrize("name", ["int64", "float32", "complex64", "bool"])
def test_large_arrays_are_summarised_like_numpy(rng, shape, name):
    a = make_data(rng, shape, name)
    for split in [None, *range(len(shape))]:
        x = to_ember(a, name, split=split)
        check(x, a, name, split)
    assert ("..." in str(x)) == (a.size > 1000)


@pytest.mark.parametrize("pattern", ["first", "last", "triangle"])
@pytest.mark.parametrize("shape", [(9, 4), (9, 200)], ids=str)
def test_unbalanced_arrays(rng, comm, pattern, shape):
    a = make_data(rng, shape, "float64")
    n = shape[0]
    counts = {"first": [n] + [0] * (comm.size - 1), "last": [0] * (comm.size - 1) + [n],
              "triangle": [min(2 * r + 1, n) for r in range(comm.size)]}[pattern]
    counts[-1] += n - sum(counts)
    x = em.array(a, split=0).redistribute(counts)
    check(x, a, "float64", 0)


# ------------------------------------------------------------------- print options


OPTIONS = [
    {"threshold": 10},
    {"threshold": 10, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 2, "precision": 3},
    {"precision": 2, "suppress": True},
    {"linewidth": 30},
    {"threshold": 100, "edgeitems": 5},
    {"floatmode": "fixed", "precision": 4, "sign": "+"},
    {"formatter": {"float": lambda v: f"<{v:.1f}>"}},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(sorted(o)))
@pytest.mark.parametrize("shape", [(7,), (25,), (7, 7), (3, 7, 2), (1, 1, 30)], ids=str)
def test_printoptions_like_numpy(rng, options, shape):
    a = make_data(rng, shape, "float64")
    for split in [None, *range(len(shape))]:
        x = em.array(a, split=split)
        with em.printoptions(**options) as current:
            assert all(current[key] == value for key, value in options.items())
            text, representation = str(x), repr(x)
        with np.printoptions(**options):
            assert text == str(a)
            assert representation == expected_repr(a, "float64", split)
        # outside the context, ember's defaults again
        assert str(x) == str(a)


def test_set_printoptions_only_affects_ember(rng):
    a = make_data(rng, (40, 40), "float64")
    x = em.array(a, split=1)
    numpy_before = np.get_printoptions()
    em.set_printoptions(precision=2, threshold=50, edgeitems=1)
    assert np.get_printoptions() == numpy_before
    assert str(a) == np.array2string(a)  # NumPy itself is unchanged
    options = em.get_printoptions()
    assert (options["precision"], options["threshold"], options["edgeitems"]) == (2, 50, 1)
    with np.printoptions(precision=2, threshold=50, edgeitems=1):
        expected = str(a)
    assert str(x) == expected
    assert len(str(x)) < len(str(a))
    em.set_printoptions(precision=None)  # None keeps the current value, as in NumPy
    assert em.get_printoptions()["precision"] == 2
    with em.printoptions(precision=5):
        assert em.get_printoptions()["precision"] == 5
        with em.printoptions(edgeitems=2):
            assert em.get_printoptions()["edgeitems"] == 2
            assert em.get_printoptions()["precision"] == 5
        assert em.get_printoptions()["edgeitems"] == 1
    assert em.get_printoptions()["precision"] == 2
    assert np.get_printoptions() == numpy_before


def test_numpy_options_apply_where_ember_sets_none(rng):
    a = make_data(rng, (4, 3), "float64")
    x = em.array(a, split=0)
    with np.printoptions(precision=3):
        assert str(x) == str(a)
        assert em.get_printoptions()["precision"] == 3


def test_printoptions_restored_after_an_error():
    before = em.get_printoptions()
    with pytest.raises(RuntimeError), em.printoptions(precision=3):
        raise RuntimeError("boom")
    assert em.get_printoptions() == before


def test_bad_print_options():
    before = em.get_printoptions()
    with pytest.raises(TypeError, match="unknown"):
        em.set_printoptions(bogus=1)
    with pytest.raises(ValueError):
        em.set_printoptions(precision=-1)
    with pytest.raises(ValueError):
        em.set_printoptions(threshold=-5)
    with pytest.raises(TypeError):
        em.set_printoptions(edgeitems="3")
    with pytest.raises(TypeError):
        em.set_printoptions(linewidth=7.5)
    with pytest.raises(ValueError):
        em.set_printoptions(floatmode="nonsense")
    with pytest.raises(TypeError), em.printoptions(bogus=1):
        pass
    assert em.get_printoptions() == before


def test_edgeitems_zero_shows_the_last_item():
    a = np.arange(10)
    for split in (None, 0):
        with em.printoptions(edgeitems=0, threshold=3):
            text = str(em.array(a, split=split))
        with np.printoptions(edgeitems=0, threshold=3):
            assert text == str(a) == "[... 9]"


# -------------------------------------------------------- only the edges travel


class GatherSpy:
    """Records the size of every Allgatherv result; whole-array gathers fail the test."""

    def __init__(self, monkeypatch):
        self.sizes = []
        original = Communicator.Allgatherv

        def allgatherv(comm, tensor, *args, **kwargs):
            result = original(comm, tensor, *args, **kwargs)
            self.sizes.append(result.numel())
            return result

        def refuse(*args, **kwargs):
            raise AssertionError("printing gathered the whole array")

        monkeypatch.setattr(Communicator, "Allgatherv", allgatherv)
        monkeypatch.setattr(redistribution, "gather", refuse)
        monkeypatch.setattr(DNDarray, "_full_tensor", refuse)
        monkeypatch.setattr(DNDarray, "numpy", refuse)


@pytest.mark.parametrize("shape, split", [((2000,), 0), ((50, 60), 0), ((50, 60), 1),
                                          ((12, 10, 10), 2), ((7, 150), 0), ((7, 150), 1)],
                         ids=str)
@pytest.mark.parametrize("edgeitems", [1, 3])
def test_large_split_array_gathers_only_the_edges(rng, comm, monkeypatch, shape, split,
                                                  edgeitems):
    a = make_data(rng, shape, "float32")
    x = em.array(a, split=split)
    spy = GatherSpy(monkeypatch)
    with em.printoptions(edgeitems=edgeitems):
        text, representation = str(x), repr(x)
    monkeypatch.undo()
    # one gather per string when the array is distributed, none otherwise
    assert len(spy.sizes) == (2 if comm.size > 1 else 0)
    assert all(size <= (2 * edgeitems + 1) ** len(shape) for size in spy.sizes)
    with np.printoptions(edgeitems=edgeitems):
        assert text == str(a)
        assert representation == expected_repr(a, "float32", split)


def test_replicated_and_small_arrays_gather_at_most_once(rng, comm, monkeypatch):
    a = make_data(rng, (6, 5), "int32")
    replicated, split = em.array(a), em.array(a, split=1)
    spy = GatherSpy(monkeypatch)
    str(replicated)
    assert spy.sizes == []
    repr(split)
    assert spy.sizes == ([a.size] if comm.size > 1 else [])


def test_gathered_items_follow_counts(comm, monkeypatch):
    # an unbalanced 1-d array whose shown edges all sit on the last rank
    n = 3000
    counts = [0] * (comm.size - 1) + [n]
    start, stop = local_range(counts, comm.rank)
    x = em.array(np.arange(start, stop), is_split=0)
    spy = GatherSpy(monkeypatch)
    text = str(x)
    assert all(size == 7 for size in spy.sizes)
    assert text == "[   0    1    2 ... 2997 2998 2999]"
