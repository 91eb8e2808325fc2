"""Builders for the execution-role rule tests: role and policy CIs as Config records them.

Role documents are URL-encoded inside the CIs, exactly like AWS::IAM::Role / AWS::IAM::Policy
records; AWS managed policies (never recorded by Config) are seeded as IAM GetPolicy /
GetPolicyVersion responses on the reader.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import quote

import boto3

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME, api_format, reader, snapshot_format

LAMBDA_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
LOGS_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/*",
        }
    ],
}
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
BASIC_ARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
AWS_MANAGED: dict[str, dict[str, Any]] = {
    ADMIN_ARN: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    BASIC_ARN: {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ],
    },
}


def document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [dict(s) for s in statements]}


def quoted(doc: Any) -> str:
    return quote(doc if isinstance(doc, str) else json.dumps(doc))


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def policy_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def role_ci(
    name: str = "orders-api-role",
    *,
    inline: Mapping[str, Any] | None = None,
    managed: Iterable[str] = (),
    trust: Any = None,
    boundary: str | None = None,
) -> dict[str, Any]:
    """An AWS::IAM::Role CI (``accountId``/``arn`` spelling; convert with the format helpers)."""
    arn = role_arn(name)
    configuration = {
        "path": "/",
        "roleName": name,
        "roleId": f"AROA{zlib.crc32(name.encode()):016d}",
        "arn": arn,
        "createDate": "2026-01-05T10:00:00.000Z",
        "assumeRolePolicyDocument": quoted(LAMBDA_TRUST if trust is None else trust),
        "instanceProfileList": [],
        "rolePolicyList": [
            {"policyName": policy_name, "policyDocument": quoted(doc)} for policy_name, doc in (inline or {}).items()
        ],
        "attachedManagedPolicies": [{"policyName": a.rsplit("/", 1)[-1], "policyArn": a} for a in managed],
        "permissionsBoundary": (
            {"permissionsBoundaryType": "PermissionsBoundaryPolicy", "permissionsBoundaryArn": boundary}
            if boundary
            else None
        ),
        "tags": [],
    }
    return _ci("AWS::IAM::Role", configuration["roleId"], name, arn, configuration)


def policy_ci(name: str, doc: Any) -> dict[str, Any]:
    """An AWS::IAM::Policy CI for a customer managed policy with one (default) version."""
    arn = policy_arn(name)
    configuration = {
        "policyName": name,
        "policyId": f"ANPA{zlib.crc32(name.encode()):016d}",
        "arn": arn,
        "path": "/",
        "defaultVersionId": "v1",
        "attachmentCount": 1,
        "isAttachable": True,
        "policyVersionList": [{"document": quoted(doc), "versionId": "v1", "isDefaultVersion": True}],
    }
    return _ci("AWS::IAM::Policy", configuration["policyId"], name, arn, configuration)


def _ci(resource_type: str, resource_id: str, name: str, arn: str, configuration: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationItemStatus": "OK",
        "arn": arn,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": name,
        "awsRegion": "global",
        "availabilityZone": "Not Applicable",
        "tags": {},
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": {},
    }


def in_format(fmt: str, ci: Mapping[str, Any]) -> dict[str, Any]:
    return snapshot_format(ci) if fmt == "snapshot" else api_format(ci)


def seed_aws_managed(aws: AwsReader, arn: str, doc: Any | None = None) -> None:
    """GetPolicy / GetPolicyVersion responses for an AWS managed policy (Config never records them)."""
    doc = AWS_MANAGED[arn] if doc is None else doc
    name = arn.rsplit("/", 1)[-1]
    aws.seed(
        "iam",
        "get_policy",
        {"Policy": {"PolicyName": name, "Arn": arn, "DefaultVersionId": "v3", "IsAttachable": True}},
        PolicyArn=arn,
    )
    aws.seed(
        "iam",
        "get_policy_version",
        {"PolicyVersion": {"Document": doc, "VersionId": "v3", "IsDefaultVersion": True}},
        PolicyArn=arn,
        VersionId="v3",
    )


def role_reader(*cis: Mapping[str, Any], fmt: str = "snapshot", factory: Any = None) -> AwsReader:
    """A reader whose Config inventory holds ``cis`` (in ``fmt``) with the AWS managed policies seeded."""
    aws = reader([in_format(fmt, ci) for ci in cis], factory=factory)
    for arn in AWS_MANAGED:
        seed_aws_managed(aws, arn)
    return aws


class BotoFactory:
    """Real boto3 clients (for tests running under moto's ``mock_aws``)."""

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return boto3.client(service, region_name=region or "us-east-1")


def judge(rule: Any, *role_cis: Mapping[str, Any], params: Any = None, function: Any = None) -> list[tuple[str, str]]:
    """Verdicts of ``rule`` for the function CI (default ``lambda_ci()``) with ``role_cis`` in the
    inventory, over every combination of function-CI and role-CI format: they must all agree."""
    from lambda_compliance.testing import both_formats, evaluate, lambda_ci, verdicts

    seen = set()
    for _fmt, fn in both_formats(function if function is not None else lambda_ci()):
        for role_fmt in ("snapshot", "api"):
            seen.add(tuple(verdicts(evaluate(rule, fn, params, role_reader(*role_cis, fmt=role_fmt)))))
    if len(seen) != 1:
        raise AssertionError(f"formats disagree: {sorted(seen)}")
    return list(seen.pop())


# ------------------------------------------------------------------ request counting (moto estates)

ROLE_RULE_NAMES = (
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
    "LAMBDA_ROLE_NO_INLINE_POLICIES",
    "LAMBDA_ROLE_NOT_SHARED",
    "LAMBDA_ROLE_PERMISSIONS_BOUNDARY",
    "LAMBDA_ROLE_TRUST_POLICY_RESTRICTED",
)


def shared_role_estate(estate: Any, functions: int, roles: int) -> None:
    """``functions`` functions over ``roles`` roles (a ``demo.Estate``): each role has an inline
    policy, its own customer managed policy, the AWS managed basic execution policy and a boundary
    shared by all."""
    iam = estate.client("iam")

    def policy(name: str, statement: dict[str, Any]) -> str:
        doc = json.dumps(document(statement))
        return iam.create_policy(PolicyName=name, PolicyDocument=doc)["Policy"]["Arn"]

    boundary = policy("boundary", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    for r in range(roles):
        table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t{r}"
        own = policy(f"app-{r}", {"Effect": "Allow", "Action": "dynamodb:*", "Resource": table})
        inline = document({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})
        estate.role(f"role-{r}", inline={"queue": inline}, managed=(own, BASIC_ARN), boundary=boundary)
    for f in range(functions):
        estate.function(f"fn-{f:04d}", role=f"role-{f % roles}")


def scan_iam_requests(endpoint_url: str, functions: int) -> tuple[int, dict[str, int], int, int]:
    """Scan the estate at ``endpoint_url`` with the seven role rules: (IAM requests, IAM requests by
    operation, number of role analyses, all requests of the scan)."""
    from lambda_compliance import catalog
    from lambda_compliance.domain.iam import role_data
    from lambda_compliance.scanner import scan

    rules = [catalog.load_rule(n) for n in ROLE_RULE_NAMES]
    session = boto3.Session(region_name="us-east-1")
    with mock.patch.object(role_data, "analyse", wraps=role_data.analyse) as analysed:
        report = scan.scan_account(rules, session=session, region="us-east-1", endpoint_url=endpoint_url)
    if report.outcome.errors or len(report.outcome.results) != len(rules) * functions:
        raise AssertionError(f"scan incomplete: {report.outcome.errors[:3]}")
    by_op = {k: v for k, v in report.requests.items() if k.startswith("iam.")}
    return sum(by_op.values()), by_op, analysed.call_count, report.request_total


@contextmanager
def moto_iam() -> Iterator[BotoFactory]:
    """moto in-process for IAM-fallback tests, without loading AWS managed policies (~3 s each)."""
    from moto import mock_aws

    with mock.patch.dict(os.environ, {"MOTO_IAM_LOAD_MANAGED_POLICIES": "false"}), mock_aws():
        yield BotoFactory()
