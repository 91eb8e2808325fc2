"""API Gateway resources as the rules see them: stage identity from a CI, and what Config does not record.

Config records REST API stages (``AWS::ApiGateway::Stage``), HTTP/WebSocket API
stages (``AWS::ApiGatewayV2::Stage``), the APIs themselves and custom domain
names. Their resource ids:

* a stage: its ARN, ``arn:aws:apigateway:<region>::/restapis/<api>/stages/<name>``
  (``/apis/<api>/...`` for V2); ``resourceName`` is the stage name;
* a REST API / V2 API: the API id; a domain name: the domain name.

The stage CI carries no API id field of its own (the resource schema lists
none): ``stage_ref`` takes it from ``restApiId``/``apiId`` when present, else
from the "Is contained in" relationship (bare id or ARN), else from the stage ARN.

Config records neither REST methods, HTTP routes nor request validators. The
rules that need them read ``GetResources`` (``embed=methods``, paginated),
``GetRoutes`` and ``GetRequestValidators`` through the reader, once per API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.aws_reader import UNRECORDED_LISTERS, AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.lazy import lazy

REST_API = "AWS::ApiGateway::RestApi"
REST_STAGE = "AWS::ApiGateway::Stage"
REST_DOMAIN = "AWS::ApiGateway::DomainName"
V2_API = "AWS::ApiGatewayV2::Api"
V2_STAGE = "AWS::ApiGatewayV2::Stage"
V2_DOMAIN = "AWS::ApiGatewayV2::DomainName"
STAGE_TYPES = (REST_STAGE, V2_STAGE)
DOMAIN_TYPES = (REST_DOMAIN, V2_DOMAIN)

NOT_FOUND = ("NotFoundException",)
EXEMPT_METHOD = "OPTIONS"  # CORS preflight: browsers send it without credentials

# Rule parameter patterns: an HTTP method, and a method/route key such as "GET /health".
HTTP_METHOD = r"ANY|DELETE|GET|HEAD|PATCH|POST|PUT"
ROUTE_KEY = rf"(?:{HTTP_METHOD}) /\S*|\$default|\$connect"

Kind = Literal["REST", "V2"]

_ARN = lazy(
    r"^arn:(?P<partition>aws[a-z-]*):apigateway:(?P<region>[a-z0-9-]+)::"
    r"/(?P<collection>restapis|apis)/(?P<api>[^/]+)(?:/stages/(?P<stage>.+))?$"
)


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def api_arn(region: str, api_id: str, kind: Kind) -> str:
    collection = "restapis" if kind == "REST" else "apis"
    return f"arn:{partition(region)}:apigateway:{region}::/{collection}/{api_id}"


def stage_arn(region: str, api_id: str, stage: str, kind: Kind) -> str:
    return f"{api_arn(region, api_id, kind)}/stages/{stage}"


def domain_arn(region: str, domain: str) -> str:
    return f"arn:{partition(region)}:apigateway:{region}::/domainnames/{domain}"


def _api_id_from(value: Any) -> str | None:
    """An API id from a bare id or an API/stage ARN."""
    if not isinstance(value, str) or not value:
        return None
    match = _ARN.match(value)
    if match:
        return match["api"]
    return value if re.fullmatch(r"[A-Za-z0-9]{1,64}", value) else None


@dataclass(frozen=True)
class StageRef:
    """Which stage a CI describes: REST (v1) or V2, its API id and its name."""

    kind: Kind
    api_id: str
    name: str

    @property
    def label(self) -> str:
        return f"stage {self.name}"


def stage_ref(ci: ConfigItem) -> StageRef:
    """The stage a stage CI describes; a CI without a stage name or API id is malformed."""
    kind: Kind = "REST" if ci.resource_type == REST_STAGE else "V2"
    name = ci.require("stageName", kind=str)
    api_type = REST_API if kind == "REST" else V2_API
    named = [ci.get("restApiId" if kind == "REST" else "apiId", kind=str)]
    named += [rel.get("resourceId") for rel in ci.related(api_type)]
    for candidate in named:
        api_id = _api_id_from(candidate)
        if api_id:
            return StageRef(kind, api_id, name)
    for candidate in (ci.resource_id, ci.arn):  # the stage ARN (a bare id here would be no API id)
        match = _ARN.match(candidate or "")
        if match:
            return StageRef(kind, match["api"], name)
    raise MalformedConfigurationItem(f"configuration item names no API id for stage {name}")


def v2_protocol(aws: AwsReader, api_id: str) -> str:
    """HTTP or WEBSOCKET, from the API's CI; an API Config has not recorded counts as HTTP."""
    api = aws.resource(V2_API, resource_id=api_id)
    protocol = api.get("protocolType", kind=str) if api else None
    return (protocol or "HTTP").upper()


# Methods and routes -----------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A REST method or an HTTP/WebSocket route, with how it authorizes and validates callers."""

    method: str  # GET, POST, ANY ...; for a route without a method ($default, $connect) the route key
    path: str  # "/orders/{id}"; "" for $default and WebSocket routes
    authorization: str  # NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT
    validator_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}" if self.path else self.method

    @property
    def is_open(self) -> bool:
        return self.authorization.upper() == "NONE"


def rest_methods(aws: AwsReader, api_id: str) -> list[Operation] | None:
    """Every method of a REST API (GetResources with embedded methods); None when the API is gone."""
    resources = aws.collect(
        "apigateway", "get_resources", "items", missing=NOT_FOUND, restApiId=api_id, embed=["methods"]
    )
    if not resources and _rest_api_missing(aws, api_id):
        return None
    found: list[Operation] = []
    for resource in resources:
        path = resource.get("path") or "/"
        for verb, method in sorted((resource.get("resourceMethods") or {}).items()):
            method = method or {}
            found.append(
                Operation(
                    method=str(method.get("httpMethod") or verb).upper(),
                    path=path,
                    authorization=str(method.get("authorizationType") or "NONE"),
                    validator_id=method.get("requestValidatorId") or None,
                )
            )
    return sorted(found, key=lambda op: (op.path, op.method))


def _rest_api_missing(aws: AwsReader, api_id: str) -> bool:
    return aws.call("apigateway", "get_rest_api", missing=NOT_FOUND, restApiId=api_id) is None


def http_routes(aws: AwsReader, api_id: str) -> list[Operation] | None:
    """Every route of an HTTP or WebSocket API (GetRoutes); None when the API is gone."""
    routes = aws.collect("apigatewayv2", "get_routes", "Items", missing=NOT_FOUND, ApiId=api_id)
    if not routes and aws.call("apigatewayv2", "get_api", missing=NOT_FOUND, ApiId=api_id) is None:
        return None
    found = []
    for route in routes:
        key = str(route.get("RouteKey") or "")
        method, _, path = key.partition(" ")
        method = method.upper() if path else method  # WebSocket route keys are case-sensitive names
        found.append(Operation(method, path, str(route.get("AuthorizationType") or "NONE")))
    return sorted(found, key=lambda op: (op.path, op.method))


def websocket_routes(operations: Iterable[Operation]) -> bool:
    """Route keys only a WebSocket API has: ``$connect``, ``$disconnect`` or a bare name ("sendmessage").

    An HTTP API's keys are "METHOD /path" or ``$default``; this tells the two apart
    when the API's CI (and its protocolType) is not at hand.
    """
    return any(not op.path and op.method != "$default" for op in operations)


def request_validators(aws: AwsReader, api_id: str) -> dict[str, Mapping[str, Any]]:
    """A REST API's request validators by id."""
    items = aws.collect("apigateway", "get_request_validators", "items", missing=NOT_FOUND, restApiId=api_id)
    return {str(v["id"]): v for v in items if isinstance(v, Mapping) and v.get("id")}


# Judgements (pure) ----------------------------------------------------------------


def unauthorized(
    operations: Iterable[Operation], exempt: Iterable[str] = (), *, websocket: bool = False
) -> tuple[list[Operation], list[Operation]]:
    """(judged, open): the operations the rule looks at, and those callable without authorization.

    OPTIONS is exempt (CORS preflight), as are the ``exempt`` keys ("GET /health").
    On a WebSocket API only ``$connect`` can carry an authorizer, so only it is judged.
    """
    skip = {key.strip() for key in exempt}
    judged = [
        op
        for op in operations
        if op.method != EXEMPT_METHOD and op.key not in skip and (not websocket or op.method == "$connect")
    ]
    return judged, [op for op in judged if op.is_open]


def validates(validator: Mapping[str, Any] | None) -> bool:
    return bool(validator) and bool(validator.get("validateRequestBody") or validator.get("validateRequestParameters"))


def unvalidated(
    operations: Iterable[Operation], validators: Mapping[str, Mapping[str, Any]], methods: Iterable[str]
) -> tuple[list[Operation], list[Operation]]:
    """(judged, failing): methods of the given HTTP methods, and those without an effective validator."""
    wanted = {m.upper() for m in methods} - {EXEMPT_METHOD}
    judged = [op for op in operations if op.method in wanted]
    failing = [op for op in judged if not validates(validators.get(op.validator_id or ""))]
    return judged, failing


def keys(operations: Iterable[Operation], budget: int = 150) -> str:
    """'POST /refunds, GET /orders/{id} and 3 more' within ``budget`` characters."""
    return listing([op.key for op in operations], budget)


# Config-shaped configuration from API responses (the collectors and the V2 domain lister share it) ----------

V2_DOMAIN_FIELDS = (
    "ApiMappingSelectionExpression",
    "DomainName",
    "DomainNameConfigurations",
    "MutualTlsAuthentication",
)
_KEEP_KEYS = {"RouteSettings"}  # maps keyed by route key: their keys are data, not field names


def plain(value: Any) -> Any:
    """JSON-ready values: datetimes as ISO 8601 strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def camel_keys(value: Any) -> Any:
    """API PascalCase keys -> Config camelCase, recursively."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            name = key[:1].lower() + key[1:]
            if key in _KEEP_KEYS and isinstance(item, Mapping):
                out[name] = {route: camel_keys(settings) for route, settings in item.items()}
            else:
                out[name] = camel_keys(item)
        return out
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def pick(item: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {field: plain(item[field]) for field in fields if item.get(field) is not None}


def v2_domain_configuration(domain: Mapping[str, Any]) -> dict[str, Any]:
    return camel_keys(pick(domain, V2_DOMAIN_FIELDS))


def v2_domains(aws: AwsReader, account_id: str, region: str) -> list[ConfigItem]:
    """HTTP/WebSocket domain names as CIs, from the API: Config does not record AWS::ApiGatewayV2::DomainName."""
    items = []
    for domain in aws.collect("apigatewayv2", "get_domain_names", "Items"):
        name = domain.get("DomainName")
        if not name:
            continue
        tags = domain.get("Tags")
        items.append(
            ConfigItem.of(
                {
                    "awsAccountId": account_id,
                    "configurationItemStatus": "OK",
                    "resourceType": V2_DOMAIN,
                    "resourceId": name,
                    "resourceName": name,
                    "ARN": domain_arn(region, name),
                    "awsRegion": region,
                    "tags": {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {},
                    "relationships": [],
                    "configuration": v2_domain_configuration(domain),
                    "supplementaryConfiguration": {},
                }
            )
        )
    return items


UNRECORDED_LISTERS[V2_DOMAIN] = v2_domains
