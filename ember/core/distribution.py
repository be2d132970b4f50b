"""Distribution arithmetic: who holds which block of an array along its split axis.

Everything here is local arithmetic on replicated metadata; nothing communicates. Chunks
along ``split`` are contiguous blocks in rank order; ``counts[r]`` is rank r's extent.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["balanced_counts", "offsets", "local_range", "overlaps"]


def balanced_counts(n: int, size: int) -> tuple[int, ...]:
    """The balanced split of ``n`` items over ``size`` ranks: the first ``n % size`` ranks
    get one more.

    Examples
    --------
    >>> balanced_counts(7, 3)
    (3, 2, 2)
    """
    if n < 0 or size < 1:
        raise ValueError(f"balanced_counts needs n >= 0 and size >= 1, got n={n}, size={size}")
    base, extra = divmod(n, size)
    return tuple(base + (rank < extra) for rank in range(size))


def offsets(counts: Sequence[int]) -> tuple[int, ...]:
    """The global index at which each rank's block starts.

    Examples
    --------
    >>> offsets((3, 2, 2))
    (0, 3, 5)
    """
    starts, total = [], 0
    for count in counts:
        starts.append(total)
        total += count
    return tuple(starts)


def local_range(counts: Sequence[int], rank: int) -> tuple[int, int]:
    """``(start, stop)`` of ``rank``'s block."""
    start = sum(counts[:rank])
    return start, start + counts[rank]


def overlaps(source: Sequence[int], target: Sequence[int], rank: int
             ) -> tuple[list[int], list[int]]:
    """How many items ``rank`` sends to / receives from each rank when moving from the
    ``source`` counts to the ``target`` counts along one axis.

    Returns
    -------
    (send, receive) : tuple of lists
        ``send[s]``: items of ``rank``'s source block that fall in ``s``'s target block;
        ``receive[s]``: items of ``s``'s source block that fall in ``rank``'s target block.

    Examples
    --------
    >>> overlaps((4, 0), (2, 2), rank=0)
    ([2, 2], [2, 0])
    """
    src, dst = offsets(source), offsets(target)

    def overlap(a: int, a_count: int, b: int, b_count: int) -> int:
        return max(0, min(a + a_count, b + b_count) - max(a, b))

    send = [overlap(src[rank], source[rank], dst[s], target[s]) for s in range(len(target))]
    receive = [overlap(src[s], source[s], dst[rank], target[rank]) for s in range(len(source))]
    return send, receive
