"""The examples run, SPMD, under any number of processes."""

import runpy
from pathlib import Path

import ember as em

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_runs(capsys):
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    if em.get_comm().rank == 0:
        assert "quickstart: all checks passed" in out
        assert f"on {em.get_comm().size} process(es)" in out
    else:
        assert out == ""
