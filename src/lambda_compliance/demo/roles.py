"""Execution roles of the payments estate that exercise the seven role rules, good and bad.

ledger-writer is the model (its own role, managed policies scoped to one table, a boundary, Lambda-only
trust); the others each break something a compromised function could exploit.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_compliance.demo import ACCOUNT, LAMBDA_TRUST, REGION, Estate

ORDER = 30
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
PARTNER_ACCOUNT = "210987654321"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _policy(estate: Estate, name: str, document: dict[str, Any]) -> str:
    iam = estate.client("iam")
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


def seed(estate: Estate) -> None:
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ledger"
    boundary = _policy(
        estate,
        "payments-lambda-boundary",
        _doc(
            {
                "Sid": "PaymentsServices",
                "Effect": "Allow",
                "Action": ["logs:*", "dynamodb:*", "s3:*", "sqs:*", "sns:*", "xray:*"],
                "Resource": "*",
            }
        ),
    )
    ledger = _policy(
        estate,
        "ledger-writer-access",
        _doc(
            {
                "Sid": "LedgerTable",
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
                "Resource": table,
            }
        ),
    )
    deployer = _policy(
        estate,
        "release-deployer-access",
        _doc(
            {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {
                "Sid": "ManageFunctions",
                "Effect": "Allow",
                "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionCode"],
                "Resource": "*",
            },
        ),
    )
    partner_trust = _doc(
        *LAMBDA_TRUST["Statement"],
        {
            "Sid": "PartnerOps",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
        },
    )

    # Passes all seven: own role, managed and scoped, boundary, Lambda-only trust.
    estate.role("ledger-writer-role", managed=(ledger, BASIC), boundary=boundary)
    # PassRole on * with CreateFunction: a way to any role in the account; no boundary.
    estate.role("release-deployer-role", managed=(deployer, BASIC))
    # PowerUserAccess, and a partner account may assume it.
    estate.role("ops-runbook-role", managed=(POWER_USER,), trust=partner_trust, boundary=boundary)
    # An inline policy writing to every bucket.
    estate.role(
        "analytics-export-role",
        inline={"export": _doc({"Sid": "Export", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})},
        managed=(BASIC,),
        boundary=boundary,
    )
    # Well-scoped but shared by two functions.
    estate.role("nightly-jobs-role", managed=(BASIC,), boundary=boundary)

    fn = estate.function
    fn("ledger-writer", role="ledger-writer-role", runtime="python3.13", TracingConfig={"Mode": "Active"})
    fn("release-deployer", role="release-deployer-role", runtime="python3.13")
    fn("ops-runbook", role="ops-runbook-role", runtime="python3.13")
    fn("analytics-export", role="analytics-export-role", runtime="python3.13")
    fn("nightly-cleanup", role="nightly-jobs-role", runtime="python3.13")
    fn("nightly-digest", role="nightly-jobs-role", runtime="python3.13")
    estate.notes["role_rule_functions"] = {
        "ledger-writer": "passes every role rule",
        "release-deployer": "escalation, wildcard writes, no boundary",
        "ops-runbook": "admin (PowerUserAccess), partner trust",
        "analytics-export": "wildcard writes, inline policy",
        "nightly-cleanup": "shared role",
        "nightly-digest": "shared role",
    }
