"""Tests for ember.core.distribution: block arithmetic, checked against brute force.

Everything here is local arithmetic; the oracle lays the items out explicitly (item i
belongs to the rank whose block holds index i) and counts by set intersection.
"""

import itertools

import numpy as np
import pytest

from ember.core.distribution import balanced_counts, local_range, offsets, overlaps


def compositions(n, parts):
    """Every tuple of ``parts`` non-negative integers summing to ``n``."""
    return [c for c in itertools.product(range(n + 1), repeat=parts) if sum(c) == n]


def owners(counts):
    """The owning rank of each global index (the brute-force layout)."""
    return np.repeat(np.arange(len(counts)), counts)


# Every way to cut up to 5 items over 1..4 ranks, plus a few larger random layouts.
SMALL_LAYOUTS = [c for size in range(1, 5) for n in range(6) for c in compositions(n, size)]


# ------------------------------------------------------------------- balanced_counts


@pytest.mark.parametrize("size", range(1, 9))
def test_balanced_counts_exhaustive(size):
    for n in range(0, 4 * size + 3):
        counts = balanced_counts(n, size)
        assert isinstance(counts, tuple) and len(counts) == size
        assert all(isinstance(c, int) for c in counts)
        assert sum(counts) == n
        # the first n % size ranks get one more, the others n // size
        expected = [n // size + 1] * (n % size) + [n // size] * (size - n % size)
        assert list(counts) == expected
        assert max(counts) - min(counts) <= 1
        assert list(counts) == sorted(counts, reverse=True)


@pytest.mark.parametrize("n, size, expected", [
    (7, 3, (3, 2, 2)),
    (0, 3, (0, 0, 0)),
    (2, 3, (1, 1, 0)),
    (1, 1, (1,)),
    (10, 4, (3, 3, 2, 2)),
    (12, 4, (3, 3, 3, 3)),
])
def test_balanced_counts_examples(n, size, expected):
    assert balanced_counts(n, size) == expected


@pytest.mark.parametrize("n, size", [(-1, 2), (3, 0), (3, -1)])
def test_balanced_counts_rejects_bad_arguments(n, size):
    with pytest.raises(ValueError):
        balanced_counts(n, size)


# ---------------------------------------------------------------- offsets / local_range


@pytest.mark.parametrize("counts", SMALL_LAYOUTS, ids=str)
def test_offsets_and_local_range(counts):
    starts = offsets(counts)
    assert isinstance(starts, tuple) and len(starts) == len(counts)
    np.testing.assert_array_equal(starts, np.concatenate(([0], np.cumsum(counts)[:-1])))
    layout = owners(counts)
    for rank, count in enumerate(counts):
        start, stop = local_range(counts, rank)
        assert (start, stop) == (starts[rank], starts[rank] + count)
        # the block is exactly the indices this rank owns in the brute-force layout
        np.testing.assert_array_equal(np.flatnonzero(layout == rank), np.arange(start, stop))


def test_offsets_examples():
    assert offsets((3, 2, 2)) == (0, 3, 5)
    assert offsets((0, 0, 4)) == (0, 0, 0)
    assert offsets((4, 0, 0)) == (0, 4, 4)
    assert offsets(()) == ()
    assert local_range((0, 0, 4), 2) == (0, 4)
    assert local_range((4, 0, 0), 1) == (4, 4)


def test_local_ranges_tile_the_axis():
    for counts in SMALL_LAYOUTS:
        ranges = [local_range(counts, r) for r in range(len(counts))]
        assert ranges[0][0] == 0 and ranges[-1][1] == sum(counts)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


# ------------------------------------------------------------------------- overlaps


def brute_overlaps(source, target, rank):
    src, dst = owners(source), owners(target)
    send = [int(np.sum((src == rank) & (dst == s))) for s in range(len(target))]
    receive = [int(np.sum((src == s) & (dst == rank))) for s in range(len(source))]
    return send, receive


def _layout_pairs():
    pairs = []
    for size in (1, 2, 3):
        for n in range(5):
            layouts = compositions(n, size)
            pairs += list(itertools.product(layouts, layouts))
    rng = np.random.default_rng(7)
    for size in (2, 4, 5):
        for _ in range(20):
            n = int(rng.integers(0, 40))
            cuts = np.sort(rng.integers(0, n + 1, size - 1))
            source = tuple(np.diff(np.concatenate(([0], cuts, [n]))).tolist())
            pairs.append((source, balanced_counts(n, size)))
            pairs.append((balanced_counts(n, size), source))
    return pairs


LAYOUT_PAIRS = _layout_pairs()


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_overlaps_against_brute_force(size):
    pairs = [p for p in LAYOUT_PAIRS if len(p[0]) == size]
    assert pairs
    for source, target in pairs:
        table = [overlaps(source, target, rank) for rank in range(size)]
        for rank, (send, receive) in enumerate(table):
            assert (send, receive) == brute_overlaps(source, target, rank), (source, target)
            # everything this rank holds leaves it; everything it will hold arrives
            assert sum(send) == source[rank]
            assert sum(receive) == target[rank]
            assert all(c >= 0 for c in send + receive)
            # what a sends to b is what b receives from a
            for other in range(size):
                assert send[other] == table[other][1][rank]


def test_overlaps_identity_and_examples():
    for source in SMALL_LAYOUTS:
        for rank in range(len(source)):
            send, receive = overlaps(source, source, rank)
            expected = [0] * len(source)
            expected[rank] = source[rank]
            assert send == expected and receive == expected
    assert overlaps((4, 0), (2, 2), rank=0) == ([2, 2], [2, 0])
    assert overlaps((4, 0), (2, 2), rank=1) == ([0, 0], [2, 0])
    assert overlaps((0, 0, 5), (2, 2, 1), rank=2) == ([2, 2, 1], [0, 0, 1])
    assert overlaps((2, 2, 1), (0, 0, 5), rank=0) == ([0, 0, 2], [0, 0, 0])
