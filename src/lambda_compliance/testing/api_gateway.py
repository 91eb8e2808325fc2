"""Test builders for the API Gateway rules: CIs shaped as Config records them, and stubbed API clients.

CIs come out in the same base spelling as ``testing.lambda_ci`` so
``testing.both_formats`` turns each into the snapshot and the API format.
``StubbedApis`` is a client factory whose apigateway/apigatewayv2 clients are
real botocore clients with a ``Stubber``: responses are checked against the
service model, so tests speak the real response shapes.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import boto3
from botocore.stub import Stubber

from lambda_compliance.domain.api_gateway.resources import (
    REST_API,
    REST_DOMAIN,
    REST_STAGE,
    V2_API,
    V2_DOMAIN,
    V2_STAGE,
    api_arn,
    domain_arn,
    stage_arn,
)
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.testing import ACCOUNT, REGION, config_item, reader

REST_API_ID = "a1b2c3d4e5"
HTTP_API_ID = "h7t8p9q0r1"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/payments-access"
WEB_ACL = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/payments-api/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
ACCESS_LOGS = {"destinationArn": LOG_GROUP, "format": '{"requestId":"$context.requestId"}'}


def _ci(
    resource_type: str,
    resource_id: str,
    name: str,
    arn: str,
    configuration: dict[str, Any],
    *,
    relationships: Sequence[Mapping[str, Any]] = (),
    tags: Mapping[str, str] | None = None,
    status: str = "OK",
) -> dict[str, Any]:
    return config_item(
        resource_type, resource_id, name, arn, configuration, relationships=relationships, tags=tags, status=status
    )


def method_settings(**settings: Any) -> dict[str, Any]:
    """One methodSettings entry as API Gateway fills it (account defaults for what is not given)."""
    entry: dict[str, Any] = {
        "metricsEnabled": False,
        "loggingLevel": "OFF",
        "dataTraceEnabled": False,
        "throttlingBurstLimit": 5000,
        "throttlingRateLimit": 10000.0,
        "cachingEnabled": False,
        "cacheTtlInSeconds": 300,
        "cacheDataEncrypted": False,
        "requireAuthorizationForCacheControl": True,
        "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
    }
    entry.update(settings)
    return entry


def rest_stage_ci(
    name: str = "prod", api_id: str = REST_API_ID, *, status: str = "OK", **configuration: Any
) -> dict[str, Any]:
    """An AWS::ApiGateway::Stage CI (resource id: the stage ARN); keywords override configuration."""
    arn = stage_arn(REGION, api_id, name, "REST")
    conf: dict[str, Any] = {
        "deploymentId": "x7k2m9",
        "stageName": name,
        "description": "",
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": {},
        "tracingEnabled": False,
        "createdDate": "Oct 1, 2026 9:00:00 AM",
        "lastUpdatedDate": "Nov 28, 2026 4:12:09 PM",
    }
    conf.update(configuration)
    relation = {"resourceType": REST_API, "resourceId": api_id, "name": "Is contained in "}
    return _ci(REST_STAGE, arn, name, arn, conf, relationships=[relation], status=status)


def v2_stage_ci(
    name: str = "$default", api_id: str = HTTP_API_ID, *, status: str = "OK", **configuration: Any
) -> dict[str, Any]:
    """An AWS::ApiGatewayV2::Stage CI (resource id: the stage ARN); keywords override configuration."""
    arn = stage_arn(REGION, api_id, name, "V2")
    conf: dict[str, Any] = {
        "stageName": name,
        "deploymentId": "q4w5e6",
        "autoDeploy": True,
        "apiGatewayManaged": False,
        "defaultRouteSettings": {"detailedMetricsEnabled": False},
        "routeSettings": {},
        "createdDate": "Oct 1, 2026 9:00:00 AM",
        "lastUpdatedDate": "Nov 28, 2026 4:12:09 PM",
        "lastDeploymentStatusMessage": "Successfully deployed stage with deployment ID 'q4w5e6'",
    }
    conf.update(configuration)
    relation = {"resourceType": V2_API, "resourceId": api_id, "name": "Is contained in "}
    return _ci(V2_STAGE, arn, name, arn, conf, relationships=[relation], status=status)


def rest_api_ci(api_id: str = REST_API_ID, name: str = "payments-api") -> dict[str, Any]:
    conf = {
        "id": api_id,
        "name": name,
        "createdDate": "Oct 1, 2026 9:00:00 AM",
        "apiKeySource": "HEADER",
        "endpointConfiguration": {"types": ["REGIONAL"]},
    }
    return _ci(REST_API, api_id, name, api_arn(REGION, api_id, "REST"), conf)


def v2_api_ci(api_id: str = HTTP_API_ID, name: str = "payments-webhooks", protocol: str = "HTTP") -> dict[str, Any]:
    conf = {
        "apiId": api_id,
        "name": name,
        "protocolType": protocol,
        "apiEndpoint": f"https://{api_id}.execute-api.{REGION}.amazonaws.com",
        "routeSelectionExpression": "$request.method $request.path",
        "apiKeySelectionExpression": "$request.header.x-api-key",
        "disableExecuteApiEndpoint": False,
        "createdDate": "Oct 1, 2026 9:00:00 AM",
    }
    return _ci(V2_API, api_id, name, api_arn(REGION, api_id, "V2"), conf)


def rest_domain_ci(
    domain: str = "api.payments.example.com", *, status: str = "OK", **configuration: Any
) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "domainName": domain,
        "regionalDomainName": "d-4k2j9x7q1m.execute-api.us-east-1.amazonaws.com",
        "regionalHostedZoneId": "Z1UJRXOUMOOFQ8",
        "regionalCertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/5c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b5c",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "domainNameStatus": "AVAILABLE",
        "securityPolicy": "TLS_1_2",
    }
    conf.update(configuration)
    return _ci(REST_DOMAIN, domain, domain, domain_arn(REGION, domain), conf, status=status)


def v2_domain_ci(domain: str = "hooks.payments.example.com", *policies: str, status: str = "OK") -> dict[str, Any]:
    """An AWS::ApiGatewayV2::DomainName CI with one REGIONAL endpoint configuration per policy."""
    configurations = [
        {
            "apiGatewayDomainName": f"d-{index}x8y7z6w5v.execute-api.{REGION}.amazonaws.com",
            "certificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/9e8d7c6b-aaaa-4bbb-8ccc-{index:012d}",
            "endpointType": "REGIONAL",
            "hostedZoneId": "Z1UJRXOUMOOFQ8",
            "securityPolicy": policy,
            "domainNameStatus": "AVAILABLE",
        }
        for index, policy in enumerate(policies or ("TLS_1_2",))
    ]
    conf = {
        "domainName": domain,
        "apiMappingSelectionExpression": "$request.basepath",
        "domainNameConfigurations": configurations,
    }
    return _ci(V2_DOMAIN, domain, domain, domain_arn(REGION, domain), conf, status=status)


# Service responses ------------------------------------------------------------------


def rest_method(http_method: str, authorization: str = "NONE", validator: str | None = None) -> dict[str, Any]:
    """A Method as GetResources embeds it."""
    method: dict[str, Any] = {"httpMethod": http_method, "authorizationType": authorization, "apiKeyRequired": False}
    if validator:
        method["requestValidatorId"] = validator
    if authorization == "CUSTOM":
        method["authorizerId"] = "au7x1k"
    return method


def rest_resource(resource_id: str, path: str, *methods: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": resource_id, "path": path}
    if path != "/":
        resource["parentId"] = "r00t1d"
        resource["pathPart"] = path.rsplit("/", 1)[-1]
    if methods:
        resource["resourceMethods"] = {m["httpMethod"]: m for m in methods}
    return resource


def validator(validator_id: str, name: str, *, body: bool = True, parameters: bool = False) -> dict[str, Any]:
    return {"id": validator_id, "name": name, "validateRequestBody": body, "validateRequestParameters": parameters}


def route(key: str, authorization: str = "NONE") -> dict[str, Any]:
    return {
        "RouteId": f"{zlib.crc32(key.encode()):08x}"[:7],
        "RouteKey": key,
        "AuthorizationType": authorization,
        "ApiKeyRequired": False,
        "Target": "integrations/i9j8k7",
    }


class StubbedApis:
    """A client factory answering apigateway/apigatewayv2 calls from queued responses (shape-checked)."""

    SERVICES = ("apigateway", "apigatewayv2")

    def __init__(self) -> None:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        self._clients = {s: session.client(s, region_name=REGION) for s in self.SERVICES}
        self._stubbers = {s: Stubber(c) for s, c in self._clients.items()}
        for stubber in self._stubbers.values():
            stubber.activate()

    def add(
        self, service: str, operation: str, response: dict[str, Any], params: dict[str, Any] | None = None
    ) -> StubbedApis:
        self._stubbers[service].add_response(operation, response, params)
        return self

    def add_error(
        self, service: str, operation: str, code: str = "NotFoundException", status: int = 404
    ) -> StubbedApis:
        self._stubbers[service].add_client_error(operation, service_error_code=code, http_status_code=status)
        return self

    def rest_api(
        self, api_id: str, resources: list[dict[str, Any]], validators: list[dict[str, Any]] | None = None
    ) -> StubbedApis:
        """One page of GetResources (embed=methods) and, when given, GetRequestValidators."""
        self.add("apigateway", "get_resources", {"items": resources}, {"restApiId": api_id, "embed": ["methods"]})
        if validators is not None:
            self.add("apigateway", "get_request_validators", {"items": validators}, {"restApiId": api_id})
        return self

    def http_api(self, api_id: str, routes: list[dict[str, Any]]) -> StubbedApis:
        return self.add("apigatewayv2", "get_routes", {"Items": routes}, {"ApiId": api_id})

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        if service not in self._clients:
            raise AssertionError(f"unexpected AWS client for {service}")
        return self._clients[service]

    def reader(self, inventory: list[dict[str, Any]] | None = None) -> AwsReader:
        """A reader over ``inventory`` whose clients are these stubs."""
        return reader(inventory, factory=self)

    def assert_done(self) -> None:
        for stubber in self._stubbers.values():
            stubber.assert_no_pending_responses()
