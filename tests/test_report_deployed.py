"""``lambda-compliance report``: the report read from a deployed AWS Config.

moto stores Config rules but records no evaluations and has none of the compliance
reads, so these tests use botocore's Stubber: responses in the real shapes of the
service model (Stubber validates them, and our requests, against it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from lambda_compliance.cli.commands import report as report_command
from lambda_compliance.report import deployed

ACCOUNT, OTHER = "111122223333", "444455556666"
WHEN = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
KNOWN = ("LAMBDA_TRACING_ENABLED", "LAMBDA_PUBLIC_ACCESS_PROHIBITED", "LAMBDA_TIMEOUT_LIMIT")


def _result(rule: str, resource: str, verdict: str, annotation: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule,
                "ResourceType": "AWS::Lambda::Function",
                "ResourceId": resource,
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": WHEN,
        },
        "ComplianceType": verdict,
        "ResultRecordedTime": WHEN,
        "ConfigRuleInvokedTime": WHEN,
        **extra,
    }
    if annotation:
        out["Annotation"] = annotation
    return out


class _Session:
    """What the command asks boto3 for, answered with stubbed clients."""

    region_name = "eu-west-1"

    def __init__(self, config: Any, sts: Any) -> None:
        self.clients = {"config": config, "sts": sts}

    def client(self, service: str, **_: Any) -> Any:
        return self.clients[service]


@pytest.fixture
def stubbed(monkeypatch):
    config = boto3.client("config", region_name="eu-west-1")
    sts = boto3.client("sts", region_name="eu-west-1")
    config_stub, sts_stub = Stubber(config), Stubber(sts)
    monkeypatch.setattr(report_command, "_session", lambda args: _Session(config, sts))
    with config_stub, sts_stub:
        yield config_stub, sts_stub
        config_stub.assert_no_pending_responses()
        sts_stub.assert_no_pending_responses()


def _identity(sts_stub: Stubber) -> None:
    sts_stub.add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/auditor"},
    )


def _run(run_cli, tmp_path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "report.json"
    status, _, _, err = run_cli("report", *args, "--format", "json", "--output", str(out))
    return status, json.loads(out.read_text()), err


def test_deployed_rule_names_map_to_catalog_rules():
    assert deployed.rule_name("LAMBDA_TRACING_ENABLED", KNOWN) == "LAMBDA_TRACING_ENABLED"
    assert deployed.rule_name("LAMBDA_TRACING_ENABLED-conformance-pack-x1y2z3a4", KNOWN) == "LAMBDA_TRACING_ENABLED"
    assert deployed.rule_name("lambda-function-public-access-prohibited", KNOWN) is None


def test_report_from_account_rules_stubbed_because_moto_lacks_get_compliance_details_by_config_rule(
    stubbed, run_cli, tmp_path
):
    config, sts = stubbed
    _identity(sts)
    pack_rule = "LAMBDA_TRACING_ENABLED-conformance-pack-k3j9d0aa"
    config.add_response(
        "describe_compliance_by_config_rule",
        {
            "ComplianceByConfigRules": [
                {"ConfigRuleName": pack_rule, "Compliance": {"ComplianceType": "NON_COMPLIANT"}},
                {"ConfigRuleName": "s3-bucket-versioning-enabled", "Compliance": {"ComplianceType": "COMPLIANT"}},
            ],
            "NextToken": "page-2",
        },
        {},
    )
    config.add_response(
        "describe_compliance_by_config_rule",
        {
            "ComplianceByConfigRules": [
                {"ConfigRuleName": "LAMBDA_PUBLIC_ACCESS_PROHIBITED", "Compliance": {"ComplianceType": "COMPLIANT"}}
            ]
        },
        {"NextToken": "page-2"},
    )
    verdicts = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
    config.add_response(
        "get_compliance_details_by_config_rule",
        {
            "EvaluationResults": [
                _result(pack_rule, "orders", "COMPLIANT", "tracing mode is Active"),
                _result(pack_rule, "billing", "NON_COMPLIANT", "tracing mode is PassThrough"),
            ]
        },
        {"ConfigRuleName": pack_rule, "ComplianceTypes": verdicts},
    )
    config.add_response(
        "get_compliance_details_by_config_rule",
        {"EvaluationResults": [_result("LAMBDA_PUBLIC_ACCESS_PROHIBITED", "orders", "COMPLIANT")]},
        {"ConfigRuleName": "LAMBDA_PUBLIC_ACCESS_PROHIBITED", "ComplianceTypes": verdicts},
    )
    org = tmp_path / "org.yaml"
    org.write_text(
        "rules:\n  LAMBDA_LOG_RETENTION_CONFIGURED:\n    parameters: {minRetentionDays: 90}\n"
        "exemptions:\n  - rule: LAMBDA_TRACING_ENABLED\n    resources: [legacy-*]\n"
        "    reason: retired in Q3\n    approver: ciso@example.com\n"
    )
    status, document, err = _run(run_cli, tmp_path, "--config", str(org))
    assert status == 1, err
    # The configuration the packs were built from gives the parameters in force and the approvals.
    assert document["configuration"]["file"] == str(org)
    assert document["exemptions"][0]["approver"] == "ciso@example.com"
    pci = next(f for f in document["frameworks"] if f["key"] == "pci-dss-4")
    retention = next(c for c in pci["clauses"] if c["id"] == "10.5.1")
    assert retention["rules"][0]["parameters"]["minRetentionDays"] == "90" and retention["status"] == "NOT_TESTED"
    assert document["scan"]["rules"] == ["LAMBDA_PUBLIC_ACCESS_PROHIBITED", "LAMBDA_TRACING_ENABLED"]
    assert document["scan"]["targets"][0]["source"] == "aws-config"
    assert document["scan"]["accounts"] == [ACCOUNT] and document["scan"]["regions"] == ["eu-west-1"]
    billing = next(e for e in document["evaluations"] if e["resourceId"] == "billing")
    assert billing == {
        "rule": "LAMBDA_TRACING_ENABLED",
        "resourceType": "AWS::Lambda::Function",
        "resourceId": "billing",
        "compliance": "NON_COMPLIANT",
        "annotation": "tracing mode is PassThrough",
        "accountId": ACCOUNT,
        "region": "eu-west-1",
        "since": "2026-11-20T08:30:00+00:00",
        "recorded": "2026-11-20T08:30:00+00:00",
    }
    soc2 = next(f for f in document["frameworks"] if f["key"] == "soc2")
    monitoring = next(c for c in soc2["clauses"] if c["id"] == "CC7.2")
    # Tracing fails for billing; the other CC7.2 rules are not deployed, so the evidence is partial.
    assert monitoring["status"] == "EXCEPTIONS" and not monitoring["complete"]
    assert [f["resourceId"] for f in monitoring["failingResources"]] == ["billing"]
    assert soc2["failing"][0]["remediation"]["document"] == "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing"


def test_report_from_conformance_pack_stubbed_because_moto_lacks_get_conformance_pack_compliance_details(
    stubbed, run_cli, tmp_path
):
    config, sts = stubbed
    _identity(sts)
    pack = "lambda-compliance-hipaa"
    rule = "LAMBDA_TIMEOUT_LIMIT-conformance-pack-q8w7e6r5"
    config.add_response(
        "describe_conformance_pack_compliance",
        {
            "ConformancePackName": pack,
            "ConformancePackRuleComplianceList": [
                {"ConfigRuleName": rule, "ComplianceType": "NON_COMPLIANT", "Controls": []}
            ],
        },
        {"ConformancePackName": pack},
    )
    filters = {"ConfigRuleNames": [rule]}
    # No boto3 paginator for this read: the NextToken loop is ours.
    config.add_response(
        "get_conformance_pack_compliance_details",
        {
            "ConformancePackName": pack,
            "ConformancePackRuleEvaluationResults": [_result(rule, "etl", "NON_COMPLIANT", "timeout is 900s")],
            "NextToken": "t2",
        },
        {"ConformancePackName": pack, "Filters": filters},
    )
    config.add_response(
        "get_conformance_pack_compliance_details",
        {
            "ConformancePackName": pack,
            "ConformancePackRuleEvaluationResults": [
                _result(rule, "api", "COMPLIANT"),
                _result(rule, "fresh", "INSUFFICIENT_DATA"),
            ],
        },
        {"ConformancePackName": pack, "Filters": filters, "NextToken": "t2"},
    )
    status, document, err = _run(run_cli, tmp_path, "--conformance-pack", pack, "--framework", "soc2")
    assert status == 1, err
    assert document["scan"]["targets"][0]["source"] == f"conformance-pack:{pack}"
    assert document["scan"]["targets"][0]["requests"] == 3
    assert {e["resourceId"]: e["compliance"] for e in document["evaluations"]} == {
        "etl": "NON_COMPLIANT",
        "api": "COMPLIANT",
    }
    assert document["errors"] == [
        {
            "rule": "LAMBDA_TIMEOUT_LIMIT",
            "message": "AWS Config has insufficient data for this resource",
            "resourceId": "fresh",
            "accountId": ACCOUNT,
            "region": "eu-west-1",
            "kind": "error",
        }
    ]
    assert [f["key"] for f in document["frameworks"]] == ["soc2"]


def test_report_from_aggregator_stubbed_because_moto_lacks_get_aggregate_compliance_details_by_config_rule(
    stubbed, run_cli, tmp_path
):
    config, _ = stubbed
    aggregator = "org-aggregator"
    combos = [
        {
            "ConfigRuleName": "LAMBDA_PUBLIC_ACCESS_PROHIBITED-conformance-pack-aaaa1111",
            "Compliance": {"ComplianceType": "NON_COMPLIANT"},
            "AccountId": account,
            "AwsRegion": "us-east-1",
        }
        for account in (ACCOUNT, OTHER)
    ]
    config.add_response(
        "describe_aggregate_compliance_by_config_rules",
        {"AggregateComplianceByConfigRules": combos},
        {"ConfigurationAggregatorName": aggregator},
    )
    for combo in combos:
        for verdict in ("COMPLIANT", "NON_COMPLIANT"):
            account = combo["AccountId"]
            results = []
            if verdict == "NON_COMPLIANT" and account == OTHER:
                results = [
                    _result(
                        combo["ConfigRuleName"],
                        "partner-callback",
                        "NON_COMPLIANT",
                        "statement PartnerInvoke allows anyone to invoke the function",
                        AccountId=account,
                        AwsRegion="us-east-1",
                    )
                ]
            elif verdict == "COMPLIANT":
                results = [
                    _result(combo["ConfigRuleName"], "orders", "COMPLIANT", AccountId=account, AwsRegion="us-east-1")
                ]
            config.add_response(
                "get_aggregate_compliance_details_by_config_rule",
                {"AggregateEvaluationResults": results},
                {
                    "ConfigurationAggregatorName": aggregator,
                    "ConfigRuleName": combo["ConfigRuleName"],
                    "AccountId": account,
                    "AwsRegion": "us-east-1",
                    "ComplianceType": verdict,
                },
            )
    status, document, err = _run(run_cli, tmp_path, "--aggregator", aggregator)
    assert status == 1, err
    assert document["scan"]["accounts"] == [ACCOUNT, OTHER]
    assert [t["source"] for t in document["scan"]["targets"]] == [f"aggregator:{aggregator}"] * 2
    failing = [e for e in document["evaluations"] if e["compliance"] == "NON_COMPLIANT"]
    assert [(e["accountId"], e["resourceId"]) for e in failing] == [(OTHER, "partner-callback")]
    soc2 = next(f for f in document["frameworks"] if f["key"] == "soc2")
    assert soc2["operationalMetric"]["percent"] == round(100 * 2 / 3, 1)
    assert "not a compliance score" in soc2["operationalMetric"]["label"]


def test_report_rejects_two_sources(run_cli):
    status, _, _, err = run_cli("report", "--aggregator", "a", "--conformance-pack", "p", "--format", "json")
    assert status == 2 and "choose one of --conformance-pack and --aggregator" in err
