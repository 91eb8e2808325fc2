"""The offline engine: the deployed rule classes, run over collected or snapshot CIs.

For every CI of a rule's resource types it calls ``evaluate_change`` exactly as
rdklib would (deleted CIs are NOT_APPLICABLE without asking the rule); periodic
rules get one ``evaluate_periodic`` call. Parameters go through the rule's own
``evaluate_parameters``. A rule that fails is reported with its error and the
other rules still complete.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from rdklib import Evaluation, InvalidParametersError

from lambda_compliance.runtime.annotations import ANNOTATION_LIMIT
from lambda_compliance.runtime.aws_reader import error_code
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.rulebase import ComplianceRule

VALID_COMPLIANCE = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")


# Slots: a scan holds one Result per evaluation until the reports are written (no per-row __dict__).
@dataclass(frozen=True, slots=True)
class Result:
    rule: str
    resourceType: str
    resourceId: str
    compliance: str
    annotation: str
    accountId: str = ""
    region: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "resourceType": self.resourceType,
            "resourceId": self.resourceId,
            "compliance": self.compliance,
            "annotation": self.annotation,
            "accountId": self.accountId,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class RuleError:
    rule: str
    message: str
    resourceId: str = ""
    accountId: str = ""
    region: str = ""
    # "error": the rule failed; "skipped": it needs data this scan cannot read (a snapshot has no APIs).
    kind: str = "error"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Outcome:
    results: list[Result] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    def extend(self, other: Outcome) -> None:
        self.results.extend(other.results)
        self.errors.extend(other.errors)


class InvalidRuleParameters(ValueError):
    """A rule rejected its parameters; the message names the rule and the parameter."""


def describe_error(exc: BaseException) -> str:
    """One line for a failure; AWS errors by code and operation, never a payload."""
    if isinstance(exc, ClientError):
        operation = getattr(exc, "operation_name", "") or "request"
        return f"{operation} failed: {error_code(exc) or 'ClientError'}"
    if isinstance(exc, BotoCoreError):
        return f"AWS SDK error: {type(exc).__name__}"
    return f"{type(exc).__name__} while evaluating"


def validate_parameters(
    rules: Iterable[type[ComplianceRule]], raw: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each rule's typed parameters; the first rejection raises InvalidRuleParameters."""
    parsed: dict[str, dict[str, Any]] = {}
    for rule in rules:
        try:
            parsed[rule.rule_name()] = rule().evaluate_parameters(dict(raw.get(rule.rule_name(), {})))
        except InvalidParametersError as exc:
            raise InvalidRuleParameters(f"{rule.rule_name()}: {exc}") from None
    return parsed


def _event(rule: str, account_id: str, raw_params: Mapping[str, Any], periodic: bool) -> dict[str, Any]:
    message = "ScheduledNotification" if periodic else "ConfigurationItemChangeNotification"
    return {
        "configRuleName": rule,
        "accountId": account_id,
        "executionRoleArn": f"arn:aws:iam::{account_id}:role/lambda-compliance-scan",
        "eventLeftScope": False,
        "resultToken": "TESTMODE",
        "ruleParameters": json.dumps(dict(raw_params)),
        "invokingEvent": json.dumps({"messageType": message, "notificationCreationTime": ""}),
    }


def _to_result(rule: str, evaluation: Evaluation, ci: ConfigItem | None, account: str, region: str) -> Result:
    compliance = evaluation.complianceType if evaluation.complianceType in VALID_COMPLIANCE else "NON_COMPLIANT"
    # Interned: the same annotation recurs across many resources (one string kept, not one per row).
    annotation = sys.intern((evaluation.annotation or "")[:ANNOTATION_LIMIT])
    return Result(
        rule=rule,
        resourceType=str(evaluation.complianceResourceType or (ci.resource_type if ci else "")),
        resourceId=str(evaluation.complianceResourceId or (ci.resource_id if ci else ""))[:768],
        compliance=compliance,
        annotation=annotation,
        accountId=(ci.account_id if ci and ci.account_id else account),
        region=(ci.region if ci and ci.region else region),
    )


def run(
    rules: Iterable[type[ComplianceRule]],
    items: Iterable[ConfigItem],
    client_factory: Any,
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    account_id: str = "",
    region: str = "",
    workers: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Evaluate ``rules`` over ``items``; ``on_progress(n)`` after every n finished evaluations."""
    raw = parameters or {}
    rule_list = list(rules)
    valid = validate_parameters(rule_list, raw)
    items = list(items)
    tasks: list[tuple[type[ComplianceRule], ConfigItem | None]] = []
    for rule in rule_list:
        if rule.spec.periodic:
            tasks.append((rule, None))
        else:
            tasks.extend((rule, ci) for ci in items if ci.resource_type in rule.spec.resource_types)

    def evaluate(task: tuple[type[ComplianceRule], ConfigItem | None]) -> Outcome:
        rule, ci = task
        name = rule.rule_name()
        event = _event(name, account_id, raw.get(name, {}), ci is None)
        out = Outcome()
        try:
            if ci is None:
                evaluations = rule().evaluate_periodic(event, client_factory, valid[name])
            else:  # deleted CIs too: the base class answers NOT_APPLICABLE as rdklib does
                evaluations = rule().evaluate_change(event, client_factory, ci.raw, valid[name])
            out.results.extend(_to_result(name, e, ci, account_id, region) for e in evaluations)
        except Exception as exc:  # one failing rule must never stop the others: report, don't swallow
            kind = "skipped" if getattr(exc, "skip", False) else "error"
            message = str(exc) if kind == "skipped" else describe_error(exc)
            out.errors.append(RuleError(name, message, ci.resource_id if ci else "", account_id, region, kind))
        if on_progress:
            on_progress(1)
        return out

    outcome = Outcome()
    pending = iter(tasks)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # A bounded window of futures (not one per task up front): memory stays flat in the task count.
        while batch := list(islice(pending, max(1, workers) * 32)):
            for part in pool.map(evaluate, batch):
                outcome.extend(part)
    outcome.results.sort(key=lambda r: (r.rule, r.accountId, r.region, r.resourceType, r.resourceId))
    return outcome


def count_tasks(rules: Iterable[type[ComplianceRule]], items: Iterable[ConfigItem]) -> int:
    items = list(items)
    return sum(
        1 if r.spec.periodic else sum(1 for ci in items if ci.resource_type in r.spec.resource_types) for r in rules
    )
