"""The ember-hotspots command line end to end: every input format, outputs readable by
h5py/netCDF4/zarr/numpy, summary.csv, PNGs, scores against a scikit-learn oracle, and
every error as one message (rank 0) and the same non-zero exit status on every rank."""

import csv
import os

import numpy as np
import pytest
from sklearn.neighbors import LocalOutlierFactor

from ember.apps.hotspots.cli import main
from ember.apps.hotspots.outputs import SUMMARY_COLUMNS

N_TIMES, ROWS, COLS = 12, 7, 5
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def folder(comm, tmp_path):
    """One directory shared by every rank."""
    return comm.bcast_object(str(tmp_path) if comm.rank == 0 else None)


@pytest.fixture
def stack(rng):
    data = rng.gamma(4.0, 0.25, (N_TIMES, ROWS, COLS)).astype(np.float32)
    data[5, 2:4, 1:3] *= 30.0
    return data


def _on_rank0(comm, write):
    if comm.rank == 0:
        write()
    comm.Barrier()


def _features(stack, patch=3):
    values = 10 * np.log10(stack.astype(np.float64))
    values = (values - values.mean(0)) / values.std(0)
    h = patch // 2
    padded = np.pad(values, ((0, 0), (h, h), (h, h)), mode="reflect")
    windows = [padded[:, dy:dy + ROWS, dx:dx + COLS] for dy in range(patch)
               for dx in range(patch)]
    return np.stack(windows, -1).transpose(1, 2, 0, 3)  # rows, cols, T, features


def _check_error(capsys, comm, argv, status, text):
    capsys.readouterr()
    assert main(argv) == status
    err = capsys.readouterr().err.strip().splitlines()
    if comm.rank == 0:
        assert len(err) == 1 and err[0].startswith("ember-hotspots: error:"), err
        assert text in err[0], err
    else:
        assert err == []


def test_npy_end_to_end_matches_sklearn(comm, folder, stack, capsys):
    path = os.path.join(folder, "stack.npy")
    _on_rank0(comm, lambda: np.save(path, stack))
    out = os.path.join(folder, "out")
    argv = [path, "--out", out, "--patch", "3", "--n-neighbors", "4", "--quiet"]
    assert main(argv) == 0
    features = _features(stack)
    expected_time = np.empty((N_TIMES, ROWS, COLS))
    for r in range(ROWS):
        for c in range(COLS):
            lof = LocalOutlierFactor(n_neighbors=4).fit(features[r, c])
            expected_time[:, r, c] = -lof.negative_outlier_factor_
    expected_location = np.stack([
        -LocalOutlierFactor(n_neighbors=4).fit(features[:, :, t].reshape(ROWS * COLS, -1))
        .negative_outlier_factor_.reshape(ROWS, COLS) for t in range(N_TIMES)])
    for mode, expected in [("time", expected_time), ("location", expected_location)]:
        scores = np.load(os.path.join(out, f"scores_{mode}.npy"))
        flags = np.load(os.path.join(out, f"flags_{mode}.npy"))
        np.testing.assert_allclose(scores, expected, rtol=1e-4)
        np.testing.assert_array_equal(flags, (expected > 1.5).astype(np.uint8))
    assert np.load(os.path.join(out, "flags_time.npy"))[5, 2:4, 1:3].all()
    with open(os.path.join(out, "summary.csv"), newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert tuple(rows[0]) == SUMMARY_COLUMNS and len(rows) == 2 * N_TIMES
    time_rows = [row for row in rows if row["mode"] == "time"]
    counts = np.load(os.path.join(out, "flags_time.npy")).sum((1, 2))
    assert [int(row["anomaly_count"]) for row in time_rows] == counts.tolist()
    np.testing.assert_allclose([float(row["mean_score"]) for row in time_rows],
                               expected_time.mean((1, 2)), rtol=1e-4)
    for name in ("anomaly_maps.png", "anomaly_fraction.png"):
        with open(os.path.join(out, name), "rb") as fp:
            assert fp.read(8) == PNG and os.path.getsize(os.path.join(out, name)) > 1000


def test_hdf5_time_axis_dates_mask(comm, folder, stack):
    h5py = pytest.importorskip("h5py")
    path = os.path.join(folder, "stack.h5")
    mask = np.ones((ROWS, COLS), dtype=np.uint8)
    mask[0, 0] = 0

    def write():
        with h5py.File(path, "w") as f:
            f["sigma0"] = np.moveaxis(stack, 0, 2)  # rows, cols, times
            f["time"] = 20220101 + np.arange(N_TIMES)
            f["mask"] = mask

    _on_rank0(comm, write)
    out = os.path.join(folder, "out")
    argv = [path, "--dataset", "sigma0", "--time-axis", "2", "--dates", "time", "--mask",
            path, "--mask-dataset", "mask", "--out", out, "--mode", "time", "--patch", "3",
            "--n-neighbors", "4", "--contamination", "0.1", "--quiet"]
    assert main(argv) == 0
    with h5py.File(os.path.join(out, "hotspots.h5"), "r") as f:
        scores, flags = f["scores_time"][...], f["flags_time"][...]
    assert scores.shape == flags.shape == (N_TIMES, ROWS, COLS)
    assert np.isnan(scores[:, 0, 0]).all() and not flags[:, 0, 0].any()
    assert np.isfinite(scores[:, 1:]).all()
    # contamination 0.1 of 12 dates: the dates above the 90th percentile of each place
    assert (flags.sum(0)[mask == 1] == 2).all()
    with open(os.path.join(out, "summary.csv")) as fp:
        assert "2022-01-06" in fp.read()


@pytest.mark.parametrize("suffix", [".nc", ".zarr"])
def test_netcdf_and_zarr_outputs(comm, folder, stack, suffix):
    path = os.path.join(folder, "stack" + suffix)
    if suffix == ".nc":
        netCDF4 = pytest.importorskip("netCDF4")

        def write():
            with netCDF4.Dataset(path, "w") as f:
                for name, n in zip(("time", "y", "x"), stack.shape, strict=True):
                    f.createDimension(name, n)
                f.createVariable("sigma0", "f4", ("time", "y", "x"))[:] = stack
    else:
        zarr = pytest.importorskip("zarr")

        def write():
            zarr.save_array(path, stack)
    _on_rank0(comm, write)
    out = os.path.join(folder, "out")
    argv = [path, "--out", out, "--mode", "location", "--patch", "3", "--n-neighbors", "5",
            "--quiet"] + (["--dataset", "sigma0"] if suffix == ".nc" else [])
    assert main(argv) == 0
    if suffix == ".nc":
        with netCDF4.Dataset(os.path.join(out, "hotspots.nc")) as f:
            scores = np.asarray(f["scores_location"][...])
            assert f["scores_location"].dimensions == ("time", "row", "col")
    else:
        scores = np.asarray(zarr.open(os.path.join(out, "hotspots.zarr"), mode="r")
                            ["scores_location"][...])
    assert scores.shape == (N_TIMES, ROWS, COLS) and np.isfinite(scores).all()
    assert (scores > 0.5).all()


def test_out_format_override(comm, folder, stack):
    path = os.path.join(folder, "stack.npy")
    _on_rank0(comm, lambda: np.save(path, stack))
    out = os.path.join(folder, "out")
    assert main([path, "--out", out, "--out-format", "hdf5", "--mode", "time", "--patch",
                 "1", "--no-db", "--no-standardize", "--n-neighbors", "3", "--quiet"]) == 0
    h5py = pytest.importorskip("h5py")
    with h5py.File(os.path.join(out, "hotspots.h5"), "r") as f:
        assert set(f) == {"scores_time", "flags_time"}
        assert f["flags_time"].dtype == np.uint8


def test_errors_one_message_every_rank(comm, folder, stack, capsys):
    path = os.path.join(folder, "stack.npy")
    flat = os.path.join(folder, "flat.npy")
    dates = os.path.join(folder, "dates.txt")

    def write():
        np.save(path, stack)
        np.save(flat, stack[0])
        with open(dates, "w") as fp:
            fp.write("2022-01-01\n2022-01-07\n")

    _on_rank0(comm, write)
    out = os.path.join(folder, "out")
    _check_error(capsys, comm, [os.path.join(folder, "missing.h5"), "--out", out], 1,
                 "does not exist")
    _check_error(capsys, comm, [path, "--time-axis", "5", "--out", out], 1, "--time-axis 5")
    _check_error(capsys, comm, [flat, "--out", out], 1, "must have 3 axes")
    _check_error(capsys, comm, [path, "--out", out], 1, "too few dates for --n-neighbors 20")
    _check_error(capsys, comm, [path, "--out", os.path.join(path, "sub")], 1,
                 "cannot write the output directory")
    _check_error(capsys, comm, [path, "--dates", dates, "--n-neighbors", "3", "--out", out],
                 1, "gives 2 dates")
    _check_error(capsys, comm, [path, "--dataset", "x", "--out", out], 1, ".npy")
    _check_error(capsys, comm, [path, "--patch", "4"], 2, "odd")
    _check_error(capsys, comm, [path, "--contamination", "0.7"], 2, "(0, 0.5]")
    _check_error(capsys, comm, [path, "--contamination", "0.1", "--threshold", "2"], 2,
                 "not allowed with")
    _check_error(capsys, comm, ["--out", out], 2, "give an input stack")
    _check_error(capsys, comm, [path, "--demo"], 2, "--demo generates")


def test_help_on_rank0_only(comm, capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert ("--n-neighbors" in text) == (comm.rank == 0)
