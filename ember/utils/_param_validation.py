"""Declarative validation of estimator hyper-parameters (scikit-learn's convention).

Each estimator class lists, in ``_parameter_constraints``, what each of its
``__init__`` parameters may be; :func:`validate_parameters` checks them all at the start
of ``fit``. The checks use only the replicated hyper-parameters, so every rank raises
the same :class:`InvalidParameterError` before any communication.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["InvalidParameterError", "Interval", "StrOptions", "Options", "validate_parameters"]


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter has a wrong type or value (a ValueError and a TypeError, as in
    scikit-learn)."""


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` (``numbers.Integral`` or ``numbers.Real``) in an interval.

    ``closed`` is ``"left"``, ``"right"``, ``"both"`` or ``"neither"``; ``None`` bounds
    are infinite.
    """

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        if isinstance(value, float) and math.isnan(value):
            return False
        left_ok = (self.left is None or value > self.left
                   or (value == self.left and self.closed in ("left", "both")))
        right_ok = (self.right is None or value < self.right
                    or (value == self.right and self.closed in ("right", "both")))
        return left_ok and right_ok

    def __str__(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        opening = "[" if self.closed in ("left", "both") and self.left is not None else "("
        closing = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {opening}{left}, {right}{closing}"


@dataclass(frozen=True)
class StrOptions:
    """One of a set of strings."""

    options: frozenset[str]

    def __init__(self, options: Iterable[str]) -> None:
        object.__setattr__(self, "options", frozenset(options))

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.options

    def __str__(self) -> str:
        return "a str among " + "{" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


@dataclass(frozen=True)
class Options:
    """Values of ``kind`` in a set (e.g. ``Options(numbers.Real, {math.inf})``)."""

    kind: type
    options: frozenset

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.kind) and value in self.options

    def __str__(self) -> str:
        return "one of " + "{" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


def _accepts(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value is None
    if constraint == "boolean":
        return isinstance(value, bool)
    if constraint == "callable":
        return callable(value)
    if constraint == "array-like":
        return not isinstance(value, str) and (hasattr(value, "__len__")
                                               or hasattr(value, "shape"))
    if constraint == "random_state":
        return value is None or (isinstance(value, numbers.Integral)
                                 and not isinstance(value, bool)) or hasattr(value, "random")
    if isinstance(constraint, type):
        return isinstance(value, constraint) and not (constraint is not bool
                                                      and isinstance(value, bool))
    return constraint.accepts(value)


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if isinstance(constraint, str):
        return {"boolean": "an instance of 'bool'", "callable": "a callable",
                "array-like": "an array-like",
                "random_state": "an int, a Generator or None"}[constraint]
    if isinstance(constraint, type):
        name = {numbers.Integral: "int", numbers.Real: "float"}.get(constraint,
                                                                     constraint.__name__)
        return f"an instance of {name!r}"
    return str(constraint)


def validate_parameters(estimator: Any) -> None:
    """Check every parameter of ``estimator`` named in its ``_parameter_constraints``.

    Raises
    ------
    InvalidParameterError
        With scikit-learn's message: "The 'n_neighbors' parameter of NearestNeighbors
        must be an int in the range [1, inf). Got 0 instead."
    """
    constraints = type(estimator)._parameter_constraints
    for name, allowed in constraints.items():
        value = getattr(estimator, name)
        if any(_accepts(constraint, value) for constraint in allowed):
            continue
        described = [_describe(c) for c in allowed]
        options = (described[0] if len(described) == 1
                   else ", ".join(described[:-1]) + " or " + described[-1])
        raise InvalidParameterError(
            f"The {name!r} parameter of {type(estimator).__name__} must be {options}. "
            f"Got {value!r} instead.")
