"""NetCDF: round trips, files of netCDF4, hyperslabs, append mode, errors, crash safety."""

import netCDF4
import numpy as np
import pytest
from _io_checks import (
    ALL_DTYPES,
    Format,
    check_append,
    check_crash,
    check_dtypes,
    check_errors,
    check_foreign_files,
    check_shapes,
    check_slices,
)

import ember as em
import ember.io.netcdf as module


def _read(path, name=None):
    with netCDF4.Dataset(path, "r", auto_complex=True) as f:
        f.set_auto_maskandscale(False)
        variable = module._lookup(f, name) if name else next(iter(f.variables.values()))
        return np.asarray(variable[...])


def _write(path, a):
    with netCDF4.Dataset(path, "w") as f:
        f.createDimension("time", a.shape[0])
        f.createDimension("x", a.shape[1])
        f.createVariable("time", "f8", ("time",))[:] = np.arange(a.shape[0])  # a coordinate
        f.createVariable("t2m", a.dtype, ("time", "x"), compression="zlib")[:] = a


FORMAT = Format(".nc", module, em.save_netcdf, em.load_netcdf, _read, _write,
                dtypes=[d for d in ALL_DTYPES if d is not np.float16])


def test_every_dtype_round_trips(folder):
    check_dtypes(FORMAT, folder)


def test_every_shape_and_split_round_trips(folder):
    check_shapes(FORMAT, folder)


def test_files_written_by_netcdf4_load_with_any_split(folder, on_rank0):
    check_foreign_files(FORMAT, folder, on_rank0)


def test_slices_read_hyperslabs(folder):
    check_slices(FORMAT, folder)


def test_append_mode_keeps_variables(folder):
    check_append(FORMAT, folder, _read)


def test_errors_are_raised_on_every_rank(folder, on_rank0, monkeypatch, comm):
    check_errors(FORMAT, folder, on_rank0, monkeypatch, comm)
    with pytest.raises(TypeError, match="float16"):
        em.save_netcdf(em.ones(3, dtype=em.float16, split=0), f"{folder}/h.nc")
    with pytest.raises(ValueError, match="dims"):
        em.save_netcdf(em.ones(3, split=0), f"{folder}/h.nc", dims=("a", "b"))


def test_a_crash_while_writing_leaves_the_old_file(folder, monkeypatch, comm):
    check_crash(FORMAT, folder, monkeypatch, comm, ("_write_my_part",))


def test_dimensions_attributes_and_booleans(folder):
    path = f"{folder}/d.nc"
    em.save(em.arange(6.0, split=0).reshape(2, 3), path, "t", dims=("time", "x"),
            attrs={"units": "K", "long_name": "temperature"}, compression="zlib")
    em.save(em.array([True, False, True], split=0), path, "mask", mode="a", dims=("x",))
    with netCDF4.Dataset(path) as f:
        assert f["t"].dimensions == ("time", "x") and f["mask"].dimensions == ("x",)
        assert f["t"].units == "K" and f["t"].filters()["zlib"]
        assert f["mask"].dtype == np.int8 and f["mask"].getncattr("dtype") == "bool"
    assert em.load(path, "mask").tolist() == [True, False, True]
    with pytest.raises(ValueError, match="dimension 'x' exists with length 3"):
        em.save(em.ones(4, split=0), path, "other", mode="a", dims=("x",))
    assert em.load(path, "t", split=None).tolist() == [[0, 1, 2], [3, 4, 5]]
