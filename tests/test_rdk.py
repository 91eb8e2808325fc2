"""rdk compatibility: ``rdk test-local --all`` runs every rule's tests (none "Ran 0 tests"), and the
templates of ``rdk create-rule-template`` have no cfn-lint error. rdk lives in its own virtualenv
(``make rdk`` creates ``.venv/rdk``; ``make test`` does too before running this)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lambda_compliance import catalog
from lambda_compliance.packaging import rdk

ROOT = Path(__file__).resolve().parent.parent
RDK = ROOT / ".venv" / "rdk" / "bin" / "rdk"
CFN_LINT = Path(sys.executable).with_name("cfn-lint")
needs_rdk = pytest.mark.skipif(not RDK.exists(), reason="rdk's virtualenv is missing: run `make rdk`")


@needs_rdk
def test_rdk_test_local_runs_every_rules_unittests() -> None:
    local = rdk.test_local(RDK, catalog.rules_dir())
    assert set(local.ran) == set(catalog.rule_names())
    assert min(local.ran.values()) > 0


@needs_rdk
def test_rdk_rule_templates_have_no_cfn_lint_error(tmp_path: Path) -> None:
    templates = rdk.rule_templates(RDK, catalog.rules_dir(), tmp_path)
    assert [t.name for t in templates] == ["rdk-rules.json", "rdk-rules-only.json"]
    rdk.lint(CFN_LINT, templates)


def test_test_local_output_is_read_per_rule() -> None:
    output = "\n".join(
        [
            "Running local test!",
            "Testing RULE_A",
            "Looking for tests in /rules/RULE_A",
            "Ran 3 tests in 0.002s",
            "OK",
            "Testing RULE_B",
            "Ran 0 tests in 0.000s",
            "NO TESTS RAN",
        ]
    )
    assert rdk.parse_test_local(output) == {"RULE_A": 3, "RULE_B": 0}


def test_a_rule_with_pytest_style_tests_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "rdk"
    fake.write_text("#!/bin/sh\necho 'Testing RULE_A'\necho 'Ran 0 tests in 0.000s' >&2\n")
    fake.chmod(0o755)
    (tmp_path / "rules" / "RULE_A").mkdir(parents=True)
    (tmp_path / "rules" / "RULE_A" / "RULE_A.py").write_text("")
    with pytest.raises(rdk.RdkCheckError, match="RULE_A reports 'Ran 0 tests'"):
        rdk.test_local(fake, tmp_path / "rules")
