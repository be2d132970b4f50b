"""Arithmetic ufuncs: the four operations and their integer forms, powers and roots,
extrema, signs and clipping, floating-point decomposition (frexp, ldexp, modf, nextafter,
spacing, copysign) and number theory (gcd, lcm).

Each function is one :class:`~ember.core.ufunc.Ufunc` declaration (name, torch kernel on
the local blocks, NumPy's type rule, docstring), or a thin function over such
declarations where NumPy returns two arrays (divmod, frexp, modf) or takes optional
bounds (clip). Results, dtypes and special values follow NumPy's loops: integer division
by zero gives 0 and integer overflow wraps, as NumPy, where torch would raise; float16
is computed in float32 and rounded back, as NumPy's half loops do.

Communication (every function here): that of aligning the operands, none when they share
one distribution (see :mod:`ember.core.alignment`).
"""

from __future__ import annotations

import builtins
from typing import Any

import torch

from . import dtypes
from .dndarray import DNDarray
from .ufunc import Ufunc, UFuncTypeError, floating, real_of, same

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "mod",
    "fmod",
    "divmod",
    "negative",
    "positive",
    "absolute",
    "abs",
    "power",
    "pow",
    "float_power",
    "reciprocal",
    "square",
    "sqrt",
    "cbrt",
    "hypot",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "sign",
    "heaviside",
    "clip",
    "copysign",
    "nextafter",
    "spacing",
    "ldexp",
    "frexp",
    "modf",
    "gcd",
    "lcm",
]

_COMM = """
    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).
"""


def _doc(summary: str, example: str) -> str:
    return f"""{summary}

    Same as NumPy's ufunc of this name: broadcasting, ``out=``, ``where=``, ``dtype=``
    and ``casting=``; the operands may be DNDarrays of any split, NumPy data or scalars.
{_COMM}
    Examples
    --------
    >>> import ember as em
{example}
"""


def _integer_safe(op):
    """``op`` with NumPy's integer semantics for a zero divisor: the result is 0."""

    def kernel(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        if x1.is_floating_point() or x1.is_complex():
            return op(x1, x2)
        zero = x2 == 0
        if not bool(zero.any()):
            return op(x1, x2)
        result = op(x1, torch.where(zero, torch.ones_like(x2), x2))
        return torch.where(zero, torch.zeros_like(result), result)

    return kernel


def _reject_bool(name: str, advice: str):
    def rule_check(dt, ufunc_name, strong=()):
        if dt.kind == "b":
            raise UFuncTypeError(f"numpy boolean {name} is not supported, {advice}")
        return same("uifc")(dt, ufunc_name, strong)

    return rule_check


def _absolute(x: torch.Tensor) -> torch.Tensor:
    return x.clone() if x.dtype == torch.bool else torch.abs(x)


_HALF = (torch.float16, torch.bfloat16)


def _widened(op):
    """``op`` computed in float32 on float16/bfloat16 blocks (NumPy's half loops compute
    in float32 and round back; the caller casts to the result dtype)."""

    def kernel(*tensors: torch.Tensor) -> torch.Tensor:
        if tensors[0].dtype in _HALF:
            tensors = tuple(t.float() for t in tensors)
        return op(*tensors)

    kernel.__name__ = getattr(op, "__name__", "kernel")
    return kernel


def _sqrt(x: torch.Tensor) -> torch.Tensor:
    """Correctly rounded square roots: real types narrower than float64 are computed in
    float64 (torch's float32 kernel on CPU can be off by one ulp; NumPy's is not)."""
    if x.is_floating_point() and x.dtype != torch.float64:
        return torch.sqrt(x.double())
    return torch.sqrt(x)


def _add(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    if x1.is_complex():  # by parts: torch's vectorised complex add turns nan+1j into nan+nanj
        return torch.complex(x1.real + x2.real, x1.imag + x2.imag)
    return torch.add(x1, x2)


def _is_inexact(x: torch.Tensor) -> bool:
    return x.is_floating_point() or x.is_complex()


def _to_float64(dt: dtypes.dtype, name: str, strong: tuple = ()
                ) -> tuple[dtypes.dtype, dtypes.dtype]:
    """float_power's rule: float64 for every real input, complex128 for complex ones."""
    wide = dtypes.complex128 if dt.kind == "c" else dtypes.float64
    return wide, wide


def _int32_exponent(dt: dtypes.dtype, name: str, strong: tuple = ()
                    ) -> tuple[dtypes.dtype, dtypes.dtype]:
    """frexp's second output: computed on the floating input, returned as int32."""
    compute, _ = floating("buif")(dt, name)
    return compute, dtypes.int32


def _pair(out: Any, name: str) -> tuple[Any, Any]:
    """A two-output function's ``out``: None or a 2-tuple (entries may be None)."""
    if out is None:
        return None, None
    if not isinstance(out, tuple) or len(out) != 2:
        raise ValueError(f"{name}: out must be a tuple of two arrays (or None), got {out!r}")
    return out


# ---------------------------------------------------------------------------- kernels
def _negative_integer_power(x1: torch.Tensor, x2: torch.Tensor) -> Exception | None:
    if not _is_inexact(x2) and x2.dtype != torch.bool and bool((x2 < 0).any()):
        return ValueError("Integers to negative integer powers are not allowed.")
    return None


def _power(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """torch.pow with NumPy's complex special cases: z**0 == 1, 0**w == 0 for real w > 0."""
    result = torch.pow(x1, x2)
    if not x1.is_complex():
        return result
    result = torch.where((x1 == 0) & (x2.real > 0) & (x2.imag == 0), 0, result)
    return torch.where(x2 == 0, 1, result)


def _reciprocal(x: torch.Tensor) -> torch.Tensor:
    if _is_inexact(x):
        return torch.reciprocal(x)
    # integer 1 // x truncates to 0 except for 1 and -1 (and 1 / 0 gives 0, as NumPy)
    return torch.where(x.abs() == 1, x, torch.zeros_like(x))


def _cbrt(x: torch.Tensor) -> torch.Tensor:
    """The real cube root: |x| ** (1/3) in float64, polished by one Newton step (exact
    for perfect cubes), with the sign, zeros, infinities and NaN of x."""
    a = x.double().abs()
    y = a.pow(1.0 / 3.0)
    regular = (y > 0) & torch.isfinite(y)
    y = torch.where(regular, y - (y - a / (y * y)) / 3.0, y)
    return torch.copysign(y, x.double())


def _complex_ge(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """NumPy's lexicographic a >= b for complex numbers (its CGE macro)."""
    return (((a.real > b.real) & ~a.imag.isnan() & ~b.imag.isnan())
            | ((a.real == b.real) & (a.imag >= b.imag)))


def _complex_le(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """NumPy's lexicographic a <= b for complex numbers (its CLE macro)."""
    return (((a.real < b.real) & ~a.imag.isnan() & ~b.imag.isnan())
            | ((a.real == b.real) & (a.imag <= b.imag)))


def _extremum(real_op, complex_order, nan_propagates: bool):
    """maximum/minimum (NaN propagates) or fmax/fmin (NaN ignored); complex numbers are
    ordered lexicographically, as NumPy."""

    def kernel(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if not a.is_complex():
            return real_op(a, b)
        first = a.isnan() if nan_propagates else b.isnan()
        return torch.where(first | complex_order(a, b), a, b)

    kernel.__name__ = real_op.__name__
    return kernel


_maximum = _extremum(torch.maximum, _complex_ge, nan_propagates=True)
_minimum = _extremum(torch.minimum, _complex_le, nan_propagates=True)


def _sign(x: torch.Tensor) -> torch.Tensor:
    """NumPy 2's sign: NaN stays NaN; for complex numbers x / |x| (0 at 0), with NumPy's
    values at infinity."""
    if not x.is_complex():
        return torch.where(x.isnan(), x, torch.sign(x)) if x.is_floating_point() else x.sign()
    re, im = x.real, x.imag
    magnitude = torch.hypot(re, im)
    one = torch.ones_like(re)
    inf_re = torch.complex(torch.copysign(one, re), torch.zeros_like(re))
    inf_im = torch.complex(torch.zeros_like(re), torch.copysign(one, im))
    nan = torch.full_like(x, complex(float("nan"), float("nan")))
    safe = torch.where(magnitude == 0, one, magnitude)
    result = torch.complex(re / safe, im / safe)  # by parts: exact where NumPy's is
    result = torch.where(magnitude.isinf() & im.isinf(), inf_im, result)
    result = torch.where(magnitude.isinf() & re.isinf(), inf_re, result)
    return torch.where(magnitude.isnan() | (re.isinf() & im.isinf()), nan, result)


def _heaviside(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    return torch.where(x1.isnan(), x1, torch.heaviside(x1, x2.expand_as(x1)
                                                       if x2.dim() == 0 else x2))


def _clip(a: torch.Tensor, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
    return _minimum(_maximum(a, low), high)


# floating-point decomposition ---------------------------------------------------------
def _spacing(x: torch.Tensor) -> torch.Tensor:
    """The distance to the next float away from zero (NumPy's npy_spacing): NaN for
    infinities, the smallest subnormal for zeros. For float16, NumPy's half loop gives
    the distance to the neighbour toward zero for negative numbers, and a positive
    result; that is reproduced."""
    inf = torch.full_like(x, float("inf"))
    if x.dtype == torch.float16:
        magnitude = x.abs()
        step = torch.where(x < 0, magnitude - torch.nextafter(magnitude, -inf),
                           torch.nextafter(magnitude, inf) - magnitude)
    else:
        step = torch.nextafter(x, torch.copysign(inf, x)) - x
    tiny = torch.nextafter(torch.zeros_like(x), inf)
    step = torch.where(x == 0, tiny, step)
    return torch.where(torch.isfinite(x), step, torch.full_like(x, float("nan")))


def _frexp_mantissa(x: torch.Tensor) -> torch.Tensor:
    return torch.frexp(x)[0]


def _frexp_exponent(x: torch.Tensor) -> torch.Tensor:
    return torch.frexp(x)[1]


def _modf_integral(x: torch.Tensor) -> torch.Tensor:
    return torch.trunc(x)


def _modf_fraction(x: torch.Tensor) -> torch.Tensor:
    fraction = torch.where(x.isinf(), torch.zeros_like(x), x - torch.trunc(x))
    return torch.copysign(fraction, x)


def _ldexp(x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """x * 2**e in float64, rounded once: x = m * 2**k (frexp), then m * 2**(k + e) is
    formed exactly and scaled into the subnormal range by one final multiplication."""
    m, k = torch.frexp(x)
    total = (k.double() + e).clamp(-1200.0, 1200.0)  # beyond: 0 or inf for every x
    normal = total >= -1021
    large = (2.0 * m) * torch.exp2(torch.where(normal, total - 1.0, 0.0))
    small = (m * torch.exp2(torch.where(normal, 0.0, total + 1074.0))) * 2.0 ** -1074
    result = torch.where(normal, large, small)
    return torch.where(torch.isfinite(x) & (x != 0), result, x)


def _gcd(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """NumPy's gcd on the magnitudes (torch's Euclid returns e.g. -1 for gcd(-2**31, 7));
    the magnitude of the minimum integer wraps, as NumPy's."""
    return torch.gcd(x1, x2).abs()


def _lcm(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """|x1| / gcd * |x2| with wrapping overflow and 0 for a zero operand, as NumPy (torch's
    lcm can divide the minimum integer by -1, which traps)."""
    g = _gcd(x1, x2)
    safe = torch.where(g == 0, torch.ones_like(g), g)
    quotient = torch.div(x1.abs(), safe, rounding_mode="trunc")
    return torch.where(g == 0, torch.zeros_like(g), quotient * x2.abs())


class _LdexpUfunc(Ufunc):
    """ldexp's loops ('fi->f', 'dl->d', ...): the result type follows the mantissa x1
    alone (integers to floats as :func:`~ember.core.ufunc.floating`); the exponent x2
    must be integral. The kernel computes in float64."""

    def _resolve(self, operands, dtype, casting):
        def strong(arg):
            if isinstance(arg, (bool, int, float, complex)):
                return {bool: dtypes.bool_, int: dtypes.int64,
                        float: dtypes.get_default_dtype()}.get(type(arg), dtypes.complex64)
            return dtypes.from_torch(arg.larray.dtype if isinstance(arg, DNDarray)
                                     else arg.dtype)

        mantissa, exponent = (strong(arg) for arg in operands)
        if dtype is not None:
            wanted = dtypes.dtype(dtype)
            if not dtypes.can_cast(mantissa, wanted, casting):
                raise UFuncTypeError(f"Cannot cast ufunc 'ldexp' input from {mantissa.name} "
                                     f"to {wanted.name} with casting rule '{casting}'")
            mantissa = wanted
        if exponent.kind not in "bui" or mantissa.kind == "c":
            raise UFuncTypeError(f"ufunc 'ldexp' not supported for the input types "
                                 f"({mantissa.name}, {exponent.name})")
        _, result = floating("buif")(mantissa, self.name)
        return dtypes.float64, result


# ---------------------------------------------------------------------------- declarations
add = Ufunc("add", 2, _add, same(), _doc(
    "Add arguments elementwise.",
    "    >>> em.add(em.arange(3, split=0), 10).tolist()\n    [10, 11, 12]"))

subtract = Ufunc("subtract", 2, torch.sub, _reject_bool(
    "subtract, the `-` operator,", "use the bitwise_xor, the `^` operator, or the logical_xor "
    "function instead."), _doc(
    "Subtract arguments elementwise.",
    "    >>> em.subtract(em.arange(3, split=0), 1).tolist()\n    [-1, 0, 1]"))

multiply = Ufunc("multiply", 2, torch.mul, same(), _doc(
    "Multiply arguments elementwise.",
    "    >>> em.multiply(em.arange(3, split=0), 2).tolist()\n    [0, 2, 4]"))

true_divide = Ufunc("divide", 2, torch.true_divide,
                    floating(integers_to=dtypes.float64), _doc(
    "Divide arguments elementwise (true division; integers give float64, as NumPy).",
    "    >>> em.divide(em.arange(3, split=0), 2).tolist()\n    [0.0, 0.5, 1.0]"))
divide = true_divide

floor_divide = Ufunc("floor_divide", 2, _integer_safe(torch.floor_divide),
                     same("uif", bools_to=dtypes.int8), _doc(
    "The largest integer smaller or equal to the division of the inputs.",
    "    >>> em.floor_divide(em.arange(5, split=0), 2).tolist()\n    [0, 0, 1, 1, 2]"))

remainder = Ufunc("remainder", 2, _integer_safe(torch.remainder),
                  same("uif", bools_to=dtypes.int8), _doc(
    "The elementwise remainder of division, with the sign of the divisor (Python's %).",
    "    >>> em.remainder(em.arange(-2, 3, split=0), 3).tolist()\n    [1, 2, 0, 1, 2]"))
mod = remainder

fmod = Ufunc("fmod", 2, _integer_safe(torch.fmod), same("uif", bools_to=dtypes.int8), _doc(
    "The elementwise remainder of division, with the sign of the dividend (C's fmod).",
    "    >>> em.fmod(em.arange(-2, 3, split=0), 3).tolist()\n    [-2, -1, 0, 1, 2]"))


def divmod(x1: Any, x2: Any, out: tuple | None = None, *, where: Any = True,  # noqa: A001
           dtype: Any = None, casting: str = "same_kind") -> tuple[DNDarray, DNDarray]:
    """Return ``(floor_divide(x1, x2), remainder(x1, x2))`` elementwise.

    Same as NumPy's ``divmod`` ufunc; ``out`` is None or a tuple of two arrays (either
    may be None), ``where``, ``dtype`` and ``casting`` apply to both results.

    Notes
    -----
    Communication: that of aligning the operands, once per result (none when they share
    a distribution).

    Examples
    --------
    >>> import ember as em
    >>> q, r = em.divmod(em.arange(-3, 4, split=0), 2)
    >>> q.tolist(), r.tolist()
    ([-2, -1, -1, 0, 0, 1, 1], [1, 0, 1, 0, 1, 0, 1])
    """
    out_q, out_r = _pair(out, "divmod")
    options = {"where": where, "dtype": dtype, "casting": casting}
    return (floor_divide(x1, x2, out=out_q, **options),
            remainder(x1, x2, out=out_r, **options))


negative = Ufunc("negative", 1, torch.neg, _reject_bool(
    "negative, the `-` operator,", "use the `~` operator or the logical_not function "
    "instead."), _doc(
    "Numerical negative, elementwise.",
    "    >>> em.negative(em.arange(3, split=0)).tolist()\n    [0, -1, -2]"))

positive = Ufunc("positive", 1, torch.clone, same("uifc"), _doc(
    "Numerical positive (a copy), elementwise.",
    "    >>> em.positive(em.arange(3, split=0)).tolist()\n    [0, 1, 2]"))

absolute = Ufunc("absolute", 1, _absolute, real_of(), _doc(
    "Absolute value elementwise (the modulus for complex numbers).",
    "    >>> em.absolute(em.arange(-2, 1, split=0)).tolist()\n    [2, 1, 0]"))
abs = absolute  # noqa: A001 (NumPy's name)


# ---------------------------------------------------------------------------- powers
power = Ufunc("power", 2, _widened(_power), same(bools_to=dtypes.int8), _doc(
    "First array elements raised to powers from the second array, elementwise.\n\n"
    "    Integers to negative integer powers raise ValueError (on every rank), as NumPy;\n"
    "    integer overflow wraps.",
    "    >>> em.power(em.arange(4, split=0), 2).tolist()\n    [0, 1, 4, 9]"),
    check=_negative_integer_power)
pow = power  # noqa: A001 (the array API's name)

float_power = Ufunc("float_power", 2, _power, _to_float64, _doc(
    "First array elements raised to powers from the second array, computed in float64\n"
    "    (complex128 for complex inputs), as NumPy.",
    "    >>> em.float_power(em.arange(3, split=0), -1).tolist()\n    [inf, 1.0, 0.5]"))

reciprocal = Ufunc("reciprocal", 1, _reciprocal, same(bools_to=dtypes.int8), _doc(
    "The reciprocal 1 / x elementwise (for integers: truncated, 0 where x is 0, as NumPy).",
    "    >>> em.reciprocal(em.array([1.0, 2.0, 4.0], split=0)).tolist()\n"
    "    [1.0, 0.5, 0.25]"))

square = Ufunc("square", 1, torch.square, same(bools_to=dtypes.int8), _doc(
    "The elementwise square of the input.",
    "    >>> em.square(em.arange(-1, 3, split=0)).tolist()\n    [1, 0, 1, 4]"))

sqrt = Ufunc("sqrt", 1, _sqrt, floating(), _doc(
    "The non-negative square root elementwise (integers give floats, e.g. int8 -> float16).",
    "    >>> em.sqrt(em.array([1.0, 4.0, 9.0], split=0)).tolist()\n    [1.0, 2.0, 3.0]"))

cbrt = Ufunc("cbrt", 1, _cbrt, floating("buif"), _doc(
    "The real cube root elementwise.",
    "    >>> em.cbrt(em.array([-8.0, 1.0, 27.0], split=0)).tolist()\n    [-2.0, 1.0, 3.0]"))

hypot = Ufunc("hypot", 2, _widened(torch.hypot), floating("buif"), _doc(
    "The hypotenuse sqrt(x1**2 + x2**2) elementwise, without intermediate overflow.",
    "    >>> em.hypot(em.array([3.0, 5.0], split=0), 4).tolist()\n"
    "    [5.0, 6.4031243324279785]"))

# ---------------------------------------------------------------------------- extrema, signs
maximum = Ufunc("maximum", 2, _maximum, same(), _doc(
    "Elementwise maximum; NaN propagates (complex numbers compare lexicographically).",
    "    >>> em.maximum(em.array([1.0, float('nan'), 3.0], split=0), 2).tolist()\n"
    "    [2.0, nan, 3.0]"))

minimum = Ufunc("minimum", 2, _minimum, same(), _doc(
    "Elementwise minimum; NaN propagates (complex numbers compare lexicographically).",
    "    >>> em.minimum(em.array([1.0, float('nan'), 3.0], split=0), 2).tolist()\n"
    "    [1.0, nan, 2.0]"))

fmax = Ufunc("fmax", 2, _extremum(torch.fmax, _complex_ge, nan_propagates=False), same(),
             _doc("Elementwise maximum ignoring NaN (NaN only where both are NaN).",
                  "    >>> em.fmax(em.array([1.0, float('nan'), 3.0], split=0), 2).tolist()\n"
                  "    [2.0, 2.0, 3.0]"))

fmin = Ufunc("fmin", 2, _extremum(torch.fmin, _complex_le, nan_propagates=False), same(),
             _doc("Elementwise minimum ignoring NaN (NaN only where both are NaN).",
                  "    >>> em.fmin(em.array([1.0, float('nan'), 3.0], split=0), 2).tolist()\n"
                  "    [1.0, 2.0, 2.0]"))

sign = Ufunc("sign", 1, _sign, same("uifc"), _doc(
    "The sign elementwise: -1, 0 or 1 (NaN for NaN; x / |x| for complex x, as NumPy 2).",
    "    >>> em.sign(em.array([-5.0, 0.0, 2.0], split=0)).tolist()\n    [-1.0, 0.0, 1.0]"))

heaviside = Ufunc("heaviside", 2, _widened(_heaviside), floating("buif"), _doc(
    "The Heaviside step function: 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0.",
    "    >>> em.heaviside(em.array([-1.0, 0.0, 2.0], split=0), 0.5).tolist()\n"
    "    [0.0, 0.5, 1.0]"))

_CLIP = {  # by which bounds are given: (low, high)
    (True, True): Ufunc("clip", 3, _clip, same(), "clip with both bounds"),
    (True, False): Ufunc("clip", 2, _maximum, same(), "clip with a lower bound"),
    (False, True): Ufunc("clip", 2, _minimum, same(), "clip with an upper bound"),
    (False, False): Ufunc("clip", 1, torch.clone, same(), "clip without bounds"),
}
_NO_VALUE = object()


def _clip_dtype(a: Any, bounds: list[Any], dtype: Any) -> dtypes.dtype:
    """The result dtype of clip (that of minimum(maximum(a, low), high))."""
    if dtype is not None:
        return dtypes.dtype(dtype)
    from .creation import array

    def typed(x):
        return x if isinstance(x, (DNDarray, bool, int, float, complex)) else array(x).dtype

    return dtypes.result_type(typed(a), *(typed(b) for b in bounds))


def clip(a: Any, a_min: Any = _NO_VALUE, a_max: Any = _NO_VALUE, out: DNDarray | None = None,
         *, min: Any = _NO_VALUE, max: Any = _NO_VALUE, **kwargs: Any) -> DNDarray:  # noqa: A002
    """Clip (limit) the values of an array: ``minimum(maximum(a, min), max)``.

    NumPy 2's signature (``a_min``/``a_max`` or the array API's ``min``/``max``; None
    means no bound); array bounds broadcast and may have any split. NaN in ``a`` or in a
    bound propagates; where ``min > max`` the result is ``max``. Python integer bounds
    out of an integer array's range are clipped to it, as NumPy 2. Other keywords
    (``where``, ``dtype``, ``casting``) as for ufuncs.

    Raises
    ------
    ValueError
        If a bound is given both positionally and by keyword.

    Notes
    -----
    Communication: that of aligning the operands (none when they share a distribution).

    Examples
    --------
    >>> import ember as em
    >>> em.clip(em.arange(6, split=0), 1, 4).tolist()
    [1, 1, 2, 3, 4, 4]
    >>> em.clip(em.arange(6, split=0), max=2).tolist()
    [0, 1, 2, 2, 2, 2]
    """
    bounds = []
    for positional, keyword, name in ((a_min, min, "min"), (a_max, max, "max")):
        if positional is not _NO_VALUE and keyword is not _NO_VALUE:
            raise ValueError(f"clip: pass the {name} bound either as a_{name} or as {name}, "
                             "not both")
        bound = keyword if positional is _NO_VALUE else positional
        bounds.append(None if bound is _NO_VALUE else bound)
    given = [bound for bound in bounds if bound is not None]
    result = _clip_dtype(a, given, kwargs.get("dtype"))
    if result.kind in "iu":  # NumPy 2: out-of-range Python int bounds are clipped to the type
        info = dtypes.iinfo(result)
        given = [builtins.min(builtins.max(b, info.min), info.max)
                 if isinstance(b, int) and not isinstance(b, bool) else b for b in given]
    ufunc = _CLIP[bounds[0] is not None, bounds[1] is not None]
    return ufunc(a, *given, out=out, **kwargs)


# ---------------------------------------------------------------------------- floating point
copysign = Ufunc("copysign", 2, torch.copysign, floating("buif"), _doc(
    "x1 with the sign of x2, elementwise (the sign bit: -0.0 counts as negative).",
    "    >>> em.copysign(em.array([1.0, 2.0], split=0), -0.0).tolist()\n    [-1.0, -2.0]"))

nextafter = Ufunc("nextafter", 2, torch.nextafter, floating("buif"), _doc(
    "The next floating-point value after x1 towards x2, elementwise.",
    "    >>> em.nextafter(em.array([1.0], split=0), 2.0).tolist() == [1 + 2 ** -23]\n"
    "    True"))

spacing = Ufunc("spacing", 1, _spacing, floating("buif"), _doc(
    "The distance between x and the nearest adjacent number (ulp), as NumPy (negative\n"
    "    for negative x, NaN for infinities).",
    "    >>> em.spacing(em.array([1.0], dtype=em.float64, split=0)).tolist()\n"
    "    [2.220446049250313e-16]"))

ldexp = _LdexpUfunc("ldexp", 2, _ldexp, floating("buif"), _doc(
    "x1 * 2**x2 elementwise; x2 must be integral, the result has x1's (floating) type.",
    "    >>> em.ldexp(em.array([1.0, 3.0], split=0), 2).tolist()\n    [4.0, 12.0]"))

_FREXP = (Ufunc("frexp", 1, _widened(_frexp_mantissa), floating("buif"), "frexp mantissa"),
          Ufunc("frexp", 1, _widened(_frexp_exponent), _int32_exponent, "frexp exponent"))
_MODF = (Ufunc("modf", 1, _modf_fraction, floating("buif"), "modf fractional part"),
         Ufunc("modf", 1, _modf_integral, floating("buif"), "modf integral part"))


def _two_outputs(ufuncs: tuple[Ufunc, Ufunc], x: Any, out: Any, kwargs: dict
                 ) -> tuple[DNDarray, DNDarray]:
    first, second = _pair(out, ufuncs[0].name)
    return ufuncs[0](x, out=first, **kwargs), ufuncs[1](x, out=second, **kwargs)


def frexp(x: Any, out: tuple | None = None, **kwargs: Any) -> tuple[DNDarray, DNDarray]:
    """Decompose x into mantissa and exponent: ``x == mantissa * 2**exponent`` with
    ``0.5 <= |mantissa| < 1`` (0, inf and NaN give themselves and exponent 0).

    As NumPy: the mantissa has the floating type of x (int8 -> float16, ...), the
    exponent is int32. ``out`` is None or a tuple of two arrays; ``where``, ``dtype``
    and ``casting`` as for ufuncs.

    Notes
    -----
    Communication: that of aligning the operands, once per result.

    Examples
    --------
    >>> import ember as em
    >>> m, e = em.frexp(em.array([1.0, 8.0], split=0))
    >>> m.tolist(), e.tolist(), e.dtype
    ([0.5, 0.5], [1, 4], ember.int32)
    """
    return _two_outputs(_FREXP, x, out, kwargs)


def modf(x: Any, out: tuple | None = None, **kwargs: Any) -> tuple[DNDarray, DNDarray]:
    """The fractional and integral parts of x, elementwise, both with the sign of x.

    As NumPy: both outputs have the floating type of x; ``modf(inf) == (0.0, inf)``.
    ``out`` is None or a tuple of two arrays; ``where``, ``dtype`` and ``casting`` as for
    ufuncs.

    Notes
    -----
    Communication: that of aligning the operands, once per result.

    Examples
    --------
    >>> import ember as em
    >>> f, i = em.modf(em.array([-2.5, 3.25], split=0))
    >>> f.tolist(), i.tolist()
    ([-0.5, 0.25], [-2.0, 3.0])
    """
    return _two_outputs(_MODF, x, out, kwargs)


# ---------------------------------------------------------------------------- number theory
gcd = Ufunc("gcd", 2, _gcd, same("ui"), _doc(
    "The greatest common divisor of |x1| and |x2|, elementwise (integers only).",
    "    >>> em.gcd(em.array([12, 20, -9], split=0), 6).tolist()\n    [6, 2, 3]"))

lcm = Ufunc("lcm", 2, _lcm, same("ui"), _doc(
    "The lowest common multiple of |x1| and |x2|, elementwise (integers only).",
    "    >>> em.lcm(em.array([4, 6, -9], split=0), 6).tolist()\n    [12, 6, 18]"))
