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


def test_readme_main_job_command_is_the_declared_console_script():
    main_job = 'pip install . && mpiexec -n 2 ember-hotspots --demo --out hotspots-demo'
    assert main_job in _readme_commands()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'ember-hotspots = "ember.apps.hotspots.cli:main"' in pyproject
    assert (ROOT / "ember" / "apps" / "hotspots" / "cli.py").is_file()


def test_readme_figure_exists():
    text = (ROOT / "README.md").read_text()
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (ROOT / path).is_file(), path


def test_ci_pins_torch_before_installing_the_project():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index('"torch==2.13.0"') < ci.index('pip install -e ".[test]"')
