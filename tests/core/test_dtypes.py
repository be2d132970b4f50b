"""Tests for ember.core.dtypes; NumPy is the oracle wherever it has the type."""

import copy
import dataclasses
import itertools
import operator
import pickle

import numpy as np
import pytest
import torch

import ember.core.dtypes as dt

ALL = [
    dt.bool_,
    dt.int8,
    dt.uint8,
    dt.int16,
    dt.int32,
    dt.int64,
    dt.float16,
    dt.bfloat16,
    dt.float32,
    dt.float64,
    dt.complex64,
    dt.complex128,
]
NP = [d for d in ALL if d is not dt.bfloat16]  # the 11 types NumPy has
NP_PAIRS = list(itertools.product(NP, NP))
CASTINGS = ["no", "equiv", "safe", "same_kind", "unsafe"]
INTS = [dt.int8, dt.uint8, dt.int16, dt.int32, dt.int64]
FLOATS = [dt.float16, dt.bfloat16, dt.float32, dt.float64]
COMPLEX = [dt.complex64, dt.complex128]


def ids(pair):
    return "-".join(d.name for d in pair)


@pytest.fixture
def restore_default():
    saved = dt.get_default_dtype()
    try:
        yield
    finally:
        dt.set_default_dtype(saved)


# ------------------------------------------------------------------------ dtype objects


def test_module_constants():
    assert [d.name for d in ALL] == [
        "bool",
        "int8",
        "uint8",
        "int16",
        "int32",
        "int64",
        "float16",
        "bfloat16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ]
    assert all(isinstance(d, dt.dtype) for d in ALL)
    assert set(dt.__all__) <= set(dir(dt))
    for name in ["dtype", "promote_types", "result_type", "can_cast", "finfo", "iinfo"]:
        assert name in dt.__all__


@pytest.mark.parametrize("d", NP, ids=str)
def test_attributes_match_numpy_and_torch(d):
    n = np.dtype(d.name)
    assert d.numpy == n
    assert d.itemsize == n.itemsize
    assert d.bits == 8 * n.itemsize
    assert d.kind == n.kind
    assert d.torch == getattr(torch, d.name)
    assert d.torch.itemsize == d.itemsize


def test_bfloat16_attributes():
    b = dt.bfloat16
    assert (b.name, b.torch, b.numpy, b.itemsize, b.bits, b.kind) == (
        "bfloat16",
        torch.bfloat16,
        None,
        2,
        16,
        "f",
    )


@pytest.mark.parametrize("d", NP, ids=str)
def test_normalisation_from_numpy_torch_and_names(d):
    n = d.numpy
    for obj in [d, d.name, n, n.type, n.str, n.str[1:], n.char, d.torch]:
        assert dt.dtype(obj) is d, obj
    assert dt.from_torch(d.torch) is d
    assert dt.to_torch(d) is d.torch
    assert dt.to_torch(n) is d.torch


@pytest.mark.parametrize(
    "obj, expected",
    [
        ("f4", dt.float32),
        ("f8", dt.float64),
        ("f2", dt.float16),
        ("float", dt.float32),
        ("double", dt.float64),
        ("single", dt.float32),
        ("half", dt.float16),
        ("int", dt.int64),
        ("int_", dt.int64),
        ("intp", dt.int64),
        ("long", dt.int64),
        ("longlong", dt.int64),
        ("q", dt.int64),
        ("l", dt.int64),
        ("i", dt.int32),
        ("intc", dt.int32),
        ("short", dt.int16),
        ("byte", dt.int8),
        ("ubyte", dt.uint8),
        ("B", dt.uint8),
        ("bool", dt.bool_),
        ("bool_", dt.bool_),
        ("?", dt.bool_),
        ("b1", dt.bool_),
        ("complex", dt.complex64),
        ("cdouble", dt.complex128),
        ("c8", dt.complex64),
        ("c16", dt.complex128),
        ("bfloat16", dt.bfloat16),
        ("<f4", dt.float32),
        ("=i8", dt.int64),
        (np.dtype(">f8"), dt.float64),
        (np.longlong, dt.int64),
        (np.bool_, dt.bool_),
        (np.dtype("int16"), dt.int16),
        (torch.bfloat16, dt.bfloat16),
        (torch.float, dt.float32),
        (torch.long, dt.int64),
        (torch.cfloat, dt.complex64),
        (bool, dt.bool_),
        (int, dt.int64),
        (float, dt.float32),
        (complex, dt.complex64),
        (None, dt.float32),
    ],
)
def test_normalisation_table(obj, expected):
    assert dt.dtype(obj) is expected
    assert dt.to_torch(obj) is expected.torch


@pytest.mark.parametrize(
    "obj",
    [
        np.uint16,
        "uint16",
        "float128",
        "H",
        np.longdouble,
        object,
        str,
        "nonsense",
        "U5",
        3,
        torch.uint16,
        np.float64(1.0),
        [1],
        np.floating,
        np.dtype("f4,i4"),
    ],
    ids=repr,
)
def test_unsupported_raises_type_error(obj):
    with pytest.raises(TypeError, match="not supported by ember"):
        dt.dtype(obj)
    with pytest.raises(TypeError):
        dt.to_torch(obj)


def test_unsupported_error_names_argument():
    with pytest.raises(TypeError, match=r"data type 'uint16' is not supported .*supported: bool"):
        dt.dtype(np.uint16)
    with pytest.raises(TypeError, match="'float128'"):
        dt.dtype("float128")
    with pytest.raises(TypeError, match="'nonsense'"):
        dt.dtype("nonsense")
    with pytest.raises(TypeError, match="torch.uint16"):
        dt.from_torch(torch.uint16)


def test_python_types_follow_default(restore_default):
    dt.set_default_dtype(dt.float64)
    assert dt.dtype(float) is dt.float64
    assert dt.dtype("float") is dt.float64
    assert dt.dtype(None) is dt.float64
    assert dt.dtype(complex) is dt.complex128
    assert dt.dtype(int) is dt.int64


@pytest.mark.parametrize("d", ALL, ids=str)
def test_equality_hash_repr(d):
    assert d == d.name and d.name == d
    assert d == d.torch and d.torch == d
    if d.numpy is not None:
        assert d == d.numpy and d == d.numpy.type and d.numpy == d
    assert hash(d) == hash(d.name)
    assert repr(d) == f"ember.{d.name}"
    assert str(d) == d.name
    for other in ALL:
        assert (d == other) is (d is other)
        assert (d != other) is (d is not other)
    assert d != None  # noqa: E711
    assert d != "nonsense" and d != 1 and d != object() and d != np.zeros(3)
    assert len({d, dt.dtype(d.name), dt.dtype(d.torch)}) == 1


def test_equality_with_python_types(restore_default):
    eq = operator.eq  # spelled out: ruff would ask for `is` with a bare `== float`
    assert eq(dt.float32, float) and eq(dt.int64, int) and eq(dt.bool_, bool)
    assert eq(dt.complex64, complex) and not eq(dt.complex128, complex)
    dt.set_default_dtype("float64")
    assert not eq(dt.float32, float) and eq(dt.float64, float) and eq(dt.complex128, complex)


@pytest.mark.parametrize("d", ALL, ids=str)
def test_pickle_copy_immutability(d):
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(d, protocol=proto)) is d
    assert copy.copy(d) is d and copy.deepcopy(d) is d
    with pytest.raises(AttributeError):
        d.name = "x"
    with pytest.raises(AttributeError):
        d.foo = 1
    with pytest.raises(AttributeError):
        del d.name
    assert d.name == str(d)


def test_from_torch_is_plain_lookup():
    for d in ALL:
        assert dt.from_torch(d.torch) is d
    with pytest.raises(TypeError):
        dt.from_torch(torch.uint32)


# ----------------------------------------------------------------------------- defaults


def test_defaults(restore_default):
    assert dt.get_default_dtype() is dt.float32
    assert dt.default_complex_dtype() is dt.complex64
    assert dt.default_int_dtype() is dt.int64
    assert dt.default_index_dtype() is dt.int64
    dt.set_default_dtype(np.float64)
    assert dt.get_default_dtype() is dt.float64
    assert dt.default_complex_dtype() is dt.complex128
    assert torch.get_default_dtype() is torch.float32  # torch's own default untouched
    dt.set_default_dtype("float32")
    assert dt.get_default_dtype() is dt.float32
    assert dt.default_complex_dtype() is dt.complex64


@pytest.mark.parametrize("bad", [dt.float16, dt.bfloat16, "int32", dt.complex128, "nonsense", 3])
def test_set_default_dtype_rejects(bad, restore_default):
    with pytest.raises(ValueError, match="float32 or float64"):
        dt.set_default_dtype(bad)
    assert dt.get_default_dtype() is dt.float32


# ---------------------------------------------------------------------------- promotion


@pytest.mark.parametrize("pair", NP_PAIRS, ids=ids)
def test_promote_types_matches_numpy(pair):
    a, b = pair
    expected = np.promote_types(a.numpy, b.numpy)
    assert dt.promote_types(a, b).numpy == expected
    assert dt.promote_types(a.numpy, b.name) is dt.dtype(expected)
    assert dt.promote_types(a.torch, b.numpy.type) is dt.dtype(expected)


@pytest.mark.parametrize(
    "other, expected",
    [
        (dt.bool_, dt.bfloat16),
        (dt.int8, dt.bfloat16),
        (dt.uint8, dt.bfloat16),
        (dt.int16, dt.float32),
        (dt.int32, dt.float64),
        (dt.int64, dt.float64),
        (dt.float16, dt.float32),
        (dt.bfloat16, dt.bfloat16),
        (dt.float32, dt.float32),
        (dt.float64, dt.float64),
        (dt.complex64, dt.complex64),
        (dt.complex128, dt.complex128),
    ],
    ids=str,
)
def test_promote_types_bfloat16(other, expected):
    assert dt.promote_types(dt.bfloat16, other) is expected
    assert dt.promote_types(other, dt.bfloat16) is expected


def test_promote_types_examples_from_spec():
    p = dt.promote_types
    assert p("int16", "float16") is dt.float32
    assert p(dt.int32, dt.float32) is dt.float64
    assert p(dt.uint8, dt.int8) is dt.int16
    assert p(dt.uint8, dt.int32) is dt.int32
    assert p(dt.complex64, dt.float64) is dt.complex128
    assert p(dt.complex64, dt.int32) is dt.complex128
    assert p(dt.complex64, dt.int16) is dt.complex64
    with pytest.raises(TypeError):
        p(dt.float32, "uint16")


def _np_weak_expected(strong, scalar):
    """numpy.result_type of strong dtypes and one weak scalar, with ember's defaults."""
    expected = dt.dtype(np.result_type(*[d.numpy for d in strong], scalar))
    kinds = {d.kind for d in strong}
    if kinds <= {"b", "i", "u"}:  # the python float/complex sets the kind: ember defaults
        if type(scalar) is float:
            return dt.float32
        if type(scalar) is complex:
            return dt.complex64
    return expected


@pytest.mark.parametrize("scalar", [True, 1, 1.0, 1j], ids=repr)
@pytest.mark.parametrize("d", NP, ids=str)
def test_result_type_one_dtype_and_weak_scalar(d, scalar):
    assert dt.result_type(d, scalar) is _np_weak_expected([d], scalar)
    assert dt.result_type(scalar, d) is _np_weak_expected([d], scalar)


@pytest.mark.parametrize("scalar", [None, True, 1, 1.0, 1j], ids=repr)
def test_result_type_pairs_and_weak_scalar(scalar):
    bad = []
    for a, b in NP_PAIRS:
        args = (a, b) if scalar is None else (a, scalar, b)
        expected = (
            dt.dtype(np.result_type(a.numpy, b.numpy))
            if scalar is None
            else _np_weak_expected([a, b], scalar)
        )
        if dt.result_type(*args) is not expected:
            bad.append((a, b, dt.result_type(*args), expected))
    assert not bad


def test_result_type_float_kinds_match_numpy_exactly():
    # with a strong floating operand present ember's defaults play no role
    for f in [dt.float16, dt.float32, dt.float64]:
        for other in NP:
            for scalar in [1, 1.0, True]:
                expected = np.result_type(f.numpy, other.numpy, scalar)
                assert dt.result_type(f, other, scalar).numpy == expected
    assert dt.result_type(dt.float16, 1j) is dt.complex64
    assert dt.result_type(dt.float64, 1j) is dt.complex128


@pytest.mark.parametrize(
    "args, expected",
    [
        ((1,), dt.int64),
        ((1.0,), dt.float32),
        ((1j,), dt.complex64),
        ((True,), dt.bool_),
        ((True, False), dt.bool_),
        ((True, 1), dt.int64),
        ((1, 2.0), dt.float32),
        ((2.0, 1j), dt.complex64),
        ((dt.bool_, 1), dt.int64),
        ((dt.bool_, True), dt.bool_),
        ((dt.bool_, 1.0), dt.float32),
        ((dt.bool_, 1j), dt.complex64),
        ((dt.int8, 1.0), dt.float32),
        ((dt.int64, 1.0), dt.float32),
        ((dt.uint8, 1j), dt.complex64),
        ((dt.int8, 300), dt.int8),
        ((dt.bfloat16, 1), dt.bfloat16),
        ((dt.bfloat16, 1.0), dt.bfloat16),
        ((dt.bfloat16, 1j), dt.complex64),
        ((dt.bfloat16, dt.int8), dt.bfloat16),
        ((dt.bfloat16, dt.float16, 1.0), dt.float32),
        ((dt.complex64, 1.0), dt.complex64),
        (("f2", "i1", 2), dt.float16),
        ((np.float32, torch.int16), dt.float32),
    ],
    ids=repr,
)
def test_result_type_documented_defaults(args, expected):
    assert dt.result_type(*args) is expected


def test_result_type_with_arrays_and_numpy_scalars():
    a32 = np.ones(3, dtype=np.float32)
    assert dt.result_type(a32, 1.0) is dt.float32
    assert dt.result_type(a32, np.float64(1.0)) is dt.float64  # numpy scalars are strong
    assert dt.result_type(np.int32(1), 1) is dt.int32
    assert dt.result_type(np.ones(2, np.int16), torch.ones(2, dtype=torch.uint8)) is dt.int16
    assert dt.result_type(torch.ones(2, dtype=torch.bfloat16), 3) is dt.bfloat16
    assert dt.result_type(torch.tensor(1.0, dtype=torch.float64), dt.int8) is dt.float64
    assert dt.result_type(np.bool_(True), 1) is dt.int64

    class Fake:
        dtype = dt.complex64

    assert dt.result_type(Fake(), dt.float64) is dt.complex128


def test_result_type_follows_default(restore_default):
    dt.set_default_dtype(dt.float64)
    assert dt.result_type(dt.int32, 1.0) is dt.float64
    assert dt.result_type(np.int32, 1.0).numpy == np.result_type(np.int32, 1.0)
    assert dt.result_type(1.0) is dt.float64
    assert dt.result_type(dt.int8, 1j) is dt.complex128
    assert dt.result_type(dt.float32, 1.0) is dt.float32


def test_result_type_errors():
    with pytest.raises(ValueError, match="at least one array or dtype is required"):
        dt.result_type()
    with pytest.raises(TypeError):
        dt.result_type(dt.float32, "uint16")
    with pytest.raises(TypeError):
        dt.result_type(dt.float32, object())


# ------------------------------------------------------------------------------ casting


@pytest.mark.parametrize("pair", NP_PAIRS, ids=ids)
def test_can_cast_matches_numpy(pair):
    a, b = pair
    for casting in CASTINGS:
        expected = bool(np.can_cast(a.numpy, b.numpy, casting))
        assert dt.can_cast(a, b, casting) is expected, casting
        assert dt.can_cast(np.zeros(2, dtype=a.numpy), b.name, casting) is expected, casting
    assert dt.can_cast(a, b) is bool(np.can_cast(a.numpy, b.numpy))


def test_can_cast_bfloat16():
    assert dt.can_cast(dt.int8, dt.bfloat16) and dt.can_cast(dt.uint8, dt.bfloat16)
    assert not dt.can_cast(dt.int16, dt.bfloat16)
    assert dt.can_cast(dt.int16, dt.bfloat16, "same_kind")
    assert dt.can_cast(dt.bfloat16, dt.float32) and not dt.can_cast(dt.bfloat16, dt.float16)
    assert not dt.can_cast(dt.float16, dt.bfloat16)
    assert dt.can_cast(dt.float16, dt.bfloat16, "same_kind")
    assert dt.can_cast(dt.bfloat16, dt.complex64)
    assert not dt.can_cast(dt.bfloat16, dt.int64, "same_kind")
    assert dt.can_cast(dt.bfloat16, dt.int64, "unsafe")
    assert dt.can_cast(dt.bfloat16, "bfloat16", "no")
    assert dt.can_cast(torch.ones(1, dtype=torch.bfloat16), dt.float64)


def test_can_cast_errors():
    with pytest.raises(ValueError, match="casting"):
        dt.can_cast(dt.int8, dt.int16, "sometimes")
    with pytest.raises(TypeError):
        dt.can_cast(dt.int8, "uint16")


# ------------------------------------------------------------------------------- limits

FINFO_ATTRS = ["bits", "eps", "max", "min", "smallest_normal", "tiny", "resolution", "precision"]


@pytest.mark.parametrize("d", [dt.float16, dt.float32, dt.float64, dt.complex64, dt.complex128])
def test_finfo_matches_numpy(d):
    fi, nfi = dt.finfo(d), np.finfo(d.numpy)
    for attr in FINFO_ATTRS + ["smallest_subnormal"]:
        value, expected = getattr(fi, attr), getattr(nfi, attr)
        assert type(value) is (int if attr in ("bits", "precision") else float), attr
        assert value == expected, attr
    assert fi.dtype.numpy == nfi.dtype
    assert fi.dtype.kind == "f"
    assert dt.finfo(np.zeros(1, dtype=d.numpy)) is fi
    assert dt.finfo(d.name) is fi
    with pytest.raises(dataclasses.FrozenInstanceError):
        fi.eps = 1.0


def test_finfo_bfloat16():
    fi, tfi = dt.finfo(dt.bfloat16), torch.finfo(torch.bfloat16)
    assert (fi.bits, fi.eps, fi.max, fi.min, fi.smallest_normal, fi.tiny) == (
        16,
        tfi.eps,
        tfi.max,
        tfi.min,
        tfi.smallest_normal,
        tfi.tiny,
    )
    assert fi.precision == 2 and fi.dtype is dt.bfloat16
    assert fi.resolution == torch.tensor(0.01, dtype=torch.bfloat16).item()
    assert fi.smallest_subnormal == 2.0**-133
    assert dt.finfo(torch.zeros(1, dtype=torch.bfloat16)) is fi


@pytest.mark.parametrize("d", INTS, ids=str)
def test_iinfo_matches_numpy(d):
    ii, nii = dt.iinfo(d), np.iinfo(d.numpy)
    assert (ii.bits, ii.min, ii.max) == (nii.bits, nii.min, nii.max)
    assert type(ii.min) is int and type(ii.max) is int
    assert ii.dtype is d
    assert dt.iinfo(torch.zeros(1, dtype=d.torch)) is ii
    with pytest.raises(dataclasses.FrozenInstanceError):
        ii.max = 1


@pytest.mark.parametrize("d", ALL, ids=str)
def test_limits_errors_match_numpy(d):
    if d.kind in "fc":
        dt.finfo(d)
        with pytest.raises(ValueError):
            dt.iinfo(d)
    elif d.kind in "iu":
        dt.iinfo(d)
        with pytest.raises(ValueError, match="not inexact"):
            dt.finfo(d)
    else:
        with pytest.raises(ValueError):
            dt.iinfo(d)
        with pytest.raises(ValueError):
            dt.finfo(d)
    if d.numpy is not None:  # NumPy raises for exactly the same types
        for ours, theirs in [(dt.finfo, np.finfo), (dt.iinfo, np.iinfo)]:
            try:
                theirs(d.numpy)
            except ValueError:
                with pytest.raises(ValueError):
                    ours(d)


# --------------------------------------------------------------------------- categories

CATEGORY_NAMES = [
    "generic",
    "number",
    "integer",
    "signedinteger",
    "unsignedinteger",
    "inexact",
    "floating",
    "complexfloating",
]


@pytest.mark.parametrize("cat", CATEGORY_NAMES)
@pytest.mark.parametrize("d", NP, ids=str)
def test_issubdtype_matches_numpy(d, cat):
    expected = np.issubdtype(d.numpy, getattr(np, cat))
    assert dt.issubdtype(d, getattr(dt, cat)) is expected
    assert dt.issubdtype(d, getattr(np, cat)) is expected
    assert dt.issubdtype(d.name, getattr(dt, cat)) is expected
    assert (d in getattr(dt, cat)) is expected


@pytest.mark.parametrize("pair", NP_PAIRS, ids=ids)
def test_issubdtype_dtype_pairs(pair):
    a, b = pair
    assert dt.issubdtype(a, b) is np.issubdtype(a.numpy, b.numpy)


def test_issubdtype_categories_match_numpy():
    names = CATEGORY_NAMES + ["flexible", "character"]
    for n1, n2 in itertools.product(names, names):
        expected = np.issubdtype(getattr(np, n1), getattr(np, n2))
        c1 = getattr(dt, n1, getattr(np, n1))
        c2 = getattr(dt, n2, getattr(np, n2))
        assert dt.issubdtype(c1, c2) is expected, (n1, n2)
        assert dt.issubdtype(getattr(np, n1), c2) is expected, (n1, n2)
    for cat in CATEGORY_NAMES:
        assert not dt.issubdtype(getattr(dt, cat), dt.float32)


@pytest.mark.parametrize("cat", CATEGORY_NAMES)
def test_issubdtype_bfloat16(cat):
    expected = cat in ("generic", "number", "inexact", "floating")
    assert dt.issubdtype(dt.bfloat16, getattr(dt, cat)) is expected
    assert dt.issubdtype(dt.bfloat16, getattr(np, cat)) is expected


def test_issubdtype_misc():
    assert not dt.issubdtype(dt.float32, np.flexible)
    assert dt.issubdtype(dt.bfloat16, "bfloat16")
    assert not dt.issubdtype(dt.bool_, dt.number)
    with pytest.raises(TypeError):
        dt.issubdtype("uint16", dt.integer)


def test_category_objects():
    assert repr(dt.floating) == "ember.floating" and str(dt.floating) == "floating"
    assert dt.floating.members == frozenset(FLOATS)
    assert dt.generic.members == frozenset(ALL)
    assert dt.number.members == frozenset(ALL) - {dt.bool_}
    assert dt.unsignedinteger.members == {dt.uint8}
    assert "float32" in dt.floating and "uint16" not in dt.integer
    assert isinstance(dt.integer, dt.DTypeCategory)
    assert pickle.loads(pickle.dumps(dt.integer)) is dt.integer
    with pytest.raises(AttributeError):
        dt.integer.name = "x"


ISDTYPE_KINDS = {
    "bool": {dt.bool_},
    "signed integer": {dt.int8, dt.int16, dt.int32, dt.int64},
    "unsigned integer": {dt.uint8},
    "integral": set(INTS),
    "real floating": set(FLOATS),
    "complex floating": set(COMPLEX),
    "numeric": set(INTS + FLOATS + COMPLEX),
}


@pytest.mark.parametrize("kind", list(ISDTYPE_KINDS))
@pytest.mark.parametrize("d", ALL, ids=str)
def test_isdtype_kinds(d, kind):
    assert dt.isdtype(d, kind) is (d in ISDTYPE_KINDS[kind])
    if d.numpy is not None and hasattr(np, "isdtype"):
        assert dt.isdtype(d, kind) is np.isdtype(d.numpy, kind)


def test_isdtype_dtypes_and_tuples():
    for a, b in itertools.product(ALL, ALL):
        assert dt.isdtype(a, b) is (a is b)
    assert dt.isdtype(dt.float32, ("integral", "real floating"))
    assert dt.isdtype(dt.int8, ("bool", dt.int8))
    assert not dt.isdtype(dt.complex64, ("integral", "real floating", dt.float32))
    assert not dt.isdtype(dt.int8, ())
    assert dt.isdtype(np.float32, "real floating")
    assert dt.isdtype(torch.int16, torch.int16)


def test_isdtype_errors():
    with pytest.raises(ValueError):
        dt.isdtype(dt.float32, "floating")
    with pytest.raises(ValueError):
        dt.isdtype(dt.float32, "float32")  # a dtype name is not a kind string
    with pytest.raises(ValueError):
        dt.isdtype(dt.float32, ("integral", "nonsense"))
    with pytest.raises(TypeError):
        dt.isdtype("nonsense", "numeric")
    with pytest.raises(TypeError):
        dt.isdtype(5, "numeric")
    with pytest.raises(TypeError):
        dt.isdtype(dt.float32, (("real floating",),))
