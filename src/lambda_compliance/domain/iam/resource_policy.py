"""A function's resource policy as recorded in its CI (supplementaryConfiguration.Policy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.domain.iam.policy import (
    PolicyError,
    Statement,
    parse_policy,
    service_pin_keys,
    unpinned_services,
    url_auth_none_statements,
)
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem


def policy_statements(ci: ConfigItem) -> tuple[Statement, ...]:
    """The statements of the function's resource policy; empty when it has none."""
    raw = ci.supplementary.get("Policy")
    if raw in (None, "", {}):
        return ()
    try:
        return parse_policy(raw)
    except PolicyError as exc:
        raise MalformedConfigurationItem(f"resource policy is unreadable ({exc})") from None


def refs(statements: Sequence[Statement], budget: int = 100) -> str:
    """Statement names for an annotation: 'A, B and 2 more'."""
    return listing([s.ref for s in statements], budget)


@dataclass(frozen=True)
class FunctionUrlAuth:
    """What is known about a function's URL authentication."""

    config: dict[str, Any] | None  # GetFunctionUrlConfig; None: no URL, or not readable here
    open_statements: list[Statement]  # policy statements allowing unauthenticated URL calls

    @property
    def auth_type(self) -> str | None:
        return self.config.get("AuthType") if self.config else None


def function_url_auth(aws: AwsReader, ci: ConfigItem) -> FunctionUrlAuth:
    """The URL configuration and the policy's evidence of an unauthenticated URL.

    Config records no function URL. A URL with AuthType NONE is only callable through a
    statement allowing lambda:InvokeFunctionUrl under lambda:FunctionUrlAuthType = NONE
    (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), which the CI records: where the
    URL configuration cannot be read (a snapshot scan) that statement decides on its own. Without
    one, nothing is known and the reason the configuration was unreadable propagates.
    """
    statements = url_auth_none_statements(policy_statements(ci))
    try:
        config = lambda_api.function_url_config(aws, ci.resource_id)
    except Exception as exc:
        if statements and getattr(exc, "skip", False):  # no Lambda API here, but the policy proves it
            return FunctionUrlAuth(None, statements)
        raise
    return FunctionUrlAuth(config, statements)


def missing_pins(statements: Sequence[Statement]) -> str:
    """``s3.amazonaws.com invoke the function without aws:SourceAccount; sns.amazonaws.com without
    aws:SourceArn or aws:SourceAccount``: each unpinned
    service with the key that would pin it, so the advice is one the user can apply."""
    by_advice: dict[tuple[str, ...], list[str]] = {}
    for service in dict.fromkeys(svc for s in statements for svc in unpinned_services(s)):
        by_advice.setdefault(service_pin_keys(service), []).append(service)
    parts = [f"{', '.join(services)} without {' or '.join(keys)}" for keys, services in by_advice.items()]
    return "; ".join(parts).replace(" without ", " invoke the function without ", 1)
