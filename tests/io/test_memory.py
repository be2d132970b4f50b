"""No rank holds more than its block plus one I/O buffer while reading or writing.

The peak resident memory of each process is reset (Linux: ``/proc/self/clear_refs``),
then a file larger than the per-process limit set here is loaded; the growth of the peak
must stay below the limit (this rank's block plus an I/O allowance).
"""

import os

import pytest

import ember as em
import ember.io.common

MIB = 1 << 20
ROWS, COLUMNS = 3 * 32768, 128  # float32: 48 MiB in all
ALLOWANCE = 16 * MIB  # one I/O buffer (4 MiB here), decoded chunks, allocator slack

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"),
                                reason="needs Linux's /proc/self/clear_refs")


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _peak_growth(action) -> tuple[int, object]:
    """Bytes the peak resident memory grew by while running ``action()``."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident size
    baseline = _status("VmRSS")
    result = action()
    return _status("VmHWM") - baseline, result


@pytest.mark.parametrize("suffix,options", [(".h5", {}), (".npy", {}),
                                            (".zarr", {"chunks": (2048, COLUMNS)})])
def test_no_rank_holds_more_than_its_block_and_one_buffer(folder, comm, monkeypatch,
                                                         suffix, options):
    monkeypatch.setattr(ember.io.common, "IO_BUFFER_BYTES", 4 * MIB)
    path = os.path.join(folder, "big" + suffix)
    full = ROWS * COLUMNS * 4
    x = em.ones((ROWS, COLUMNS), dtype=em.float32, split=0)
    growth, _ = _peak_growth(lambda: em.save(x, path, **options))
    assert growth < ALLOWANCE, f"writing grew the peak by {growth / MIB:.1f} MiB"
    x = None  # free the block before measuring the read
    # Every rank reads its block; with one process, a third of the rows (a hyperslab).
    rows = slice(0, ROWS // 3) if comm.size == 1 else slice(None)
    block = -(-len(range(ROWS)[rows]) // comm.size) * COLUMNS * 4
    limit = block + ALLOWANCE
    assert limit < full  # the whole array would not fit under the limit
    growth, y = _peak_growth(lambda: em.load(path, split=0, slices=rows))
    assert y.lnbytes <= block and float(y.larray.min()) == 1.0
    assert growth < limit, f"reading grew the peak by {growth / MIB:.1f} MiB > " \
                           f"{limit / MIB:.1f} MiB"
