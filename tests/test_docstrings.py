"""Every docstring example runs and shows what it says, on every rank."""

import doctest
import importlib
import pkgutil

import pytest

import ember

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(ember.__path__, prefix="ember.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
