"""accuracy_score and r2_score against sklearn.metrics, for every distribution."""

import warnings

import numpy as np
import pytest
from sklearn import metrics as sk

import ember as em
from ember.core.distribution import balanced_counts
from ember.metrics import accuracy_score, r2_score
from ember.utils import InvalidParameterError


def _uneven(n, size):
    """Counts with an empty first rank (when there are several ranks)."""
    if size == 1:
        return (n,)
    return (0, *balanced_counts(n, size - 1))


def _layouts(a, comm):
    """``a`` as: split 0 balanced, split 0 with an empty rank, replicated, NumPy, and
    split along axis 1 for 2-D arrays."""
    out = [em.array(a, split=0), em.array(a, split=0).redistribute(_uneven(len(a), comm.size)),
           em.array(a), a]
    if a.ndim == 2:
        out.append(em.array(a, split=1))
    return out


def _same_float(actual, expected, rtol=1e-12):
    assert isinstance(actual, float)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-14)


def test_accuracy_layouts_and_weights(comm, rng):
    y_true = rng.integers(0, 4, 23)
    y_pred = np.where(rng.random(23) < 0.6, y_true, rng.integers(0, 4, 23))
    weight = rng.random(23)
    pred_layouts = _layouts(y_pred, comm)
    for i, t in enumerate(_layouts(y_true, comm)):
        p = pred_layouts[(i + 1) % len(pred_layouts)]
        w = _layouts(weight, comm)[(i + 2) % 4]
        for normalize in (True, False):
            _same_float(accuracy_score(t, p, normalize=normalize),
                        sk.accuracy_score(y_true, y_pred, normalize=normalize))
            _same_float(accuracy_score(t, p, normalize=normalize, sample_weight=w),
                        sk.accuracy_score(y_true, y_pred, normalize=normalize,
                                          sample_weight=weight))


def test_accuracy_types(comm, rng):
    # float labels that are integers, bool, mixed int/float, tiny arrays
    _same_float(accuracy_score(em.array([1.0, 2.0, 3.0], split=0), [1, 2, 2]), 2 / 3)
    _same_float(accuracy_score(em.array([True, False], split=0), [1, 0]), 1.0)
    _same_float(accuracy_score(em.array([5], split=0), [5]), 1.0)
    # multilabel indicators: subset accuracy; split along samples or labels
    y_true = rng.integers(0, 2, (13, 3))
    y_pred = np.where(rng.random((13, 3)) < 0.8, y_true, 1 - y_true)
    expected = sk.accuracy_score(y_true, y_pred)
    for t in _layouts(y_true, comm):
        _same_float(accuracy_score(t, em.array(y_pred, split=0)), expected)
    # a column vector is 1-D labels
    _same_float(accuracy_score(em.array(y_true[:, :1], split=0), y_pred[:, 0]),
                sk.accuracy_score(y_true[:, :1], y_pred[:, 0]))


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([1, 2, 3], [1, 2], r"inconsistent numbers of samples: \[3, 2\]"),
    ([1, np.nan, 3], [1, 2, 3], "Input y_true contains NaN."),
    ([1, 2, 3], [1, np.inf, 3], "Input y_pred contains infinity"),
    ([1, 2.5, 3], [1, 2, 3], "mix of continuous and multiclass targets"),
    ([0, 1], [0, 2.5], "mix of binary and continuous targets"),
    ([1.5, 2.5, 3], [1.2, 2, 3], "continuous is not supported"),
    ([[0, 1], [1, 1]], [0, 1], "mix of multilabel-indicator and binary targets"),
    ([[0, 2], [1, 1]], [[0, 2], [1, 1]], "multiclass-multioutput is not supported"),
    (np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "unknown is not supported"),
    ([], [], "Found empty input array"),
])
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # sklearn's
def test_accuracy_errors(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        sk.accuracy_score(np.asarray(y_true), np.asarray(y_pred))
    with pytest.raises(ValueError, match=message):
        accuracy_score(em.array(y_true, split=0), y_pred)


def test_accuracy_weight_errors():
    with pytest.raises(ValueError, match=r"\[3, 3, 2\]"):
        accuracy_score(em.array([0, 1, 1], split=0), [0, 1, 0], sample_weight=[1, 2])
    with pytest.raises(ValueError, match="Input sample_weight contains NaN."):
        accuracy_score(em.array([0, 1], split=0), [0, 1], sample_weight=[np.nan, 1])
    with pytest.raises(ZeroDivisionError):
        accuracy_score(em.array([0, 1], split=0), [0, 1], sample_weight=[0.0, 0.0])


@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average",
                                         "variance_weighted", None, [0.2, 0.3, 0.5]])
def test_r2_multioutput(comm, rng, multioutput):
    y_true = rng.normal(size=(29, 3)) * [1.0, 10.0, 0.1] + [0.0, 100.0, -3.0]
    y_pred = y_true + rng.normal(size=(29, 3))
    weight = rng.random(29)
    pred_layouts = _layouts(y_pred, comm)
    for i, t in enumerate(_layouts(y_true, comm)):
        p = pred_layouts[(i + 2) % len(pred_layouts)]
        for w, w_np in ((None, None), (_layouts(weight, comm)[i % 4], weight)):
            actual = r2_score(t, p, sample_weight=w, multioutput=multioutput)
            expected = sk.r2_score(y_true, y_pred, sample_weight=w_np, multioutput=multioutput)
            if multioutput == "raw_values":
                assert isinstance(actual, np.ndarray)
                np.testing.assert_allclose(actual, expected, rtol=1e-12)
            else:
                _same_float(actual, expected)


def test_r2_one_output_and_dtypes(comm, rng):
    y_true = rng.normal(size=31)
    y_pred = y_true + 0.3 * rng.normal(size=31)
    for t, p in zip(_layouts(y_true, comm), _layouts(y_pred, comm)[::-1], strict=True):
        _same_float(r2_score(t, p), sk.r2_score(y_true, y_pred))
    # float32 and integers (scikit-learn computes float32 in float32: loose tolerance)
    t32, p32 = y_true.astype(np.float32), y_pred.astype(np.float32)
    _same_float(r2_score(em.array(t32, split=0), em.array(p32, split=0)),
                sk.r2_score(t32, p32), rtol=1e-5)
    ti, pi = rng.integers(0, 9, 17), rng.integers(0, 9, 17)
    _same_float(r2_score(em.array(ti, split=0), pi), sk.r2_score(ti, pi))
    # column vectors and 1-D mixed
    _same_float(r2_score(em.array(y_true[:, None], split=0), y_pred),
                sk.r2_score(y_true[:, None], y_pred))


@pytest.mark.parametrize("force_finite", [True, False])
def test_r2_constant_truth(comm, force_finite):
    constant = np.full(7, 2.0)
    cases = [(constant, constant), (constant, constant + np.r_[0, 0, 0, 0, 0, 0, 1e-8]),
             (np.c_[constant, np.arange(7.0)], np.c_[constant + 1, np.arange(7.0) + 0.5])]
    for y_true, y_pred in cases:
        for multioutput in ("raw_values", "uniform_average", "variance_weighted"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = sk.r2_score(y_true, y_pred, multioutput=multioutput,
                                       force_finite=force_finite)
            t = em.array(y_true, split=0).redistribute(_uneven(7, comm.size))
            actual = r2_score(t, em.array(y_pred, split=0), multioutput=multioutput,
                              force_finite=force_finite)
            np.testing.assert_allclose(actual, expected, rtol=1e-12)


def test_r2_too_few_samples():
    with pytest.warns(UserWarning, match="not well-defined with less than two samples"):
        result = r2_score(em.array([1.0], split=0), [2.0])
    assert isinstance(result, float) and np.isnan(result)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"y_pred": [1.0, 2.0]}, ValueError, r"inconsistent numbers of samples: \[3, 2\]"),
    ({"sample_weight": [1.0, 2.0]}, ValueError, r"\[3, 3, 2\]"),
    ({"y_pred": [1.0, np.nan, 2.0]}, ValueError, "Input contains NaN."),
    ({"sample_weight": [1.0, np.inf, 2.0]}, ValueError, "Input sample_weight contains inf"),
    ({"multioutput": "foo"}, InvalidParameterError, "'multioutput' parameter of r2_score"),
    ({"multioutput": [0.5, 0.5]}, ValueError, "Custom weights are useful only in multi"),
    ({"y_pred": [[1.0, 2.0]] * 3}, ValueError, r"different number of output \(1!=2\)"),
])
def test_r2_errors(kwargs, error, message):
    arguments = {"y_true": [1.0, 2.0, 4.0], "y_pred": [1.0, 2.5, 3.0], **kwargs}
    with pytest.raises(ValueError, match=message):  # scikit-learn's own error classes
        sk.r2_score(**arguments)
    arguments["y_true"] = em.array(arguments["y_true"], split=0)
    with pytest.raises(error, match=message):
        r2_score(**arguments)


def test_r2_output_weight_count():
    with pytest.raises(ValueError, match=r"equally many custom weights \(3\) as outputs \(2\)"):
        r2_score(em.array([[0.0, 1], [1, 1]], split=0), [[0.0, 1], [1, 0]],
                 multioutput=[1, 2, 3])
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        r2_score(em.array(np.zeros(0), split=0), np.zeros(0))
