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
