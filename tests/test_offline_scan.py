"""Snapshot scans judge roles and never pass silently (issue 19 §1), through the CLI.

The snapshot files are aggregator outputs of three accounts that reuse the same role and policy names:
a lookup by name alone, or a scan that cannot read AWS managed policies, gets them wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"
A, B, C = "111111111111", "222222222222", "333333333333"
ROLE_DOCUMENT_RULES = (
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
)


def verdicts(document: dict[str, Any], rule: str) -> dict[tuple[str, str, str], str]:
    """(account, region, resource id) -> compliance for one rule."""
    return {
        (e["accountId"], e["region"], e["resourceId"]): e["compliance"]
        for e in document["evaluations"]
        if e["rule"] == rule
    }


@pytest.mark.parametrize("snapshot", ["roles_aggregate_batch.json", "roles_aggregate_select.json"])
def test_aggregator_snapshot_judges_each_accounts_role_with_aws_managed_policies(snapshot: str, run_cli) -> None:
    status, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / snapshot), "--family", "role")
    assert status == 1
    targets = [(t["accountId"], t["region"]) for t in document["scan"]["targets"]]
    assert targets == [(A, "eu-west-1"), (B, "eu-west-1"), (B, "us-west-2"), (C, "eu-west-1")]
    # A: AdministratorAccess (AWS managed, from the shipped data) and its own app-policy ("*").
    # B: the same role and policy names, least privilege (AWSLambdaBasicExecutionRole / VPC access).
    expected = {(A, "eu-west-1", "orders"): "NON_COMPLIANT", (B, "eu-west-1", "orders"): "COMPLIANT"}
    expected[(B, "us-west-2", "reports")] = "COMPLIANT"
    for rule in ROLE_DOCUMENT_RULES:
        assert verdicts(document, rule) == expected, rule
    admin = next(
        e["annotation"]
        for e in document["evaluations"]
        if e["rule"] == "LAMBDA_ROLE_NO_ADMIN_ACCESS" and e["accountId"] == A
    )
    assert "AdministratorAccess" in admin and "app-policy" in admin
    # C: its role is not in the snapshot: skipped, with the reason, never a verdict.
    skipped = {(e["rule"], e["accountId"]) for e in document["errors"] if e["kind"] == "skipped"}
    assert ("LAMBDA_ROLE_NO_ADMIN_ACCESS", C) in skipped
    assert not any(e["accountId"] in (A, B) for e in document["errors"])


# ------------------------------------------------------------------------ skipped is visible

ROLE_SNAPSHOT = str(SNAPSHOTS / "roles_aggregate_batch.json")
CI_DATA = Path(__file__).parent / "data" / "ci"


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([], {"total": 0, "rules": {}}),
        # Hard negatives: a failed rule is an error, not a skip; it is counted elsewhere.
        ([{"rule": "R", "message": "x failed", "kind": "error"}], {"total": 0, "rules": {}}),
        ([{"rule": "R", "message": "x failed"}], {"total": 0, "rules": {}}),
        (
            [
                {"rule": "B", "message": "needs the iam API", "kind": "skipped"},
                {"rule": "A", "message": "needs the ec2 API", "kind": "skipped"},
                {"rule": "A", "message": "needs the ec2 API", "kind": "skipped"},
                {"rule": "A", "message": "needs the lambda API", "kind": "skipped"},
                {"rule": "A", "message": "boom", "kind": "error"},
            ],
            {
                "total": 4,
                "rules": {
                    "A": {"count": 3, "reasons": {"needs the ec2 API": 2, "needs the lambda API": 1}},
                    "B": {"count": 1, "reasons": {"needs the iam API": 1}},
                },
            },
        ),
    ],
)
def test_skipped_summary_counts_skips_per_rule_and_reason(errors: list[dict[str, str]], expected: dict) -> None:
    from lambda_compliance.report import skipped_summary, summarise

    assert skipped_summary(errors) == expected
    summary = summarise([], errors)
    assert summary["SKIPPED"] == expected["total"] and summary["skipped"] == expected


def test_every_format_counts_the_skipped_evaluations_with_their_reason(run_cli, tmp_path: Path) -> None:
    import csv
    import io
    import json

    reason = "needs the iam API, which a snapshot scan does not call"
    outputs = {}
    for fmt in ("json", "csv", "sarif", "html", "table"):
        out = tmp_path / f"report.{fmt}"
        status, _, _, _ = run_cli(
            "scan", "--snapshot", ROLE_SNAPSHOT, "--family", "role", "--format", fmt, "--output", str(out)
        )
        assert status == 1
        outputs[fmt] = out.read_text()
    summary = json.loads(outputs["json"])["summary"]
    assert summary["SKIPPED"] == 6
    assert summary["skipped"]["rules"]["LAMBDA_ROLE_NO_ADMIN_ACCESS"] == {"count": 1, "reasons": {reason: 1}}
    rows = [r for r in csv.DictReader(io.StringIO(outputs["csv"])) if r["compliance"] == "SKIPPED"]
    assert len(rows) == 6
    assert {(r["accountId"], r["resourceId"], r["annotation"]) for r in rows} == {(C, "orders", reason)}
    sarif = json.loads(outputs["sarif"])["runs"][0]
    assert sarif["properties"]["skipped"] == summary["skipped"]
    assert sum(1 for n in sarif["invocations"][0]["toolExecutionNotifications"] if n["level"] == "note") == 6
    assert 'id="skipped"' in outputs["html"] and "LAMBDA_ROLE_NO_ADMIN_ACCESS" in outputs["html"]
    assert "Skipped evaluations" in outputs["html"]
    summary_line = next(line for line in outputs["table"].splitlines() if "non-compliant," in line)
    assert "6 skipped" in summary_line


MIXED = str(CI_DATA / "snapshot_mixed.json")


@pytest.mark.parametrize(
    ("snapshot", "rules", "flag", "status"),
    [
        (ROLE_SNAPSHOT, "--family=role", True, 3),  # findings and skips: incomplete wins
        (ROLE_SNAPSHOT, "--family=role", False, 1),  # without the flag: findings, as before
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_ENV_NO_PLAINTEXT_SECRETS", True, 3),  # compliant + skipped
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_ENV_NO_PLAINTEXT_SECRETS", False, 0),
        # Hard negatives: nothing skipped, so the flag changes nothing.
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT", True, 0),
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT", False, 0),
    ],
)
def test_require_complete_exits_3_when_anything_was_skipped(run_cli, snapshot, rules, flag, status) -> None:
    args = ["scan", "--snapshot", snapshot, rules] + (["--require-complete"] if flag else [])
    got, document, _, err = run_cli(*args)
    assert got == status
    assert (document["summary"]["SKIPPED"] > 0) is (status == 3 or "ENV" in rules or "role" in rules)
    assert ("incomplete" in err) is (got == 3)
