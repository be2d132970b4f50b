"""Every docstring example runs and shows what it says, on every rank."""

import doctest
import importlib
import pkgutil

import pytest

import ember
from ember.core.ufunc import Ufunc

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(ember.__path__, prefix="ember.")
)


def _ufunc_tests(module) -> list[doctest.DocTest]:
    """Doctests of the module's Ufunc objects (testmod only collects functions/classes)."""
    finder = doctest.DocTestFinder()
    tests = []
    for name, value in vars(module).items():
        if isinstance(value, Ufunc) and value.name == name:
            tests += finder.find(value, f"{module.__name__}.{name}", module=module,
                                 globs=dict(vars(module)))
    return tests


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    runner = doctest.DocTestRunner(optionflags=flags, verbose=False)
    for test in _ufunc_tests(module):
        runner.run(test)
    failed = result.failed + runner.summarize(verbose=False).failed
    assert failed == 0, f"{failed} docstring example(s) failed in {name}"
