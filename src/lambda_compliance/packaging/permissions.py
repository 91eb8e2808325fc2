"""The IAM actions each rule function needs: declared by the rule, completed for rdklib's plumbing.

A rule declares the reads its decision makes (``RuleSpec.iam_actions``). rdklib adds its own:
``config:PutEvaluations`` always; ``config:GetResourceConfigHistory`` for change-triggered rules
(an oversized configuration item is fetched again); ``config:GetComplianceDetailsByConfigRule``
for periodic rules (rdklib marks resources that vanished since the last run NOT_APPLICABLE); a hybrid
rule's scheduled run also lists its in-scope resources with ``config:SelectResourceConfig``.
Every declared action must exist in the shipped IAM action table and be a read: the rule
functions and the member-account role are read-only apart from reporting evaluations.
"""

from __future__ import annotations

from collections.abc import Iterable

from lambda_compliance.domain.iam import actions as iam_actions
from lambda_compliance.packaging.layer import PackagingError
from lambda_compliance.runtime.rulebase import ComplianceRule

PUT_EVALUATIONS = "config:PutEvaluations"
CHANGE_TRIGGERED_PLUMBING = ("config:GetResourceConfigHistory",)
PERIODIC_PLUMBING = ("config:GetComplianceDetailsByConfigRule",)
SWEEP_PLUMBING = ("config:SelectResourceConfig",)
READ_LEVELS = frozenset({iam_actions.LIST, iam_actions.READ})


def _sorted(actions: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(actions), key=str.lower))


def declared_reads(rule: type[ComplianceRule]) -> tuple[str, ...]:
    """The rule's declared actions in AWS spelling; raises PackagingError on unknown or write actions."""
    out = []
    for action in rule.spec.iam_actions:
        info = iam_actions.info(action)
        if info is None:
            raise PackagingError(f"{rule.rule_name()} declares unknown IAM action {action}")
        if info.level not in READ_LEVELS:
            raise PackagingError(
                f"{rule.rule_name()} declares {info.name} ({info.level}); rule functions may only read"
            )
        out.append(info.name)
    return _sorted(out)


def plumbing(rule: type[ComplianceRule]) -> tuple[str, ...]:
    """What rdklib itself calls for this rule, besides the rule's own reads."""
    extra: list[str] = []
    if rule.spec.change_triggered:
        extra += CHANGE_TRIGGERED_PLUMBING
    if rule.spec.scheduled:
        extra += PERIODIC_PLUMBING
    if rule.spec.change_triggered and rule.spec.scheduled:
        extra += SWEEP_PLUMBING
    return _sorted([PUT_EVALUATIONS, *extra])


def rule_actions(rule: type[ComplianceRule]) -> tuple[str, ...]:
    """Everything one rule function needs in the account it evaluates."""
    return _sorted([*plumbing(rule), *declared_reads(rule)])


def union(rules: Iterable[type[ComplianceRule]]) -> tuple[str, ...]:
    """What the member-account role needs: every rule's actions."""
    return _sorted(a for rule in rules for a in rule_actions(rule))
