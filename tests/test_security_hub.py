"""``--format asff`` and ``scan --to-security-hub``: ASFF findings imported with BatchImportFindings.

moto's securityhub implements BatchImportFindings and GetFindings (without filters): the import and the
update of existing findings round-trip through it. It has no BatchUpdateFindings, so the step that marks
fixed findings RESOLVED is checked with botocore's Stubber against the real API model (tests named so);
batching and retries use Stubber too, to script partial failures and throttling.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import ANY, Stubber
from botocore.validate import validate_parameters

from lambda_compliance.report import asff_format, finding_id, security_hub

ACCOUNT, REGION = "123456789012", "us-east-1"
RULE = "LAMBDA_TRACING_ENABLED"
INPUT = boto3.client("securityhub", region_name=REGION).meta.service_model.operation_model("BatchImportFindings")


def _hub(moto) -> Any:
    return moto.session.client("securityhub", region_name=REGION, endpoint_url=moto.endpoint_url)


def _stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("securityhub", region_name=REGION)
    return client, Stubber(client)


def _estate(moto) -> None:
    moto.role("r")
    moto.function("traced", role="r", TracingConfig={"Mode": "Active"})
    moto.function("untraced", role="r")
    moto.function("legacy", role="r")


def _scan(run_cli, moto, *extra: str, findings: bool = True) -> dict[str, Any]:
    status, document, _, err = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--rules", RULE, *extra)
    assert status == (1 if findings else 0), err
    return document


def test_asff_findings_have_the_required_attributes_and_match_the_api_shape(run_cli, moto):
    _estate(moto)
    document = _scan(run_cli, moto)
    findings = asff_format.findings(document)
    validate_parameters({"Findings": findings}, INPUT.input_shape)  # botocore's model of BatchImportFindings
    required = {"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn", "Resources"}
    required |= {"SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}
    assert all(required <= set(f) for f in findings)
    by_resource = {f["Resources"][0]["Id"]: f for f in findings}
    assert {
        r: (f["Compliance"]["Status"], f["RecordState"], f["Workflow"]["Status"]) for r, f in by_resource.items()
    } == {
        "traced": ("PASSED", "ARCHIVED", "RESOLVED"),
        "untraced": ("FAILED", "ACTIVE", "NEW"),
        "legacy": ("FAILED", "ACTIVE", "NEW"),
    }
    untraced = by_resource["untraced"]
    assert untraced["Resources"][0]["Type"] == "AwsLambdaFunction"
    assert untraced["ProductArn"] == f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
    assert untraced["Severity"] == {"Label": "LOW", "Original": "LOW"}
    assert untraced["Compliance"]["RelatedRequirements"] == [
        "SOC2:CC7.2",
        "ISO27001:A.8.16",
        "NIST:SI-4",
    ]
    assert (
        "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing" in untraced["Remediation"]["Recommendation"]["Text"]
    )
    # The CLI writes the same findings.
    _, _, out, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--rules", RULE, "--format", "asff")
    assert [f["Id"] for f in json.loads(out)["Findings"]] == [f["Id"] for f in findings]


@pytest.mark.parametrize(
    ("config_type", "asff_type"),
    [
        ("AWS::Lambda::Function", "AwsLambdaFunction"),
        ("AWS::DynamoDB::Table", "AwsDynamoDbTable"),
        ("AWS::KMS::Key", "AwsKmsKey"),
        ("AWS::EC2::VPC", "AwsEc2Vpc"),
        ("AWS::ApiGatewayV2::Stage", "AwsApiGatewayV2Stage"),
        ("AWS::SecretsManager::Secret", "AwsSecretsManagerSecret"),
        ("AWS::::Account", "AwsAccount"),
        # Hard negatives: no ASFF resource type of that name, so "Other" rather than an invented one.
        ("AWS::SSM::Parameter", "Other"),
        ("AWS::ApiGateway::DomainName", "Other"),
        ("AWS::Lambda::Alias", "Other"),
    ],
)
def test_resource_types(config_type, asff_type):
    assert asff_format.resource_type(config_type) == asff_type


def test_to_security_hub_imports_and_a_rescan_updates_the_same_findings(run_cli, moto):
    _estate(moto)
    first = _scan(run_cli, moto, "--to-security-hub")
    hub = _hub(moto)
    stored = {f["Id"]: f for f in hub.get_findings()["Findings"]}
    assert set(stored) == {f["Id"] for f in asff_format.findings(first)}
    assert {f["Resources"][0]["Id"]: f["Compliance"]["Status"] for f in stored.values()} == {
        "traced": "PASSED",
        "untraced": "FAILED",
        "legacy": "FAILED",
    }
    untraced_id = finding_id(next(e for e in first["evaluations"] if e["resourceId"] == "untraced"))
    created = stored[untraced_id]["CreatedAt"]

    # Fix one function and delete another; the rescan updates in place: same ids, no duplicates.
    lam = moto.session.client("lambda", region_name=REGION, endpoint_url=moto.endpoint_url)
    lam.delete_function(FunctionName="untraced")  # moto keeps TracingConfig on update: redeploy it traced
    moto.function("untraced", role="r", TracingConfig={"Mode": "Active"})
    lam.delete_function(FunctionName="legacy")
    second = _scan(run_cli, moto, findings=False)
    workflow, stub = _stubbed()
    legacy_id = finding_id(next(e for e in first["evaluations"] if e["resourceId"] == "legacy"))
    product = asff_format.product_arn(ACCOUNT, REGION)
    stub.add_response(
        "batch_update_findings",
        {
            "ProcessedFindings": [{"Id": i, "ProductArn": product} for i in (untraced_id, legacy_id)],
            "UnprocessedFindings": [],
        },
        {
            "FindingIdentifiers": [
                {"Id": untraced_id, "ProductArn": product},
                {"Id": legacy_id, "ProductArn": product},
            ],
            "Workflow": {"Status": "RESOLVED"},
            "Note": ANY,
        },
    )
    with stub:
        [result] = security_hub.publish(second, lambda _: hub, ACCOUNT, workflow_client_for=lambda _: workflow)
    stub.assert_no_pending_responses()
    assert (result.imported, result.failed_status, result.passed, result.archived, result.resolved) == (2, 0, 2, 1, 2)
    after = {f["Id"]: f for f in hub.get_findings()["Findings"]}
    assert set(after) == set(stored)  # updated, never duplicated
    assert after[untraced_id]["Compliance"]["Status"] == "PASSED" and after[untraced_id]["RecordState"] == "ARCHIVED"
    assert after[untraced_id]["CreatedAt"] == created  # the finding's history is kept
    assert after[legacy_id]["RecordState"] == "ARCHIVED"  # no longer evaluated: archived, not left ACTIVE


def test_publish_touches_only_its_own_rules_findings(run_cli, moto):
    """A finding another tool (or a rule not in this scan) imported is never archived or resolved."""
    _estate(moto)
    hub = _hub(moto)
    document = _scan(run_cli, moto)
    foreign = copy.deepcopy(asff_format.findings(document)[0])
    foreign.update(Id="prowler-123", GeneratorId="prowler/awslambda_function_x", RecordState="ACTIVE")
    other_rule = copy.deepcopy(asff_format.findings(document)[1])
    other_rule.update(
        Id=f"lambda-compliance/{ACCOUNT}/{REGION}/LAMBDA_TIMEOUT_LIMIT/x",
        GeneratorId="lambda-compliance/LAMBDA_TIMEOUT_LIMIT",
    )
    other_rule["Compliance"]["Status"] = "FAILED"
    other_rule["RecordState"] = "ACTIVE"
    hub.batch_import_findings(Findings=[foreign, other_rule])
    [result] = security_hub.publish(document, lambda _: hub, ACCOUNT)
    assert result.archived == 0 and result.resolved == 0
    states = {f["Id"]: f["RecordState"] for f in hub.get_findings()["Findings"]}
    assert states["prowler-123"] == "ACTIVE" and states[other_rule["Id"]] == "ACTIVE"


def _finding(n: int) -> dict[str, Any]:
    evaluation = {
        "rule": RULE,
        "resourceType": "AWS::Lambda::Function",
        "resourceId": f"fn-{n}",
        "compliance": "NON_COMPLIANT",
        "annotation": "X-Ray tracing mode is PassThrough; set it to Active",
        "accountId": ACCOUNT,
        "region": REGION,
    }
    document = {"evaluations": [evaluation], "errors": [], "scan": {"rules": [RULE], "targets": []}}
    from lambda_compliance.report import summarise

    document["summary"] = summarise(document["evaluations"])
    return asff_format.findings(document, updated_at="2026-12-07T10:00:00+00:00")[0]


def test_batches_of_100_with_failed_findings_and_throttling_retried_with_stubber_real_shapes():
    findings = [_finding(n) for n in range(250)]
    client, stub = _stubbed()
    waits: list[float] = []
    ids = [f["Id"] for f in findings]

    def ok(count: int) -> dict[str, Any]:
        return {"FailedCount": 0, "SuccessCount": count, "FailedFindings": []}

    stub.add_response(
        "batch_import_findings",
        {
            "FailedCount": 2,
            "SuccessCount": 98,
            "FailedFindings": [
                {"Id": i, "ErrorCode": "InternalFailure", "ErrorMessage": "try again"} for i in ids[3:5]
            ],
        },
        {"Findings": findings[:100]},
    )
    stub.add_client_error(
        "batch_import_findings",
        "ThrottlingException",
        "Rate exceeded",
        429,
        expected_params={"Findings": findings[3:5]},
    )
    stub.add_response("batch_import_findings", ok(2), {"Findings": findings[3:5]})
    stub.add_response("batch_import_findings", ok(100), {"Findings": findings[100:200]})
    stub.add_response("batch_import_findings", ok(50), {"Findings": findings[200:]})
    with stub:
        refused = security_hub.import_batches(client, findings, sleep=waits.append)
    stub.assert_no_pending_responses()
    assert refused == []
    assert waits == [1, 1]  # one backoff after the partial failure, one after the throttle


def test_findings_refused_on_every_attempt_fail_the_import_with_stubber_real_shapes():
    findings = [_finding(n) for n in range(3)]
    client, stub = _stubbed()
    refusal = {
        "FailedCount": 1,
        "SuccessCount": 0,
        "FailedFindings": [{"Id": findings[1]["Id"], "ErrorCode": "InvalidInput", "ErrorMessage": "bad"}],
    }
    stub.add_response("batch_import_findings", {**refusal, "SuccessCount": 2}, {"Findings": findings})
    for _ in range(security_hub.ATTEMPTS - 1):
        stub.add_response("batch_import_findings", refusal, {"Findings": [findings[1]]})
    with stub:
        refused = security_hub.import_batches(client, findings, sleep=lambda _: None)
    assert refused == [f"{findings[1]['Id']}: InvalidInput bad"]


def test_an_invalid_finding_is_rejected_by_the_api_model():
    """Hard negative for the shape check above: a finding without Resources fails botocore's validation."""
    finding = _finding(0)
    del finding["Resources"]
    with pytest.raises(ParamValidationError):
        validate_parameters({"Findings": [finding]}, INPUT.input_shape)
