"""One registry of generated files: ``generate --check`` is the staleness test for all of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lambda_compliance import generate
from lambda_compliance.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_every_generated_file_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["generate", "--check"])
    err = capsys.readouterr().err
    assert (status, err) == (0, ""), f"stale generated files (run `lambda-compliance generate`):\n{err}"


def test_registry_covers_each_family_of_generated_files() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in generate.rendered(ROOT)}
    for expected in (
        "rules/LAMBDA_TRACING_ENABLED/parameters.json",
        "README.md",
        "conformance-packs/all.yaml",
        "docs/frameworks.md",
        "templates/ssm/README.md",
        "templates/ssm/LambdaCompliance-SetReservedConcurrency.yaml",
        "templates/remediation.yaml",
        "templates/member-account-role.yaml",
    ):
        assert expected in files, expected


def test_check_names_changed_and_orphaned_files_and_generate_repairs_them(tmp_path: Path) -> None:
    """On a copy of the repository: a hand edit and a leftover pack are stale; ``write`` fixes both."""
    copy = tmp_path / "repo"
    for part in ("rules", "conformance-packs", "docs", "templates"):
        shutil.copytree(ROOT / part, copy / part)
    shutil.copy(ROOT / "README.md", copy / "README.md")
    assert generate.stale(copy) == []
    edited = copy / "conformance-packs" / "hipaa.yaml"
    edited.write_text(edited.read_text() + "# hand edit\n")
    orphan = copy / "conformance-packs" / "retired.yaml"
    orphan.write_text("Resources: {}\n")
    assert generate.stale(copy) == [edited, orphan]
    written, removed = generate.write(copy)
    assert (written, removed) == ([edited], [orphan])
    assert generate.stale(copy) == []
