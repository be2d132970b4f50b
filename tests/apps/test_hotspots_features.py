"""ember-hotspots features (dB, standardisation, halo exchange with reflection, patches)
against a NumPy reference, for balanced, uneven and empty row blocks."""

import numpy as np
import pytest
import torch

from ember.apps.hotspots.config import HotspotsError
from ember.apps.hotspots.features import (
    exchange_halo,
    pad_block,
    patch_features,
    prepare,
    reflect_positions,
    standardize_over_time,
    to_db,
)


def _reference_features(stack, patch, db, standardize):
    """(rows*cols, times, patch*patch*bands) in NumPy, float64."""
    values = 10 * np.log10(np.maximum(stack, 1e-10)) if db else stack.copy()
    if standardize:
        std = values.std(0)
        values = (values - values.mean(0)) / np.where(std > 0, std, 1.0)
    h = patch // 2
    padded = np.pad(values, ((0, 0), (h, h), (h, h), (0, 0)), mode="reflect")
    n_times, rows, cols, bands = stack.shape
    out = np.empty((rows, cols, n_times, patch, patch, bands))
    for dy in range(patch):
        for dx in range(patch):
            out[:, :, :, dy, dx] = padded[:, dy:dy + rows, dx:dx + cols].transpose(1, 2, 0, 3)
    return out.reshape(rows * cols, n_times, -1)


def _layouts(rows, size):
    """Row counts to try: balanced, uneven, and one with an empty rank."""
    balanced = [rows // size + (r < rows % size) for r in range(size)]
    layouts = [balanced]
    if size > 1:
        layouts.append([rows - (size - 1)] + [1] * (size - 1))
        layouts.append([0] + [rows - (size - 2)] + [1] * (size - 2))
    return [counts for counts in layouts if min(counts) >= 0]


@pytest.mark.parametrize("shape,patch", [((6, 7, 5, 1), 3), ((5, 4, 3, 2), 5), ((4, 2, 6, 1), 1),
                                         ((3, 1, 4, 1), 3)])
def test_features_match_numpy(comm, rng, shape, patch):
    stack = rng.gamma(4.0, 0.25, shape)
    stack[1, 0, 0] = 0.0  # dB floor
    for db, standardize in [(True, True), (False, False), (True, False), (False, True)]:
        expected = _reference_features(stack, patch, db, standardize)
        for counts in _layouts(shape[1], comm.size):
            start = sum(counts[:comm.rank])
            mine = torch.from_numpy(stack[:, start:start + counts[comm.rank]])
            valid = torch.ones(mine.shape[1:3], dtype=torch.bool)
            values = prepare(mine, valid, db, standardize, comm)
            padded = pad_block(values, tuple(counts), patch, comm)
            got = patch_features(padded, patch).double().numpy()
            want = expected[start * shape[2]:(start + counts[comm.rank]) * shape[2]]
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
            if counts[comm.rank]:
                one = patch_features(padded, patch, time=2 % shape[0]).double().numpy()
                np.testing.assert_allclose(one, want[:, 2 % shape[0]], rtol=1e-5, atol=1e-5)


def test_halo_wider_than_blocks(comm):
    """Halo rows come from far ranks and reflect at both edges (rows < halo per rank)."""
    rows = 2 * comm.size + 1
    image = np.arange(rows, dtype=np.float32)
    counts = [rows // comm.size + (r < rows % comm.size) for r in range(comm.size)]
    start = sum(counts[:comm.rank])
    local = torch.from_numpy(image[start:start + counts[comm.rank]]).reshape(1, -1, 1, 1)
    halo = rows - 1
    got = exchange_halo(local, tuple(counts), halo, comm).ravel().numpy()
    padded = np.pad(image, halo, mode="reflect")
    np.testing.assert_array_equal(got, padded[start:start + counts[comm.rank] + 2 * halo]
                                  if counts[comm.rank] else [])


def test_reflect_positions_wide_pads():
    for n in (1, 2, 3, 7):
        positions = np.arange(-15, n + 15)
        expected = np.pad(np.arange(n), 15, mode="reflect")
        np.testing.assert_array_equal(reflect_positions(positions, n), expected)


def test_db_and_standardize_helpers():
    np.testing.assert_allclose(to_db(torch.tensor([1e-3, 0.0, -1.0])).numpy(),
                               [-30.0, -100.0, -100.0])
    series = torch.tensor([[1.0, 2.0], [1.0, 4.0], [1.0, 6.0]])
    got = standardize_over_time(series).numpy()
    np.testing.assert_allclose(got[:, 0], 0.0)
    np.testing.assert_allclose(got[:, 1], [-1.2247449, 0.0, 1.2247449], rtol=1e-6)


def test_invalid_pixels_zeroed_and_nonfinite_rejected(comm):
    stack = torch.ones(4, 2, 3, 1)
    stack[:, 0, 1] = float("nan")
    valid = torch.ones(2, 3, dtype=torch.bool)
    valid[0, 1] = False
    out = prepare(stack, valid, True, True, comm.Split(comm.rank))
    assert torch.isfinite(out).all() and (out[:, 0, 1] == 0).all()
    # a NaN at a valid pixel on rank 0 only: every rank raises
    bad = stack.clone()
    if comm.rank == 0:
        bad[0, 1, 1] = float("nan")
    with pytest.raises(HotspotsError, match="non-finite"):
        prepare(bad, valid, False, False, comm)


def test_even_patch_rejected(comm):
    with pytest.raises(HotspotsError, match="odd"):
        pad_block(torch.zeros(1, 2, 2, 1), (2,), 4, comm.Split(comm.rank))


def test_halo_exchange_moves_only_halo_rows(comm, monkeypatch):
    """The exchange never gathers: each rank receives at most 2 * halo rows."""
    received = []
    original = type(comm).Alltoallv

    def recording(self, tensor, send_counts, send_axis, recv_shape, recv_counts, recv_axis):
        received.append(recv_shape[recv_axis])
        return original(self, tensor, send_counts, send_axis, recv_shape, recv_counts,
                        recv_axis)

    # patched on the class: monkeypatch would leave an instance attribute behind that
    # hides later class-level spies from every other test sharing this communicator
    monkeypatch.setattr(type(comm), "Alltoallv", recording)
    rows, halo = 10 * comm.size, 2
    counts = (10,) * comm.size
    local = torch.full((3, 10, 4, 1), float(comm.rank))
    out = exchange_halo(local, counts, halo, comm)
    assert out.shape == (3, 10 + 2 * halo, 4, 1) and rows == sum(counts)
    assert len(received) == (comm.size > 1) and all(n <= 2 * halo for n in received)
