"""The base every rule extends: metadata as data, parameters parsed once, CIs normalised once.

A rule file declares a ``RuleSpec`` and implements ``assess`` (change-triggered)
or ``assess_periodic``. The same class runs inside the Config rule Lambda
(through rdklib's ``Evaluator``) and inside ``lambda-compliance scan``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from lambda_compliance.runtime import clock, exemptions
from lambda_compliance.runtime.aws_reader import UNRECORDED_LISTERS, AwsReader, reader_for
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.params import Param, parse_parameters

Severity = Literal["critical", "high", "medium", "low"]
Frequency = Literal["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]

ANNOTATION_LIMIT = 256

# Types a rule judges that AWS Config does not record: absent from "Supported Resource Types for AWS Config"
# (https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html), from botocore's
# ResourceType enum and from rdk's supported list. Config never sends a change notification for them and
# rejects them in a rule's scope; a rule reaches them only in its scheduled run, through the service API.
UNRECORDED_TYPES = frozenset({"AWS::ApiGatewayV2::DomainName"})


@dataclass(frozen=True)
class Remediation:
    """The SSM Automation document that fixes a NON_COMPLIANT resource of this rule."""

    document: str
    resource_parameter: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    # Document parameter -> the rule parameter whose value it takes (the pack passes the same value, pack
    # parameter or literal, so a tuned rule is remediated into a state it accepts); omitted when empty.
    from_rule: Mapping[str, str] = field(default_factory=dict)
    aws_owned: bool = False
    # Safe to run without an operator's approval (changes only a setting, never access for callers).
    automatic_safe: bool = False


@dataclass(frozen=True)
class RuleSpec:
    title: str  # what COMPLIANT means, one sentence (the Config rule description after its clause ids)
    resource_types: tuple[str, ...]
    severity: Severity
    family: str
    parameters: tuple[Param, ...] = ()
    periodic: bool = False
    frequency: Frequency = "TwentyFour_Hours"
    # IAM actions the rule's Lambda needs beyond config:PutEvaluations (for its least-privilege role).
    iam_actions: tuple[str, ...] = ()
    remediation: Remediation | None = None
    # CI types the rule looks up through the reader's inventory (the scanner collects them too).
    related_types: tuple[str, ...] = ()

    @property
    def inventory_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.resource_types + self.related_types))

    @property
    def change_triggered(self) -> bool:
        return not self.periodic

    @property
    def config_scope(self) -> tuple[str, ...]:
        """The types of the Config rule's change scope: those Config records."""
        return tuple(t for t in self.resource_types if t not in UNRECORDED_TYPES)

    @property
    def scheduled(self) -> bool:
        """Config also invokes the rule on a schedule (``frequency``): every rule, change-triggered ones too.

        Config runs a change-triggered rule only when a CI in its scope changes ("Evaluation Mode and
        Trigger Types", https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config-rules.html).
        Three things change a verdict without changing that CI: another resource the rule reads (a role,
        a security group, a code signing config, a function URL), the date (runtime deprecations, an
        exemption's expiry) and a notification Config never delivers (a type the recorder skips). So
        every change-triggered rule is hybrid: the same class also runs on schedule over every recorded
        in-scope resource (``ComplianceRule.sweep``), which bounds a stale verdict by ``frequency``.
        """
        return True


def _evaluation(compliance: str, annotation: str, resource_id: str | None, resource_type: str | None) -> Evaluation:
    text = " ".join(annotation.split()) or compliance.replace("_", " ").lower()
    if len(text) > ANNOTATION_LIMIT:
        text = text[: ANNOTATION_LIMIT - 3] + "..."
    return Evaluation(compliance, resourceId=resource_id, resourceType=resource_type, annotation=text)


def compliant(annotation: str, resource_id: str | None = None, resource_type: str | None = None) -> Evaluation:
    return _evaluation(ComplianceType.COMPLIANT, annotation, resource_id, resource_type)


def non_compliant(annotation: str, resource_id: str | None = None, resource_type: str | None = None) -> Evaluation:
    return _evaluation(ComplianceType.NON_COMPLIANT, annotation, resource_id, resource_type)


def not_applicable(annotation: str, resource_id: str | None = None, resource_type: str | None = None) -> Evaluation:
    return _evaluation(ComplianceType.NOT_APPLICABLE, annotation, resource_id, resource_type)


class ComplianceRule(ConfigRule):
    """An rdklib ConfigRule whose metadata, parameters and CI handling are shared."""

    spec: ClassVar[RuleSpec]

    @classmethod
    def rule_name(cls) -> str:
        return cls.__name__

    def evaluate_parameters(self, rule_parameters: Mapping[str, Any] | None) -> dict[str, Any]:
        values = parse_parameters(self.spec.parameters, rule_parameters)
        self.check_parameters(values)
        raw_exemptions = rule_parameters.get(exemptions.PARAMETER) if isinstance(rule_parameters, Mapping) else None
        values[exemptions.PARAMETER] = exemptions.decode(raw_exemptions, self.rule_name())
        return values

    def check_parameters(self, values: dict[str, Any]) -> None:
        """Cross-parameter checks (e.g. min <= max); raise InvalidParametersError."""

    def evaluate_change(
        self,
        event: Mapping[str, Any],
        client_factory: Any,
        configuration_item: Mapping[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        ci = ConfigItem.of(configuration_item)
        if ci.is_deleted:
            return [not_applicable("resource was deleted")]
        if ci.resource_type not in self.spec.resource_types:
            return [not_applicable(f"{ci.resource_type or 'unknown type'} is not evaluated by this rule")]
        if not ci.resource_id:
            return [non_compliant("cannot evaluate: configuration item has no resourceId")]
        try:
            evaluations = list(self.assess(ci, reader_for(client_factory, event), valid_rule_parameters))
        except MalformedConfigurationItem as exc:
            evaluations = [non_compliant(f"cannot evaluate: {exc}")]
        return exemptions.apply(
            evaluations,
            valid_rule_parameters.get(exemptions.PARAMETER, ()),
            clock.today(),
            default_id=ci.resource_id,
            resource_name=ci.resource_name,
            arn=ci.arn or "",
            tags=ci.tags,
        )

    def evaluate_periodic(
        self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        if not self.spec.periodic:
            return self.sweep(event, client_factory, valid_rule_parameters)
        evaluations = list(self.assess_periodic(reader_for(client_factory, event), valid_rule_parameters))
        return exemptions.apply(evaluations, valid_rule_parameters.get(exemptions.PARAMETER, ()), clock.today())

    def sweep(
        self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        """A change-triggered rule's scheduled run: ``evaluate_change`` on every recorded in-scope resource.

        rdklib then marks what it evaluated before and no longer finds NOT_APPLICABLE, so a resource
        deleted while its change notification was lost leaves the dashboard at the next run too.
        """
        aws = reader_for(client_factory, event)
        out: list[Evaluation] = []
        for resource_type in self.spec.resource_types:
            for ci in _in_scope(aws, event, resource_type):
                if ci.is_deleted or not ci.resource_id:
                    continue
                for evaluation in self.evaluate_change(event, client_factory, ci.raw, valid_rule_parameters):
                    evaluation.complianceResourceId = evaluation.complianceResourceId or ci.resource_id
                    evaluation.complianceResourceType = evaluation.complianceResourceType or ci.resource_type
                    out.append(evaluation)
        return out

    # what a rule implements -------------------------------------------------
    def assess(self, ci: ConfigItem, aws: AwsReader, params: dict[str, Any]) -> Iterable[Evaluation]:
        raise NotImplementedError(f"{self.rule_name()} is not change-triggered")

    def assess_periodic(self, aws: AwsReader, params: dict[str, Any]) -> Iterable[Evaluation]:
        raise NotImplementedError(f"{self.rule_name()} is not periodic")


def _in_scope(aws: AwsReader, event: Mapping[str, Any], resource_type: str) -> list[ConfigItem]:
    """Config's recorded CIs of a type; for a type Config does not record, CIs built from the service API."""
    if resource_type not in UNRECORDED_TYPES:
        return aws.resources(resource_type)
    lister = UNRECORDED_LISTERS.get(resource_type)
    if lister is None:
        raise RuntimeError(f"no lister for {resource_type}, which Config does not record")
    arn = str(event.get("configRuleArn") or "").split(":")
    region = aws.region or (arn[3] if len(arn) > 3 and arn[3] else "") or os.environ.get("AWS_REGION", "")
    return lister(aws, aws.account_id or str(event.get("accountId") or ""), region)


def handle(rule_class: type[ComplianceRule], event: Mapping[str, Any], context: Any) -> Any:
    """The Config rule Lambda entry point for ``rule_class`` (rdklib does the Config plumbing)."""
    return Evaluator(rule_class(), list(rule_class.spec.resource_types)).handle(event, context)
