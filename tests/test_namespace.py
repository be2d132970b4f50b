"""The top-level namespace: version, names, array API inspection."""

import numpy as np
import pytest

import ember as em
from ember.testing import assert_array_equal


def test_version_is_a_string():
    assert isinstance(em.__version__, str) and em.__version__


def test_array_api_version():
    assert em.__array_api_version__ == "2024.12"


@pytest.mark.parametrize("name", ["bool", "int8", "uint8", "int16", "int32", "int64", "float16",
                                  "bfloat16", "float32", "float64", "complex64", "complex128"])
def test_dtype_names_are_exported(name):
    assert isinstance(getattr(em, name), em.dtype)
    assert getattr(em, name).name == name


def test_namespace_of_an_array_is_ember():
    assert em.arange(3, split=0).__array_namespace__() is em
    with pytest.raises(ValueError):
        em.arange(3).__array_namespace__(api_version="1999.01")


def test_namespace_info_defaults():
    info = em.__array_namespace_info__()
    defaults = info.default_dtypes()
    assert defaults == {"real floating": em.float32, "complex floating": em.complex64,
                        "integral": em.int64, "indexing": em.int64}
    em.set_default_dtype(em.float64)
    assert info.default_dtypes()["real floating"] == em.float64
    assert info.default_dtypes()["complex floating"] == em.complex128
    assert info.default_device() == em.cpu
    assert em.cpu in info.devices()


def test_namespace_info_capabilities_are_honest():
    caps = em.__array_namespace_info__().capabilities()
    assert caps["boolean indexing"] is True
    assert caps["data-dependent shapes"] is True
    x = em.arange(5, split=0)
    assert x[x > 1].tolist() == [2, 3, 4]  # boolean indexing
    assert em.unique(em.array([3, 1, 3], split=0)).tolist() == [1, 3]  # data-dependent


@pytest.mark.parametrize("kind", [None, "bool", "signed integer", "unsigned integer", "integral",
                                  "real floating", "complex floating", "numeric",
                                  ("bool", "real floating")])
def test_namespace_info_dtypes_by_kind(kind):
    found = em.__array_namespace_info__().dtypes(kind=kind)
    standard = {"bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64",
                "complex64", "complex128"}
    assert set(found) <= standard
    for name, dtype in found.items():
        assert dtype.name == name
        if kind is not None:
            assert em.isdtype(dtype, kind)
    if kind is None:
        assert set(found) == standard


def test_namespace_info_dtypes_rejects_unknown_kind():
    with pytest.raises(ValueError):
        em.__array_namespace_info__().dtypes(kind="strings")


@pytest.mark.parametrize("split", [None, 0, 1])
def test_astype_function(split):
    x = em.array(np.arange(6).reshape(2, 3), split=split)
    y = em.astype(x, em.float64)
    assert_array_equal(y, np.arange(6.0).reshape(2, 3), split=split)
    assert em.astype(x, em.int64, copy=False) is x
    with pytest.raises(TypeError):
        em.astype(np.arange(3), em.float32)


def test_isdtype_and_finfo_at_top_level():
    assert em.isdtype(em.float32, "real floating")
    assert em.finfo(em.float32).eps == np.finfo(np.float32).eps
    assert em.iinfo(em.int16).max == np.iinfo(np.int16).max
    assert em.result_type(em.int8, em.uint8) == em.int16
