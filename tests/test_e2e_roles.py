"""The seven execution-role rules end to end: roles and functions in moto, scanned through the CLI.

moto implements IAM (roles, inline and customer managed policies, boundaries and, with
MOTO_IAM_LOAD_MANAGED_POLICIES=true, the AWS managed policies), so nothing here is stubbed. Also
counts the IAM requests a scan makes: they grow with roles, not with functions.
"""

from __future__ import annotations

import pytest
from conftest import verdict_map

from lambda_compliance import catalog, demo
from lambda_compliance.demo import roles as role_seeder
from lambda_compliance.testing.roles import scan_iam_requests, shared_role_estate

ROLE_RULES = ",".join(n for n in catalog.rule_names() if n.startswith("LAMBDA_ROLE_"))
OK, BAD = "COMPLIANT", "NON_COMPLIANT"

EXPECTED = {
    # function:            admin wildcard escalation inline shared boundary trust
    "ledger-writer": (OK, OK, OK, OK, OK, OK, OK),
    "release-deployer": (OK, BAD, BAD, OK, OK, BAD, OK),
    "ops-runbook": (BAD, BAD, OK, OK, OK, OK, BAD),
    "analytics-export": (OK, BAD, OK, BAD, OK, OK, OK),
    "nightly-cleanup": (OK, OK, OK, OK, BAD, OK, OK),
    "nightly-digest": (OK, OK, OK, OK, BAD, OK, OK),
}
COLUMNS = (
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
    "LAMBDA_ROLE_NO_INLINE_POLICIES",
    "LAMBDA_ROLE_NOT_SHARED",
    "LAMBDA_ROLE_PERMISSIONS_BOUNDARY",
    "LAMBDA_ROLE_TRUST_POLICY_RESTRICTED",
)


def test_seven_rules_are_registered():
    assert sorted(ROLE_RULES.split(",")) == sorted(COLUMNS)
    assert role_seeder in demo.seeders()


def test_each_role_rule_judges_each_function(moto, run_cli):
    role_seeder.seed(moto)
    status, document, _, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--rules", ROLE_RULES)
    assert document["errors"] == []
    assert status == 1
    for i, rule in enumerate(COLUMNS):
        assert verdict_map(document, rule) == {fn: row[i] for fn, row in EXPECTED.items()}, rule
    notes = {(e["rule"], e["resourceId"]): e["annotation"] for e in document["evaluations"]}
    assert notes[("LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION", "release-deployer")] == (
        "execution role release-deployer-role allows privilege escalation: PassRole+lambda:CreateFunction via "
        "release-deployer-access/PassAnyRole, release-deployer-access/ManageFunctions; "
        "lambda:UpdateFunctionCode via release-deployer-access/ManageFunctions"
    )
    assert notes[("LAMBDA_ROLE_NO_ADMIN_ACCESS", "ops-runbook")] == (
        "execution role ops-runbook-role grants admin access: PowerUserAccess via PowerUserAccess"
    )
    assert notes[("LAMBDA_ROLE_NOT_SHARED", "nightly-digest")] == (
        "execution role nightly-jobs-role is shared with 1 other function: nightly-cleanup"
    )


def test_escalation_through_passrole_to_an_admin_role_only(moto, run_cli):
    """PassRole scoped to one role: a finding only when that role is admin (read from IAM too)."""
    admin = moto.role("break-glass", managed=("arn:aws:iam::aws:policy/AdministratorAccess",))
    worker = moto.role("worker")
    for name, target in (("to-admin", admin), ("to-worker", worker)):
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": target},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
            ],
        }
        moto.role(f"{name}-role", inline={"deploy": document})
        moto.function(name, role=f"{name}-role")
    _, document, _, _ = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION"
    )
    assert verdict_map(document, "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION") == {"to-admin": BAD, "to-worker": OK}


def iam_requests(moto, functions: int, roles: int) -> tuple[int, dict[str, int], int]:
    shared_role_estate(moto, functions, roles)
    total, by_op, analyses, _ = scan_iam_requests(moto.endpoint_url, functions)
    return total, by_op, analyses


@pytest.mark.parametrize(("functions", "roles"), [(40, 4), (80, 4)])
def test_iam_requests_grow_with_roles_not_functions(moto, functions, roles):
    total, by_op, analyses = iam_requests(moto, functions, roles)
    # Per role: GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies (4), plus
    # GetPolicy + GetPolicyVersion once per distinct managed policy: one per role, the boundary
    # and the AWS managed one. Nothing per function, nothing per rule.
    assert total == 4 * roles + 2 * (roles + 2), by_op
    assert analyses == roles  # each role analysed once for seven rules and all its functions
