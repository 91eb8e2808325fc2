"""Function settings Config does not record: failure destinations, code signing, function URL CORS.

Each is one Lambda API read per function (memoised by the reader), with the
"not configured" answer (ResourceNotFoundException) meaning *none*, never an
error. The dead-letter queue is the exception: the CI records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.runtime.aws_reader import AwsReader, error_code
from lambda_compliance.runtime.ci import ConfigItem

# failure destinations ------------------------------------------------------------


@dataclass(frozen=True)
class FailureDestination:
    kind: str  # "dead-letter queue" or "on-failure destination"
    target: str  # the queue, topic, function or bus ARN
    qualifier: str | None = None  # alias or version the destination applies to; None: the function

    def describe(self) -> str:
        scope = f" (qualifier {self.qualifier})" if self.qualifier else ""
        return f"{self.kind} {self.target}{scope}"


def dead_letter_queue(ci: ConfigItem) -> FailureDestination | None:
    target = ci.get("deadLetterConfig", "targetArn", kind=str)
    return FailureDestination("dead-letter queue", target) if target else None


def qualifier_of(function_arn: Any) -> str | None:
    """The alias or version of a qualified function ARN (arn:...:function:name:qualifier); None for $LATEST."""
    parts = function_arn.split(":") if isinstance(function_arn, str) else []
    return parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None


def on_failure_destinations(aws: AwsReader, function: str) -> list[FailureDestination] | None:
    """OnFailure destinations of the function's event-invoke configs (itself, its aliases and versions).

    None when the function no longer exists.
    """
    try:
        configs = aws.collect(
            "lambda", "list_function_event_invoke_configs", "FunctionEventInvokeConfigs", FunctionName=function
        )
    except ClientError as exc:
        if error_code(exc) in lambda_api.NOT_FOUND:
            return None
        raise
    found = []
    for config in configs:
        if not isinstance(config, dict):
            continue
        on_failure = (config.get("DestinationConfig") or {}).get("OnFailure") or {}
        target = on_failure.get("Destination") if isinstance(on_failure, dict) else None
        if isinstance(target, str) and target:
            found.append(FailureDestination("on-failure destination", target, qualifier_of(config.get("FunctionArn"))))
    return sorted(found, key=lambda d: (d.qualifier is not None, d.qualifier or ""))


# code signing ---------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSigning:
    arn: str
    config: Mapping[str, Any] | None  # GetCodeSigningConfig's CodeSigningConfig; None: it no longer exists

    @property
    def config_id(self) -> str:
        return self.arn.rsplit(":", 1)[-1]

    @property
    def policy(self) -> str:
        """UntrustedArtifactOnDeployment: Enforce blocks unsigned code, Warn (the default) only logs."""
        policies = (self.config or {}).get("CodeSigningPolicies") or {}
        value = policies.get("UntrustedArtifactOnDeployment") if isinstance(policies, dict) else None
        return value if isinstance(value, str) else "Warn"

    @property
    def publishers(self) -> tuple[str, ...]:
        allowed = (self.config or {}).get("AllowedPublishers") or {}
        arns = allowed.get("SigningProfileVersionArns") if isinstance(allowed, dict) else None
        return tuple(a for a in arns or () if isinstance(a, str))


def code_signing(aws: AwsReader, function: str) -> CodeSigning | None:
    """The function's code signing config, or None when it has none (one config read per distinct ARN)."""
    attached = aws.call(
        "lambda", "get_function_code_signing_config", missing=lambda_api.NOT_FOUND, FunctionName=function
    )
    arn = (attached or {}).get("CodeSigningConfigArn")
    if not isinstance(arn, str) or not arn:
        return None
    response = aws.call("lambda", "get_code_signing_config", missing=lambda_api.NOT_FOUND, CodeSigningConfigArn=arn)
    config = (response or {}).get("CodeSigningConfig")
    return CodeSigning(arn, config if isinstance(config, dict) else None)


def unapproved_publishers(publishers: Iterable[str], allowed_profiles: Iterable[str]) -> list[str]:
    """Signing profile versions not covered by ``allowed_profiles`` (a profile ARN covers its versions).

    [] when ``allowed_profiles`` is empty: any publisher is allowed.
    """
    allowed = tuple(allowed_profiles)
    if not allowed:
        return []
    return [arn for arn in publishers if not any(arn == a or arn.startswith(a.rstrip("/") + "/") for a in allowed)]


# function URL CORS ----------------------------------------------------------------


def _origin(value: str) -> str:
    return value.strip().rstrip("/").lower()


def cors_origins(url_config: Mapping[str, Any]) -> tuple[str, ...]:
    """The URL's CORS AllowOrigins; () when it has no CORS configuration."""
    cors = url_config.get("Cors")
    origins = cors.get("AllowOrigins") if isinstance(cors, dict) else None
    return tuple(o for o in origins or () if isinstance(o, str))


def open_origins(origins: Iterable[str]) -> list[str]:
    """Origins any website can present: a wildcard (``*``) or the opaque origin ``null``.

    Browsers serialise the origin of sandboxed iframes, ``data:`` and ``file:``
    documents as ``null``, and any page can create such a document, so allowing
    ``null`` is as open as ``*`` (MDN, Access-Control-Allow-Origin: "The value
    null should not be used",
    https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Origin).
    """
    return [o for o in origins if "*" in o or o.strip().lower() == "null"]


def unlisted_origins(origins: Iterable[str], allowed_origins: Iterable[str]) -> list[str]:
    """Origins outside ``allowed_origins`` (compared case-insensitively, ignoring a trailing /); [] when none given."""
    allowed = {_origin(a) for a in allowed_origins}
    opened = set(open_origins(origins))
    return [o for o in origins if allowed and o not in opened and _origin(o) not in allowed]
