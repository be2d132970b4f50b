"""Counter-based random bits: Philox4x32-10, bounded integers and a keyed Feistel bijection.

Everything here is vectorised torch integer arithmetic on int64 tensors holding 32-bit
words (values in ``[0, 2**32)``); there is no Python loop over elements. Nothing here
communicates: the values depend only on the key and the counters handed in.

The 32 x 32 -> 64-bit products of Philox are formed with int64 multiplication, whose
result wraps modulo ``2**64`` (two's complement); the low 64 bits of the product, which
are all Philox needs, are therefore exact. The known-answer tests of Random123 check this
on every platform the test suite runs on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

__all__ = ["philox4x32", "philox_blocks", "multiply_high", "feistel_permute", "MASK32"]

MASK32 = 0xFFFFFFFF
_M0, _M1 = 0xD2511F53, 0xCD9E8D57  # Philox multipliers
_W0, _W1 = 0x9E3779B9, 0xBB67AE85  # Weyl key increments
# blocks per step on the CPU: temporaries stay in cache, and no op exceeds torch's parallel
# grain (32768 elements), so a rank never pays for waking threads on a busy node
_CHUNK = 8000
_CHUNK_GPU = 1 << 24  # on a GPU: few, large kernels


def philox4x32(c0: torch.Tensor, c1: torch.Tensor, c2: torch.Tensor, c3: torch.Tensor,
               key: tuple[int, int], rounds: int = 10) -> tuple[torch.Tensor, ...]:
    """Philox4x32 (Salmon et al., SC'11) of the counters ``(c0, c1, c2, c3)`` under ``key``.

    Parameters
    ----------
    c0, c1, c2, c3 : torch.Tensor
        int64 tensors of one shape holding 32-bit words.
    key : (int, int)
        The two 32-bit key words.

    Returns
    -------
    tuple of four int64 tensors of 32-bit words.

    Examples
    --------
    >>> zero = torch.zeros(1, dtype=torch.int64)
    >>> [f"{int(w):08x}" for w in philox4x32(zero, zero, zero, zero, (0, 0))]
    ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']
    """
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + _W0) & MASK32, (k1 + _W1) & MASK32
        p0 = c0 * _M0  # exact modulo 2**64 (wrapping)
        p1 = c2 * _M1
        n0 = (p1 >> 32).bitwise_xor_(c1).bitwise_xor_(k0).bitwise_and_(MASK32)
        n2 = (p0 >> 32).bitwise_xor_(c3).bitwise_xor_(k1).bitwise_and_(MASK32)
        c0, c1, c2, c3 = n0, p1.bitwise_and_(MASK32), n2, p0.bitwise_and_(MASK32)
    return c0, c1, c2, c3


def philox_blocks(blocks: torch.Tensor, offset: int, key: tuple[int, int],
                  transform: Callable[[torch.Tensor], torch.Tensor], per_block: int,
                  dtype: torch.dtype) -> torch.Tensor:
    """``transform`` of the Philox words of counters ``offset + blocks`` (modulo 2**64).

    ``blocks`` is a 1-d int64 tensor of block indices (``0 <= b < 2**62``); block ``b``
    has the 128-bit counter ``(lo32(offset + b), hi32(offset + b), 0, 0)``.
    ``transform`` maps an ``(m, 4)`` int64 tensor of words to an ``(m, per_block)``
    tensor of ``dtype``. Computed in chunks, so the temporaries stay small.
    """
    out = torch.empty((blocks.numel(), per_block), dtype=dtype, device=blocks.device)
    off_lo, off_hi = offset & MASK32, (offset >> 32) & MASK32
    chunk = _CHUNK if blocks.device.type == "cpu" else _CHUNK_GPU
    for begin in range(0, blocks.numel(), chunk):
        b = blocks[begin:begin + chunk]
        lo = (b & MASK32).add_(off_lo)
        hi = (b >> 32).add_(off_hi).add_(lo >> 32).bitwise_and_(MASK32)
        lo.bitwise_and_(MASK32)
        zero = torch.zeros_like(lo)
        words = torch.stack(philox4x32(lo, hi, zero, zero, key), dim=1)
        out[begin:begin + chunk] = transform(words)
    return out


def multiply_high(words: Sequence[torch.Tensor], r: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``floor(X * r / 2**(32 n))`` for the ``n``-word number ``X`` and ``1 <= r <= 2**64``.

    ``words`` are the 32-bit words of ``X``, least significant first. The result is in
    ``[0, r)`` and is returned as its (high, low) 32-bit words. Schoolbook multiplication
    in 16-bit limbs, so every partial product fits an int64 exactly.

    Examples
    --------
    >>> w = [torch.tensor([0]), torch.tensor([2**31])]  # X = 2**63, half of 2**64
    >>> [int(t) for t in multiply_high(w, 10)]
    [0, 5]
    """
    x = []
    for word in words:
        x += [word & 0xFFFF, word >> 16]
    r_limbs = [(r >> (16 * j)) & 0xFFFF for j in range(5)]
    size = len(x) + len(r_limbs)
    carry = None
    top = []
    for position in range(size):
        total = carry
        for j, limb in enumerate(r_limbs):
            i = position - j
            if limb and 0 <= i < len(x):
                term = x[i] * limb
                total = term if total is None else total + term
        if total is None:
            total = torch.zeros_like(x[0])
        carry = total >> 16
        if position >= len(x):
            top.append(total & 0xFFFF)
    top += [torch.zeros_like(x[0])] * (4 - len(top))
    low = top[0] | (top[1] << 16)
    high = top[2] | (top[3] << 16)
    return high, low


def _mix32(x: torch.Tensor) -> torch.Tensor:
    """A bijective 32-bit mixer (Wellons' lowbias32), in place on ``x``."""
    x.bitwise_xor_(x >> 16).mul_(0x7FEB352D).bitwise_and_(MASK32)
    x.bitwise_xor_(x >> 15).mul_(0x846CA68B).bitwise_and_(MASK32)
    return x.bitwise_xor_(x >> 16)


def _feistel(x: torch.Tensor, half: int, keys: Sequence[int], inverse: bool) -> torch.Tensor:
    """One pass of a balanced Feistel network on ``2 * half``-bit values."""
    mask = (1 << half) - 1
    left, right = x >> half, x & mask
    if not inverse:
        for key in keys:
            left, right = right, left ^ (_mix32(right ^ key) & mask)
    else:
        for key in reversed(keys):
            left, right = right ^ (_mix32(left ^ key) & mask), left
    return (left << half) | right


def feistel_permute(x: torch.Tensor, n: int, keys: Sequence[int],
                    inverse: bool = False) -> torch.Tensor:
    """A keyed bijection of ``[0, n)`` applied to the int64 tensor ``x`` (or its inverse).

    A balanced Feistel network on the smallest even number of bits ``k`` with
    ``2**k >= n`` is a bijection of ``[0, 2**k)``; cycle-walking (apply it again while
    the value is ``>= n``) restricts it to a bijection of ``[0, n)``. Each element is
    mapped on its own, so the permutation needs no communication to evaluate anywhere.

    Examples
    --------
    >>> y = feistel_permute(torch.arange(10), 10, [1, 2, 3, 4, 5, 6, 7, 8])
    >>> sorted(y.tolist()) == list(range(10))
    True
    >>> feistel_permute(y, 10, [1, 2, 3, 4, 5, 6, 7, 8], inverse=True).tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    if n <= 1:
        return x.clone()
    bits = max(2, (n - 1).bit_length())
    half = (bits + 1) // 2
    shape = x.shape
    y = _feistel(x.reshape(-1), half, keys, inverse)
    walking = torch.nonzero(y >= n).squeeze(1)
    while walking.numel():
        moved = _feistel(y[walking], half, keys, inverse)
        y[walking] = moved
        walking = walking[moved >= n]
    return y.reshape(shape)
