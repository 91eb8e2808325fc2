"""API Gateway as a template would create it, in the apigateway / apigatewayv2 response shapes.

REST APIs (``AWS::ApiGateway::RestApi`` with its ``Resource``/``Method``/``RequestValidator``
resources, or an OpenAPI ``Body`` as SAM's ``AWS::Serverless::Api`` writes it), their stages
(``AWS::ApiGateway::Stage``, and the stage a ``Deployment`` with ``StageName`` creates), custom
domain names; HTTP and WebSocket APIs (``AWS::ApiGatewayV2::Api`` with ``Route`` resources or a
``Body``, as SAM's ``AWS::Serverless::HttpApi`` writes it), their stages and domain names.

Mappings from the CloudFormation reference (AWS::ApiGateway::Stage MethodSetting): ``ResourcePath``
is written with "/" encoded as "~1" and a leading "/", and the API's ``methodSettings`` key is that
path without its leading "/", then "/", then the method ("/*" and "*" give "*/*"). A stage's web
ACL comes from an ``AWS::WAFv2::WebACLAssociation`` whose ``ResourceArn`` is the stage's ARN.
OpenAPI: ``x-amazon-apigateway-authtype`` ``awsSigv4`` is IAM authorization, ``cognito_user_pools``
Cognito, ``custom`` a Lambda authorizer (API Gateway developer guide, OpenAPI extensions);
HTTP APIs' ``x-amazon-apigateway-authorizer`` of type ``jwt`` is JWT, ``request`` a Lambda authorizer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from lambda_compliance.domain.api_gateway.resources import stage_arn
from lambda_compliance.scanner.templates.resolve import Resolver, root_resource_id

if TYPE_CHECKING:
    from lambda_compliance.scanner.templates.account import TemplateAccount

_VERBS = {"get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method"}
_AUTH_TYPES = {"awssigv4": "AWS_IAM", "cognito_user_pools": "COGNITO_USER_POOLS", "custom": "CUSTOM"}


def _flag(value: Any) -> bool:
    """A Boolean property, also when written as a string ("true"), as CloudFormation accepts it."""
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value


def _not_found(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "NotFoundException", "Message": "not in the template"}}, operation)


def _tags(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(t.get("Key")): str(t.get("Value")) for t in value or [] if isinstance(t, dict)}


# REST APIs -----------------------------------------------------------------------------------
def _rest_apis(acct: TemplateAccount) -> dict[str, tuple[str, dict[str, Any], Resolver]]:
    return {r.name(lid): (lid, p, r) for lid, p, r in acct.of_type("AWS::ApiGateway::RestApi")}


def _rest_api(acct: TemplateAccount, api_id: str) -> dict[str, Any]:
    if api_id not in _rest_apis(acct):
        raise _not_found("GetRestApi")
    logical_id, props, _ = _rest_apis(acct)[api_id]
    api: dict[str, Any] = {
        "id": api_id,
        "name": props.get("Name") or (props.get("Body") or {}).get("info", {}).get("title") or logical_id,
        "apiKeySource": props.get("ApiKeySourceType", "HEADER"),
        "endpointConfiguration": {"types": list((props.get("EndpointConfiguration") or {}).get("Types") or ["EDGE"])},
        "disableExecuteApiEndpoint": _flag(props.get("DisableExecuteApiEndpoint", False)),
        "tags": _tags(props.get("Tags")),
    }
    for source, target in (("Description", "description"), ("BinaryMediaTypes", "binaryMediaTypes")):
        if source in props:
            api[target] = props[source]
    return api


def _get_rest_apis(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    return {"items": [_rest_api(acct, api_id) for api_id in _rest_apis(acct)]}


def _get_rest_api(acct: TemplateAccount, restApiId: str, **_: Any) -> dict[str, Any]:
    return _rest_api(acct, restApiId)


def _method_settings(settings: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for setting in settings or []:
        if not isinstance(setting, dict):
            continue
        path = str(setting.get("ResourcePath", "/*"))
        key = f"{path[1:] if path.startswith('/') else path}/{setting.get('HttpMethod', '*')}"
        entry = {
            "metricsEnabled": _flag(setting.get("MetricsEnabled", False)),
            "loggingLevel": str(setting.get("LoggingLevel", "OFF")),
            "dataTraceEnabled": _flag(setting.get("DataTraceEnabled", False)),
            "cachingEnabled": _flag(setting.get("CachingEnabled", False)),
        }
        for source, target in (
            ("ThrottlingBurstLimit", "throttlingBurstLimit"),
            ("ThrottlingRateLimit", "throttlingRateLimit"),
        ):
            if source in setting:
                entry[target] = _number(setting[source])
        out[key] = entry
    return out


def _web_acl(acct: TemplateAccount, arn: str) -> str | None:
    for _lid, props, _ in acct.of_type("AWS::WAFv2::WebACLAssociation"):
        if props.get("ResourceArn") == arn and isinstance(props.get("WebACLArn"), str):
            return str(props["WebACLArn"])
    return None


def _rest_stage(acct: TemplateAccount, api_id: str, name: str, props: Mapping[str, Any]) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "stageName": name,
        "deploymentId": props.get("DeploymentId", ""),
        "methodSettings": _method_settings(props.get("MethodSettings") or []),
        "tracingEnabled": _flag(props.get("TracingEnabled", False)),
        "cacheClusterEnabled": _flag(props.get("CacheClusterEnabled", False)),
        "tags": _tags(props.get("Tags")),
    }
    access = props.get("AccessLogSetting") or {}
    if access.get("DestinationArn"):
        stage["accessLogSettings"] = {"destinationArn": access["DestinationArn"], "format": access.get("Format", "")}
    acl = _web_acl(acct, stage_arn(acct.region, api_id, name, "REST"))
    if acl:
        stage["webAclArn"] = acl
    return stage


def _get_stages(acct: TemplateAccount, restApiId: str, **_: Any) -> dict[str, Any]:
    if restApiId not in _rest_apis(acct):
        raise _not_found("GetStages")
    stages = []
    for logical_id, props, resolver in acct.of_type("AWS::ApiGateway::Stage"):
        if props.get("RestApiId") == restApiId:
            stages.append(_rest_stage(acct, restApiId, resolver.name(logical_id), props))
    for logical_id, props, resolver in acct.of_type("AWS::ApiGateway::Deployment"):
        # a Deployment with StageName creates that stage, configured by its StageDescription
        if props.get("RestApiId") == restApiId and isinstance(props.get("StageName"), str):
            described = dict(props.get("StageDescription") or {})
            described.setdefault("DeploymentId", resolver.name(logical_id))
            stages.append(_rest_stage(acct, restApiId, props["StageName"], described))
    return {"item": stages}


def _openapi_auth(document: Mapping[str, Any], operation: Mapping[str, Any]) -> str:
    security = operation.get("security", document.get("security")) or []
    schemes = {
        **(
            (document.get("securityDefinitions") or {}) if isinstance(document.get("securityDefinitions"), dict) else {}
        ),
        **((document.get("components") or {}).get("securitySchemes") or {}),
    }
    for requirement in security:
        for name in requirement if isinstance(requirement, dict) else ():
            scheme = schemes.get(name) or {}
            authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
            authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
            kind = str(authorizer.get("type", "")).lower()
            if authtype in _AUTH_TYPES:
                return _AUTH_TYPES[authtype]
            if kind == "jwt":
                return "JWT"
            if kind in {"request", "token"}:
                return "CUSTOM"
            if kind == "cognito_user_pools":
                return "COGNITO_USER_POOLS"
    return "NONE"


def _openapi_operations(body: Any) -> list[tuple[str, str, str, str | None]]:
    """(method, path, authorization, request validator name) of an OpenAPI body's operations."""
    if not isinstance(body, dict):
        return []
    default_validator = body.get("x-amazon-apigateway-request-validator")
    found = []
    for path, item in (body.get("paths") or {}).items():
        for verb, operation in (item or {}).items() if isinstance(item, dict) else ():
            if verb.lower() not in _VERBS or not isinstance(operation, dict):
                continue
            method = "ANY" if verb.lower() == "x-amazon-apigateway-any-method" else verb.upper()
            validator = operation.get("x-amazon-apigateway-request-validator", default_validator)
            found.append((method, str(path), _openapi_auth(body, operation), validator))
    return found


def _resource_paths(acct: TemplateAccount, api_id: str) -> dict[str, str]:
    """Resource id -> path of a REST API's AWS::ApiGateway::Resource tree ("/" the root)."""
    parts: dict[str, tuple[str, str]] = {}
    for logical_id, props, resolver in acct.of_type("AWS::ApiGateway::Resource"):
        if props.get("RestApiId") == api_id:
            parts[resolver.name(logical_id)] = (str(props.get("ParentId", "")), str(props.get("PathPart", "")))
    root = root_resource_id(api_id)
    paths = {root: "/"}

    def path(resource_id: str, depth: int = 0) -> str:
        if resource_id in paths or depth > 50 or resource_id not in parts:
            return paths.get(resource_id, "/")
        parent, part = parts[resource_id]
        paths[resource_id] = path(parent, depth + 1).rstrip("/") + "/" + part
        return paths[resource_id]

    for resource_id in parts:
        path(resource_id)
    return paths


def _get_resources(acct: TemplateAccount, restApiId: str, **_: Any) -> dict[str, Any]:
    if restApiId not in _rest_apis(acct):
        raise _not_found("GetResources")
    _, api_props, _ = _rest_apis(acct)[restApiId]
    validator_ids = {v["name"]: v["id"] for v in _validators(acct, restApiId)}
    paths = _resource_paths(acct, restApiId)
    methods: dict[str, dict[str, Any]] = {rid: {} for rid in paths}
    for method, path, auth, validator in _openapi_operations(api_props.get("Body")):
        rid = next((r for r, p in paths.items() if p == path), f"openapi:{path}")
        paths.setdefault(rid, path)
        entry = {"httpMethod": method, "authorizationType": auth}
        if validator and validator in validator_ids:
            entry["requestValidatorId"] = validator_ids[validator]
        methods.setdefault(rid, {})[method] = entry
    for _lid, props, _ in acct.of_type("AWS::ApiGateway::Method"):
        if props.get("RestApiId") != restApiId:
            continue
        verb = str(props.get("HttpMethod", "")).upper()
        entry = {"httpMethod": verb, "authorizationType": str(props.get("AuthorizationType", "NONE"))}
        if props.get("RequestValidatorId"):
            entry["requestValidatorId"] = props["RequestValidatorId"]
        methods.setdefault(str(props.get("ResourceId", "")), {})[verb] = entry
    items = [
        {"id": rid, "path": paths.get(rid, "/"), **({"resourceMethods": found} if found else {})}
        for rid, found in methods.items()
    ]
    return {"items": items}


def _validators(acct: TemplateAccount, api_id: str) -> list[dict[str, Any]]:
    found = []
    for logical_id, props, resolver in acct.of_type("AWS::ApiGateway::RequestValidator"):
        if props.get("RestApiId") == api_id:
            found.append(
                {
                    "id": resolver.name(logical_id),
                    "name": props.get("Name", logical_id),
                    "validateRequestBody": _flag(props.get("ValidateRequestBody", False)),
                    "validateRequestParameters": _flag(props.get("ValidateRequestParameters", False)),
                }
            )
    if api_id in _rest_apis(acct):
        body = _rest_apis(acct)[api_id][1].get("Body")
        declared = body.get("x-amazon-apigateway-request-validators") if isinstance(body, dict) else None
        for name, validator in (declared or {}).items():
            found.append(
                {
                    "id": f"openapi-{name}",
                    "name": name,
                    "validateRequestBody": _flag((validator or {}).get("validateRequestBody", False)),
                    "validateRequestParameters": _flag((validator or {}).get("validateRequestParameters", False)),
                }
            )
    return found


def _get_request_validators(acct: TemplateAccount, restApiId: str, **_: Any) -> dict[str, Any]:
    if restApiId not in _rest_apis(acct):
        raise _not_found("GetRequestValidators")
    return {"items": _validators(acct, restApiId)}


def _get_domain_names(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    items = []
    for logical_id, props, resolver in acct.of_type("AWS::ApiGateway::DomainName"):
        domain: dict[str, Any] = {
            "domainName": resolver.name(logical_id),
            "endpointConfiguration": {
                "types": list((props.get("EndpointConfiguration") or {}).get("Types") or ["EDGE"])
            },
            "domainNameStatus": "AVAILABLE",
            "tags": _tags(props.get("Tags")),
        }
        for source, target in (
            ("SecurityPolicy", "securityPolicy"),
            ("CertificateArn", "certificateArn"),
            ("RegionalCertificateArn", "regionalCertificateArn"),
        ):
            if source in props:
                domain[target] = props[source]
        items.append(domain)
    return {"items": items}


# HTTP and WebSocket APIs ------------------------------------------------------------------------
def _v2_apis(acct: TemplateAccount) -> dict[str, tuple[str, dict[str, Any], Resolver]]:
    return {r.name(lid): (lid, p, r) for lid, p, r in acct.of_type("AWS::ApiGatewayV2::Api")}


def _v2_api(acct: TemplateAccount, api_id: str) -> dict[str, Any]:
    if api_id not in _v2_apis(acct):
        raise _not_found("GetApi")
    logical_id, props, _ = _v2_apis(acct)[api_id]
    body = props.get("Body") if isinstance(props.get("Body"), dict) else {}
    api: dict[str, Any] = {
        "ApiId": api_id,
        "Name": props.get("Name") or (body.get("info") or {}).get("title") or logical_id,
        "ProtocolType": props.get("ProtocolType", "HTTP"),
        "ApiEndpoint": f"https://{api_id}.execute-api.{acct.region}.amazonaws.com",
        "DisableExecuteApiEndpoint": _flag(props.get("DisableExecuteApiEndpoint", False)),
        "RouteSelectionExpression": props.get("RouteSelectionExpression", "$request.method $request.path"),
        "Tags": _tags(props.get("Tags")),
    }
    if props.get("CorsConfiguration"):
        api["CorsConfiguration"] = props["CorsConfiguration"]
    return api


def _v2_get_apis(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    return {"Items": [_v2_api(acct, api_id) for api_id in _v2_apis(acct)]}


def _v2_get_api(acct: TemplateAccount, ApiId: str, **_: Any) -> dict[str, Any]:
    return _v2_api(acct, ApiId)


def _v2_get_stages(acct: TemplateAccount, ApiId: str, **_: Any) -> dict[str, Any]:
    if ApiId not in _v2_apis(acct):
        raise _not_found("GetStages")
    stages = []
    for logical_id, props, resolver in acct.of_type("AWS::ApiGatewayV2::Stage"):
        if props.get("ApiId") != ApiId:
            continue
        stage: dict[str, Any] = {
            "StageName": resolver.name(logical_id),
            "AutoDeploy": _flag(props.get("AutoDeploy", False)),
            "DefaultRouteSettings": props.get("DefaultRouteSettings") or {},
            "RouteSettings": props.get("RouteSettings") or {},
            "Tags": _tags(props.get("Tags")),
        }
        if props.get("AccessLogSettings"):
            stage["AccessLogSettings"] = props["AccessLogSettings"]
        stages.append(stage)
    return {"Items": stages}


def _v2_get_routes(acct: TemplateAccount, ApiId: str, **_: Any) -> dict[str, Any]:
    if ApiId not in _v2_apis(acct):
        raise _not_found("GetRoutes")
    _, props, _ = _v2_apis(acct)[ApiId]
    routes = [
        {"RouteKey": f"{method} {path}", "AuthorizationType": auth}
        for method, path, auth, _v in _openapi_operations(props.get("Body"))
    ]
    for _lid, route, _ in acct.of_type("AWS::ApiGatewayV2::Route"):
        if route.get("ApiId") == ApiId:
            routes.append(
                {"RouteKey": route.get("RouteKey", ""), "AuthorizationType": route.get("AuthorizationType", "NONE")}
            )
    return {"Items": routes}


def _v2_get_domain_names(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    items = []
    for logical_id, props, resolver in acct.of_type("AWS::ApiGatewayV2::DomainName"):
        domain: dict[str, Any] = {
            "DomainName": resolver.name(logical_id),
            "DomainNameConfigurations": props.get("DomainNameConfigurations") or [],
            "Tags": _tags(props.get("Tags")),
        }
        if props.get("MutualTlsAuthentication"):
            domain["MutualTlsAuthentication"] = props["MutualTlsAuthentication"]
        items.append(domain)
    return {"Items": items}


HANDLERS: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {
    ("apigateway", "get_rest_apis"): _get_rest_apis,
    ("apigateway", "get_rest_api"): _get_rest_api,
    ("apigateway", "get_stages"): _get_stages,
    ("apigateway", "get_resources"): _get_resources,
    ("apigateway", "get_request_validators"): _get_request_validators,
    ("apigateway", "get_domain_names"): _get_domain_names,
    ("apigatewayv2", "get_apis"): _v2_get_apis,
    ("apigatewayv2", "get_api"): _v2_get_api,
    ("apigatewayv2", "get_stages"): _v2_get_stages,
    ("apigatewayv2", "get_routes"): _v2_get_routes,
    ("apigatewayv2", "get_domain_names"): _v2_get_domain_names,
}
