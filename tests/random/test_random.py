"""Tests for ember.random: Philox known answers, values independent of the split and of the
number of processes (against split=None and against numbers stored from a one-process
run), statistical quality, permutations and choice, state, and argument errors.

Every test runs on every rank at once (SPMD).
"""

import math

import numpy as np
import pytest
import torch
from scipy import stats

import ember as em
import ember.random as er
from ember.random._kernels import feistel_permute, multiply_high, philox4x32
from ember.testing import assert_invariants, splits_of

# shapes that do not divide by 1, 2, 3 processes, smaller than the process count, empty;
# (3, 5, 2) cut along axis 1 has runs that start at different lanes of a Philox block
SHAPES = [(), (1,), (7,), (0,), (5, 4), (3, 0), (3, 5, 2)]
SHAPE_SPLITS = [(shape, split) for shape in SHAPES for split in splits_of(len(shape))]

# name -> draw(generator, shape, split); every draw of the API that makes a new array
DRAWS = {
    "random32": lambda g, s, k: g.random(s, split=k),
    "random64": lambda g, s, k: g.random(s, dtype=em.float64, split=k),
    "random16": lambda g, s, k: g.random(s, dtype=em.float16, split=k),
    "uniform": lambda g, s, k: g.uniform(-3.0, 5.0, s, split=k),
    "standard_normal": lambda g, s, k: g.standard_normal(s, split=k),
    "normal64": lambda g, s, k: g.normal(2.0, 3.0, s, dtype="float64", split=k),
    "exponential": lambda g, s, k: g.exponential(2.5, s, split=k),
    "integers": lambda g, s, k: g.integers(-5, 17, s, split=k),
    "integers_40bit": lambda g, s, k: g.integers(0, 2**40, s, split=k),
    "integers_int8": lambda g, s, k: g.integers(-128, 127, s, dtype=em.int8, split=k),
    "choice_p": lambda g, s, k: g.choice(4, s, p=[0.1, 0.2, 0.3, 0.4], split=k),
    "choice_noreplace": lambda g, s, k: g.choice(50, s, replace=False, split=k),
    "choice_noreplace_p": lambda g, s, k: g.choice(50, s, replace=False,
                                                   p=np.full(50, 0.02), split=k),
}


def values_of(x):
    return x.numpy()


# --------------------------------------------------------------------------------------
# the generator itself
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("counter, key, expected", [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_philox_known_answers(counter, key, expected):
    """Random123's kat_vectors for philox4x32-10."""
    words = [torch.tensor([c], dtype=torch.int64) for c in counter]
    assert tuple(int(w) for w in philox4x32(*words, key)) == expected


@pytest.mark.parametrize("span", [1, 2, 3, 10, 2**31 + 5, 2**32, 2**32 + 1, 2**40 - 7,
                                  2**63, 2**63 + 12345, 2**64 - 1, 2**64])
@pytest.mark.parametrize("n_words", [2, 4])
def test_multiply_high_is_exact(span, n_words):
    rng = np.random.default_rng(span % 1000 + n_words)
    words = rng.integers(0, 2**32, size=(n_words, 64), dtype=np.uint64).astype(np.int64)
    words[:, 0] = 0xFFFFFFFF  # the largest number
    words[:, 1] = 0
    high, low = multiply_high([torch.from_numpy(w) for w in words], span)
    for column in range(words.shape[1]):
        x = sum(int(words[t, column]) << (32 * t) for t in range(n_words))
        expected = (x * span) >> (32 * n_words)
        assert (int(high[column]) << 32) + int(low[column]) == expected


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 16, 17, 1000, 4099])
def test_feistel_is_a_bijection_with_an_inverse(n):
    keys = [11, 22, 33, 44, 55, 66, 77, 88]
    positions = torch.arange(n)
    image = feistel_permute(positions, n, keys)
    assert sorted(image.tolist()) == list(range(n))
    assert feistel_permute(image, n, keys, inverse=True).tolist() == list(range(n))


# --------------------------------------------------------------------------------------
# the same values for every split and every number of processes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DRAWS))
@pytest.mark.parametrize("shape, split", SHAPE_SPLITS)
def test_values_do_not_depend_on_the_split(name, shape, split):
    draw = DRAWS[name]
    reference = draw(er.default_rng(99), shape, None)
    generator = er.default_rng(99)
    x = draw(generator, shape, split)
    assert_invariants(x, balanced=True)
    assert x.shape == shape and x.split == split and x.dtype == reference.dtype
    np.testing.assert_array_equal(values_of(x), values_of(reference))
    # the counter moved on exactly as with split=None
    again = er.default_rng(99)
    draw(again, shape, None)
    assert generator.get_state() == again.get_state()


def test_values_match_a_one_process_run():
    """Numbers stored from a run on one process: any process count and split must give
    them bit for bit."""
    comm = em.get_comm()
    for split in (None, 0):
        g = er.default_rng(2024)
        x = g.random(1000, dtype="float64", split=split).numpy()
        assert float(x.sum()) == pytest.approx(484.24039943726973, rel=1e-13)
        assert [float(v) for v in x[[0, 1, 999]]] == [
            0.6036898737293727, 0.9845987341075839, 0.39865740862079346]
        y = g.random((10, 10), split=1 if split is not None else None).numpy()
        assert float(y.astype(np.float64).sum()) == pytest.approx(46.877563297748566,
                                                                  rel=1e-12)
        assert [float(v) for v in y.ravel()[[0, 57, 99]]] == [
            0.313629150390625, 0.5539284348487854, 0.18470829725265503]
        assert g.integers(0, 2**40, size=6, split=split).tolist() == [
            795986721392, 971892017355, 865464934018, 1064248816327, 1066900088960,
            943145645450]
        assert g.standard_normal(4, dtype="float64", split=split).tolist() == [
            0.675064570026444, 0.13212630870028144, -0.759663016416148, 0.07563599882039643]
        assert g.permutation(12, split=split).tolist() == [1, 9, 8, 0, 5, 6, 3, 10, 7, 11,
                                                            4, 2]
        assert g.get_state()["counter"] == 535
    assert comm.size >= 1


def test_module_functions_are_reproducible():
    er.seed(5)
    a = (er.rand(3, 4).numpy(), er.randn(5).numpy(), er.randint(10, size=6).numpy(),
         er.random_sample((2, 2)).numpy(), er.permutation(9).numpy())
    er.seed(5)
    b = (er.rand(3, 4, split=1).numpy(), er.randn(5, split=0).numpy(),
         er.randint(10, size=6, split=0).numpy(), er.random((2, 2), split=0).numpy(),
         er.permutation(9, split=0).numpy())
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    er.seed(5)
    np.testing.assert_array_equal(er.default_rng(5).random((3, 4)).numpy(),
                                  er.rand((3, 4)).numpy())


def test_consecutive_draws_differ_and_advance_the_counter():
    g = er.default_rng(1)
    a, b = g.random(10), g.random(10)
    assert not np.array_equal(a.numpy(), b.numpy())
    assert g.get_state()["counter"] == 6  # 3 blocks of four float32 each
    g.random(3, dtype="float64")
    assert g.get_state()["counter"] == 8
    g.integers(0, 2**33, size=3)
    assert g.get_state()["counter"] == 11
    g.standard_normal(0)
    assert g.get_state()["counter"] == 11


def test_counter_wraps_modulo_2_to_64():
    g = er.default_rng(8)
    g.set_state({"bit_generator": "Philox4x32-10", "seed": 8, "counter": 2**64 - 1})
    x = g.random(12, dtype="float64", split=0)
    assert g.get_state()["counter"] == 5
    assert bool(((x.numpy() >= 0) & (x.numpy() < 1)).all())


def test_generators_are_independent_of_the_global_one():
    er.seed(3)
    g = er.default_rng(3)
    first = g.random(5).numpy()
    er.rand(100)
    np.testing.assert_array_equal(er.default_rng(3).random(5).numpy(), first)
    assert er.default_rng(g) is g


# --------------------------------------------------------------------------------------
# statistical quality
# --------------------------------------------------------------------------------------
N = 100_000


def _within(sample_mean, mean, std, n=N, sigmas=5.0):
    assert abs(sample_mean - mean) < sigmas * std / math.sqrt(n), (sample_mean, mean)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_uniform_floats_are_uniform(dtype):
    x = er.default_rng(17).random(N, dtype=dtype, split=0)
    assert x.dtype == em.dtype(dtype)
    v = x.numpy().astype(np.float64)
    assert v.min() >= 0.0 and v.max() < 1.0
    _within(v.mean(), 0.5, math.sqrt(1 / 12))
    assert abs(v.var() - 1 / 12) < 5 * math.sqrt(1 / 180) / math.sqrt(N)
    bins = 8 if dtype == "bfloat16" else 50  # bfloat16 has 256 values: whole bins only
    counts = np.histogram(v, bins=bins, range=(0, 1))[0]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_float64_uses_53_bits():
    v = er.default_rng(4).random(4096, dtype="float64").numpy()
    scaled = v * 2**53
    assert np.array_equal(scaled, np.floor(scaled))
    assert np.count_nonzero(np.floor(v * 2**53) % 2**29) > 4000  # low bits are random


def test_uniform_bounds_and_moments():
    v = er.default_rng(5).uniform(-2.0, 6.0, N, dtype="float64", split=0).numpy()
    assert v.min() >= -2.0 and v.max() < 6.0
    _within(v.mean(), 2.0, 8 / math.sqrt(12))
    counts = np.histogram(v, bins=40, range=(-2, 6))[0]
    assert stats.chisquare(counts).pvalue > 1e-3


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_moments_and_ks(dtype):
    v = er.default_rng(6).normal(1.5, 2.0, N, dtype=dtype, split=0).numpy().astype(np.float64)
    _within(v.mean(), 1.5, 2.0)
    assert abs(v.var() - 4.0) < 5 * 4.0 * math.sqrt(2 / N)
    assert stats.kstest(v, "norm", args=(1.5, 2.0)).pvalue > 1e-3
    z = er.default_rng(7).standard_normal((200, 500), split=1).numpy().ravel()
    assert stats.kstest(z, "norm").pvalue > 1e-3
    # cos and sin halves of Box-Muller are uncorrelated
    assert abs(np.corrcoef(z[0::2], z[1::2])[0, 1]) < 5 / math.sqrt(z.size / 2)


def test_exponential_moments_and_ks():
    v = er.default_rng(8).exponential(3.0, N, dtype="float64", split=0).numpy()
    assert v.min() >= 0
    _within(v.mean(), 3.0, 3.0)
    assert stats.kstest(v, "expon", args=(0, 3.0)).pvalue > 1e-3


def test_integers_are_uniform():
    v = er.default_rng(9).integers(3, 23, N, split=0).numpy()
    assert v.min() == 3 and v.max() == 22
    assert stats.chisquare(np.bincount(v - 3, minlength=20)).pvalue > 1e-3
    wide = er.default_rng(10).integers(0, 2**62 + 2**61, N).numpy()
    counts = np.bincount(wide // 2**58, minlength=24)  # 24 equal bins of the range
    assert stats.chisquare(counts).pvalue > 1e-3


def test_streams_of_neighbouring_seeds_are_uncorrelated():
    a = er.default_rng(100).standard_normal(N, dtype="float64").numpy()
    b = er.default_rng(101).standard_normal(N, dtype="float64").numpy()
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / math.sqrt(N)


# --------------------------------------------------------------------------------------
# integers
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, low, high", [
    ("int8", -128, 128), ("uint8", 0, 256), ("int16", -300, 300), ("int32", -2**31, 2**31),
    ("int64", -2**63, 2**63), ("bool", 0, 2), ("int64", 10**12, 10**12 + 3)])
@pytest.mark.parametrize("split", [None, 0])
def test_integers_range_and_dtype(dtype, low, high, split):
    x = er.default_rng(11).integers(low, high, (40, 30), dtype=dtype, split=split)
    assert x.dtype == em.dtype(dtype) and x.shape == (40, 30)
    v = x.numpy().astype(object)
    assert v.min() >= low and v.max() <= high - 1
    assert len(set(v.ravel().tolist())) >= min(high - low, 50)


def test_integers_endpoint_and_one_bound():
    v = er.default_rng(12).integers(1, 3, 2000, endpoint=True).numpy()
    assert set(v.tolist()) == {1, 2, 3}
    w = er.randint(4, size=2000).numpy()
    assert set(w.tolist()) == {0, 1, 2, 3} and w.dtype == np.int64
    assert er.default_rng(1).integers(5, 6, 10).tolist() == [5] * 10
    assert er.default_rng(1).integers(0, 255, 3, dtype="uint8", endpoint=True).dtype == em.uint8


def test_zero_d_results():
    g = er.default_rng(13)
    for x in (g.random(), g.integers(5), g.standard_normal(), g.choice(3), er.rand()):
        assert x.shape == () and x.split is None
    assert 0 <= float(er.default_rng(1).random()) < 1


# --------------------------------------------------------------------------------------
# permutations, shuffle, choice
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 7, 100, 1031])
@pytest.mark.parametrize("split", [None, 0])
def test_permutation_of_an_int(n, split):
    x = er.default_rng(14).permutation(n, split=split)
    assert_invariants(x, balanced=True)
    assert x.dtype == em.int64 and x.split == split
    v = x.numpy()
    np.testing.assert_array_equal(np.sort(v), np.arange(n))
    np.testing.assert_array_equal(v, er.default_rng(14).permutation(n).numpy())


@pytest.mark.parametrize("shape", [(7,), (1,), (0,), (10, 3), (5, 4, 2), (2, 6)])
@pytest.mark.parametrize("axis", [0, -1])
def test_permutation_of_arrays_for_every_split(shape, axis):
    data = np.arange(math.prod(shape)).reshape(shape)
    axis_n = axis % len(shape)
    sigma = er.default_rng(15).permutation(shape[axis_n]).numpy()
    expected = np.take(data, sigma, axis=axis_n)
    for split in splits_of(len(shape)):
        x = em.array(data, split=split)
        y = er.default_rng(15).permutation(x, axis=axis)
        assert_invariants(y)
        assert y.split == split and y.counts == x.counts
        np.testing.assert_array_equal(y.numpy(), expected)
        np.testing.assert_array_equal(x.numpy(), data)  # the input is untouched


def test_permutation_keeps_uneven_counts():
    comm = em.get_comm()
    counts = [0] * comm.size
    counts[-1] = 9
    x = em.arange(9, split=0).redistribute(counts)
    y = er.default_rng(16).permutation(x)
    assert y.counts == x.counts
    np.testing.assert_array_equal(y.numpy(), er.default_rng(16).permutation(9).numpy())


@pytest.mark.parametrize("split", [None, 0, 1])
def test_shuffle_in_place_keeps_the_rows(split):
    data = np.arange(33).reshape(11, 3)
    x = em.array(data, split=split)
    local = x.larray
    er.default_rng(17).shuffle(x)
    assert x.larray is local
    assert_invariants(x)
    v = x.numpy()
    assert sorted(map(tuple, v.tolist())) == sorted(map(tuple, data.tolist()))
    assert not np.array_equal(v, data)
    np.testing.assert_array_equal(v, er.default_rng(17).permutation(em.array(data)).numpy())
    array = data.copy()
    er.default_rng(17).shuffle(array)
    np.testing.assert_array_equal(array, v)


def test_permutations_are_uniform():
    """All 24 permutations of 4 items, over many seeds, equally often."""
    seen = {}
    for s in range(240):
        key = tuple(er.default_rng(s).permutation(4).tolist())
        seen[key] = seen.get(key, 0) + 1
    assert len(seen) == 24
    assert stats.chisquare(list(seen.values())).pvalue > 1e-3


def test_permutation_positions_are_uniform():
    """Where the items of one long permutation go: no structure left by the Feistel net."""
    n = 5000
    v = er.default_rng(18).permutation(n).numpy()
    first_half = v[: n // 2]
    counts = np.bincount(first_half * 10 // n, minlength=10)
    assert stats.chisquare(counts).pvalue > 1e-3
    assert abs(stats.spearmanr(np.arange(n), v).statistic) < 5 / math.sqrt(n)


def test_choice_with_replacement():
    v = er.default_rng(19).choice(7, size=(300, 10), split=1).numpy()
    assert v.shape == (300, 10) and v.min() >= 0 and v.max() <= 6
    assert stats.chisquare(np.bincount(v.ravel(), minlength=7)).pvalue > 1e-3
    w = er.default_rng(19).choice(np.array([2.5, -1.0, 7.0]), size=50).numpy()
    assert set(w.tolist()) <= {2.5, -1.0, 7.0}


def test_choice_with_p():
    p = np.array([0.5, 0.0, 0.2, 0.3])
    v = er.default_rng(20).choice(4, size=N, p=p, split=0).numpy()
    counts = np.bincount(v, minlength=4)
    assert counts[1] == 0
    assert stats.chisquare(counts[[0, 2, 3]], N * p[[0, 2, 3]]).pvalue > 1e-3


def test_choice_without_replacement():
    v = er.default_rng(21).choice(100, size=(5, 8), replace=False, split=0).numpy()
    assert len(set(v.ravel().tolist())) == 40 and v.max() < 100
    full = er.default_rng(21).choice(np.arange(10.0), size=10, replace=False).numpy()
    np.testing.assert_array_equal(np.sort(full), np.arange(10.0))
    np.testing.assert_array_equal(
        er.default_rng(22).choice(30, size=30, replace=False).numpy(),
        er.default_rng(22).permutation(30).numpy())


def test_choice_without_replacement_with_p():
    p = np.array([0.1, 0.0, 0.4, 0.0, 0.5])
    v = er.default_rng(23).choice(5, size=3, replace=False, p=p).numpy()
    assert sorted(v.tolist()) == [0, 2, 4]
    firsts = np.array([er.default_rng(s).choice(5, size=1, replace=False, p=p).item()
                       for s in range(200)])
    counts = np.bincount(firsts, minlength=5)
    assert counts[1] == counts[3] == 0
    assert stats.chisquare(counts[[0, 2, 4]], 200 * p[[0, 2, 4]]).pvalue > 1e-3


def test_choice_from_a_split_array():
    population = em.arange(10, 20, split=0)
    v = er.default_rng(24).choice(population, size=12, split=0)
    np.testing.assert_array_equal(v.numpy(),
                                  er.default_rng(24).choice(np.arange(10, 20), 12).numpy())
    assert v.split == 0


# --------------------------------------------------------------------------------------
# state and seeding
# --------------------------------------------------------------------------------------
def test_state_round_trip():
    g = er.default_rng(25)
    g.random(17)
    state = g.get_state()
    a = g.standard_normal((4, 4), split=0).numpy()
    g.set_state(state)
    np.testing.assert_array_equal(g.standard_normal((4, 4), split=1).numpy(), a)
    g.set_state(("Philox4x32-10", state["seed"], state["counter"]))
    np.testing.assert_array_equal(g.standard_normal((4, 4)).numpy(), a)
    er.seed(4)
    er.rand(9)
    saved = er.get_state()
    b = er.randint(100, size=5).numpy()
    er.set_state(saved)
    np.testing.assert_array_equal(er.randint(100, size=5).numpy(), b)


def test_seed_none_agrees_over_ranks():
    comm = em.get_comm()
    er.seed()
    states = comm.allgather_object(er.get_state())
    assert all(state == states[0] for state in states)
    g = er.default_rng()
    assert all(s == g.get_state() for s in comm.allgather_object(g.get_state()))
    values = comm.allgather_object(g.random(8).numpy().tolist())
    assert all(v == values[0] for v in values)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**64, ValueError),
                                        (1.5, TypeError), ("3", TypeError)])
def test_bad_seeds(bad, error):
    with pytest.raises(error):
        er.seed(bad)
    with pytest.raises(error):
        er.default_rng(bad)


@pytest.mark.parametrize("state", [{"seed": 1}, ("MT19937", 1, 0), ("Philox4x32-10", 1, -1),
                                   ("Philox4x32-10", -1, 0)])
def test_bad_states(state):
    with pytest.raises(ValueError):
        er.default_rng(1).set_state(state)


# --------------------------------------------------------------------------------------
# errors: raised on every rank, before any communication
# --------------------------------------------------------------------------------------
BAD_CALLS = [
    ("negative size", lambda g: g.random((3, -1)), ValueError),
    ("negative size rand", lambda g: er.rand(-2), ValueError),
    ("high <= low", lambda g: g.integers(5, 5), ValueError),
    ("high < low", lambda g: g.integers(5, 2, size=3), ValueError),
    ("randint empty", lambda g: er.randint(0), ValueError),
    ("int8 bounds", lambda g: g.integers(0, 200, 3, dtype="int8"), ValueError),
    ("uint8 low", lambda g: g.integers(-1, 5, 3, dtype="uint8"), ValueError),
    ("float dtype for integers", lambda g: g.integers(0, 5, 3, dtype="float32"), TypeError),
    ("int dtype for random", lambda g: g.random(3, dtype="int32"), TypeError),
    ("negative scale", lambda g: g.normal(0.0, -1.0, 3), ValueError),
    ("negative exponential scale", lambda g: g.exponential(-2.0, 3), ValueError),
    ("array loc", lambda g: g.normal(np.zeros(3), 1.0, 3), NotImplementedError),
    ("p not summing to 1", lambda g: g.choice(3, 5, p=[0.2, 0.2, 0.2]), ValueError),
    ("negative p", lambda g: g.choice(3, 5, p=[1.2, -0.2, 0.0]), ValueError),
    ("p of the wrong size", lambda g: g.choice(3, 5, p=[0.5, 0.5]), ValueError),
    ("too large a sample", lambda g: g.choice(5, 6, replace=False), ValueError),
    ("too few non-zero p", lambda g: g.choice(3, 2, replace=False, p=[1.0, 0, 0]), ValueError),
    ("empty population", lambda g: g.choice(0, 3), ValueError),
    ("2-d population", lambda g: g.choice(np.zeros((2, 2)), 3), ValueError),
    ("negative n", lambda g: g.permutation(-3), ValueError),
    ("0-d permutation", lambda g: g.permutation(np.array(3.0)), ValueError),
    ("bad split", lambda g: g.random((3, 4), split=2), ValueError),
    ("shuffle a list", lambda g: g.shuffle([1, 2, 3]), TypeError),
]


@pytest.mark.parametrize("name, call, error", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_arguments_raise_on_every_rank(name, call, error):
    comm = em.get_comm()
    g = er.default_rng(26)
    before = g.get_state()
    raised = None
    try:
        call(g)
    except Exception as caught:  # checked below, on every rank
        raised = type(caught)
    kinds = comm.allgather_object(raised)
    assert all(kind is not None and issubclass(kind, error) for kind in kinds), kinds
    assert g.get_state() == before  # a failed draw does not move the stream


def test_an_error_leaves_the_ranks_in_step():
    """After a failed call on every rank, the next collective still matches."""
    with pytest.raises(ValueError):
        er.default_rng(1).choice(4, 9, replace=False)
    x = er.default_rng(1).permutation(em.arange(12, split=0))
    assert sorted(x.tolist()) == list(range(12))
