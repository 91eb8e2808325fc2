"""API Gateway CIs from the apigateway and apigatewayv2 APIs, shaped as Config records them.

Types and ids (as Config has them): AWS::ApiGateway::RestApi and
AWS::ApiGatewayV2::Api by API id; AWS::ApiGateway::Stage and
AWS::ApiGatewayV2::Stage by stage ARN, named by the stage and related to their
API ("Is contained in "); AWS::ApiGateway::DomainName and
AWS::ApiGatewayV2::DomainName by domain name. Configuration keys are Config's
camelCase (the V2 API answers in PascalCase; route keys inside ``routeSettings``
stay as they are).

Only fields Config records are copied, from an allow-list: stage variables
(which often hold endpoints and sometimes secrets) and certificate bodies or
private keys never enter a CI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambda_compliance.domain.api_gateway.resources import (
    NOT_FOUND,
    REST_API,
    REST_DOMAIN,
    REST_STAGE,
    V2_API,
    V2_DOMAIN,
    V2_STAGE,
    api_arn,
    camel_keys,
    domain_arn,
    pick,
    stage_arn,
    v2_domain_configuration,
)
from lambda_compliance.scanner.collectors import CollectContext

ORDER = 40
DEPENDS = {REST_STAGE: {REST_API}, V2_STAGE: {V2_API}}

_REST_API_FIELDS = (
    "id",
    "name",
    "description",
    "createdDate",
    "version",
    "apiKeySource",
    "endpointConfiguration",
    "binaryMediaTypes",
    "minimumCompressionSize",
    "disableExecuteApiEndpoint",
)
_REST_STAGE_FIELDS = (
    "deploymentId",
    "stageName",
    "description",
    "cacheClusterEnabled",
    "cacheClusterSize",
    "cacheClusterStatus",
    "methodSettings",
    "accessLogSettings",
    "tracingEnabled",
    "webAclArn",
    "canarySettings",
    "clientCertificateId",
    "documentationVersion",
    "createdDate",
    "lastUpdatedDate",
)
_REST_DOMAIN_FIELDS = (
    "domainName",
    "certificateName",
    "certificateArn",
    "certificateUploadDate",
    "regionalDomainName",
    "regionalHostedZoneId",
    "regionalCertificateName",
    "regionalCertificateArn",
    "distributionDomainName",
    "distributionHostedZoneId",
    "endpointConfiguration",
    "domainNameStatus",
    "domainNameStatusMessage",
    "securityPolicy",
    "mutualTlsAuthentication",
    "ownershipVerificationCertificateArn",
)
_V2_API_FIELDS = (
    "ApiEndpoint",
    "ApiGatewayManaged",
    "ApiId",
    "ApiKeySelectionExpression",
    "CorsConfiguration",
    "CreatedDate",
    "Description",
    "DisableExecuteApiEndpoint",
    "Name",
    "ProtocolType",
    "RouteSelectionExpression",
    "Version",
)
_V2_STAGE_FIELDS = (
    "AccessLogSettings",
    "ApiGatewayManaged",
    "AutoDeploy",
    "ClientCertificateId",
    "CreatedDate",
    "DefaultRouteSettings",
    "DeploymentId",
    "Description",
    "LastDeploymentStatusMessage",
    "LastUpdatedDate",
    "RouteSettings",
    "StageName",
)


def _tags(item: Mapping[str, Any], key: str) -> dict[str, str]:
    tags = item.get(key)
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def _contained_in(api: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": api["resourceType"],
        "resourceId": api["resourceId"],
        "resourceName": api["resourceName"],
        "name": "Is contained in ",
    }


# REST APIs ---------------------------------------------------------------------------


def build_rest_apis(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for api in ctx.reader.collect("apigateway", "get_rest_apis", "items"):
        ci = ctx.base_ci(REST_API, api["id"], api.get("name") or api["id"], api_arn(ctx.region, api["id"], "REST"))
        ci["configuration"] = pick(api, _REST_API_FIELDS)
        ci["tags"] = _tags(api, "tags")
        items.append(ci)
    return items


def _rest_stages(ctx: CollectContext, api: dict[str, Any]) -> list[dict[str, Any]]:
    api_id = api["resourceId"]
    response = ctx.reader.call("apigateway", "get_stages", missing=NOT_FOUND, restApiId=api_id) or {}
    items = []
    for stage in response.get("item") or []:
        name = stage.get("stageName")
        if not name:
            continue
        arn = stage_arn(ctx.region, api_id, name, "REST")
        ci = ctx.base_ci(REST_STAGE, arn, name, arn)
        ci["configuration"] = pick(stage, _REST_STAGE_FIELDS)
        ci["tags"] = _tags(stage, "tags")
        ci["relationships"].append(_contained_in(api))
        items.append(ci)
    return items


def build_rest_stages(ctx: CollectContext) -> list[dict[str, Any]]:
    apis = ctx.built.get(REST_API, [])
    return [ci for stages in ctx.pool.map(lambda api: _rest_stages(ctx, api), apis) for ci in stages]


def build_rest_domains(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for domain in ctx.reader.collect("apigateway", "get_domain_names", "items"):
        name = domain.get("domainName")
        if not name:
            continue
        ci = ctx.base_ci(REST_DOMAIN, name, name, domain_arn(ctx.region, name))
        ci["configuration"] = pick(domain, _REST_DOMAIN_FIELDS)
        ci["tags"] = _tags(domain, "tags")
        items.append(ci)
    return items


# HTTP and WebSocket APIs ---------------------------------------------------------------


def build_v2_apis(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for api in ctx.reader.collect("apigatewayv2", "get_apis", "Items"):
        api_id = api["ApiId"]
        ci = ctx.base_ci(V2_API, api_id, api.get("Name") or api_id, api_arn(ctx.region, api_id, "V2"))
        ci["configuration"] = camel_keys(pick(api, _V2_API_FIELDS))
        ci["tags"] = _tags(api, "Tags")
        items.append(ci)
    return items


def _v2_stages(ctx: CollectContext, api: dict[str, Any]) -> list[dict[str, Any]]:
    api_id = api["resourceId"]
    items = []
    for stage in ctx.reader.collect("apigatewayv2", "get_stages", "Items", missing=NOT_FOUND, ApiId=api_id):
        name = stage.get("StageName")
        if not name:
            continue
        arn = stage_arn(ctx.region, api_id, name, "V2")
        ci = ctx.base_ci(V2_STAGE, arn, name, arn)
        ci["configuration"] = camel_keys(pick(stage, _V2_STAGE_FIELDS))
        ci["tags"] = _tags(stage, "Tags")
        ci["relationships"].append(_contained_in(api))
        items.append(ci)
    return items


def build_v2_stages(ctx: CollectContext) -> list[dict[str, Any]]:
    apis = ctx.built.get(V2_API, [])
    return [ci for stages in ctx.pool.map(lambda api: _v2_stages(ctx, api), apis) for ci in stages]


def build_v2_domains(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for domain in ctx.reader.collect("apigatewayv2", "get_domain_names", "Items"):
        name = domain.get("DomainName")
        if not name:
            continue
        ci = ctx.base_ci(V2_DOMAIN, name, name, domain_arn(ctx.region, name))
        ci["configuration"] = v2_domain_configuration(domain)
        ci["tags"] = _tags(domain, "Tags")
        items.append(ci)
    return items


BUILDERS = {
    REST_API: build_rest_apis,
    REST_STAGE: build_rest_stages,
    REST_DOMAIN: build_rest_domains,
    V2_API: build_v2_apis,
    V2_STAGE: build_v2_stages,
    V2_DOMAIN: build_v2_domains,
}
