"""API Gateway stage and domain settings read from CIs, and the pure judgements the rules share.

Where a stage CI keeps its settings (real Config field names):

* REST stage (``AWS::ApiGateway::Stage``): ``accessLogSettings.destinationArn``,
  ``tracingEnabled``, ``webAclArn``, and ``methodSettings`` keyed ``"*/*"`` for the
  whole stage and ``"~1orders~1{id}/GET"`` (the resource path with ``/`` written
  ``~1``, then the method) for per-method overrides, each with ``loggingLevel``,
  ``throttlingRateLimit``, ``throttlingBurstLimit``...
* V2 stage (``AWS::ApiGatewayV2::Stage``): ``accessLogSettings.destinationArn``,
  ``defaultRouteSettings`` (``loggingLevel`` for WebSocket APIs,
  ``throttlingRateLimit``/``throttlingBurstLimit``) and ``routeSettings`` keyed by
  route key ("POST /webhooks").
* Domain names: ``securityPolicy`` (REST) or ``domainNameConfigurations[].securityPolicy`` (V2).

A per-method / per-route override replaces the stage value for that method, so
the judgements look at both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.domain.api_gateway.resources import REST_DOMAIN, REST_STAGE
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.lazy import lazy

STAGE_WIDE = "*/*"
LOG_LEVELS = {"OFF": 0, "ERROR": 1, "INFO": 2}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def rate(value: float) -> str:
    """5000.0 -> '5000', 12.5 -> '12.5'."""
    return f"{value:g}"


def method_key(setting_key: str) -> str:
    """A REST methodSettings key as a method key: '~1orders~1{id}/GET' -> 'GET /orders/{id}'."""
    if setting_key == STAGE_WIDE:
        return "all methods"
    path, _, method = setting_key.rpartition("/")
    path = path.replace("~1", "/").replace("~0", "~")
    path = path if path.startswith("/") else "/" + path
    return f"{method.upper()} {path}"


@dataclass(frozen=True)
class StageSettings:
    """One stage's stage-wide settings and its per-method (REST) or per-route (V2) overrides."""

    stage: dict[str, Any]
    overrides: dict[str, dict[str, Any]]  # method/route key -> settings


def stage_settings(ci: ConfigItem) -> StageSettings:
    if ci.resource_type == REST_STAGE:
        raw = ci.get("methodSettings", kind=dict) or {}
        overrides = {
            method_key(key): value
            for key, value in sorted(raw.items())
            if key != STAGE_WIDE and isinstance(value, dict)
        }
        stage = raw.get(STAGE_WIDE)
        return StageSettings(stage if isinstance(stage, dict) else {}, overrides)
    routes = ci.get("routeSettings", kind=dict) or {}
    return StageSettings(
        ci.get("defaultRouteSettings", kind=dict) or {},
        {key: value for key, value in sorted(routes.items()) if isinstance(value, dict)},
    )


def has_access_logs(ci: ConfigItem) -> bool:
    return bool(ci.get("accessLogSettings", "destinationArn", kind=str))


# Logging ---------------------------------------------------------------------------


def logging_gaps(ci: ConfigItem, *, minimum_level: str, tracing_required: bool, execution_logs: bool) -> list[str]:
    """What the stage lacks: access logs, execution logs at ``minimum_level`` (stage and
    overrides) when the API type has them, and X-Ray tracing (REST stages only)."""
    gaps = [] if has_access_logs(ci) else ["no access logs"]
    if execution_logs:
        settings = stage_settings(ci)
        needed = LOG_LEVELS[minimum_level]
        wanted = " or ".join(level for level, rank in LOG_LEVELS.items() if rank >= needed)
        level = str(settings.stage.get("loggingLevel") or "OFF").upper()
        if LOG_LEVELS.get(level, 0) < needed:
            gaps.append(f"execution logging {level} (needs {wanted})")
        weak = [
            key
            for key, value in settings.overrides.items()
            if "loggingLevel" in value and LOG_LEVELS.get(str(value["loggingLevel"]).upper(), 0) < needed
        ]
        if weak:
            gaps.append(f"execution logging below {minimum_level} for {listing(weak, 90)}")
    if tracing_required and ci.resource_type == REST_STAGE and ci.get("tracingEnabled") is not True:
        gaps.append("X-Ray tracing off")
    return gaps


# Throttling --------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttling:
    rate: float | None  # stage-wide requests per second; None: not set (the account limit applies)
    burst: float | None
    excessive: tuple[tuple[str, float], ...]  # overrides above the maximum: (method/route key, rate)


def throttling(ci: ConfigItem, max_rate: int) -> Throttling:
    settings = stage_settings(ci)
    stage_rate = _number(settings.stage.get("throttlingRateLimit"))
    if stage_rate is not None and stage_rate < 0:  # -1: throttling switched off
        stage_rate = None
    excessive = []
    for key, value in settings.overrides.items():
        override = _number(value.get("throttlingRateLimit"))
        if override is not None and (override < 0 or override > max_rate):
            excessive.append((key, override))
    return Throttling(stage_rate, _number(settings.stage.get("throttlingBurstLimit")), tuple(excessive))


def throttling_gaps(found: Throttling, max_rate: int) -> list[str]:
    gaps = []
    if found.rate is None:
        gaps.append("no stage rate limit (the account-level limit applies)")
    elif found.rate > max_rate:
        gaps.append(f"stage rate limit {rate(found.rate)}/s")
    for key, value in found.excessive:
        gaps.append(f"{key} {'unthrottled' if value < 0 else rate(value) + '/s'}")
    return gaps


# Web ACL -----------------------------------------------------------------------------

_WAFV2 = lazy(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/(?P<name>[^/]+)/[^/]+$")
_WAF_REGIONAL = lazy(r"^arn:aws[a-z-]*:waf-regional:[a-z0-9-]+:\d{12}:webacl/(?P<name>[^/]+)$")


def web_acl_name(arn: str) -> str:
    """The web ACL's name (WAFv2) or id (WAF Classic regional) from its ARN, else the ARN."""
    match = _WAFV2.match(arn) or _WAF_REGIONAL.match(arn)
    return match["name"] if match else arn


# TLS -----------------------------------------------------------------------------------

_LEGACY = lazy(r"^TLS_1_(?P<minor>\d)$")
_ENHANCED_RANGE = lazy(r"^SecurityPolicy_TLS1\d_1_(?P<minor>\d)(?:_|$)")  # ..._TLS13_1_2_...: 1.2
_ENHANCED = lazy(r"^SecurityPolicy_TLS1(?P<minor>\d)(?:_|$)")  # ..._TLS12_PFS_...: 1.2


def minimum_tls(policy: str) -> tuple[int, int] | None:
    """The lowest TLS version a security policy accepts; None for a policy name not understood.

    Legacy policies are ``TLS_1_0`` and ``TLS_1_2``. Enhanced ones start
    ``SecurityPolicy_``: ``SecurityPolicy_TLS13_1_2_2021_06`` accepts TLS 1.3
    down to 1.2, ``SecurityPolicy_TLS13_1_3_2025_09`` TLS 1.3 only,
    ``SecurityPolicy_TLS12_PFS_2025_EDGE`` TLS 1.2 and later.
    """
    for pattern in (_LEGACY, _ENHANCED_RANGE, _ENHANCED):
        match = pattern.match(policy)
        if match:
            return (1, int(match["minor"]))
    return None


def domain_policies(ci: ConfigItem) -> list[tuple[str, str]]:
    """(endpoint label, security policy) per endpoint of a custom domain; malformed when none is readable."""
    if ci.resource_type == REST_DOMAIN:
        return [("", ci.require("securityPolicy", kind=str))]
    configurations = ci.get("domainNameConfigurations", kind=list) or []
    found = []
    for configuration in configurations:
        if not isinstance(configuration, Mapping):
            continue
        policy = configuration.get("securityPolicy")
        if isinstance(policy, str) and policy:
            found.append((str(configuration.get("endpointType") or ""), policy))
    if not found:
        raise MalformedConfigurationItem(
            "configuration item lacks a valid configuration.domainNameConfigurations[].securityPolicy"
        )
    return found
