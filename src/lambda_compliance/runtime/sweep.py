"""A periodic rule's per-resource reads, spread over its scheduled runs when one run cannot make them all.

A periodic rule that must call an API once per resource (LAMBDA_URL_CORS_RESTRICTED: Lambda has no
account-wide listing of function URLs, and AWS Config does not record AWS::Lambda::Url) needs one
request per function: at 10,000 functions and the ~10 requests per second a Lambda control-plane
API sustains, that is more than the 15 minutes a Lambda invocation may run. The reads are therefore
taken in turns when there are more resources than one run's ``AwsReader.sweep_budget``:

* the cursor is Config's own record of the rule's previous results (GetComplianceDetailsByConfigRule,
  which returns every result with its ``ConfigRuleInvokedTime``: the time the rule last evaluated that
  resource; https://docs.aws.amazon.com/config/latest/APIReference/API_EvaluationResult.html). A run
  reads the resources never evaluated first, then those evaluated longest ago, up to the budget; so every
  resource is read at least once every ``ceil(resources / budget)`` runs;
* the resources left for a later run keep the result Config holds: the run reports nothing for them and
  tells rdklib not to mark what it did not report NOT_APPLICABLE
  (``delete_old_evaluations_on_scheduled_notification``);
* a resource Config has a result for that is no longer in the inventory (a deleted function) is reported
  NOT_APPLICABLE, as rdklib's own clean-up would have.

With no budget (a scan, which is not bound by Lambda's limit) or no more resources than the budget, a run
reads every resource and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdklib import ConfigRule, Evaluation

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.rulebase import not_applicable

# Every compliance type Config stores for a rule's results (INSUFFICIENT_DATA is not a stored result).
STORED_RESULTS = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
_PAGE = 100  # GetComplianceDetailsByConfigRule's largest Limit


@dataclass(frozen=True)
class Previous:
    resource_type: str
    compliance: str
    invoked: datetime | None  # when the rule last evaluated the resource


@dataclass
class Turn:
    due: list[ConfigItem]  # read these in this run, in inventory order
    gone: list[tuple[str, str]] = field(default_factory=list)  # (resource id, type) with a result, now deleted
    waiting: int = 0  # resources left for a later run

    @property
    def partial(self) -> bool:
        return self.waiting > 0


def previous_results(aws: AwsReader, rule_name: str) -> dict[str, Previous]:
    """The rule's stored results by resource id (one request per 100 results)."""
    out: dict[str, Previous] = {}
    token = None
    while True:
        page = aws.call(
            "config",
            "get_compliance_details_by_config_rule",
            ConfigRuleName=rule_name,
            ComplianceTypes=STORED_RESULTS,
            Limit=_PAGE,
            **({"NextToken": token} if token else {}),
        )
        for row in (page or {}).get("EvaluationResults") or []:
            qualifier = (row.get("EvaluationResultIdentifier") or {}).get("EvaluationResultQualifier") or {}
            resource_id = qualifier.get("ResourceId")
            if isinstance(resource_id, str):
                invoked = row.get("ConfigRuleInvokedTime")
                out[resource_id] = Previous(
                    str(qualifier.get("ResourceType") or ""),
                    str(row.get("ComplianceType") or ""),
                    _aware(invoked) if isinstance(invoked, datetime) else None,
                )
        token = (page or {}).get("NextToken")
        if not token:
            return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def take_turn(rule: ConfigRule, aws: AwsReader, rule_name: str, items: Sequence[ConfigItem]) -> Turn:
    """The resources this run reads (see the module docstring); tells rdklib to keep the others' results."""
    budget = aws.sweep_budget
    if budget is None or len(items) <= budget:
        return Turn(list(items))
    previous = previous_results(aws, rule_name)
    never = datetime.min.replace(tzinfo=UTC)

    def staleness(indexed: tuple[int, ConfigItem]) -> tuple[int, datetime, int]:
        index, ci = indexed
        found = previous.get(ci.resource_id)
        if found is None or found.invoked is None:
            return (0, never, index)
        return (1, found.invoked, index)

    chosen = {index for index, _ in sorted(enumerate(items), key=staleness)[:budget]}
    present = {ci.resource_id for ci in items}
    gone = [
        (rid, p.resource_type)
        for rid, p in sorted(previous.items())
        if rid not in present and p.compliance != "NOT_APPLICABLE" and p.resource_type
    ]
    # rdklib would otherwise report every resource this run leaves out as NOT_APPLICABLE.
    rule.delete_old_evaluations_on_scheduled_notification = False
    return Turn([ci for index, ci in enumerate(items) if index in chosen], gone, len(items) - budget)


def gone_evaluations(turn: Turn, annotation: str) -> list[Evaluation]:
    """NOT_APPLICABLE for the resources that have a result but no longer exist."""
    return [not_applicable(annotation, rid, rtype) for rid, rtype in turn.gone]
