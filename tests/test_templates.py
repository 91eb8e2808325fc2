"""``scan --template``: CloudFormation, SAM and CDK templates judged by the deployed rule classes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lambda_compliance import catalog
from lambda_compliance.cli import main
from lambda_compliance.scanner.templates import TemplateError, scan_templates
from lambda_compliance.scanner.templates.resolve import Resolver

DATA = Path(__file__).parent / "data" / "templates"


def verdicts(paths: list[Path], **kwargs: object) -> dict[tuple[str, str], str]:
    scan = scan_templates(paths, catalog.all_rules(), **kwargs)  # type: ignore[arg-type]
    out = {(r.rule, r.resourceId): r.compliance for r in scan.report.outcome.results}
    out.update({(e.rule, e.resourceId): f"SKIPPED {e.message}" for e in scan.report.outcome.errors})
    return out


def test_cloudformation_findings_are_the_rules_verdicts_on_the_template() -> None:
    got = verdicts([DATA / "insecure.yaml"])
    assert got[("LAMBDA_URL_AUTH_REQUIRED", "orders-api")] == "NON_COMPLIANT"
    assert got[("LAMBDA_PUBLIC_ACCESS_PROHIBITED", "orders-api")] == "NON_COMPLIANT"
    assert got[("LAMBDA_ENV_NO_PLAINTEXT_SECRETS", "orders-api")] == "NON_COMPLIANT"
    assert got[("LAMBDA_TIMEOUT_LIMIT", "orders-api")] == "NON_COMPLIANT"  # parameter default 900
    assert got[("LAMBDA_RUNTIME_SUPPORTED", "orders-api")] == "NON_COMPLIANT"
    assert got[("LAMBDA_ROLE_NO_INLINE_POLICIES", "orders-api")] == "NON_COMPLIANT"
    assert got[("LAMBDA_ROLE_TRUST_POLICY_RESTRICTED", "orders-api")] == "COMPLIANT"
    # AdministratorAccess attached by ARN: judged from the shipped AWS managed policy documents
    assert got[("LAMBDA_ROLE_NO_ADMIN_ACCESS", "orders-api")] == "NON_COMPLIANT"
    # no egress rules in the template: EC2's default allow-all egress rule applies
    assert got[("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "vpc-worker")] == "NON_COMPLIANT"
    assert got[("LAMBDA_TIMEOUT_LIMIT", "vpc-worker")] == "COMPLIANT"  # Lambda's default, 3 s


def test_a_value_decided_at_deployment_is_skipped_never_guessed() -> None:
    got = verdicts([DATA / "insecure.yaml"])
    assert got[("LAMBDA_VPC_MULTI_AZ", "vpc-worker")] == (
        "SKIPPED decided at deployment: VpcConfig (parameter SubnetIds has no value)"
    )
    # the verdict does not depend on the subnets: it stands
    assert got[("LAMBDA_INSIDE_VPC", "vpc-worker")] == "COMPLIANT"


def test_parameter_overrides_decide_what_the_template_leaves_open() -> None:
    got = verdicts([DATA / "insecure.yaml"], overrides={"Timeout": "60"})
    assert got[("LAMBDA_TIMEOUT_LIMIT", "orders-api")] == "COMPLIANT"


def test_sam_template_is_expanded_and_findings_point_at_the_sam_resource() -> None:
    scan = scan_templates([DATA / "sam-app.yaml"], catalog.all_rules())
    results = {(r.rule, r.resourceId): r for r in scan.report.outcome.results}
    assert results[("LAMBDA_URL_AUTH_REQUIRED", "payments")].compliance == "NON_COMPLIANT"
    assert results[("LAMBDA_TRACING_ENABLED", "payments")].compliance == "COMPLIANT"
    where = scan.locations["payments"]
    assert (Path(where.path).name, where.line, where.logical_id) == ("sam-app.yaml", 5, "PaymentsFunction")
    # SAM's generated role points back at the function it was generated for
    role = scan.locations["PaymentsFunctionRole"]
    assert (role.line, role.logical_id) == (5, "PaymentsFunctionRole")


def test_cdk_output_folder_is_read_template_by_template() -> None:
    got = verdicts([DATA / "cdk.out"])
    assert got[("LAMBDA_RUNTIME_SUPPORTED", "WorkerD4E5F6")] == "NON_COMPLIANT"  # nodejs16.x
    assert got[("LAMBDA_ROLE_TRUST_POLICY_RESTRICTED", "WorkerD4E5F6")] == "COMPLIANT"


def test_sarif_points_at_the_template_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA.parent.parent.parent)
    out = tmp_path / "t.sarif"
    status = main(
        ["scan", "--template", "tests/data/templates/insecure.yaml", "--format", "sarif", "--output", str(out)]
    )
    assert status == 1
    results = json.loads(out.read_text())["runs"][0]["results"]
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert ("LAMBDA_URL_AUTH_REQUIRED", 29) in located  # the OrdersFunction line
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"tests/data/templates/insecure.yaml"}


def test_secret_values_in_a_template_never_reach_any_output(tmp_path: Path) -> None:
    for fmt in ("json", "sarif", "csv", "html"):
        out = tmp_path / f"t.{fmt}"
        main(["scan", "--template", str(DATA / "insecure.yaml"), "--format", fmt, "--output", str(out)])
        assert "Zq8#pL1!xw9Rt2vB" not in out.read_text(), fmt


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: [", "not valid YAML or JSON"),
        ("Description: no resources\n", "not a CloudFormation template (no Resources section)"),
    ],
)
def test_unreadable_templates_are_one_line_errors(tmp_path: Path, text: str, message: str, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(TemplateError, match=re.escape(message)):
        scan_templates([bad], catalog.all_rules())
    assert main(["scan", "--template", str(bad)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "expected", "deferred"),
    [
        ({"Ref": "Size"}, 7, False),
        ({"Ref": "AWS::Region"}, "eu-west-1", False),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"},
            "arn:aws:sqs:eu-west-1:123456789012:q",
            False,
        ),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}, "a-prod", False),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big", False),
        ({"Fn::Select": [1, ["x", "y"]]}, "y", False),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:eu-west-1:123456789012:jobs", False),
        ({"Fn::FindInMap": ["Sizes", "prod", "mem"]}, 1024, False),
        ({"Ref": "Unset"}, "deployment-value-a", True),
        ({"Fn::ImportValue": "shared-queue"}, "deployment-value-a", True),
        ({"Fn::GetAtt": ["Queue", "QueueUrl"]}, "deployment-value-a", True),
    ],
)
def test_resolver_decides_what_the_template_decides_and_marks_the_rest(value, expected, deferred) -> None:
    body = {
        "Parameters": {
            "Size": {"Type": "Number", "Default": "7"},
            "Stage": {"Type": "String", "Default": "prod"},
            "Unset": {"Type": "String"},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
        "Mappings": {"Sizes": {"prod": {"mem": 1024}}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
            "Probe": {"Type": "AWS::SQS::Queue", "Properties": {"Value": value}},
        },
    }
    resolver = Resolver(body, {"AWS::Region": "eu-west-1"})
    assert resolver.properties("Probe")["Value"] == expected
    assert bool(resolver.deferred) is deferred
