"""Same verdict before and after: a template's verdicts equal the live verdicts once it is deployed.

Each example template is deployed into moto through moto's CloudFormation (SAM expanded first, as
CloudFormation's transform does), the account is scanned like any live account, and every rule
that can decide from the template must give the same compliance, resource by resource.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from lambda_compliance import catalog
from lambda_compliance.scanner import scan
from lambda_compliance.scanner.templates import scan_templates
from lambda_compliance.scanner.templates.resolve import Resolver
from lambda_compliance.scanner.templates.source import discover, load
from lambda_compliance.testing.moto_server import moto_server_process

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "templates"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
# What moto's CloudFormation does not create, so the live side cannot show it (moto's limits, not the
# rules'): resource types it skips, and properties of created resources it drops.
MOTO_LACKS = {"AWS::Lambda::Url": {"LAMBDA_URL_AUTH_REQUIRED", "LAMBDA_URL_CORS_RESTRICTED"}}
# AWS removes the default allow-all egress rule when a template gives egress rules (CloudFormation
# reference, AWS::EC2::SecurityGroup: "if you do not add egress rules, we add egress rules that allow
# all outbound ... Otherwise, we do not add them"); moto keeps it.
MOTO_DROPS = {
    ("AWS::Lambda::Function", "TracingConfig"): {"LAMBDA_TRACING_ENABLED"},
    # moto's AWS::Lambda::Function ignores these (as tests/test_self_compliance.py records), and its
    # AWS::Logs::LogGroup ignores KmsKeyId
    ("AWS::Lambda::Function", "DeadLetterConfig"): {"LAMBDA_FAILURE_DESTINATION_CONFIGURED"},
    ("AWS::Lambda::Function", "Tags"): {"LAMBDA_REQUIRED_TAGS"},
    ("AWS::Lambda::Function", "CodeSigningConfigArn"): {"LAMBDA_CODE_SIGNING_ENFORCED"},
    ("AWS::Logs::LogGroup", "KmsKeyId"): {"LAMBDA_LOG_GROUP_ENCRYPTED"},
    ("AWS::EC2::SecurityGroup", "SecurityGroupEgress"): {"LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED"},
}
# AWS managed policies live in IAM, which the template scan does not call: judged live only.
IAM_MANAGED = {
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server_process() as url:
        yield url


# API Gateway: moto's CloudFormation creates AWS::ApiGateway::RestApi, Resource, Method and Deployment
# (with the stage its StageName names); it has no AWS::ApiGateway::Stage, AWS::ApiGateway::DomainName
# or any AWS::ApiGatewayV2 type, so verdicts on those are judged before deployment only (no live side).
API_STAGES = {"AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"}
API_TYPES = {"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"}


def deployable(body: dict[str, Any]) -> dict[str, Any]:
    """The template without what moto's CloudFormation cannot create.

    moto's AWS::ApiGateway::RestApi ignores ``Body``, so the Deployment of an OpenAPI-defined API
    (SAM's AWS::Serverless::Api) fails ("The REST API doesn't contain any methods"): that
    Deployment, and what refers to it, are left out of the live side, whose verdicts are then absent.
    """
    resources = dict(body["Resources"])
    with_body = {
        lid
        for lid, r in resources.items()
        if r["Type"] == "AWS::ApiGateway::RestApi" and "Body" in r.get("Properties", {})
    }
    dropped = {
        lid
        for lid, r in resources.items()
        if r["Type"] == "AWS::ApiGateway::Deployment" and any(f'"{api}"' in json.dumps(r) for api in with_body)
    }
    while True:
        more = {
            lid
            for lid, r in resources.items()
            if lid not in dropped and any(f'"{d}"' in json.dumps(r) or "${" + d in json.dumps(r) for d in dropped)
        }
        if not more:
            return {**body, "Resources": {lid: r for lid, r in resources.items() if lid not in dropped}}
        dropped |= more


def deploy(endpoint: str, path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Deploy one template; returns (physical function name -> logical id, live API id -> template API id)."""
    template = load(path)
    session = boto3.Session(**CREDENTIALS)
    cfn = session.client("cloudformation", endpoint_url=endpoint)
    name = path.stem.replace(".", "-").replace("_", "-")
    body = deployable(template.body)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_IAM"])
    resources = cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]
    functions = {
        r["PhysicalResourceId"]: r["LogicalResourceId"]
        for r in resources
        if r["ResourceType"] == "AWS::Lambda::Function"
    }
    resolver = Resolver(template.body)
    apis = {
        r["PhysicalResourceId"]: resolver.name(r["LogicalResourceId"])
        for r in resources
        if r["ResourceType"] in API_TYPES
    }
    return functions, apis


@pytest.mark.parametrize("example", [p.name for p in sorted(EXAMPLES.iterdir())])
def test_template_verdicts_equal_live_verdicts_after_deployment(endpoint: str, example: str) -> None:
    rules = list(catalog.all_rules())
    files = discover([EXAMPLES / example])
    templates = {p: load(p) for p in files}
    resources = [r for t in templates.values() for r in t.body["Resources"].values()]
    lacking = {rule for r in resources for rule in MOTO_LACKS.get(r["Type"], ())}
    lacking |= {
        rule for r in resources for prop in r.get("Properties") or {} for rule in MOTO_DROPS.get((r["Type"], prop), ())
    }
    before = scan_templates(files, rules)
    functions: dict[str, str] = {}
    apis: dict[str, str] = {}
    for path in files:
        deployed, deployed_apis = deploy(endpoint, path)
        functions.update(deployed)
        apis.update(deployed_apis)
    live = scan.scan_account(rules, session=boto3.Session(**CREDENTIALS), region="us-east-1", endpoint_url=endpoint)
    logical = {v: k for k, v in functions.items()}
    compared = 0
    mismatches = []
    template_results = {(r.rule, r.resourceId): r for r in before.report.outcome.results}
    api_compared = 0
    for result in live.outcome.results:
        if result.rule in lacking or result.rule in IAM_MANAGED:
            continue
        if result.resourceType in API_STAGES:
            # a stage's ARN holds its API's id, which moto assigns: read it as the template's id
            live_id = result.resourceId.split("/restapis/")[-1].split("/apis/")[-1].split("/")[0]
            if live_id not in apis:
                continue
            mine = template_results.get((result.rule, result.resourceId.replace(live_id, apis[live_id])))
            api_compared += mine is not None
        elif result.resourceType != "AWS::Lambda::Function" or result.resourceId not in functions:
            continue
        else:
            # the template names a function by FunctionName, or by its logical id when it sets none
            mine = template_results.get((result.rule, result.resourceId)) or template_results.get(
                (result.rule, functions[result.resourceId])
            )
        if mine is None:
            continue  # skipped before deployment (decided at deployment): nothing to compare
        compared += 1
        if mine.compliance != result.compliance:
            mismatches.append((result.rule, result.resourceId, mine.compliance, result.compliance, result.annotation))
    assert compared >= 10, f"too few comparable verdicts ({compared}): {logical}"
    deployed = [r for t in templates.values() for r in deployable(t.body)["Resources"].values()]
    if any(r["Type"] == "AWS::ApiGateway::Deployment" and "StageName" in r["Properties"] for r in deployed):
        assert api_compared >= 5, f"too few API Gateway verdicts compared ({api_compared}): {apis}"
    assert mismatches == [], "\n".join(f"{m[0]} {m[1]} template={m[2]} live={m[3]}" for m in mismatches)
