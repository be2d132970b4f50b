"""Methods that exist only in some configurations of an estimator (scikit-learn's
``available_if``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from types import MethodType
from typing import Any

__all__ = ["available_if"]


class _AvailableIf:
    """A method that exists only where ``check(obj)`` passes; otherwise reading it
    raises ``AttributeError("This 'Cls' has no attribute 'name'")`` caused by the
    check's own AttributeError (so ``hasattr`` is False)."""

    def __init__(self, fn: Callable, check: Callable[[Any], None]) -> None:
        self.fn, self.check = fn, check
        update_wrapper(self, fn)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.fn
        try:
            self.check(obj)
        except AttributeError as error:
            raise AttributeError(f"This {type(obj).__name__!r} has no attribute "
                                 f"{self.fn.__name__!r}") from error
        return MethodType(self.fn, obj)


def available_if(check: Callable[[Any], None]) -> Callable[[Callable], _AvailableIf]:
    """Decorate a method so that it exists only when ``check(estimator)`` does not
    raise AttributeError (whose message then explains why it is missing).

    Examples
    --------
    >>> def only_if_novelty(estimator):
    ...     if not estimator.novelty:
    ...         raise AttributeError("predict needs novelty=True")
    >>> class Detector:
    ...     novelty = False
    ...     @available_if(only_if_novelty)
    ...     def predict(self):
    ...         return 1
    >>> hasattr(Detector(), "predict")
    False
    """
    return lambda fn: _AvailableIf(fn, check)
