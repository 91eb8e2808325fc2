"""A function's resource policy as recorded in its CI (supplementaryConfiguration.Policy)."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_compliance.domain.iam.policy import (
    PolicyError,
    Statement,
    parse_policy,
    service_pin_keys,
    unpinned_services,
)
from lambda_compliance.runtime.annotations import listing
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


def missing_pins(statements: Sequence[Statement]) -> str:
    """``s3.amazonaws.com invoke the function without aws:SourceAccount; sns.amazonaws.com without
    aws:SourceArn or aws:SourceAccount``: each unpinned
    service with the key that would pin it, so the advice is one the user can apply."""
    by_advice: dict[tuple[str, ...], list[str]] = {}
    for service in dict.fromkeys(svc for s in statements for svc in unpinned_services(s)):
        by_advice.setdefault(service_pin_keys(service), []).append(service)
    parts = [f"{', '.join(services)} without {' or '.join(keys)}" for keys, services in by_advice.items()]
    return "; ".join(parts).replace(" without ", " invoke the function without ", 1)
