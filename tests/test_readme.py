"""The README's commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ci_command() -> str:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return next(line for line in lines if line.startswith("python3 -m venv"))


def test_ci_runs_the_readme_test_command():
    assert _ci_command() in (ROOT / "README.md").read_text()


def test_readme_screenshot_exists():
    readme = (ROOT / "README.md").read_text()
    for line in readme.splitlines():
        if line.startswith("![") and "(" in line:
            target = line[line.index("(") + 1 : line.index(")")]
            assert (ROOT / target).is_file(), target
