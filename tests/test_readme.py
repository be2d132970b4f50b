"""The README's commands are the ones CI and newcomers run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    test_command = 'pip install -e ".[test]" && scripts/test'
    assert test_command in _readme_commands()
    assert ci[-1] == test_command


def test_readme_main_job_command_names_an_existing_example():
    main_job = 'pip install . && mpiexec -n 2 python examples/quickstart.py'
    assert main_job in _readme_commands()
    assert (ROOT / "examples" / "quickstart.py").is_file()


def test_ci_pins_torch_before_installing_the_project():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index('"torch==2.13.0"') < ci.index('pip install -e ".[test]"')
