"""Zarr: round trips, stores of zarr, chunks owned by one rank, hyperslabs, append mode,
errors, crash safety."""

import numpy as np
import pytest
import zarr
from _io_checks import (
    Format,
    check_append,
    check_crash,
    check_dtypes,
    check_errors,
    check_foreign_files,
    check_shapes,
    check_slices,
    sample,
)

import ember as em
import ember.io.zarr as module
from ember.testing import assert_array_equal, splits_of


def _read(path, name=None):
    node = zarr.open(store=path, mode="r")
    return (node[name] if name else node)[...]


def _write(path, a):
    zarr.create_array(store=path, shape=a.shape, dtype=a.dtype, chunks=(4, 3))[...] = a


FORMAT = Format(".zarr", module, em.save_zarr, em.load_zarr, _read, _write)


def test_every_dtype_round_trips(folder):
    check_dtypes(FORMAT, folder)


def test_every_shape_and_split_round_trips(folder):
    check_shapes(FORMAT, folder)


def test_files_written_by_zarr_load_with_any_split(folder, on_rank0):
    check_foreign_files(FORMAT, folder, on_rank0)


def test_slices_read_hyperslabs(folder):
    check_slices(FORMAT, folder)


def test_append_mode_keeps_arrays(folder):
    check_append(FORMAT, folder, _read)
    path = f"{folder}/root.zarr"
    em.save(em.ones(3, split=0), path)
    with pytest.raises(ValueError, match="exists"):
        em.save(em.ones(3, split=0), path, mode="a")


def test_errors_are_raised_on_every_rank(folder, on_rank0, monkeypatch, comm):
    check_errors(FORMAT, folder, on_rank0, monkeypatch, comm)
    with pytest.raises(ValueError, match="chunks"):
        em.save_zarr(em.ones((2, 2), split=0), f"{folder}/c.zarr", chunks=(1,))


def test_a_crash_while_writing_leaves_the_old_store(folder, monkeypatch, comm):
    check_crash(FORMAT, folder, monkeypatch, comm, ("_write_owned",))


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 16])
def test_chunks_straddling_blocks_are_written_whole(folder, comm, chunk):
    """Any chunk length along the split, uneven blocks and empty ranks: every chunk is
    written by one rank, and the store equals the array."""
    a = sample((11, 3), np.int16)
    path = f"{folder}/c.zarr"
    for counts in (None, (0,) * (comm.size - 1) + (11,), (11,) + (0,) * (comm.size - 1)):
        for split in splits_of(2):
            x = em.array(a, split=split)
            if counts is not None and split == 0:
                x = x.redistribute(counts)
            chunks = (chunk, 3) if split != 1 else (11, chunk)
            em.save(x, path, chunks=chunks)
            assert zarr.open_array(path, mode="r").chunks == chunks
            np.testing.assert_array_equal(_read(path), a)


def test_default_chunks_fall_inside_blocks(folder, comm):
    x = em.array(sample((10, 4, 3), np.float32), split=1)
    em.save(x, f"{folder}/d.zarr", attrs={"units": "m"})
    array = zarr.open_array(f"{folder}/d.zarr", mode="r")
    assert array.chunks[1] <= min(c for c in x.counts if c) and array.chunks[0] == 10
    assert array.attrs["units"] == "m"
    assert_array_equal(em.load(f"{folder}/d.zarr", split=2), x.numpy(), split=2)
