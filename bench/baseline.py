"""The naive auditor: what a typical Lambda audit script does, written for the benchmark.

One function at a time, everything fetched anew for each: the function (GetFunction), its resource
policy, its URL config, its reserved concurrency, its role (GetRole, the inline policies one by one,
the attached policies and each one's default version) and its log group. Then the same checks as the
rules it is compared with, each in a few lines. Plain boto3 clients with their default configuration.
It imports nothing from lambda_compliance, so its time and memory are its own.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from typing import Any
from urllib.parse import unquote

import boto3
from botocore.exceptions import ClientError

DEPRECATED = {"python3.7", "python3.8", "python3.9", "nodejs14.x", "nodejs16.x", "nodejs18.x", "go1.x", "ruby2.7"}
SECRET_VALUE = re.compile(r"(AKIA[0-9A-Z]{16}|ghp_[0-9a-zA-Z]{20,}|xox[bp]-|-----BEGIN [A-Z ]*PRIVATE KEY)")
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|API_KEY)", re.I)


class Counting:
    """Counts the HTTP requests a session's clients send (botocore ``before-send``)."""

    def __init__(self) -> None:
        self.by_operation: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, event_name: str = "", **_: Any) -> None:
        with self._lock:
            self.by_operation[".".join(event_name.split(".")[1:3])] += 1

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())


def _missing(call: Any, **kwargs: Any) -> dict[str, Any] | None:
    try:
        return call(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "NoSuchEntity"):
            return None
        raise


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = (document or {}).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_admin(statement: dict[str, Any]) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and "*" in _as_list(statement.get("Action"))
        and "*" in _as_list(statement.get("Resource"))
    )


def audit(session: boto3.Session, endpoint_url: str | None) -> dict[str, Any]:
    """Audit every function; returns findings per check (function names failing it)."""
    lam = session.client("lambda", endpoint_url=endpoint_url)
    iam = session.client("iam", endpoint_url=endpoint_url)
    logs = session.client("logs", endpoint_url=endpoint_url)
    findings: dict[str, list[str]] = {}

    def fail(check: str, name: str) -> None:
        findings.setdefault(check, []).append(name)

    functions = []
    for page in lam.get_paginator("list_functions").paginate():
        functions += page["Functions"]
    for listed in functions:
        name = listed["FunctionName"]
        function = lam.get_function(FunctionName=name)
        config = function["Configuration"]
        policy = _missing(lam.get_policy, FunctionName=name)
        url = _missing(lam.get_function_url_config, FunctionName=name)
        concurrency = lam.get_function_concurrency(FunctionName=name)

        if policy:
            for statement in _statements(policy["Policy"]):
                principal = statement.get("Principal")
                public = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")
                if statement.get("Effect") == "Allow" and public and not statement.get("Condition"):
                    fail("LAMBDA_PUBLIC_ACCESS_PROHIBITED", name)
        if url and url.get("AuthType") == "NONE":
            fail("LAMBDA_URL_AUTH_REQUIRED", name)
        if config.get("Runtime") in DEPRECATED:
            fail("LAMBDA_RUNTIME_SUPPORTED", name)
        if (config.get("TracingConfig") or {}).get("Mode") != "Active":
            fail("LAMBDA_TRACING_ENABLED", name)
        if config.get("Timeout", 3) > 300:
            fail("LAMBDA_TIMEOUT_LIMIT", name)
        variables = (config.get("Environment") or {}).get("Variables") or {}
        if variables and not config.get("KMSKeyArn"):
            fail("LAMBDA_ENV_ENCRYPTED_WITH_CMK", name)
        if any(SECRET_VALUE.search(v) or (SECRET_NAME.search(k) and ":" not in v) for k, v in variables.items()):
            fail("LAMBDA_ENV_NO_PLAINTEXT_SECRETS", name)
        if concurrency.get("ReservedConcurrentExecutions") is None:
            fail("LAMBDA_CONCURRENCY_LIMIT_SET", name)
        if not (config.get("VpcConfig") or {}).get("SubnetIds"):
            fail("LAMBDA_INSIDE_VPC", name)

        role_name = config["Role"].rsplit("/", 1)[-1]
        iam.get_role(RoleName=role_name)
        documents = []
        inline = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        for policy_name in inline:
            documents.append(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
        for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
            managed = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=managed["DefaultVersionId"])
            documents.append(version["PolicyVersion"]["Document"])
        if any(_is_admin(s) for d in documents for s in _statements(d)):
            fail("LAMBDA_ROLE_NO_ADMIN_ACCESS", name)
        if inline:
            fail("LAMBDA_ROLE_NO_INLINE_POLICIES", name)

        groups = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
        group = next((g for g in groups if g["logGroupName"] == f"/aws/lambda/{name}"), None)
        if group is None or not 365 <= group.get("retentionInDays", 0) <= 3653:
            fail("LAMBDA_LOG_RETENTION_CONFIGURED", name)
    return {"functions": len(functions), "findings": {k: len(v) for k, v in sorted(findings.items())}}
