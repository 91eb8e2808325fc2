"""The nine foundation rules end to end: functions in moto, scanned through the CLI, verdict per function."""

from __future__ import annotations

import json
import os
from unittest import mock

import pytest
from conftest import verdict_map

from lambda_compliance.demo.payments import PLANTED_SECRETS

FOUNDATION = (
    "LAMBDA_PUBLIC_ACCESS_PROHIBITED,LAMBDA_URL_AUTH_REQUIRED,LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED,"
    "LAMBDA_RUNTIME_SUPPORTED,LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT,LAMBDA_ENV_ENCRYPTED_WITH_CMK,"
    "LAMBDA_ENV_NO_PLAINTEXT_SECRETS,LAMBDA_CONCURRENCY_LIMIT_SET"
)
FAKE_PASSWORD = "vK9#mQ2$wL7!pX4z"


@pytest.fixture
def estate(moto):
    moto.role("app")
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    fn = moto.function
    fn(
        "good",
        role="app",
        runtime="python3.13",
        TracingConfig={"Mode": "Active"},
        Timeout=60,
        KMSKeyArn=key,
        Environment={"Variables": {"DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-x1"}},
    )
    fn(
        "bad",
        role="app",
        runtime="python3.8",
        Timeout=900,
        Environment={"Variables": {"DB_PASSWORD": FAKE_PASSWORD}},
    )
    lam = moto.client("lambda")
    lam.put_function_concurrency(FunctionName="good", ReservedConcurrentExecutions=5)
    lam.create_function_url_config(FunctionName="good", AuthType="AWS_IAM")
    lam.add_permission(
        FunctionName="good",
        StatementId="Sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn="arn:aws:sns:us-east-1:123456789012:topic",
    )
    lam.create_function_url_config(FunctionName="bad", AuthType="NONE")
    lam.add_permission(FunctionName="bad", StatementId="Public", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(
        FunctionName="bad", StatementId="S3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"
    )
    return moto


EXPECTED = {
    "LAMBDA_PUBLIC_ACCESS_PROHIBITED": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_URL_AUTH_REQUIRED": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_RUNTIME_SUPPORTED": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_TRACING_ENABLED": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_TIMEOUT_LIMIT": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_ENV_ENCRYPTED_WITH_CMK": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_ENV_NO_PLAINTEXT_SECRETS": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
    "LAMBDA_CONCURRENCY_LIMIT_SET": {"good": "COMPLIANT", "bad": "NON_COMPLIANT"},
}


@mock.patch.dict(os.environ, {"LAMBDA_COMPLIANCE_TODAY": "2026-11-29"})
def test_each_foundation_rule_judges_each_function(estate, run_cli):
    status, document, _, err = run_cli("scan", "--endpoint-url", estate.endpoint_url, "--rules", FOUNDATION)
    assert document["errors"] == []
    for rule, expected in EXPECTED.items():
        assert verdict_map(document, rule) == expected, rule
    assert status == 1
    assert FAKE_PASSWORD not in json.dumps(document) + err


def test_scan_requests_per_function_are_bounded(estate, run_cli):
    _, document, _, _ = run_cli("scan", "--endpoint-url", estate.endpoint_url, "--rules", FOUNDATION)
    [target] = document["scan"]["targets"]
    # sts + list_functions + get_function/get_policy/get_function_url_config per function: no per-rule refetch;
    # plus the KMS key inventory LAMBDA_ENV_ENCRYPTED_WITH_CMK judges keys from (list_keys, then describe_key,
    # list_resource_tags and get_key_rotation_status of the estate's one key), collected once for all rules.
    assert target["requests"] <= 2 + 3 * 2 + 1 + 3


def test_unknown_rule_is_a_usage_error(run_cli):
    status, _, _, err = run_cli("scan", "--demo", "--rules", "LAMBDA_NOPE")
    assert status == 2
    assert err.strip() == "error: unknown rule(s): LAMBDA_NOPE"


def test_demo_json_has_both_outcomes_and_never_leaks_planted_secrets(run_cli):
    status, document, out, err = run_cli("scan", "--demo")
    assert status == 1
    assert document["summary"]["COMPLIANT"] > 0 and document["summary"]["NON_COMPLIANT"] > 0
    text = json.dumps(document) + out + err
    for variables in PLANTED_SECRETS.values():
        for value in variables.values():
            assert value not in text
            assert value[:10] not in text
    secrets = verdict_map(document, "LAMBDA_ENV_NO_PLAINTEXT_SECRETS")
    assert {name: secrets[name] for name in PLANTED_SECRETS} == {name: "NON_COMPLIANT" for name in PLANTED_SECRETS}
    assert secrets["tax-calculator"] == "COMPLIANT"  # TOKEN_TTL_SECONDS is not a secret


def test_demo_table_output_never_leaks_planted_secrets(run_cli):
    status, _, out, err = run_cli("scan", "--demo", "--format", "table")
    assert status == 1
    assert "LAMBDA_ENV_NO_PLAINTEXT_SECRETS" in out
    for variables in PLANTED_SECRETS.values():
        for value in variables.values():
            assert value not in out + err
