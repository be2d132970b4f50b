"""The benchmark runner keeps working: every case at smoke size, on every rank (SPMD).

The driver's sub-runs are started in-process here (starting Python and torch again would
take seconds); ``python benchmarks/run.py`` does the same with ``mpiexec``.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import ember as em

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402
from benchmarks.cases import CASES  # noqa: E402
from benchmarks.cases.data import quasi_random  # noqa: E402
from benchmarks.harness import Case, Result, numpy_state, run_cases, select  # noqa: E402

NAMES = [case.name for case in CASES]


def test_every_case_runs_at_smoke_size_with_the_same_results_on_every_rank(comm):
    results = run_cases(CASES, "smoke", 2, comm)
    assert [result.name for result in results] == NAMES
    for case, result in zip(CASES, results, strict=True):
        assert (result.procs, result.size) == (comm.size, case.sizes["smoke"])
        assert len(result.ember_s) == 2 and min(result.ember_s) > 0
        assert result.rss_mib > 10  # at least the interpreter and torch
        timed_numpy = comm.size == 1 and case.numpy_run is not None
        assert len(result.numpy_s) == (2 if timed_numpy else 0)
    mine = [result.to_json() for result in results]
    assert all(theirs == mine for theirs in comm.allgather_object(mine))


# Floating-point reductions may reassociate (DESIGN.md); data movement must be exact.
REASSOCIATING = {"elementwise_chain": 1e-5, "moments": 1e-5}


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_case_computes_what_its_numpy_oracle_computes(case, comm):
    state = case.setup(case.sizes["smoke"], comm)
    result = case.run(state)
    assert isinstance(result, em.DNDarray)
    if case.numpy_run is not None:
        oracle = case.numpy_run(numpy_state(case, state))
        rtol = REASSOCIATING.get(case.name, 0.0)
        np.testing.assert_allclose(result.numpy(), oracle, rtol=rtol, atol=0.0)


def test_cases_have_unique_names_and_every_size():
    assert len(set(NAMES)) == len(NAMES)
    assert all(set(case.sizes) >= {"smoke", "default", "large"} for case in CASES)
    with pytest.raises(ValueError, match="no size"):
        Case("x", "", {"smoke": 1}, setup=lambda n, c: n, run=lambda s: s)
    with pytest.raises(ValueError, match="unknown benchmark case"):
        select(CASES, ["no_such_case"])


@pytest.mark.parametrize("counts", [None, "last"])
def test_quasi_random_data_do_not_depend_on_the_process_count(counts, comm):
    counts = None if counts is None else (0,) * (comm.size - 1) + (7,)
    x = quasi_random((7, 3), comm, counts=counts)
    expected = (np.arange(21.0) * 0.6180339887498949 % 1.0).astype(np.float32).reshape(7, 3)
    assert x.split == 0 and x.dtype == em.float32
    assert x.is_balanced() if counts is None else x.counts == counts
    np.testing.assert_array_equal(x.numpy(), expected)


def test_worker_writes_the_results_as_json_from_rank_0(comm, tmp_path):
    out = Path(comm.bcast_object(str(tmp_path / "results.json")))
    assert run.main(["--worker", str(out), "--size", "smoke", "--repeat", "1",
                     "--only", "gather", "create_arange_split"]) == 0
    data = json.loads(out.read_text())
    assert [item["name"] for item in data] == ["gather", "create_arange_split"]
    assert all(item["procs"] == comm.size and item["numpy_s"] == [] for item in data)


def _fake_result(name, procs, threads, seconds, numpy_s=()):
    return Result(name, procs, threads, 1, [seconds, 2 * seconds], list(numpy_s), 300.0)


def test_table_ratios_are_speed_up_and_cost_of_distribution():
    results = {("gather", 1, 1): _fake_result("gather", 1, 1, 2.0, numpy_s=[1.0]),
               ("gather", 2, 1): _fake_result("gather", 2, 1, 0.8),
               ("gather", 1, 2): _fake_result("gather", 1, 2, 0.4),
               ("balance", 1, 1): _fake_result("balance", 1, 1, 1.0),
               ("balance", 2, 1): None,
               ("resplit_0_to_1", 1, 1): None}
    cases = select(CASES, ["gather", "balance", "resplit_0_to_1"])
    lines = run.format_table(cases, results, [1, 2]).splitlines()
    assert lines[0].split() == ["case", "NumPy", "s", "1p", "s", "1p/NumPy", "2p", "s",
                                "speed-up", "2p", "1p", "x2t", "s", "cost", "2p", "RSS",
                                "MiB", "1p", "RSS", "MiB", "2p"]
    #                   NumPy 1p  1p/NumPy 2p  speed-up 1px2t cost RSS1 RSS2
    assert lines[2].split() == ["gather", "1", "2", "2.00", "0.8", "2.50", "0.4", "2.00",
                                "300", "300"]
    assert lines[3].split() == ["balance", "-", "1", "-", "failed", "-", "-", "-", "300",
                                "-"]
    assert lines[4].split()[:3] == ["resplit_0_to_1", "failed", "-"]


def test_sub_runs_get_their_threads_and_no_inherited_mpi_launch():
    base = {"PATH": "/bin", "PMI_RANK": "0", "PMI_FD": "9", "EMBER_USE_MPI": "1"}
    distributed = run.worker_env(run.Config(2, 1), base)
    threaded = run.worker_env(run.Config(1, 2), base)
    assert "PMI_RANK" not in distributed and "EMBER_USE_MPI" not in distributed
    assert distributed["OMP_NUM_THREADS"] == distributed["EMBER_NUM_THREADS"] == "1"
    assert threaded["OMP_NUM_THREADS"] == "2" and threaded["EMBER_USE_MPI"] == "0"
    assert run.plan([1, 2, 3]) == [run.Config(1, 1, numpy=True), run.Config(2, 1),
                                   run.Config(1, 2), run.Config(3, 1), run.Config(1, 3)]


def test_driver_runs_every_configuration_and_prints_one_table(comm, monkeypatch, capsys):
    argv = ["--size", "smoke", "--repeat", "1", "--procs", "1,2", "--mpiexec", "mpiexec",
            "--only", "resplit_0_to_1", "create_random_like"]
    if comm.size > 1:  # the driver is plain python; it refuses to run under mpiexec
        with pytest.raises(SystemExit, match="plain python"):
            run.main(argv)
        return
    launched = []

    def in_process(command, env, timeout):
        launched.append((command[:3], env["OMP_NUM_THREADS"]))
        return run.main(command[command.index("--worker"):]) == 0

    monkeypatch.setattr(run, "launch", in_process)
    assert run.main(argv) == 0
    assert sorted(launched) == sorted(2 * [
        ([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--worker"], "1"),
        (["mpiexec", "-n", "2"], "1"),
        ([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--worker"], "2"),
    ])
    table = capsys.readouterr().out.splitlines()
    assert "speed-up 2p" in table[2] and "cost 2p" in table[2]
    assert [line.split()[0] for line in table[4:6]] == ["resplit_0_to_1",
                                                        "create_random_like"]
    assert "failed" not in "\n".join(table[4:6])
