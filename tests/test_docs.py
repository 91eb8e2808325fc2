"""Generated documentation stays in sync with the rule specs."""

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_starts_with_the_two_commands():
    lines = [line for line in README.read_text().splitlines() if line.strip()]
    assert lines[1:4] == ["```", "make demo", "make test"]


def test_ci_entry_point_runs_exactly_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text()
    assert [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))] == ["make test"]
