"""A function's resource policy as recorded in its CI (supplementaryConfiguration.Policy)."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_compliance.domain.iam.policy import PolicyError, Statement, parse_policy
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


def principals(statements: Sequence[Statement]) -> str:
    services = sorted({svc for s in statements if s.principal for svc in s.principal.service})
    return ", ".join(services)
