"""Arithmetic ufuncs against NumPy on the same global data, on every rank (SPMD).

Each function is checked for every dtype family (values, result dtype, NumPy's type
errors), every split of shapes that do not divide by the process count (including
fewer elements than processes and zero-size arrays), broadcasting between operands of
different splits, weak Python scalars, NumPy operands, special values and
``out=``/``where=``/``dtype=``.
"""

from dataclasses import dataclass

import numpy as np
import pytest

import ember as em
from ember.testing import assert_allclose, assert_array_equal, splits_of

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
          "float64", "complex64", "complex128"]
RTOL = {"float16": 2e-3, "float32": 2e-6, "complex64": 2e-6, "float64": 1e-12,
        "complex128": 1e-12}


@dataclass(frozen=True)
class Spec:
    nin: int
    approx: bool = False  # values agree up to rounding (transcendental kernels)
    nonneg_int_exponent: bool = False  # power: integer exponents >= 0
    nonzero: bool = False  # no zeros (reciprocal of int32/int64: see test_reciprocal_int)


SPECS = {
    "add": Spec(2), "subtract": Spec(2), "multiply": Spec(2, approx=True),
    "divide": Spec(2, approx=True), "floor_divide": Spec(2), "remainder": Spec(2),
    "fmod": Spec(2), "negative": Spec(1), "positive": Spec(1), "absolute": Spec(1, approx=True),
    "power": Spec(2, approx=True, nonneg_int_exponent=True),
    "float_power": Spec(2, approx=True, nonneg_int_exponent=True),
    "reciprocal": Spec(1, approx=True, nonzero=True), "square": Spec(1, approx=True),
    "sqrt": Spec(1, approx=True), "cbrt": Spec(1, approx=True), "hypot": Spec(2, approx=True),
    "maximum": Spec(2), "minimum": Spec(2), "fmax": Spec(2), "fmin": Spec(2),
    "sign": Spec(1, approx=True), "heaviside": Spec(2), "copysign": Spec(2),
    "nextafter": Spec(2), "spacing": Spec(1), "gcd": Spec(2), "lcm": Spec(2),
}
UNARY = [name for name, spec in SPECS.items() if spec.nin == 1]
BINARY = [name for name, spec in SPECS.items() if spec.nin == 2]
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 0.5, -2.5, 3.0]


def _oracle(function, *args, **kwargs):
    with np.errstate(all="ignore"):
        return function(*args, **kwargs)


def _data(dtype, shape, rng, name="add", position=0):
    """Global test data of ``dtype`` (identical on every rank), with the special values
    of the kind at the front, shaped for ``name``'s domain."""
    size = int(np.prod(shape))
    spec = SPECS.get(name, Spec(2))
    if dtype == "bool":
        values = rng.integers(0, 2, size).astype(bool)
    elif dtype[0] in "iu":
        info = np.iinfo(dtype)
        values = rng.integers(max(info.min, -60), min(info.max, 60) + 1, size)
        values[:3] = [info.min, info.max, 0][:size] if size >= 3 else values[:3]
        if spec.nonneg_int_exponent and position == 1:
            values = np.abs(values) % 6
        values = values.astype(dtype)
    else:
        values = rng.normal(scale=4.0, size=size)
        if dtype.startswith("complex"):
            values = values + 1j * rng.normal(scale=4.0, size=size)
            values[: min(size, 2)] = [0.0, 1.0][: min(size, 2)]
        else:
            count = min(size, len(SPECIALS))
            specials = np.roll(SPECIALS, position)
            values[:count] = specials[:count]
        values = values.astype(dtype)
    if spec.nonzero:
        values = np.where(values == 0, np.ones_like(values), values)
    return values.reshape(shape)


def _check(actual, expected, name, dtype=None, split="any", rtol=None):
    """Compare a result with the NumPy oracle: exactly, or up to rounding for
    transcendental functions."""
    wanted = np.dtype(expected.dtype).name if dtype is None else em.dtype(dtype).name
    if SPECS.get(name, Spec(1)).approx and wanted in RTOL:
        assert_allclose(actual, expected, rtol=rtol or RTOL[wanted], atol=1e-300, dtype=dtype,
                        split=split)
    else:
        assert_array_equal(actual, expected, dtype=dtype, split=split)


def _call_both(name, arrays, split=0, **kwargs):
    ours = getattr(em, name)(*[em.array(a, split=split) for a in arrays], **kwargs)
    theirs = _oracle(getattr(np, name), *arrays, **kwargs)
    return ours, theirs


# ---------------------------------------------------------------------------- dtype families
@pytest.mark.parametrize("name", list(SPECS))
def test_every_dtype_family_like_numpy(name, rng):
    """Result dtype, values and NumPy's UFuncTypeError for each dtype family."""
    nin = SPECS[name].nin
    for dtype in DTYPES:
        arrays = [_data(dtype, (11,), rng, name, position=i) for i in range(nin)]
        try:
            expected = _oracle(getattr(np, name), *arrays)
        except TypeError:
            with pytest.raises(TypeError):
                getattr(em, name)(*[em.array(a, split=0) for a in arrays])
            continue
        actual = getattr(em, name)(*[em.array(a, split=0) for a in arrays])
        _check(actual, expected, name, split=0)


@pytest.mark.parametrize("name", list(SPECS))
def test_mixed_dtypes_promote_like_numpy(name, rng):
    # (int8, uint8) is left out: NumPy's float loops take each input alone (hypot -> float16)
    # while ember's rules see the promoted int16 (-> float32); see the module notes.
    pairs = [("int16", "float16"), ("int64", "float32"), ("bool", "int8"),
             ("float32", "float64"), ("uint8", "float16"), ("float32", "complex128")]
    if SPECS[name].nin == 1:
        return
    for first, second in pairs:
        a, b = _data(first, (5,), rng, name, 0), _data(second, (5,), rng, name, 1)
        a, b = (np.nan_to_num(v) if v.dtype.kind == "f" else v for v in (a, b))
        try:
            expected = _oracle(getattr(np, name), a, b)
        except TypeError:
            with pytest.raises(TypeError):
                getattr(em, name)(em.array(a, split=0), em.array(b))
            continue
        _check(getattr(em, name)(em.array(a, split=0), em.array(b)), expected, name)
        _check(getattr(em, name)(em.array(a), b), expected, name)  # a NumPy operand


@pytest.mark.parametrize("name", list(SPECS))
def test_bfloat16_like_float16_rules(name, rng):
    """No NumPy oracle: the rules are float16's, the values those of float32 (loosely)."""
    nin = SPECS[name].nin
    arrays = [_data("float32", (9,), rng, name, position=i).astype(np.float32)
              for i in range(nin)]
    arrays = [em.array(a, dtype=em.bfloat16).numpy().astype(np.float32) for a in arrays]
    half = [a.astype(np.float16) for a in arrays]
    try:
        expected_dtype = _oracle(getattr(np, name), *half).dtype.name
    except TypeError:
        with pytest.raises(TypeError):
            getattr(em, name)(*[em.array(a, dtype=em.bfloat16, split=0) for a in arrays])
        return
    actual = getattr(em, name)(*[em.array(a, dtype=em.bfloat16, split=0) for a in arrays])
    wanted = em.bfloat16 if expected_dtype == "float16" else em.dtype(expected_dtype)
    assert actual.dtype == wanted
    if name in ("spacing", "nextafter"):  # bfloat16's own ulp: checked in their tests
        return
    expected = _oracle(getattr(np, name), *arrays)
    assert_allclose(actual.astype(em.float32), expected.astype(np.float32), rtol=2e-2,
                    atol=1e-6)


# ---------------------------------------------------------------------------- distribution
SHAPES = [(0,), (1,), (2,), (7,), (5, 0), (4, 5), (3, 1, 5)]


@pytest.mark.parametrize("name", list(SPECS))
def test_every_split_and_shape(name, rng):
    """Uneven chunks, fewer elements than processes, zero-size arrays: every split."""
    dtype = "int16" if name in ("gcd", "lcm") else "float64"
    for shape in SHAPES:
        arrays = [_data(dtype, shape, rng, name, position=i) for i in range(SPECS[name].nin)]
        expected = _oracle(getattr(np, name), *arrays)
        for split in splits_of(len(shape)):
            actual = getattr(em, name)(*[em.array(a, split=split) for a in arrays])
            _check(actual, expected, name, split=split)


@pytest.mark.parametrize("name", BINARY)
def test_broadcasting_between_different_splits(name, rng):
    dtype = "int32" if name in ("gcd", "lcm") else "float32"
    cases = [((5, 4), 0, (5, 4), 1), ((5, 4), 1, (4,), 0), ((5, 4), None, (5, 4), 1),
             ((5, 4), 0, (5, 4), None), ((3, 1, 4), 0, (5, 1), 1), ((1,), 0, (2, 3), 1),
             ((7, 1), 0, (1, 3), 1), ((0, 3), 1, (3,), 0)]
    for shape1, split1, shape2, split2 in cases:
        a, b = _data(dtype, shape1, rng, name, 0), _data(dtype, shape2, rng, name, 1)
        expected = _oracle(getattr(np, name), a, b)
        actual = getattr(em, name)(em.array(a, split=split1), em.array(b, split=split2))
        _check(actual, expected, name)
        reflected = _oracle(getattr(np, name), b, a)
        _check(getattr(em, name)(em.array(b, split=split2), em.array(a, split=split1)),
               reflected, name)


@pytest.mark.parametrize("name", BINARY)
def test_python_scalars_on_either_side(name, rng):
    """NEP 50: Python scalars are weak; a Python float with integers gives ember's default
    float (NumPy: float64)."""
    ints = {"power": 3, "float_power": 2, "gcd": 12, "lcm": 6}.get(name, 3)
    for dtype in ("int16", "float32", "uint8"):
        x = _data(dtype, (6,), rng, name, 1)
        floating = dtype[0] == "f"
        for scalar in (ints, 2.5):
            for args in ((x, scalar), (scalar, x)):
                ours = [em.array(a, split=0) if isinstance(a, np.ndarray) else a for a in args]
                try:
                    expected = _oracle(getattr(np, name), *args)
                except (TypeError, ValueError) as error:
                    with pytest.raises(TypeError if isinstance(error, TypeError) else ValueError):
                        getattr(em, name)(*ours)
                    continue
                dtype_wanted = None
                if isinstance(scalar, float) and not floating and expected.dtype == np.float64 \
                        and name != "float_power":
                    dtype_wanted = em.get_default_dtype()
                    single = [a.astype(np.float32) if isinstance(a, np.ndarray) else a
                              for a in args]  # ulp-based results: compare in float32
                    expected = _oracle(getattr(np, name), *single).astype(np.float32)
                rtol = 1e-6 if dtype_wanted is not None else None
                _check(getattr(em, name)(*ours), expected, name, dtype=dtype_wanted, rtol=rtol)


# ---------------------------------------------------------------------------- out, where, dtype
@pytest.mark.parametrize("name", list(SPECS))
def test_out_where_dtype(name, rng):
    nin = SPECS[name].nin
    dtype = "int32" if name in ("gcd", "lcm") else "float64"
    arrays = [_data(dtype, (5, 4), rng, name, position=i) for i in range(nin)]
    expected = _oracle(getattr(np, name), *arrays)
    function = getattr(em, name)
    for out_split in (None, 0, 1):  # the same split as the operands, and others
        out = em.zeros((5, 4), dtype=expected.dtype, split=out_split)
        result = function(*[em.array(a, split=0) for a in arrays], out=out)
        assert result is out
        _check(out, expected, name, split=out_split)
    mask = rng.integers(0, 2, (5, 4)).astype(bool)
    old = np.full((5, 4), 7, dtype=expected.dtype)
    out = em.array(old, split=1)
    function(*[em.array(a, split=0) for a in arrays], out=out, where=em.array(mask, split=0))
    _check(out, np.where(mask, expected, old), name, split=1)
    with pytest.raises(ValueError):
        function(*[em.array(a, split=0) for a in arrays], out=em.zeros((4, 5)))
    with pytest.raises(TypeError):  # same_kind forbids float/int results into bool
        function(*[em.array(a, split=0) for a in arrays], out=em.zeros((5, 4), dtype=em.bool))
    if dtype == "float64":
        wide = [a.astype(np.float32) for a in arrays]
        expected32 = _oracle(getattr(np, name), *wide, dtype=np.float64)
        actual = function(*[em.array(a, split=1) for a in wide], dtype=em.float64)
        _check(actual, expected32, name, split=1)


# ---------------------------------------------------------------------------- per function
def test_power_negative_integer_exponent_raises_on_every_rank():
    base = em.arange(7, split=0)
    exponent = em.array([1, 2, 0, 1, 2, 0, -1], split=0)  # only the last chunk is negative
    for args in ((base, exponent), (base, -1), (3, exponent), (base, np.array(-2))):
        with pytest.raises(ValueError, match="Integers to negative integer powers"):
            em.power(*args)
    with pytest.raises(OverflowError):  # as NumPy 2: -1 is out of uint8's range
        em.pow(em.arange(3, dtype=em.uint8), -1)
    with pytest.raises(ValueError):
        em.pow(em.arange(3, dtype=em.uint8, split=0), em.array([1, 0, -1], dtype=em.int8))
    assert_allclose(em.power(base, -1.0), _oracle(np.power, np.arange(7), -1.0, dtype=np.float32),
                    dtype=em.float32)
    assert em.pow is em.power and em.DNDarray.__pow__ is not None
    assert_array_equal(base ** 2, np.arange(7) ** 2, split=0)
    assert_array_equal(2 ** base, 2 ** np.arange(7), split=0)


def test_power_integer_overflow_wraps_and_special_values():
    x = np.array([3, -2, 0, 1, 5], dtype=np.int8)
    assert_array_equal(em.power(em.array(x, split=0), 5), np.power(x, 5))
    big = np.array([2, 3, 10], dtype=np.int64)
    assert_array_equal(em.power(em.array(big, split=0), 70), np.power(big, 70))
    f = np.array([0.0, -0.0, -8.0, np.inf, np.nan, 1.0, -1.0], dtype=np.float64)
    e = np.array([0.0, -1.0, 1 / 3, -0.5, 0.0, np.nan, np.inf])
    assert_array_equal(em.power(em.array(f, split=0), em.array(e, split=None)),
                       _oracle(np.power, f, e))
    assert_array_equal(em.float_power(em.array(f, split=0), e), _oracle(np.float_power, f, e))
    c = np.array([1 + 1j, -2 + 0.5j, 3j], dtype=np.complex64)
    assert_allclose(em.float_power(em.array(c, split=0), 2), np.float_power(c, 2), rtol=1e-12)
    assert_allclose(em.float_power(em.arange(4, dtype=em.int8, split=0), -1),
                    _oracle(np.float_power, np.arange(4, dtype=np.int8), -1))


def test_integer_division_edge_cases():
    for dtype in ("int8", "int32", "int64", "uint8"):
        info = np.iinfo(dtype)
        x = np.array([7, -7 if dtype[0] == "i" else 9, 0, info.min, info.max, 5], dtype=dtype)
        y = np.array([0, 2, 0, -1 if dtype[0] == "i" else 1, 3, -3 if dtype[0] == "i" else 3],
                     dtype=dtype)
        for name in ("fmod", "floor_divide", "remainder"):
            _check(getattr(em, name)(em.array(x, split=0), em.array(y, split=0)),
                   _oracle(getattr(np, name), x, y), name)
        q, r = em.divmod(em.array(x, split=0), em.array(y, split=0))
        eq, er = _oracle(np.divmod, x, y)
        assert_array_equal(q, eq)
        assert_array_equal(r, er)


def test_reciprocal_int():
    """1 / x truncated; 1 / 0 gives 0 (NumPy: 0 for small types, the minimum for int32 and
    int64: undefined behaviour of its float-to-int cast)."""
    for dtype in ("int8", "int16", "int32", "int64", "uint8", "bool"):
        x = np.array([0, 1, 2, 3, 1, 0, 1], dtype=dtype)
        if dtype[0] == "i":
            x = np.array([0, 1, -1, 2, -3, np.iinfo(dtype).min, 5], dtype=dtype)
        expected = np.where(x == 0, 0, _oracle(np.reciprocal, x))
        assert_array_equal(em.reciprocal(em.array(x, split=0)), expected.astype(
            _oracle(np.reciprocal, x).dtype))


def test_divmod(rng):
    for dtype in ("int16", "float32", "bool", "uint8"):
        a, b = _data(dtype, (7, 3), rng, "remainder", 0), _data(dtype, (3,), rng, "remainder", 1)
        eq, er = _oracle(np.divmod, a, b)
        q, r = em.divmod(em.array(a, split=1), em.array(b, split=0))
        assert_array_equal(q, eq)
        assert_array_equal(r, er)
    a, b = _data("float64", (7,), rng), _data("float64", (7,), rng, position=3)
    out = (em.zeros(7, dtype=em.float64, split=None), em.zeros(7, dtype=em.float64, split=0))
    q, r = em.divmod(em.array(a, split=0), b, out)
    assert q is out[0] and r is out[1]
    eq, er = _oracle(np.divmod, a, b)
    assert_array_equal(q, eq, split=None)
    assert_array_equal(r, er, split=0)
    q, r = em.divmod(em.array(a, split=0), b, out=(None, out[1]))
    assert_array_equal(q, eq, split=0)
    with pytest.raises(ValueError):
        em.divmod(em.array(a), b, out=out[0])
    with pytest.raises(TypeError):
        em.divmod(em.array(a.astype(np.complex64)), 1)
    with pytest.raises(TypeError):
        em.divmod(em.array(a), b, out=(em.zeros(7, dtype=em.int32), None))


def test_extrema_nan_and_complex_order():
    a = np.array([1.0, np.nan, 3.0, np.nan, -0.0, -np.inf])
    b = np.array([2.0, 1.0, np.nan, np.nan, 0.0, np.inf])
    for name in ("maximum", "minimum", "fmax", "fmin"):
        assert_array_equal(getattr(em, name)(em.array(a, split=0), em.array(b, split=None)),
                           _oracle(getattr(np, name), a, b))
    nan = np.nan
    c = np.array([1 + 2j, 1 + 3j, nan + 0j, 1 + 1j, complex(1, nan), 2 + 0j])
    d = np.array([1 + 3j, 2 + 0j, 1 + 0j, complex(1, nan), complex(nan, 0), 2 - 1j])
    for name in ("maximum", "minimum", "fmax", "fmin"):
        for x, y in ((c, d), (d, c)):
            assert_array_equal(getattr(em, name)(em.array(x, split=0), em.array(y, split=0)),
                               _oracle(getattr(np, name), x, y))
    flags = np.array([True, False, True, False])
    assert_array_equal(em.maximum(em.array(flags, split=0), flags[::-1]),
                       np.maximum(flags, flags[::-1]))


def test_sign_special_values():
    x = np.array([-0.0, 0.0, np.nan, -np.inf, np.inf, -3.5, 2.0])
    assert_array_equal(em.sign(em.array(x, split=0)), np.sign(x))
    inf, nan = np.inf, np.nan
    z = np.array([3 + 4j, 0j, complex(nan, 1), complex(inf, 1), complex(-inf, 2),
                  complex(1, -inf), complex(inf, inf), complex(inf, nan), -2j])
    assert_array_equal(em.sign(em.array(z, split=0)), _oracle(np.sign, z))
    with pytest.raises(TypeError):
        em.sign(em.array([True, False]))


def test_heaviside_and_copysign_special_values():
    x = np.array([-1.0, 0.0, -0.0, 2.0, np.nan, np.inf, -np.inf])
    h = np.array([0.5, 0.5, 2.0, 0.5, 0.5, np.nan, 0.5])
    assert_array_equal(em.heaviside(em.array(x, split=0), em.array(h, split=0)),
                       np.heaviside(x, h))
    assert_array_equal(em.heaviside(em.array(x, split=0), 0.5), np.heaviside(x, 0.5))
    signs = np.array([-0.0, 1.0, -np.inf, np.nan, -1.0, 0.0, -2.0])
    actual = em.copysign(em.array(x, split=0), em.array(signs, split=None))
    expected = np.copysign(x, signs)
    assert_array_equal(actual, expected)
    assert np.array_equal(np.signbit(actual.numpy()), np.signbit(expected))


def test_cbrt_and_sqrt_exact_where_numpy_is():
    cubes = np.array([-27.0, -8.0, -1.0, -0.0, 0.0, 1.0, 8.0, 64.0, 1e300, 5e-324, np.inf,
                      -np.inf, np.nan, 2.0 ** 3 * 7 ** 3])
    actual = em.cbrt(em.array(cubes, split=0))
    expected = np.cbrt(cubes)  # NumPy's SIMD cbrt may be 1 ulp off (cbrt(-27) != -3)
    assert_allclose(actual, expected, rtol=5e-16)
    exact = np.isfinite(cubes) & (cubes == np.round(cubes)) & (np.abs(cubes) < 1e200)
    np.testing.assert_array_equal(actual.numpy()[exact],
                                  np.round(np.cbrt(cubes[exact])))  # ours: perfect cubes exact
    assert np.array_equal(np.signbit(actual.numpy()), np.signbit(expected))
    every_half = np.arange(2 ** 16, dtype=np.uint16).view(np.float16)
    for name in ("sqrt", "cbrt"):  # every float16 value
        assert_allclose(getattr(em, name)(em.array(every_half, split=0)),
                        _oracle(getattr(np, name), every_half), rtol=1e-3 if name == "cbrt" else 0)
    x = np.random.default_rng(3).random(2000).astype(np.float32) * 100
    assert_array_equal(em.sqrt(em.array(x, split=0)), np.sqrt(x))


def test_hypot_special_values():
    a = np.array([np.inf, np.nan, 3.0, -np.inf, 1e308, 0.0])
    b = np.array([np.nan, np.inf, -4.0, 1.0, 1e308, -0.0])
    assert_allclose(em.hypot(em.array(a, split=0), b), np.hypot(a, b), rtol=1e-15)


def test_gcd_lcm_at_the_integer_limits():
    """Every pair of a grid with the minimum and maximum integers (torch alone would give
    negative gcds and trap in lcm)."""
    for dtype in ("int8", "int32", "int64", "uint8"):
        info = np.iinfo(dtype)
        grid = np.array([info.min, info.min + 1, info.max, 0, 1, 6, 12, 97], dtype=dtype)
        if dtype[0] == "i":
            grid = np.concatenate([grid, -grid[4:]])
        a, b = (g.ravel() for g in np.meshgrid(grid, grid))
        for name in ("gcd", "lcm"):
            assert_array_equal(getattr(em, name)(em.array(a, split=0), em.array(b, split=0)),
                               _oracle(getattr(np, name), a, b))


def test_gcd_lcm():
    x = np.array([-4, 0, 6, 100, 12, -9, 0], dtype=np.int16)
    y = np.array([6, 0, -4, 3, 18, -6, 5], dtype=np.int16)
    for name in ("gcd", "lcm"):
        for dtype in ("int8", "int16", "int64", "uint8"):
            a, b = x.astype(dtype), y.astype(dtype)
            assert_array_equal(getattr(em, name)(em.array(a, split=0), em.array(b, split=None)),
                               _oracle(getattr(np, name), a, b))
        with pytest.raises(TypeError):
            getattr(em, name)(em.array([1.0, 2.0]), 2)
        with pytest.raises(TypeError):  # NumPy has no boolean loop either
            getattr(em, name)(em.array([True, False]), em.array([True, True]))
        with pytest.raises(TypeError):
            getattr(em, name)(em.arange(3), 2.0)


def test_nextafter_and_spacing_every_float16():
    every = np.arange(2 ** 16, dtype=np.uint16).view(np.float16)
    x = em.array(every, split=0)
    assert_array_equal(em.spacing(x), _oracle(np.spacing, every))
    for target in (np.float16(np.inf), np.float16(-np.inf), np.float16(0.0), np.float16(np.nan)):
        assert_array_equal(em.nextafter(x, em.array(target)),
                           _oracle(np.nextafter, every, target))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nextafter_and_spacing_random_bits(dtype):
    bits = np.random.default_rng(5).integers(0, 2 ** 62, 4000, dtype=np.int64)
    values = (bits.astype(np.uint32) if dtype == "float32" else bits).view(
        np.float32 if dtype == "float32" else np.float64).copy()
    finfo = np.finfo(dtype)
    values[:8] = [0.0, -0.0, np.inf, -np.inf, np.nan, finfo.max, -finfo.max,
                  finfo.smallest_subnormal]
    x = em.array(values, split=0)
    assert_array_equal(em.spacing(x), _oracle(np.spacing, values))
    towards = np.roll(values, 3)
    assert_array_equal(em.nextafter(x, em.array(towards, split=None)),
                       _oracle(np.nextafter, values, towards))
    zeros = np.array([0.0, -0.0], dtype)
    actual = em.nextafter(em.array(zeros, split=0), em.array(zeros[::-1].copy()))
    assert_array_equal(actual, np.nextafter(zeros, zeros[::-1]))
    assert np.array_equal(np.signbit(actual.numpy()), [True, False])


def test_bfloat16_ulps():
    one = em.array([1.0, -1.0, 0.0], dtype=em.bfloat16, split=0)
    assert em.spacing(one).tolist() == [2.0 ** -7, -(2.0 ** -7), 2.0 ** -133]
    assert em.nextafter(one, 2.0).tolist() == [1 + 2.0 ** -7, -1 + 2.0 ** -8, 2.0 ** -133]


def test_frexp_and_ldexp():
    values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1e308, -3.0, 0.75, 1024.0])
    for dtype in ("float16", "float32", "float64", "int8", "int32", "bool", "uint8"):
        x = _oracle(values.astype, dtype) if dtype[0] == "f" else np.arange(-3, 6).astype(dtype)
        mantissa, exponent = em.frexp(em.array(x, split=0))
        expected = np.frexp(x)
        assert_array_equal(mantissa, expected[0])
        assert_array_equal(exponent, expected[1])
        assert_array_equal(em.ldexp(mantissa, exponent), _oracle(np.ldexp, *expected))
    with pytest.raises(TypeError):
        em.frexp(em.array([1j]))
    out = (em.zeros(4, dtype=em.float64, split=0), em.zeros(4, dtype=em.int64, split=None))
    m, e = em.frexp(em.array([1.0, 2.0, 3.0, 4.0], dtype=em.float32, split=None), out=out)
    assert m is out[0] and e is out[1]
    assert_array_equal(e, np.array([1, 2, 2, 3]), split=None)
    assert_array_equal(m, np.array([0.5, 0.5, 0.75, 0.5]), split=0)


def test_ldexp_types_and_extremes():
    rng = np.random.default_rng(11)
    for mantissa_dtype in ("float16", "float32", "float64", "int8", "int16", "int64", "bool"):
        for exponent_dtype in ("int8", "int32", "int64", "bool", "uint8"):
            x = _data(mantissa_dtype, (9,), rng, "ldexp")
            e = rng.integers(-30, 30, 9).astype(exponent_dtype)
            expected = _oracle(np.ldexp, x, e)
            assert_array_equal(em.ldexp(em.array(x, split=0), em.array(e, split=None)), expected)
    x = np.array([1.0, 3.0, 5e-324, 1e308, -1.5, 1.0, 0.75, -0.0, np.nan])
    e = np.array([-1074, -1075, 1074, -2000, -1074, 1024, 1024, 5000, 3])
    assert_array_equal(em.ldexp(em.array(x, split=0), em.array(e, split=0)),
                       _oracle(np.ldexp, x, e))
    f = np.array([1.0, 1e-40, 3e38], dtype=np.float32)
    for k in (-150, -149, -126, 120, 140, 300):
        assert_array_equal(em.ldexp(em.array(f, split=0), k), _oracle(np.ldexp, f, k))
    with pytest.raises(TypeError):
        em.ldexp(em.array([1.0]), 2.0)
    with pytest.raises(TypeError):
        em.ldexp(em.array([1.0]), em.array([2.0]))


def test_modf():
    x = np.array([-0.0, -2.5, np.inf, -np.inf, np.nan, 3.0, -3.0, 0.25, 7.75])
    for dtype in ("float16", "float32", "float64", "int8", "int32"):
        values = x.astype(dtype) if dtype[0] == "f" else np.arange(-4, 5).astype(dtype)
        fraction, integral = em.modf(em.array(values, split=0))
        expected = np.modf(values)
        for actual, wanted in zip((fraction, integral), expected, strict=True):
            assert_array_equal(actual, wanted)
            assert np.array_equal(np.signbit(actual.numpy()), np.signbit(wanted))
    with pytest.raises(TypeError):
        em.modf(em.array([1j]))


def test_clip_signatures_and_semantics(rng):
    a = _data("float64", (5, 4), rng)
    low, high = _data("float64", (4,), rng), _data("float64", (5, 1), rng, position=2)
    for split in splits_of(2):
        x = em.array(a, split=split)
        assert_array_equal(em.clip(x, -1, 2), _oracle(np.clip, a, -1, 2), split=split)
        assert_array_equal(em.clip(x, em.array(low, split=0), em.array(high, split=0)),
                           _oracle(np.clip, a, low, high))
        assert_array_equal(em.clip(x, min=low), _oracle(np.clip, a, min=low))
        assert_array_equal(em.clip(x, max=high), _oracle(np.clip, a, max=high))
        assert_array_equal(em.clip(x, None, 1.5), _oracle(np.clip, a, None, 1.5))
        assert_array_equal(em.clip(x, 3, -3), _oracle(np.clip, a, 3, -3))  # min > max
        assert_array_equal(em.clip(x), _oracle(np.clip, a, None, None))
        assert_array_equal(em.clip(x, np.nan, 1.0), _oracle(np.clip, a, np.nan, 1.0))
    ints = np.arange(-6, 7, dtype=np.int8)
    x = em.array(ints, split=0)
    assert_array_equal(em.clip(x, -1000, 3), np.clip(ints, -1000, 3))
    assert_array_equal(em.clip(x, 2, 1000), np.clip(ints, 2, 1000))
    assert_array_equal(em.clip(x, np.array([2], dtype=np.int16), 6), np.clip(ints, np.int16(2), 6))
    assert_allclose(em.clip(x, 2.5, 4), np.clip(ints, 2.5, 4).astype(np.float32),
                    dtype=em.get_default_dtype())
    out = em.zeros(13, dtype=em.int8, split=None)
    assert em.clip(x, 0, 2, out) is out
    assert_array_equal(out, np.clip(ints, 0, 2), split=None)
    mask = ints > 0
    out = em.array(ints.copy(), split=0)
    em.clip(x, 0, 2, out=out, where=em.array(mask, split=0))
    assert_array_equal(out, np.clip(ints, 0, 2, out=ints.copy(), where=mask))
    assert_array_equal(em.clip(x, 0, 2, dtype=em.float64), np.clip(ints, 0, 2, dtype=np.float64))
    c = np.array([1 + 5j, 3 - 1j, 2 + 0j])
    assert_array_equal(em.clip(em.array(c, split=0), 2 + 0j, 3 + 0j), np.clip(c, 2 + 0j, 3 + 0j))
    with pytest.raises(ValueError):
        em.clip(x, 0, min=1)
    with pytest.raises(ValueError):
        em.clip(x, 0, 2, out=em.zeros(3, dtype=em.int8))
    with pytest.raises(TypeError):
        em.clip(em.array(a), 0, 1, out=em.zeros((5, 4), dtype=em.int8))


def test_operators_use_these_ufuncs():
    x = np.arange(-3, 5, dtype=np.int32)
    d = em.array(x, split=0)
    assert_array_equal(d ** 3, x ** 3, split=0)
    assert_array_equal(abs(d), np.abs(x), split=0)
    assert_array_equal(2.0 ** d, 2.0 ** x.astype(np.float32), split=0)
    y = em.array(x.astype(np.float64), split=0)
    y **= 2
    assert_array_equal(y, x.astype(np.float64) ** 2, split=0)
