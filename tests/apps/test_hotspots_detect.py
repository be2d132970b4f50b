"""LOF by time and by location of ember-hotspots against scikit-learn (a loop of
LocalOutlierFactor over the locations / dates of a tiny stack), for balanced, uneven and
empty row blocks: the oracle does not depend on the number of processes, so passing
under 1, 2 and 3 processes means the same results for all."""

import numpy as np
import pytest
import torch
from sklearn.neighbors import LocalOutlierFactor

from ember.apps.hotspots.config import HotspotsError
from ember.apps.hotspots.detect import (
    check_neighbors,
    flags_from_scores,
    lof_by_location,
    lof_by_time,
)
from ember.apps.hotspots.features import pad_block, prepare

N_TIMES, ROWS, COLS, PATCH, K = 14, 5, 4, 3, 4


def _features(stack, valid):
    """NumPy reference: dB, standardised, invalid pixels set to 0, 3x3 reflected patches
    -> (rows, cols, T, 9)."""
    values = 10 * np.log10(stack)
    values = (values - values.mean(0)) / values.std(0)
    values[:, ~valid] = 0.0
    padded = np.pad(values, ((0, 0), (1, 1), (1, 1)), mode="reflect")
    out = np.empty((ROWS, COLS, N_TIMES, PATCH, PATCH))
    for dy in range(PATCH):
        for dx in range(PATCH):
            out[..., dy, dx] = padded[:, dy:dy + ROWS, dx:dx + COLS].transpose(1, 2, 0)
    return out.reshape(ROWS, COLS, N_TIMES, PATCH * PATCH)


@pytest.fixture
def stack(rng):
    data = rng.gamma(4.0, 0.25, (N_TIMES, ROWS, COLS))
    data[3, 1:3, 1:3] *= 20.0  # a small bright event
    return data


@pytest.fixture
def valid():
    mask = np.ones((ROWS, COLS), dtype=bool)
    mask[4, 0] = mask[0, 3] = False
    return mask


def _layouts(size):
    layouts = [[ROWS // size + (r < ROWS % size) for r in range(size)]]
    if size > 1:
        layouts.append([0] + [ROWS - (size - 2)] + [1] * (size - 2))
    return layouts


def _run(comm, stack, valid, counts, mode, contamination=None, threshold=1.5):
    start = sum(counts[:comm.rank])
    stop = start + counts[comm.rank]
    local = torch.from_numpy(stack[:, start:stop, :, None]).float()
    mine = torch.from_numpy(valid[start:stop])
    padded = pad_block(prepare(local, mine, True, True, comm), tuple(counts), PATCH, comm)
    if mode == "time":
        result = lof_by_time(padded, mine, tuple(counts), PATCH, K, threshold, contamination,
                             1e-3, comm)  # tiny memory: one row per chunk
    else:
        result = lof_by_location(padded, mine, PATCH, K, threshold, contamination, comm)
    return result, slice(start, stop)


def _oracle_time(features, contamination):
    scores = np.empty((N_TIMES, ROWS, COLS))
    flags = np.empty_like(scores, dtype=bool)
    for r in range(ROWS):
        for c in range(COLS):
            lof = LocalOutlierFactor(n_neighbors=K, contamination=contamination or "auto")
            flags[:, r, c] = lof.fit_predict(features[r, c]) == -1
            scores[:, r, c] = -lof.negative_outlier_factor_
    return scores, flags


def _oracle_location(features, valid, contamination):
    scores = np.full((N_TIMES, ROWS, COLS), np.nan)
    flags = np.zeros_like(scores, dtype=bool)
    for t in range(N_TIMES):
        lof = LocalOutlierFactor(n_neighbors=K, contamination=contamination or "auto")
        flags[t][valid] = lof.fit_predict(features[:, :, t][valid]) == -1
        scores[t][valid] = -lof.negative_outlier_factor_
    return scores, flags


@pytest.mark.parametrize("contamination", [None, 0.1])
def test_lof_by_time_matches_sklearn(comm, stack, valid, contamination):
    scores, flags = _oracle_time(_features(stack, valid), contamination)
    scores[:, ~valid], flags[:, ~valid] = np.nan, False
    for counts in _layouts(comm.size):
        result, mine = _run(comm, stack, valid, counts, "time", contamination)
        np.testing.assert_allclose(result.scores.numpy(), scores[:, mine], rtol=1e-4)
        np.testing.assert_array_equal(result.flags.numpy(), flags[:, mine])
    assert flags[3, 1:3, 1:3].all()  # the planted event is found


@pytest.mark.parametrize("contamination", [None, 0.05])
def test_lof_by_location_matches_sklearn(comm, stack, valid, contamination):
    scores, flags = _oracle_location(_features(stack, valid), valid, contamination)
    for counts in _layouts(comm.size):
        result, mine = _run(comm, stack, valid, counts, "location", contamination)
        np.testing.assert_allclose(result.scores.numpy(), scores[:, mine], rtol=1e-4)
        np.testing.assert_array_equal(result.flags.numpy(), flags[:, mine])


def test_threshold_flags(comm, stack, valid):
    result, _ = _run(comm, stack, valid, _layouts(comm.size)[0], "time", threshold=1.2)
    expected = (result.scores > 1.2) & ~torch.isnan(result.scores)
    assert torch.equal(result.flags, expected)


def test_flags_from_scores_quantile_matches_sklearn(rng):
    scores = 1 + rng.random((3, 40))
    for c in (0.05, 0.2, 0.5):
        flags = flags_from_scores(torch.from_numpy(scores), 1.5, c).numpy()
        offsets = np.percentile(-scores, 100 * c, axis=1, keepdims=True)
        np.testing.assert_array_equal(flags, -scores < offsets)


def test_too_few_samples():
    with pytest.raises(HotspotsError, match="too few dates"):
        check_neighbors(10, 10, 100, ("time", "location"))
    with pytest.raises(HotspotsError, match="too few valid locations"):
        check_neighbors(10, 50, 10, ("location",))
    check_neighbors(10, 11, 5, ("time",))
