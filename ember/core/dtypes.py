"""Ember's data types, type promotion and machine limits.

Every ember data type is a canonical singleton instance of :class:`dtype`; ``dtype(obj)``
maps any dtype-like object (an ember dtype, a string, a NumPy dtype or scalar type, a
torch dtype, a Python type or ``None``) onto it. Type promotion follows NumPy 2 (NEP 50)
and is served from a table built once at import time; ``bfloat16`` extends NumPy's rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = [
    "dtype", "bool_", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "complex64", "complex128", "from_torch", "to_torch",
    "get_default_dtype", "set_default_dtype", "default_complex_dtype", "default_int_dtype",
    "default_index_dtype", "promote_types", "result_type", "can_cast", "FInfo", "IInfo",
    "finfo", "iinfo", "DTypeCategory", "generic", "number", "integer", "signedinteger",
    "unsignedinteger", "inexact", "floating", "complexfloating", "issubdtype", "isdtype",
]  # fmt: skip


class dtype:
    """An ember data type.

    ``dtype(obj)`` returns the canonical singleton for the dtype-like ``obj``; ember dtypes
    are therefore compared by identity internally, and ``==`` also accepts anything
    dtype-like on the other side.

    Parameters
    ----------
    obj : dtype-like, optional
        An ember dtype; a string (``"float32"``, ``"f4"``, ``"int"``, ``"bfloat16"``, ...); a
        NumPy dtype or scalar type; a torch dtype; a Python type (``bool`` -> bool,
        ``int`` -> int64, ``float``/``complex`` -> the default float/complex dtype); or
        ``None`` (the default float dtype). The strings ``"float"`` and ``"complex"`` mean
        the Python types, i.e. the current defaults.

    Attributes
    ----------
    name : str
        Canonical name, e.g. ``"float32"``.
    torch : torch.dtype
        The corresponding torch dtype.
    numpy : numpy.dtype or None
        The corresponding NumPy dtype (``None`` for bfloat16).
    itemsize : int
        Size of one element in bytes.
    bits : int
        Size of one element in bits.
    kind : str
        NumPy's kind character: ``'b'``, ``'i'``, ``'u'``, ``'f'`` or ``'c'``.

    Raises
    ------
    TypeError
        If ``obj`` is not dtype-like or names a type ember does not support.

    Examples
    --------
    >>> dtype(np.float32) is dtype(torch.float32) is dtype("f4") is float32
    True
    >>> dtype("i8"), dtype(bool), dtype(None)
    (ember.int64, ember.bool, ember.float32)
    >>> float32 == "float32", float32.itemsize, float32.torch
    (True, 4, torch.float32)
    """

    __slots__ = ("name", "torch", "numpy", "itemsize", "bits", "kind")

    name: str
    torch: torch.dtype
    numpy: np.dtype | None
    itemsize: int
    bits: int
    kind: str

    def __new__(cls, obj: Any = None) -> dtype:
        if obj.__class__ is dtype:
            return obj
        try:
            return _LOOKUP[obj]
        except (KeyError, TypeError):
            pass
        if obj is None or obj is float:
            return _DEFAULTS["float"]
        if obj is complex:
            return _DEFAULTS["complex"]
        if obj.__class__ is str and obj in _DEFAULTS:  # "float", "complex": the Python types
            return _DEFAULTS[obj]
        return _slow_lookup(obj)

    @classmethod
    def _make(cls, name: str, tdt: torch.dtype, npdt: str | None, kind: str) -> dtype:
        self = object.__new__(cls)
        itemsize = torch.empty((), dtype=tdt).element_size()
        values = (name, tdt, None if npdt is None else np.dtype(npdt), itemsize, 8 * itemsize, kind)
        for slot, value in zip(cls.__slots__, values, strict=True):
            object.__setattr__(self, slot, value)
        return self

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"ember dtype objects are immutable (cannot set {key!r})")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"ember dtype objects are immutable (cannot delete {key!r})")

    def __repr__(self) -> str:
        return f"ember.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if other is None or other.__class__ is dtype:
            return False
        try:
            return dtype(other) is self
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (dtype, (self.name,))

    def __copy__(self) -> dtype:
        return self

    def __deepcopy__(self, memo: dict) -> dtype:
        return self


# name, torch dtype, numpy name, kind -- in promotion order within each kind
bool_ = dtype._make("bool", torch.bool, "bool", "b")
int8 = dtype._make("int8", torch.int8, "int8", "i")
uint8 = dtype._make("uint8", torch.uint8, "uint8", "u")
int16 = dtype._make("int16", torch.int16, "int16", "i")
int32 = dtype._make("int32", torch.int32, "int32", "i")
int64 = dtype._make("int64", torch.int64, "int64", "i")
float16 = dtype._make("float16", torch.float16, "float16", "f")
bfloat16 = dtype._make("bfloat16", torch.bfloat16, None, "f")
float32 = dtype._make("float32", torch.float32, "float32", "f")
float64 = dtype._make("float64", torch.float64, "float64", "f")
complex64 = dtype._make("complex64", torch.complex64, "complex64", "c")
complex128 = dtype._make("complex128", torch.complex128, "complex128", "c")

_ALL: tuple[dtype, ...] = (
    bool_, int8, uint8, int16, int32, int64,
    float16, bfloat16, float32, float64, complex64, complex128,
)  # fmt: skip
_SUPPORTED = ", ".join(d.name for d in _ALL)

_FROM_TORCH: dict[torch.dtype, dtype] = {d.torch: d for d in _ALL}
# (kind, itemsize) -> dtype, for NumPy dtypes in any spelling or byte order
_FROM_NUMPY: dict[tuple[str, int], dtype] = {
    (d.numpy.kind, d.numpy.itemsize): d for d in _ALL if d.numpy is not None
}
_LOOKUP: dict[Any, dtype] = {**_FROM_TORCH, bool: bool_, int: int64}
for _d in _ALL:
    _LOOKUP[_d.name] = _d
    if _d.numpy is not None:
        _LOOKUP[_d.numpy.type] = _d
        _LOOKUP[_d.numpy.str[1:]] = _d  # "f4", "i8", "b1", ...
        _LOOKUP[_d.numpy.char] = _d  # "f", "q", "?", ...
_LOOKUP.update({"int": int64, "l": int64, "q": int64})

_DEFAULTS: dict[str, dtype] = {"float": float32, "complex": complex64}


def _unsupported(shown: str) -> TypeError:
    return TypeError(f"data type {shown!r} is not supported by ember (supported: {_SUPPORTED})")


def _slow_lookup(obj: Any) -> dtype:
    """Resolve the dtype-likes the lookup table does not hold (NumPy dtypes, aliases)."""
    is_str = isinstance(obj, str)
    if (
        is_str
        or isinstance(obj, np.dtype)
        or (isinstance(obj, type) and issubclass(obj, np.generic))
    ):
        try:
            npdt = np.dtype(obj)
        except (TypeError, ValueError, SyntaxError):  # unknown strings, abstract NumPy types
            raise _unsupported(obj if is_str else getattr(obj, "__name__", str(obj))) from None
        result = _FROM_NUMPY.get((npdt.kind, npdt.itemsize))
        if result is None or npdt.fields is not None or npdt.subdtype is not None:
            raise _unsupported(obj if is_str else npdt.name)
        if is_str:
            _LOOKUP[obj] = result  # cache the alias ("<f4", "double", ...)
        return result
    if isinstance(obj, type):
        raise _unsupported(obj.__name__)
    raise _unsupported(str(obj) if isinstance(obj, torch.dtype) else repr(obj))


def from_torch(torch_dtype: torch.dtype) -> dtype:
    """Return the ember dtype of a torch dtype (a dict lookup, for hot paths).

    Examples
    --------
    >>> from_torch(torch.bfloat16)
    ember.bfloat16
    """
    try:
        return _FROM_TORCH[torch_dtype]
    except KeyError:
        raise _unsupported(str(torch_dtype)) from None


def to_torch(dtype_like: Any) -> torch.dtype:
    """Return the torch dtype of a dtype-like.

    Examples
    --------
    >>> to_torch("int16"), to_torch(np.complex64)
    (torch.int16, torch.complex64)
    """
    if dtype_like.__class__ is dtype:
        return dtype_like.torch
    return dtype(dtype_like).torch


# ----------------------------------------------------------------------------- defaults


def get_default_dtype() -> dtype:
    """Return the default floating-point dtype (float32 unless changed).

    Examples
    --------
    >>> get_default_dtype()
    ember.float32
    """
    return _DEFAULTS["float"]


def set_default_dtype(dtype_like: Any) -> None:
    """Set the default floating-point dtype to float32 or float64.

    The default complex dtype follows it (complex64 or complex128). Only ember's own
    default is changed, not ``torch.get_default_dtype()``.

    Raises
    ------
    ValueError
        If ``dtype_like`` is not float32 or float64.

    Examples
    --------
    >>> set_default_dtype("float64"); default_complex_dtype()
    ember.complex128
    >>> set_default_dtype(float32)
    """
    try:
        d = dtype(dtype_like)
    except TypeError:
        d = None
    if d is not float32 and d is not float64:
        raise ValueError(f"default dtype must be float32 or float64, got {dtype_like!r}")
    _DEFAULTS["float"] = d
    _DEFAULTS["complex"] = complex64 if d is float32 else complex128


def default_complex_dtype() -> dtype:
    """Return the default complex dtype (complex64, or complex128 with a float64 default).

    Examples
    --------
    >>> default_complex_dtype()
    ember.complex64
    """
    return _DEFAULTS["complex"]


def default_int_dtype() -> dtype:
    """Return the default integer dtype, int64.

    Examples
    --------
    >>> default_int_dtype()
    ember.int64
    """
    return int64


def default_index_dtype() -> dtype:
    """Return the dtype used for indices, int64.

    Examples
    --------
    >>> default_index_dtype()
    ember.int64
    """
    return int64


# ---------------------------------------------------------------------------- promotion

_INTS = (int8, uint8, int16, int32, int64)
_FLOATS = (float16, bfloat16, float32, float64)  # candidates, smallest first
# (significand bits incl. the implicit one, exponent bits) of the floating types
_FLOAT_FORMAT = {float16: (11, 5), bfloat16: (8, 8), float32: (24, 8), float64: (53, 11)}
_REAL = {complex64: float32, complex128: float64}
_COMPLEX_OF = {float16: complex64, bfloat16: complex64, float32: complex64, float64: complex128}


def _contains(big: dtype, small: dtype) -> bool:
    """Whether floating type ``big`` represents every value of floating type ``small``."""
    (m1, e1), (m2, e2) = _FLOAT_FORMAT[big], _FLOAT_FORMAT[small]
    return m1 >= m2 and e1 >= e2


def _value_bits(d: dtype) -> int:
    return d.bits - (d.kind == "i")


def _promote_rule(a: dtype, b: dtype) -> dtype:
    """The promotion rules; evaluated once per pair to fill ``_PROMOTE``."""
    if a is bool_:
        return b
    if b is bool_:
        return a
    if a.kind == "c" or b.kind == "c":
        ra = _REAL.get(a, a)
        rb = _REAL.get(b, b)
        return _COMPLEX_OF[_promote_rule(ra, rb)]
    if a.kind in "iu" and b.kind in "iu":
        if a.kind == b.kind:
            return a if a.bits >= b.bits else b
        u, s = (a, b) if a.kind == "u" else (b, a)
        for cand in _INTS:  # smallest signed integer holding both
            if cand.kind == "i" and cand.bits > u.bits and cand.bits >= s.bits:
                return cand
        return float64  # pragma: no cover - only for uint64, which ember lacks
    if a.kind == "f" and b.kind == "f":
        return next(c for c in _FLOATS if _contains(c, a) and _contains(c, b))
    f, i = (a, b) if a.kind == "f" else (b, a)
    # smallest float containing f that represents every value of the integer i exactly
    for cand in _FLOATS:
        if _contains(cand, f) and _FLOAT_FORMAT[cand][0] >= _value_bits(i):
            return cand
    return float64


_PROMOTE: dict[tuple[dtype, dtype], dtype] = {
    (a, b): _promote_rule(a, b) for a in _ALL for b in _ALL
}


def promote_types(type1: Any, type2: Any) -> dtype:
    """Return the smallest dtype to which both dtype-likes can be safely cast.

    NumPy 2 rules (identical to ``numpy.promote_types`` on NumPy's types); bfloat16
    promotes with float16 to float32 and holds int8/uint8 exactly.

    Examples
    --------
    >>> promote_types(int32, float32), promote_types("u1", "i1"), promote_types(int8, bfloat16)
    (ember.float64, ember.int16, ember.bfloat16)
    """
    try:
        return _PROMOTE[type1, type2]
    except (KeyError, TypeError):
        return _PROMOTE[dtype(type1), dtype(type2)]


def result_type(*arrays_and_dtypes: Any) -> dtype:
    """Return the dtype of an operation on the given arrays, dtypes and Python scalars.

    Arrays (objects with a ``.dtype``) and dtype-likes are promoted with
    :func:`promote_types`; Python ``bool``/``int``/``float``/``complex`` scalars are "weak"
    (NEP 50): they only raise the *kind* of the result. Where a Python float (complex)
    meets only integers and bools, the result is ember's default float (complex) dtype.

    Raises
    ------
    ValueError
        If no arguments are given.

    Examples
    --------
    >>> result_type(int8, 1), result_type(float16, 1.0), result_type(float64, 1j)
    (ember.int8, ember.float16, ember.complex128)
    >>> result_type(int32, 1.0), result_type(1, 2.0)
    (ember.float32, ember.float32)
    """
    if not arrays_and_dtypes:
        raise ValueError("at least one array or dtype is required")
    strong: dtype | None = None
    weak = -1
    for x in arrays_and_dtypes:
        cls = x.__class__
        if cls is dtype:
            d = x
        elif isinstance(x, str | type | np.dtype | torch.dtype) or x is None:
            d = dtype(x)
        elif hasattr(x, "dtype"):
            d = dtype(x.dtype)
        elif isinstance(x, int | float | complex):  # weak Python scalar (bool is an int)
            order = (
                0 if isinstance(x, bool) else 1 if isinstance(x, int) else
                2 if isinstance(x, float) else 3
            )  # fmt: skip
            weak = max(weak, order)
            continue
        else:
            d = dtype(x)
        strong = d if strong is None else _PROMOTE[strong, d]
    if weak <= 0:  # a weak bool never changes the result
        return bool_ if strong is None else strong
    if strong is None:
        return (int64, _DEFAULTS["float"], _DEFAULTS["complex"])[weak - 1]
    kind = strong.kind
    if kind == "c":
        return strong
    if weak == 3:
        return _COMPLEX_OF[strong] if kind == "f" else _DEFAULTS["complex"]
    if kind == "f":
        return strong
    if weak == 2:
        return _DEFAULTS["float"]
    return int64 if kind == "b" else strong


def _dtype_of(x: Any) -> dtype:
    """Normalise a dtype-like or an object with a ``.dtype`` to an ember dtype."""
    if x.__class__ is dtype:
        return x
    if not isinstance(x, str | type | np.dtype | torch.dtype) and hasattr(x, "dtype"):
        return dtype(x.dtype)
    return dtype(x)


_KIND_ORDER = {"b": 0, "u": 1, "i": 2, "f": 3, "c": 4}
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    """Return whether a cast from ``from_`` to ``to`` is allowed under ``casting``.

    Parameters
    ----------
    from_ : dtype-like or array
        Source dtype, or an object with a ``.dtype``.
    to : dtype-like
        Target dtype.
    casting : {"no", "equiv", "safe", "same_kind", "unsafe"}
        As in NumPy: "no"/"equiv" require the same dtype, "safe" a value-preserving cast,
        "same_kind" additionally allows casts to the same or a higher kind
        (bool < unsigned < signed < floating < complex).

    Examples
    --------
    >>> can_cast(int32, float64), can_cast(float64, float32)
    (True, False)
    >>> can_cast(float64, float32, "same_kind"), can_cast(int8, uint8, "same_kind")
    (True, False)
    """
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {_CASTINGS}, got {casting!r}")
    src, dst = _dtype_of(from_), dtype(to)
    if casting == "unsafe" or src is dst:
        return True
    if casting in ("no", "equiv"):
        return False
    if _PROMOTE[src, dst] is dst:
        return True
    return casting == "same_kind" and _KIND_ORDER[src.kind] <= _KIND_ORDER[dst.kind]


# ------------------------------------------------------------------------------- limits


@dataclass(frozen=True, slots=True)
class FInfo:
    """Machine limits of a floating-point type, as returned by :func:`finfo`."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    smallest_subnormal: float
    resolution: float
    precision: int
    dtype: dtype

    @property
    def tiny(self) -> float:
        """Alias of ``smallest_normal``."""
        return self.smallest_normal


@dataclass(frozen=True, slots=True)
class IInfo:
    """Machine limits of an integer type, as returned by :func:`iinfo`."""

    bits: int
    max: int
    min: int
    dtype: dtype


_FINFO: dict[dtype, FInfo] = {}
_IINFO: dict[dtype, IInfo] = {}


def finfo(type: Any) -> FInfo:
    """Return the machine limits of a floating-point or complex dtype.

    For complex types the limits describe the real part, and ``.dtype`` is the real
    floating dtype, as in NumPy. Values equal ``numpy.finfo``'s, as Python numbers.

    Parameters
    ----------
    type : dtype-like or array
        A floating or complex dtype, or an object with a ``.dtype``.

    Raises
    ------
    ValueError
        If the dtype is not floating or complex.

    Examples
    --------
    >>> fi = finfo(float32)
    >>> fi.bits, fi.eps, fi.precision, fi.dtype
    (32, 1.1920928955078125e-07, 6, ember.float32)
    >>> finfo(complex128).dtype
    ember.float64
    """
    d = _dtype_of(type)
    if d in _FINFO:
        return _FINFO[d]
    if d.kind not in "fc":
        raise ValueError(f"data type '{d.name}' not inexact")
    real = _REAL.get(d, d)
    t = torch.finfo(real.torch)
    precision = int(-math.log10(t.eps))
    # NumPy stores the resolution as a value of the type itself: round it the same way
    resolution = float(torch.tensor(10.0**-precision, dtype=real.torch).item())
    eps, normal = float(t.eps), float(t.smallest_normal)  # normal * eps: exact, powers of 2
    limits = (float(t.max), float(t.min), normal, normal * eps, resolution, precision, real)
    info = FInfo(t.bits, eps, *limits)
    _FINFO[d] = info
    return info


def iinfo(type: Any) -> IInfo:
    """Return the machine limits of an integer dtype.

    Parameters
    ----------
    type : dtype-like or array
        An integer dtype, or an object with a ``.dtype``.

    Raises
    ------
    ValueError
        If the dtype is not an integer type (bool included, as NumPy).

    Examples
    --------
    >>> ii = iinfo("int16")
    >>> ii.bits, ii.min, ii.max
    (16, -32768, 32767)
    """
    d = _dtype_of(type)
    if d in _IINFO:
        return _IINFO[d]
    if d.kind not in "iu":
        raise ValueError(f"data type '{d.name}' is not an integer type")
    t = torch.iinfo(d.torch)
    info = IInfo(bits=t.bits, max=int(t.max), min=int(t.min), dtype=d)
    _IINFO[d] = info
    return info


# --------------------------------------------------------------------------- categories


class DTypeCategory:
    """An abstract dtype category (like ``numpy.floating``) for :func:`issubdtype`.

    Examples
    --------
    >>> floating
    ember.floating
    >>> bfloat16 in floating, int8 in floating
    (True, False)
    """

    __slots__ = ("name", "members")

    def __init__(self, name: str, members: frozenset[dtype]) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "members", frozenset(members))

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"ember dtype categories are immutable (cannot set {key!r})")

    def __contains__(self, item: Any) -> bool:
        try:
            return dtype(item) in self.members
        except TypeError:
            return False

    def __repr__(self) -> str:
        return f"ember.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_category, (self.name,))


def _cat(name: str, *kinds: str) -> DTypeCategory:
    return DTypeCategory(name, frozenset(d for d in _ALL if d.kind in kinds))


generic = _cat("generic", "b", "i", "u", "f", "c")
number = _cat("number", "i", "u", "f", "c")
integer = _cat("integer", "i", "u")
signedinteger = _cat("signedinteger", "i")
unsignedinteger = _cat("unsignedinteger", "u")
inexact = _cat("inexact", "f", "c")
floating = _cat("floating", "f")
complexfloating = _cat("complexfloating", "c")

_CATEGORIES = {
    c.name: c
    for c in (generic, number, integer, signedinteger, unsignedinteger, inexact, floating,
              complexfloating)
}  # fmt: skip
# NumPy's abstract scalar types -> categories (np.flexible / np.character hold no ember type)
_NUMPY_ABSTRACT: dict[type, DTypeCategory] = {getattr(np, n): c for n, c in _CATEGORIES.items()}
_NUMPY_ABSTRACT[np.flexible] = DTypeCategory("flexible", frozenset())
_NUMPY_ABSTRACT[np.character] = DTypeCategory("character", frozenset())


def _category(name: str) -> DTypeCategory:
    return _CATEGORIES[name]


def _as_category_or_dtype(obj: Any) -> DTypeCategory | dtype:
    if obj.__class__ is DTypeCategory or obj.__class__ is dtype:
        return obj
    try:
        return _NUMPY_ABSTRACT[obj]
    except (KeyError, TypeError):
        return dtype(obj)


def issubdtype(arg1: Any, arg2: Any) -> bool:
    """Return whether ``arg1`` is ``arg2`` or lies in the category ``arg2``.

    Parameters
    ----------
    arg1 : dtype-like or DTypeCategory
    arg2 : dtype-like or DTypeCategory
        NumPy's abstract types (``np.floating``, ``np.integer``, ...) are accepted too.

    Examples
    --------
    >>> issubdtype(float32, floating), issubdtype(bfloat16, np.inexact)
    (True, True)
    >>> issubdtype(bool_, number), issubdtype(integer, number), issubdtype(int8, int16)
    (False, True, False)
    """
    a, b = _as_category_or_dtype(arg1), _as_category_or_dtype(arg2)
    if b.__class__ is dtype:
        return a is b
    if a.__class__ is dtype:
        return a in b.members
    na, nb = getattr(np, a.name, None), getattr(np, b.name, None)
    if isinstance(na, type) and isinstance(nb, type):  # follow NumPy's class hierarchy
        return issubclass(na, nb)
    return a.members <= b.members


_ISDTYPE_KINDS: dict[str, frozenset[dtype]] = {
    "bool": frozenset({bool_}),
    "signed integer": signedinteger.members,
    "unsigned integer": unsignedinteger.members,
    "integral": integer.members,
    "real floating": floating.members,
    "complex floating": complexfloating.members,
    "numeric": number.members,
}


def _isdtype_one(d: dtype, kind: Any) -> bool:
    if kind.__class__ is str:
        try:
            return d in _ISDTYPE_KINDS[kind]
        except KeyError:
            raise ValueError(
                f"unknown dtype kind {kind!r}; expected a dtype or one of {tuple(_ISDTYPE_KINDS)}"
            ) from None
    if kind.__class__ is tuple:
        raise TypeError("isdtype: kind tuples may not be nested")
    return dtype(kind) is d


def isdtype(dtype: Any, kind: Any) -> bool:
    """Return whether ``dtype`` is of the given kind (array API standard ``isdtype``).

    Parameters
    ----------
    dtype : dtype-like
        The dtype to test.
    kind : dtype-like, str or tuple
        A dtype; one of ``'bool'``, ``'signed integer'``, ``'unsigned integer'``,
        ``'integral'``, ``'real floating'``, ``'complex floating'``, ``'numeric'``; or a tuple
        of those (true if any matches).

    Raises
    ------
    TypeError
        If ``dtype`` is not dtype-like.
    ValueError
        If ``kind`` is an unknown string.

    Examples
    --------
    >>> isdtype(int8, "integral"), isdtype(float32, ("bool", "complex floating"))
    (True, False)
    >>> isdtype(bfloat16, "real floating"), isdtype(uint8, uint8)
    (True, True)
    """
    d = _DTYPE_CLS(dtype)
    if kind.__class__ is tuple:
        return any(_isdtype_one(d, k) for k in kind)
    return _isdtype_one(d, kind)


_DTYPE_CLS = dtype
