"""Order-preserving integer keys: integers that compare as NumPy orders the values.

Sorting, selection (median, percentile), set operations and searchsorted all compare
floats through these keys, so that one rule holds everywhere: NaN sorts after +inf, and
a float's bit pattern (with every bit but the sign flipped for negative numbers) orders
like the number. Integer keys sort faster than floats and travel through MPI as plain
integers.
"""

from __future__ import annotations

import torch

__all__ = ["FLOAT_BITS", "order_key", "wide_keys", "decode_wide_keys"]

# float dtype -> (integer dtype of the same width, mask of every bit but the sign)
FLOAT_BITS = {torch.float64: (torch.int64, 0x7FFF_FFFF_FFFF_FFFF),
              torch.float32: (torch.int32, 0x7FFF_FFFF),
              torch.float16: (torch.int16, 0x7FFF),
              torch.bfloat16: (torch.int16, 0x7FFF)}
_INT64_MAX = torch.iinfo(torch.int64).max


def order_key(t: torch.Tensor) -> torch.Tensor:
    """Integer keys of ``t``'s width ordered as NumPy sorts the values: NaNs after +inf
    (all equal), -0.0 equal to 0.0; booleans as int8, integers as they are.

    Examples
    --------
    >>> import torch
    >>> from ember.core.order_keys import order_key
    >>> t = torch.tensor([float("nan"), 1.0, -2.0, -0.0, 0.0])
    >>> torch.argsort(order_key(t), stable=True).tolist()
    [2, 3, 4, 1, 0]
    """
    if t.dtype in FLOAT_BITS:
        int_type, mask = FLOAT_BITS[t.dtype]
        bits = (t + 0).contiguous().view(int_type)  # + 0 turns -0.0 into 0.0
        keys = bits ^ ((bits >> (8 * bits.element_size() - 1)) & mask)
        return keys.masked_fill_(torch.isnan(t), torch.iinfo(int_type).max)
    if t.dtype == torch.bool:
        return t.to(torch.int8)
    return t


def wide_keys(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """int64 keys ordered as the values, and the NaN mask (None for non-floats).

    Unlike :func:`order_key`, -0.0 and 0.0 keep distinct keys, so that
    :func:`decode_wide_keys` gives back the exact values (NaNs excepted).
    """
    if t.dtype not in FLOAT_BITS:
        return t.to(torch.int64), None
    int_type, mask = FLOAT_BITS[t.dtype]
    bits = t.contiguous().view(int_type).to(torch.int64)
    keys = torch.where(bits < 0, bits ^ mask, bits)
    nan = torch.isnan(t)
    return keys.masked_fill(nan, _INT64_MAX), nan


def decode_wide_keys(keys: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Values of ``dtype`` from keys made by :func:`wide_keys`."""
    if dtype not in FLOAT_BITS:
        return keys.to(dtype)
    int_type, mask = FLOAT_BITS[dtype]
    bits = torch.where(keys < 0, keys ^ mask, keys)
    return bits.to(int_type).view(dtype)
