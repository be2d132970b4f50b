"""The estimator scaffolding: BaseEstimator, parameter validation and input checks."""

import numbers
import warnings

import numpy as np
import pytest
import torch

import ember as em
from ember.base import BaseEstimator
from ember.testing import assert_array_equal, assert_invariants
from ember.utils import (
    Interval,
    InvalidParameterError,
    NotFittedError,
    Options,
    StrOptions,
    as_samples,
    as_targets,
    check_is_fitted,
    check_n_features,
    like_input,
    seed_from,
)
from ember.utils._param_validation import validate_parameters


class Toy(BaseEstimator):
    _parameter_constraints = {
        "n": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [StrOptions({"a", "b"})],
        "tol": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "p": [Options(numbers.Real, {1, 2})],
        "flag": ["boolean"],
        "init": ["array-like"],
    }

    def __init__(self, n=3, *, metric="a", tol=None, p=2, flag=False, init=(1, 2)):
        self.n = n
        self.metric = metric
        self.tol = tol
        self.p = p
        self.flag = flag
        self.init = init


def test_get_set_params_and_repr():
    toy = Toy(n=5)
    assert toy.get_params() == {"flag": False, "init": (1, 2), "metric": "a", "n": 5,
                                "p": 2, "tol": None}
    assert repr(toy) == "Toy(n=5)"
    assert toy.set_params(metric="b", tol=0.5) is toy
    assert (toy.metric, toy.tol) == ("b", 0.5)
    with pytest.raises(ValueError, match="Invalid parameter 'm'"):
        toy.set_params(m=1)


def test_nested_params():
    class Outer(BaseEstimator):
        def __init__(self, inner=None):
            self.inner = inner

    outer = Outer(inner=Toy())
    assert outer.get_params()["inner__n"] == 3
    outer.set_params(inner__n=7)
    assert outer.inner.n == 7


@pytest.mark.parametrize("params, message", [
    ({"n": 0}, "The 'n' parameter of Toy must be an int in the range [1, inf). Got 0 instead."),
    ({"n": 2.0}, "The 'n' parameter of Toy must be an int"),
    ({"n": True}, "The 'n' parameter of Toy must be an int"),
    ({"metric": "c"}, "The 'metric' parameter of Toy must be a str among {'a', 'b'}"),
    ({"tol": 1.0}, "must be a float in the range (0, 1) or None. Got 1.0"),
    ({"tol": float("nan")}, "tol"),
    ({"p": 3}, "The 'p' parameter of Toy must be one of {1, 2}"),
    ({"flag": 1}, "an instance of 'bool'"),
    ({"init": "x"}, "The 'init' parameter of Toy must be an array-like"),
])
def test_validate_parameters(params, message):
    validate_parameters(Toy())
    with pytest.raises(InvalidParameterError) as info:
        validate_parameters(Toy(**params))
    assert message in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_as_samples_from_every_kind_of_input(comm):
    data = np.arange(14, dtype=np.float32).reshape(7, 2)
    for given, replicated in [(data, True), (data.tolist(), True),
                              (em.array(data), True), (em.array(data, split=0), False),
                              (em.array(data, split=1), False)]:
        X, was_replicated = as_samples(given, "demo")
        assert was_replicated is replicated
        assert X.split == 0
        assert_invariants(X)
        assert_array_equal(X, data.astype(np.float64 if isinstance(given, list) else np.float32))


@pytest.mark.parametrize("dtype, expected", [(np.int32, em.float64), (np.bool_, em.float64),
                                             (np.float16, em.float64),
                                             (np.float32, em.float32),
                                             (np.float64, em.float64)])
def test_as_samples_dtypes(dtype, expected):
    X, _ = as_samples(np.ones((4, 2), dtype=dtype), "demo")
    assert X.dtype == expected


def test_as_samples_errors_on_every_rank(comm):
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        as_samples(np.ones(3), "demo")
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\) \(shape=\(0, 2\)\) "
                                         "while a minimum of 1 is required by Toy"):
        as_samples(np.ones((0, 2)), Toy())
    with pytest.raises(ValueError, match="minimum of 3 is required"):
        as_samples(np.ones((2, 2)), "demo", min_samples=3)
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        as_samples(np.ones((2, 0)), "demo")
    with pytest.raises(ValueError, match="Complex data not supported"):
        as_samples(np.ones((2, 2), dtype=complex), "demo")
    with pytest.raises(TypeError, match="not supported"):
        as_samples(np.array([["a", "b"]]), "demo")


def test_non_finite_value_on_one_rank_raises_everywhere(comm):
    data = np.ones((3 * comm.size + 1, 2))
    data[-1, 1] = np.nan  # lives on the last rank only
    with pytest.raises(ValueError, match="Input X contains NaN."):
        as_samples(em.array(data, split=0), "demo")
    data[-1, 1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        as_samples(em.array(data, split=0), "demo")
    X, _ = as_samples(em.array(data, split=0), "demo", allow_nan=True)
    assert X.shape == data.shape


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_values_whose_sum_overflows_are_accepted(comm, dtype):
    big = np.finfo(dtype).max / 2
    data = np.full((4 * comm.size + 1, 2), big, dtype=dtype)
    data[0, 0] = -big
    X, _ = as_samples(em.array(data, split=0), "demo")
    assert X.shape == data.shape
    data[1, 1] = -np.inf  # with +big elsewhere: the sum may be inf or NaN
    with pytest.raises(ValueError, match="Input X contains infinity"):
        as_samples(em.array(data, split=0), "demo")


def test_as_targets_follow_the_samples(comm):
    data = np.arange(20.0).reshape(10, 2)
    counts = [10] + [0] * (comm.size - 1)
    X = em.array(data, split=0).redistribute(counts[::-1])
    for y in [np.arange(10), em.arange(10), em.arange(10, split=0)]:
        targets = as_targets(y, X, "demo")
        assert targets.counts == X.counts
        assert_invariants(targets)
        assert_array_equal(targets, np.arange(10))
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[10, 9\]"):
        as_targets(np.arange(9), X, "demo")
    with pytest.raises(ValueError, match="Input y contains NaN"):
        as_targets(np.full(10, np.nan), X, "demo")


def test_like_input(comm):
    result = em.arange(5, split=0)
    assert like_input(result, False) is result
    back = like_input(result, True)
    assert back.split is None
    assert_array_equal(back, np.arange(5))


def test_fitted_checks():
    toy = Toy()
    with pytest.raises(NotFittedError, match="This Toy instance is not fitted yet"):
        check_is_fitted(toy)
    X, _ = as_samples(np.ones((3, 4)), toy)
    check_n_features(toy, X, reset=True)
    check_is_fitted(toy)
    assert toy.n_features_in_ == 4
    X2, _ = as_samples(np.ones((3, 2)), toy)
    with pytest.raises(ValueError, match="X has 2 features, but Toy is expecting 4 features"):
        check_n_features(toy, X2, reset=False)


def test_seed_from_is_the_same_on_every_rank(comm):
    seeds = comm.allgather_object(seed_from(None, comm))
    assert len(set(seeds)) == 1
    assert seed_from(5, comm) == 5
    assert seed_from(np.random.default_rng(3), comm) == seed_from(np.random.default_rng(3), comm)
    with pytest.raises(ValueError):
        seed_from(-1, comm)
    with pytest.raises(ValueError):
        seed_from("x", comm)


def test_no_warning_from_scaffolding():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        as_samples(torch.ones(2, 2).numpy(), "demo")
