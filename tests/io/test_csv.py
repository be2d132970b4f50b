"""CSV: round trips, files of numpy.savetxt, rows by byte ranges, headers, missing values,
append, errors, crash safety."""

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
import ember.io.csv as module
from ember.testing import assert_array_equal


def _save(x, path, dataset=None, **options):
    assert dataset is None
    em.save_csv(x, path, **options)


def _read(path):
    return np.loadtxt(path, delimiter=",", ndmin=2, dtype=complex if "d9" in path or
                      "d10" in path else float)


def _write(path, a):
    np.savetxt(path, a, delimiter=",", header="x,y,z,w", comments="# ")


def _as_loaded(a):
    return np.empty((0, 0), a.dtype) if a.size == 0 else a.reshape(len(a), -1)


FORMAT = Format(".csv", module, _save, em.load_csv, _read, _write,
                shapes=[(7, 5), (2, 3), (1,), (5,), (0, 3)], as_loaded=_as_loaded,
                corrupt_error=ValueError, balanced=False)


def test_every_dtype_round_trips(folder):
    check_dtypes(FORMAT, folder)


def test_every_shape_and_split_round_trips(folder):
    check_shapes(FORMAT, folder)


def test_files_written_by_numpy_savetxt_load_with_any_split(folder, on_rank0):
    check_foreign_files(FORMAT, folder, on_rank0)


def test_slices_select_rows_and_columns(folder):
    check_slices(FORMAT, folder, shape=(9, 6), selections=[
        slice(1, 5), (slice(None, None, 2), 3), (slice(1, None, 3), slice(1, None, 2)),
        (slice(4, 4),), -1, (2, 5), (slice(8, 1, 1),)])


def test_errors_are_raised_on_every_rank(folder, on_rank0, monkeypatch, comm):
    check_errors(FORMAT, folder, on_rank0, monkeypatch, comm)
    path = f"{folder}/ragged.csv"
    on_rank0(lambda: open(path, "w").write("1,2\n3,4\n" * 5 + "5,6,7\n" + "1,2\n" * 5))
    with pytest.raises(ValueError, match="ragged"):
        em.load(path)
    with pytest.raises(ValueError, match="1-d and 2-d"):
        em.save(em.ones((2, 2, 2), split=0), path)
    with pytest.raises(ValueError, match="dataset"):
        em.save(em.ones(2, split=0), path, "x")


def test_a_crash_while_writing_leaves_the_old_file(folder, monkeypatch, comm):
    check_crash(FORMAT, folder, monkeypatch, comm, ("_copy",))


def test_headers_separators_comments_and_missing_values(folder, on_rank0):
    path = f"{folder}/m.txt"
    text = "station;temp;rain\nunits;K;mm\n# calibrated\n1;280.5;\n2;;0.5\n\n;281;1.5\n"
    on_rank0(lambda: open(path, "w").write(text * 3))
    expected = np.array([[1, 280.5, np.nan], [2, np.nan, 0.5], [np.nan, 281, 1.5]])
    data = np.concatenate([expected] * 3)
    for split in (None, 0, 1):
        y = em.load(f"{folder}/m.txt", split=split, sep=";", header_lines=2,
                    comments=("#", "station", "units"))
        assert_array_equal(y, data, split=split)
    with pytest.raises(ValueError, match="m.txt"):
        em.load(path, sep=";", header_lines=2, fill_value=None, comments="#s")


def test_append_adds_rows_and_header_and_format(folder):
    path = f"{folder}/a.csv"
    a = sample((5, 3), np.float32)
    em.save(em.array(a, split=1), path, header="a,b,c", comments="")
    em.save(em.array(a[:2], split=0), path, mode="a", sep=",")
    assert open(path).readline() == "a,b,c\n"
    assert_array_equal(em.load(path, header_lines=1, dtype=em.float32, split=None),
                       np.concatenate([a, a[:2]]))
    em.save(em.arange(4, split=0), path, fmt="%03d")
    assert open(path).read() == "000\n001\n002\n003\n"
