"""Checks every file format passes, driven by a :class:`Format` description (SPMD: every
rank runs them; files live in the shared ``folder`` fixture)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import ember as em
from ember.core.distribution import balanced_counts
from ember.testing import assert_array_equal, splits_of

ALL_DTYPES = [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.int64, np.float16,
              np.float32, np.float64, np.complex64, np.complex128]
SHAPES = [(7, 5), (2, 3), (1,), (0, 3), (4, 3, 2), ()]


@dataclass
class Format:
    """How to drive one format in the shared checks."""

    suffix: str
    module: Any                                   # ember.io.<format>
    save: Callable[..., None]                     # save(x, path, **options)
    load: Callable[..., em.DNDarray]              # load(path, **options)
    read: Callable[[str], np.ndarray]             # the format's own reader, whole array
    write: Callable[[str, np.ndarray], None]      # the format's own writer
    dtypes: list = field(default_factory=lambda: list(ALL_DTYPES))
    shapes: list = field(default_factory=lambda: list(SHAPES))
    as_loaded: Callable[[np.ndarray], np.ndarray] = lambda a: a  # CSV: 1-d -> one column
    corrupt_error: type = OSError
    balanced: bool = True  # CSV: rows follow the bytes each rank parsed


def sample(shape, dtype) -> np.ndarray:
    """Deterministic values of ``dtype`` that exercise its range (negatives, fractions,
    imaginary parts)."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return base % 3 == 0
    if dtype.kind == "u":
        return (base * 37 % 251).astype(dtype)
    if dtype.kind == "i":
        return (base * 37 % 251 - 120).astype(dtype)
    if dtype.kind == "c":
        return (base / 8 - 2 + 1j * (base % 5 - 2)).astype(dtype)
    return (base / 8 - 2.5).astype(dtype)


def listing(path: str) -> list[str]:
    """The names in ``path``, once every rank has looked (rank 0 may then make files)."""
    names = sorted(os.listdir(path))
    em.get_comm().Barrier()
    return names


def assert_loaded(y: em.DNDarray, expected: np.ndarray, split, balanced: bool = True) -> None:
    """Values, dtype, split and balanced counts (the binary readers always balance)."""
    assert_array_equal(y, expected, split=split)
    if split is not None and balanced:
        assert y.counts == balanced_counts(expected.shape[split], y.comm.size)


def check_dtypes(fmt: Format, folder: str) -> None:
    """Every dtype: saved from each split, read back whole by the format's own reader, and
    loaded with every split."""
    for number, dtype in enumerate(fmt.dtypes):
        a = sample((7, 5), dtype)
        path = os.path.join(folder, f"d{number}{fmt.suffix}")
        fmt.save(em.array(a, split=(None, 0, 1)[number % 3]), path)
        expected = fmt.as_loaded(a)
        np.testing.assert_array_equal(fmt.read(path).astype(a.dtype), expected)
        for split in (None, 0, 1):
            assert_loaded(fmt.load(path, split=split, dtype=dtype), expected, split, fmt.balanced)


def check_shapes(fmt: Format, folder: str, dtype=np.float64) -> None:
    """Uneven shapes, fewer rows than processes, empty and 0-d arrays: every save split
    and every load split."""
    for number, shape in enumerate(fmt.shapes):
        a = sample(shape, dtype)
        expected = fmt.as_loaded(a)
        for save_split in splits_of(a.ndim):
            path = os.path.join(folder, f"s{number}{fmt.suffix}")
            fmt.save(em.array(a, split=save_split), path)
            if a.size:
                np.testing.assert_array_equal(fmt.read(path), expected)
            for split in splits_of(expected.ndim):
                y = fmt.load(path, split=split, dtype=dtype)
                assert_loaded(y, expected, split, fmt.balanced)
    assert listing(folder) == sorted({f"s{n}{fmt.suffix}" for n in range(len(fmt.shapes))})


def check_foreign_files(fmt: Format, folder: str, on_rank0) -> None:
    """Files written by the format's own tool load with any split."""
    a = sample((9, 4), np.float32)
    path = os.path.join(folder, f"foreign{fmt.suffix}")
    on_rank0(fmt.write, path, a)
    for split in (None, 0, 1):
        assert_loaded(fmt.load(path, split=split, dtype=np.float32), a, split, fmt.balanced)


SELECTIONS = [slice(1, 5), (slice(None, None, 2), 3), (2, slice(1, None, 2), slice(0, 2)),
              (slice(4, 4),), -1, (slice(0, 6, 4), slice(None), 1)]


def check_slices(fmt: Format, folder: str, shape=(6, 5, 4), selections=SELECTIONS) -> None:
    """``slices=`` reads hyperslabs: NumPy's basic indexing with positive steps."""
    a = sample(shape, np.int32)
    path = os.path.join(folder, f"slices{fmt.suffix}")
    fmt.save(em.array(a, split=0), path)
    for selection in selections:
        expected = a[selection]
        for split in splits_of(expected.ndim):
            y = fmt.load(path, split=split, slices=selection, dtype=np.int32)
            assert_loaded(y, expected, split, fmt.balanced)
    with pytest.raises(IndexError):
        fmt.load(path, slices=(0,) * (len(shape) + 1))
    with pytest.raises(IndexError):
        fmt.load(path, slices=shape[0])
    with pytest.raises(NotImplementedError):
        fmt.load(path, slices=slice(None, None, -1))
    with pytest.raises(TypeError):
        fmt.load(path, slices=[0, 1])


def check_errors(fmt: Format, folder: str, on_rank0, monkeypatch, comm) -> None:
    """Missing, corrupt and unreadable files and bad splits raise on every rank."""
    missing = os.path.join(folder, f"missing{fmt.suffix}")
    with pytest.raises(FileNotFoundError, match="missing"):
        fmt.load(missing)
    path = os.path.join(folder, f"ok{fmt.suffix}")
    fmt.save(em.arange(6, split=0).reshape(2, 3), path)
    with pytest.raises(ValueError, match="split"):
        fmt.load(path, split=2)
    corrupt = os.path.join(folder, f"corrupt{fmt.suffix}")
    on_rank0(_write_garbage, corrupt, fmt.suffix == ".zarr")
    with pytest.raises(fmt.corrupt_error, match="corrupt"):
        fmt.load(corrupt)
    # One rank alone cannot read the file: every rank raises its error.
    real = fmt.module.probe

    def refuse_on_last_rank(target, *args, **kwargs):
        if comm.rank == comm.size - 1:
            raise PermissionError(13, "Permission denied", target)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(fmt.module, "probe", refuse_on_last_rank)
    with pytest.raises(PermissionError, match="ok"):
        fmt.load(path)
    monkeypatch.setattr(fmt.module, "probe", real)
    if os.geteuid() != 0:  # root reads whatever the permissions say
        on_rank0(os.chmod, path, 0)
        with pytest.raises(PermissionError):
            fmt.load(path)
        on_rank0(os.chmod, path, 0o700)
    with pytest.raises(TypeError, match="bfloat16"):
        fmt.save(em.ones((2, 2), dtype=em.bfloat16, split=0), path)
    with pytest.raises(TypeError, match="DNDarray"):
        fmt.save(np.ones(3), path)
    with pytest.raises(ValueError, match="mode"):
        fmt.save(em.ones(3, split=0), path, mode="x")
    np.testing.assert_array_equal(fmt.read(path), fmt.as_loaded(np.arange(6).reshape(2, 3)))


def _write_garbage(path: str, directory: bool) -> None:
    if directory:
        os.makedirs(path)
        path = os.path.join(path, "zarr.json")
    with open(path, "wb") as f:
        f.write(b"this is not the format it claims to be\n" * 20)


def check_crash(fmt: Format, folder: str, monkeypatch, comm, writers: tuple[str, ...]
                ) -> None:
    """A writer failing after rank 0 wrote its part leaves the old file intact under the
    final name, no temporary file behind, and the error raised on every rank."""
    path = os.path.join(folder, f"safe{fmt.suffix}")
    old = sample((7, 5), np.float64)
    fmt.save(em.array(old, split=0), path)
    for writer in writers:
        monkeypatch.setattr(fmt.module, writer, _crashing(getattr(fmt.module, writer), comm))
    for split in (0, 1, None):
        with pytest.raises(OSError, match="simulated crash"):
            fmt.save(em.array(old * 2 + 1, split=split), path)
        np.testing.assert_array_equal(fmt.read(path), fmt.as_loaded(old))
        assert listing(folder) == [f"safe{fmt.suffix}"]
    monkeypatch.undo()
    fmt.save(em.array(old * 2, split=1), path)
    np.testing.assert_array_equal(fmt.read(path), fmt.as_loaded(old * 2))


def _crashing(real, comm):
    """``real``, then a crash on the last rank (with one process: after rank 0 wrote)."""
    def crash_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        if comm.rank == comm.size - 1:
            raise OSError("simulated crash in the middle of writing")

    return crash_after_writing


def check_append(fmt: Format, folder: str, read_dataset: Callable[[str, str], np.ndarray]
                 ) -> None:
    """``mode="a"`` adds datasets (in groups too) and never replaces one."""
    path = os.path.join(folder, f"multi{fmt.suffix}")
    a, b = sample((5, 3), np.float32), sample((4,), np.int64)
    fmt.save(em.array(a, split=0), path, "a", mode="a")  # a new file
    fmt.save(em.array(b, split=0), path, "group/b", mode="a")
    with pytest.raises(ValueError, match="already has"):
        fmt.save(em.zeros((5, 3), split=1), path, "a", mode="a")
    np.testing.assert_array_equal(read_dataset(path, "a"), a)
    np.testing.assert_array_equal(read_dataset(path, "group/b"), b)
    assert_loaded(fmt.load(path, "group/b", split=0), b, 0)
    with pytest.raises(KeyError, match="nope"):
        fmt.load(path, "nope")
    with pytest.raises(KeyError, match="pass dataset"):
        fmt.load(path)  # two datasets: which one?
    fmt.save(em.array(b, split=0), path, "a")  # mode="w" replaces the whole file
    assert_loaded(fmt.load(path), b, 0)
    assert listing(folder) == [f"multi{fmt.suffix}"]
