"""API Gateway in templates: REST and HTTP APIs, their stages and domain names, judged by the APIGATEWAY_* rules.

The template account answers apigateway / apigatewayv2 calls from AWS::ApiGateway::* and
AWS::ApiGatewayV2::* resources and from the OpenAPI bodies SAM's AWS::Serverless::Api and HttpApi
expand into; tests/test_templates_agreement.py compares the REST API verdicts with moto's deployment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_compliance import catalog
from lambda_compliance.scanner.templates import scan_templates
from lambda_compliance.scanner.templates.account import TemplateAccount
from lambda_compliance.scanner.templates.api_gateway import HANDLERS
from lambda_compliance.scanner.templates.source import load

DATA = Path(__file__).parent / "data" / "templates"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "templates"


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str], str]:
    scan = scan_templates([DATA / "api-gateway.yaml"], catalog.all_rules())
    out: dict[tuple[str, str], str] = {}
    for result in scan.report.outcome.results:
        kind = result.resourceId.split("/stages/")[-1] if "/stages/" in result.resourceId else result.resourceId
        out[(result.rule, kind)] = result.compliance
    return out


@pytest.mark.parametrize(
    ("rule", "resource", "expected"),
    [
        # SAM Api with DefaultAuthorizer AWS_IAM: every method of its OpenAPI body is signed
        ("APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", "prod", "COMPLIANT"),
        # SAM HttpApi without an authorizer: its route is open
        ("APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", "live", "NON_COMPLIANT"),
        ("APIGATEWAY_REQUEST_VALIDATION_ENABLED", "prod", "NON_COMPLIANT"),  # POST /orders, no validator
        # MethodSettings "/*" "*" -> the "*/*" key: ERROR logging, throttled; access logs; X-Ray
        ("APIGATEWAY_STAGE_LOGGING_ENABLED", "prod", "COMPLIANT"),
        ("APIGATEWAY_STAGE_LOGGING_ENABLED", "live", "NON_COMPLIANT"),
        ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", "prod", "COMPLIANT"),
        ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", "live", "NON_COMPLIANT"),
        ("APIGATEWAY_STAGE_WAF_ATTACHED", "prod", "COMPLIANT"),  # a WebACLAssociation on the stage's ARN
        ("APIGATEWAY_DOMAIN_TLS12", "legacy.example.com", "NON_COMPLIANT"),
        ("APIGATEWAY_DOMAIN_TLS12", "api.example.com", "COMPLIANT"),
    ],
)
def test_api_gateway_rules_judge_the_template(
    verdicts: dict[tuple[str, str], str], rule: str, resource: str, expected: str
) -> None:
    assert verdicts[(rule, resource)] == expected


def test_cloudformation_rest_api_resources_and_the_stage_a_deployment_creates() -> None:
    scan = scan_templates([EXAMPLES / "insecure-app.yaml"], catalog.all_rules())
    got = {(r.rule, r.resourceId.rsplit("/", 1)[-1]): r for r in scan.report.outcome.results}
    opened = got[("APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", "prod")]
    assert opened.compliance == "NON_COMPLIANT" and "POST /orders" in opened.annotation  # Resource tree -> path
    assert got[("APIGATEWAY_STAGE_WAF_ATTACHED", "prod")].compliance == "NON_COMPLIANT"
    assert got[("APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", "live")].compliance == "NON_COMPLIANT"  # V2 Route


def test_a_stage_without_a_matching_web_acl_association_has_none() -> None:
    template = load(DATA / "api-gateway.yaml")
    template.body["Resources"]["FirewallOnProd"]["Properties"]["ResourceArn"] = "arn:aws:apigateway:us-east-1::/x"
    account = TemplateAccount([template], {})
    (api,) = HANDLERS[("apigateway", "get_rest_apis")](account)["items"]
    stages = HANDLERS[("apigateway", "get_stages")](account, restApiId=api["id"])["item"]
    assert [s["stageName"] for s in stages] == ["prod"] and "webAclArn" not in stages[0]
    assert stages[0]["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"


def test_a_stage_finding_points_at_the_resource_that_creates_the_stage() -> None:
    scan = scan_templates([EXAMPLES / "insecure-app.yaml"], catalog.all_rules())
    stages = {r.resourceId for r in scan.report.outcome.results if r.resourceType.endswith("::Stage")}
    where = {scan.locations[s].logical_id for s in stages}
    assert where == {"OrdersDeployment", "EventsStage"}
    assert all(scan.locations[s].line for s in stages)
