"""The API Gateway rules end to end: APIs in moto or Config snapshot files, scanned through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import verdict_map

from lambda_compliance.demo import api_gateway as demo_apis
from lambda_compliance.domain.api_gateway.resources import REST_DOMAIN, REST_STAGE, V2_STAGE
from lambda_compliance.scanner import collectors

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"
FAMILY = ("--family", "apigateway")
RULES = (
    "APIGATEWAY_DOMAIN_TLS12",
    "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED",
    "APIGATEWAY_REQUEST_VALIDATION_ENABLED",
    "APIGATEWAY_STAGE_LOGGING_ENABLED",
    "APIGATEWAY_STAGE_THROTTLING_CONFIGURED",
    "APIGATEWAY_STAGE_WAF_ATTACHED",
)


@pytest.fixture(autouse=True)
def _no_local_config(tmp_path, monkeypatch):
    """Scan with the rules' defaults, whatever lambda-compliance.yaml the working directory holds."""
    monkeypatch.chdir(tmp_path)


def rest_stage(api_id: str, stage: str, region: str = "us-east-1") -> str:
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage}"


def v2_stage(api_id: str, stage: str, region: str = "us-east-1") -> str:
    return f"arn:aws:apigateway:{region}::/apis/{api_id}/stages/{stage}"


# Against moto ------------------------------------------------------------------------


@pytest.fixture
def payments_apis(moto):
    """The demo's APIs, seeded alone into a clean moto account."""
    demo_apis.seed(moto)
    return moto.notes["apigateway"]


def test_scan_judges_every_stage_route_and_domain(payments_apis, moto, run_cli):
    ids = payments_apis
    status, document, _, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, *FAMILY)
    assert status == 1
    assert document["errors"] == []
    prod, staging = rest_stage(ids["payments_api"], "prod"), rest_stage(ids["payments_api"], "staging")
    admin = rest_stage(ids["admin_api"], "v1")
    hooks, partner = v2_stage(ids["webhooks_api"], "$default"), v2_stage(ids["partner_api"], "live")
    assert verdict_map(document, "APIGATEWAY_STAGE_WAF_ATTACHED") == {
        prod: "COMPLIANT",
        staging: "NON_COMPLIANT",
        admin: "NON_COMPLIANT",
    }
    assert verdict_map(document, "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED") == {
        prod: "NON_COMPLIANT",
        staging: "NON_COMPLIANT",
        admin: "COMPLIANT",
        hooks: "NON_COMPLIANT",
        partner: "COMPLIANT",
    }
    assert verdict_map(document, "APIGATEWAY_REQUEST_VALIDATION_ENABLED") == {
        prod: "NON_COMPLIANT",
        staging: "NON_COMPLIANT",
        admin: "COMPLIANT",
    }
    for rule in ("APIGATEWAY_STAGE_LOGGING_ENABLED", "APIGATEWAY_STAGE_THROTTLING_CONFIGURED"):
        assert verdict_map(document, rule) == {
            prod: "COMPLIANT",
            staging: "NON_COMPLIANT",
            admin: "COMPLIANT",
            hooks: "COMPLIANT",
            partner: "NON_COMPLIANT",
        }, rule
    assert verdict_map(document, "APIGATEWAY_DOMAIN_TLS12") == {
        "legacy.payments.example.com": "NON_COMPLIANT",
        "api.payments.example.com": "COMPLIANT",
        "hooks.payments.example.com": "COMPLIANT",
    }
    annotations = {(e["rule"], e["resourceId"]): e["annotation"] for e in document["evaluations"]}
    assert annotations["APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", hooks] == (
        "stage $default: 1 route callable without authorization: POST /webhooks/stripe"
    )
    assert annotations["APIGATEWAY_STAGE_THROTTLING_CONFIGURED", staging] == (
        "stage staging: no stage rate limit (the account-level limit applies); POST /refunds 5000/s; "
        "maxRateLimit is 1000/s"
    )
    assert annotations["APIGATEWAY_STAGE_WAF_ATTACHED", prod] == (
        "stage prod is protected by web ACL payments-api-protection"
    )


def test_rule_parameters_from_the_configuration_file(payments_apis, moto, run_cli, tmp_path):
    config = tmp_path / "apis.yaml"
    config.write_text(
        "rules:\n"
        "  APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED:\n"
        "    parameters:\n"
        "      exemptRoutes: ['POST /webhooks/stripe']\n"
        "  APIGATEWAY_STAGE_THROTTLING_CONFIGURED:\n"
        "    parameters:\n"
        "      maxRateLimit: 100\n"
    )
    status, document, _, _ = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--config",
        str(config),
        "--rules",
        "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED,APIGATEWAY_STAGE_THROTTLING_CONFIGURED",
    )
    assert status == 1
    hooks = v2_stage(payments_apis["webhooks_api"], "$default")
    prod = rest_stage(payments_apis["payments_api"], "prod")
    assert verdict_map(document, "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED")[hooks] == "COMPLIANT"
    assert verdict_map(document, "APIGATEWAY_STAGE_THROTTLING_CONFIGURED")[prod] == "NON_COMPLIANT"


def test_invalid_rule_parameter_is_one_line_exit_2(moto, run_cli, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text(
        "rules:\n  APIGATEWAY_STAGE_LOGGING_ENABLED:\n    parameters:\n      executionLoggingLevel: DEBUG\n"
    )
    status, _, _, err = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--config", str(config), *FAMILY)
    assert status == 2
    assert "executionLoggingLevel" in err
    assert len(err.strip().splitlines()) == 1


def test_open_method_on_a_fresh_api(moto, run_cli):
    apigw = moto.client("apigateway")
    api = apigw.create_rest_api(name="orders")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    for verb, auth in (("GET", "AWS_IAM"), ("DELETE", "NONE"), ("OPTIONS", "NONE")):
        apigw.put_method(restApiId=api, resourceId=orders, httpMethod=verb, authorizationType=auth)
        apigw.put_integration(restApiId=api, resourceId=orders, httpMethod=verb, type="MOCK")
    apigw.create_deployment(restApiId=api, stageName="dev")
    status, document, _, _ = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED,APIGATEWAY_REQUEST_VALIDATION_ENABLED",
    )
    assert status == 1
    assert [(e["rule"], e["compliance"], e["annotation"]) for e in document["evaluations"]] == [
        (
            "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED",
            "NON_COMPLIANT",
            "stage dev: 1 method callable without authorization: DELETE /orders",
        ),
        (
            "APIGATEWAY_REQUEST_VALIDATION_ENABLED",
            "NON_COMPLIANT",
            "stage dev: 1 method not validated by a request validator: DELETE /orders",
        ),
    ]


def test_account_without_apis_has_nothing_to_judge(moto, run_cli):
    status, document, _, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, *FAMILY)
    assert (status, document["evaluations"], document["errors"]) == (0, [], [])


def test_collected_cis_carry_config_fields_and_no_stage_variables_or_key_material(moto):
    """The collector copies Config's fields only: stage variables and certificate bodies stay out."""
    from concurrent.futures import ThreadPoolExecutor

    from lambda_compliance.scanner.clients import ScanClientFactory

    apigw = moto.client("apigateway")
    api = apigw.create_rest_api(name="vars")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_deployment(restApiId=api, stageName="prod", variables={"dbPassword": "Hunter2-not-real"})
    apigw.create_domain_name(
        domainName="old.example.com",
        certificateName="old",
        certificateBody="-----BEGIN CERTIFICATE-----MIIBfake",
        certificatePrivateKey="-----BEGIN PRIVATE KEY-----MIIEfake",
        securityPolicy="TLS_1_0",
    )
    v2 = moto.client("apigatewayv2")
    http = v2.create_api(Name="hooks", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(
        ApiId=http,
        StageName="$default",
        StageVariables={"token": "tok-not-real"},
        RouteSettings={"POST /hooks": {"ThrottlingRateLimit": 5.0, "ThrottlingBurstLimit": 10}},
    )
    factory = ScanClientFactory(moto.session, "us-east-1", endpoint_url=moto.endpoint_url)
    with ThreadPoolExecutor(4) as pool:
        ctx = collectors.CollectContext(factory.reader, "123456789012", "us-east-1", "2026-11-29T08:00:00.000Z", pool)
        items = collectors.collect(ctx, {REST_STAGE, V2_STAGE, REST_DOMAIN})
    text = json.dumps([ci.raw for ci in items])
    for secret in ("Hunter2-not-real", "tok-not-real", "PRIVATE KEY", "BEGIN CERTIFICATE"):
        assert secret not in text
    by_type = {ci.resource_type: ci for ci in items}
    stage = by_type[REST_STAGE]
    assert stage.resource_id == rest_stage(api, "prod")
    assert stage.resource_name == "prod"
    assert stage.relationships == [
        {
            "name": "Is contained in",
            "resourceId": api,
            "resourceName": "vars",
            "resourceType": "AWS::ApiGateway::RestApi",
        }
    ]
    http_stage = by_type[V2_STAGE]
    assert http_stage.get("routeSettings") == {"POST /hooks": {"throttlingRateLimit": 5, "throttlingBurstLimit": 10}}
    assert by_type[REST_DOMAIN].get("securityPolicy") == "TLS_1_0"


def test_demo_estate_fails_and_passes_every_apigateway_rule(run_cli):
    status, document, _, _ = run_cli("scan", "--demo", *FAMILY)
    assert status == 1
    assert document["errors"] == []
    for rule in RULES:
        outcomes = set(verdict_map(document, rule).values())
        assert {"COMPLIANT", "NON_COMPLIANT"} <= outcomes, rule


# From Config snapshot files ---------------------------------------------------------------

REST = "k3x9d2m1qa"
_NEEDS_V1 = "needs the apigateway API, which a snapshot scan does not call"
SNAPSHOT_VERDICTS = {
    "APIGATEWAY_STAGE_WAF_ATTACHED": {
        rest_stage(REST, "prod", "eu-west-1"): "COMPLIANT",
        rest_stage(REST, "staging", "eu-west-1"): "NON_COMPLIANT",
    },
    "APIGATEWAY_STAGE_LOGGING_ENABLED": {
        rest_stage(REST, "prod", "eu-west-1"): "COMPLIANT",
        rest_stage(REST, "staging", "eu-west-1"): "NON_COMPLIANT",
        v2_stage("w8e2r4t6yu", "$default", "eu-west-1"): "COMPLIANT",
        v2_stage("s0c8k3t5zz", "production", "eu-west-1"): "NON_COMPLIANT",  # WebSocket: execution logging OFF
    },
    "APIGATEWAY_STAGE_THROTTLING_CONFIGURED": {
        rest_stage(REST, "prod", "eu-west-1"): "COMPLIANT",
        rest_stage(REST, "staging", "eu-west-1"): "NON_COMPLIANT",
        v2_stage("w8e2r4t6yu", "$default", "eu-west-1"): "COMPLIANT",
        v2_stage("s0c8k3t5zz", "production", "eu-west-1"): "COMPLIANT",
    },
    "APIGATEWAY_DOMAIN_TLS12": {
        "legacy.payments.example.com": "NON_COMPLIANT",
        "api.payments.example.com": "COMPLIANT",
        "hooks.payments.example.com": "COMPLIANT",
    },
}


@pytest.mark.parametrize("snapshot", ["apigateway.json", "apigateway_batch.json"])
def test_snapshot_scan_judges_what_config_records(snapshot, run_cli):
    """The delivered snapshot (invoking-event spelling) and a batch-get-resource-config dump
    (API spelling, no relationships) give the same verdicts."""
    status, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / snapshot), *FAMILY)
    assert status == 1
    deleted = rest_stage(REST, "beta", "eu-west-1")
    for rule, expected in SNAPSHOT_VERDICTS.items():
        found = verdict_map(document, rule)
        if snapshot == "apigateway.json" and rule != "APIGATEWAY_DOMAIN_TLS12":
            assert found.pop(deleted) == "NOT_APPLICABLE", rule
        assert found == expected, rule
    target = document["scan"]["targets"][0]
    assert (target["accountId"], target["region"], target["source"]) == ("444455556666", "eu-west-1", "snapshot")


def test_snapshot_scan_skips_the_rules_that_need_the_service_api(run_cli):
    _, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / "apigateway.json"), *FAMILY)
    skipped = {(e["rule"], e["resourceId"], e["kind"], e["message"]) for e in document["errors"]}
    stage = rest_stage(REST, "prod", "eu-west-1")
    assert ("APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED", stage, "skipped", _NEEDS_V1) in skipped
    assert ("APIGATEWAY_REQUEST_VALIDATION_ENABLED", stage, "skipped", _NEEDS_V1) in skipped
    assert {kind for _, _, kind, _ in skipped} == {"skipped"}
    # Deleted stages need no API call: they are NOT_APPLICABLE even offline.
    assert verdict_map(document, "APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED") == {
        rest_stage(REST, "beta", "eu-west-1"): "NOT_APPLICABLE"
    }


def test_snapshot_annotations_are_exact(run_cli):
    _, document, _, _ = run_cli(
        "scan",
        "--snapshot",
        str(SNAPSHOTS / "apigateway.json"),
        "--rules",
        "APIGATEWAY_STAGE_LOGGING_ENABLED,APIGATEWAY_STAGE_THROTTLING_CONFIGURED",
    )
    annotations = {(e["rule"], e["resourceId"]): e["annotation"] for e in document["evaluations"]}
    staging = rest_stage(REST, "staging", "eu-west-1")
    assert annotations["APIGATEWAY_STAGE_LOGGING_ENABLED", staging] == (
        "stage staging: no access logs; execution logging OFF (needs ERROR or INFO); "
        "execution logging below ERROR for POST /refunds; X-Ray tracing off"
    )
    assert annotations["APIGATEWAY_STAGE_THROTTLING_CONFIGURED", staging] == (
        "stage staging: stage rate limit 10000/s; POST /refunds 5000/s; maxRateLimit is 1000/s"
    )
    assert annotations["APIGATEWAY_STAGE_LOGGING_ENABLED", v2_stage("s0c8k3t5zz", "production", "eu-west-1")] == (
        "stage production: execution logging OFF (needs ERROR or INFO)"
    )
