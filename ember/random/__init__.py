"""Random numbers that do not depend on the number of processes (``numpy.random``).

A counter-based generator, Philox4x32-10, keyed by the 64-bit seed: element ``g`` of a
draw (its global flat C-order index) is computed from the seed and the counter
``counter + g // k`` alone, where ``k`` is the number of values one 128-bit block gives.
Every rank computes just its own block, so a seed gives bit-identical arrays for every
``split`` and every number of processes, and no draw communicates. Permutations are keyed
Feistel bijections evaluated per index; only moving the rows of a split array
(:func:`permutation`, :func:`shuffle`) communicates (one Alltoallv).

The module-level functions (NumPy's legacy names) draw from one global generator;
:func:`default_rng` makes independent :class:`Generator` objects (NumPy's new API).

Examples
--------
>>> import ember.random as er
>>> er.seed(42)
>>> x = er.rand(4, 3, split=1)
>>> x.shape, x.dtype
((4, 3), ember.float32)
>>> er.default_rng(42).integers(0, 10, size=5, split=0).tolist() == (
...     er.default_rng(42).integers(0, 10, size=5).tolist())
True
"""

from ._functions import (
    choice,
    exponential,
    get_state,
    normal,
    permutation,
    rand,
    randint,
    randn,
    random,
    random_sample,
    seed,
    set_state,
    shuffle,
    standard_normal,
    uniform,
)
from ._generator import Generator, default_rng

__all__ = ["Generator", "default_rng", "seed", "get_state", "set_state", "rand", "randn",
           "random", "random_sample", "randint", "uniform", "normal", "standard_normal",
           "exponential", "permutation", "shuffle", "choice"]
