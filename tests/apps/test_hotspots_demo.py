"""ember-hotspots --demo: the synthetic stack is the same for any number of processes,
and the detections match the planted truth.

Quality thresholds: the run is deterministic (seeded, process-count independent), so the
thresholds guard against regressions, not noise. On the tiny size (32 x 32 pixels, 48
dates) LOF by time measures precision 0.99 and recall 0.91 (the default small size:
0.93 / 0.99 with both modes); changed regions there are only 5 pixels wide, so the
patch's border makes a few of their pixels hard. We require both >= 0.85 and the peak
date on the storm date.
"""

import os
import re

import numpy as np
import pytest

from ember.apps.hotspots.config import Options
from ember.apps.hotspots.demo import STORM_DATE, Scene, make_scene, run_demo, write_stack

LINE = re.compile(r"^demo: precision=(\d\.\d\d) recall=(\d\.\d\d) storm_date=(\S+) "
                  r"detected_peak_date=(\S+)$")


@pytest.fixture
def folder(comm, tmp_path):
    return comm.bcast_object(str(tmp_path) if comm.rank == 0 else None)


def test_demo_detection_quality(comm, folder, capsys):
    out = os.path.join(folder, "demo")
    run_demo(Options(demo=True, size="tiny", out=out, mode="time", quiet=True), comm)
    lines = capsys.readouterr().out.strip().splitlines()
    if comm.rank == 0:
        match = LINE.match(lines[-1])
        assert match, lines[-1]
        precision, recall = float(match[1]), float(match[2])
        assert precision >= 0.85 and recall >= 0.85, lines[-1]
        assert match[3] == match[4] == STORM_DATE.isoformat()
    else:
        assert lines == []
    stack = np.load(os.path.join(out, "demo_stack.npy"))
    assert stack.shape == make_scene("tiny").shape and (stack > 0).all()


def test_demo_stack_is_process_count_independent(comm, folder):
    """The stack written by P processes equals the one written by a single process."""
    scene = Scene(9, 6, 5, STORM_DATE, ((1, 4, 2, 5, 10.0, 3),), (0, 9, 2, 6.0))
    path = os.path.join(folder, "p.npy")
    write_stack(scene, path, 7, comm)
    single = os.path.join(folder, f"one-{comm.rank}.npy")
    write_stack(scene, single, 7, comm.Split(comm.rank))
    np.testing.assert_array_equal(np.load(path), np.load(single))


def test_truth_and_sizes():
    scene = make_scene("small")
    truth = scene.truth(0, scene.rows).numpy()
    assert truth[scene.storm[2]].sum() > 0.2 * scene.rows * scene.cols
    for r0, r1, c0, c1, _, change in scene.regions:
        before = np.delete(truth[:change, r0:r1, c0:c1], scene.storm[2], axis=0)
        assert truth[change:, r0:r1, c0:c1].all() and not before.any()
    large = make_scene("large")
    assert 4 * np.prod(large.shape) > 3 * 2**30  # several GB (metadata only)
    assert large.dates[large.storm[2]] == STORM_DATE.isoformat()
    np.testing.assert_array_equal(scene.truth(5, 20).numpy(), truth[:, 5:20])
