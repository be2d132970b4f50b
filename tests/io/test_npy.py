""".npy: round trips, files of numpy (C and Fortran order), hyperslabs through windows of
memory maps, errors, crash safety."""

import numpy as np
import pytest
from _io_checks import (
    Format,
    check_crash,
    check_dtypes,
    check_errors,
    check_foreign_files,
    check_shapes,
    check_slices,
    sample,
)

import ember as em
import ember.io.common
import ember.io.npy as module
from ember.testing import assert_array_equal, splits_of


def _save(x, path, dataset=None, **options):
    assert dataset is None
    em.save_npy(x, path, **options)


FORMAT = Format(".npy", module, _save, em.load_npy, np.load, np.save)


def test_every_dtype_round_trips(folder):
    check_dtypes(FORMAT, folder)


def test_every_shape_and_split_round_trips(folder):
    check_shapes(FORMAT, folder)


def test_files_written_by_numpy_load_with_any_split(folder, on_rank0):
    check_foreign_files(FORMAT, folder, on_rank0)


def test_slices_read_hyperslabs(folder):
    check_slices(FORMAT, folder)


def test_errors_are_raised_on_every_rank(folder, on_rank0, monkeypatch, comm):
    check_errors(FORMAT, folder, on_rank0, monkeypatch, comm)
    path = f"{folder}/t.npy"
    on_rank0(lambda: open(path, "wb").write(open(f"{folder}/ok.npy", "rb").read()[:-8]))
    with pytest.raises(OSError, match="truncated"):
        em.load(path)
    with pytest.raises(NotImplementedError, match="mode='a'"):
        em.save(em.ones(2, split=0), path, mode="a")
    with pytest.raises(ValueError, match="dataset"):
        em.load(path, "x")


def test_a_crash_while_writing_leaves_the_old_file(folder, monkeypatch, comm):
    check_crash(FORMAT, folder, monkeypatch, comm, ("_write_range", "_write_strided"))


def test_small_io_buffers_and_fortran_order(folder, on_rank0, monkeypatch):
    """Windows of a few rows at a time give the same result, also for Fortran order."""
    monkeypatch.setattr(ember.io.common, "IO_BUFFER_BYTES", 40)
    a = sample((9, 4, 3), np.complex64)
    path = f"{folder}/f.npy"
    for split in splits_of(3):
        em.save(em.array(a, split=split), path)
        np.testing.assert_array_equal(np.load(path), a)
    on_rank0(np.save, path, np.asfortranarray(a))
    for split in splits_of(3):
        assert_array_equal(em.load(path, split=split), a, split=split)
        selection = (slice(1, None, 3), 2)
        assert_array_equal(em.load(path, split=0, slices=selection), a[selection])
