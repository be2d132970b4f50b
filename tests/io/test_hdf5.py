"""HDF5: round trips, files of h5py, hyperslabs, append mode, errors, crash safety."""

import h5py
import numpy as np
import pytest
from _io_checks import (
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
import ember.io.hdf5 as module


def _read(path, name=None):
    with h5py.File(path, "r") as f:
        return f[name or next(iter(f))][()]


def _write(path, a):
    with h5py.File(path, "w") as f:
        f.create_dataset("stack/images", data=a, chunks=True, compression="gzip")


FORMAT = Format(".h5", module, em.save_hdf5, em.load_hdf5, _read, _write)


def test_every_dtype_round_trips(folder):
    check_dtypes(FORMAT, folder)


def test_every_shape_and_split_round_trips(folder):
    check_shapes(FORMAT, folder)


def test_files_written_by_h5py_load_with_any_split(folder, on_rank0):
    check_foreign_files(FORMAT, folder, on_rank0)


def test_slices_read_hyperslabs(folder):
    check_slices(FORMAT, folder)


def test_append_mode_keeps_datasets(folder):
    check_append(FORMAT, folder, _read)


def test_errors_are_raised_on_every_rank(folder, on_rank0, monkeypatch, comm):
    check_errors(FORMAT, folder, on_rank0, monkeypatch, comm)


def test_a_crash_while_writing_leaves_the_old_file(folder, monkeypatch, comm):
    check_crash(FORMAT, folder, monkeypatch, comm, ("_write_my_part",))


def test_chunking_compression_and_attributes(folder):
    path = f"{folder}/c.h5"
    a = np.arange(60.0).reshape(12, 5)
    em.save(em.array(a, split=0), path, "x", chunks=(4, 5), compression="gzip",
            shuffle=True, attrs={"units": "K", "scale": 2})
    with h5py.File(path, "r") as f:
        assert f["x"].chunks == (4, 5) and f["x"].compression == "gzip"
        assert f["x"].attrs["units"] == "K" and f["x"].attrs["scale"] == 2
        np.testing.assert_array_equal(f["x"][()], a)
    y = em.load(path, split=1, dtype=em.float32)
    assert y.dtype == em.float32 and y.split == 1
    np.testing.assert_array_equal(y.numpy(), a.astype(np.float32))


def test_unsupported_file_dtype_needs_a_dtype(folder, on_rank0):
    path = f"{folder}/u.h5"
    on_rank0(_write, path, np.arange(5, dtype=np.uint16))
    with pytest.raises(TypeError, match="uint16.*dtype="):
        em.load(path)
    assert em.load(path, dtype=em.int32).tolist() == [0, 1, 2, 3, 4]


def test_a_group_is_not_a_dataset(folder, on_rank0):
    path = f"{folder}/g.h5"
    on_rank0(_write, path, np.zeros(3))
    with pytest.raises(KeyError, match="no dataset 'stack'"):
        em.load(path, "stack")
