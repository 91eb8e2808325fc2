"""What a conformance pack needs to wire a rule's remediation: ``remediation_target(remediation)``.

A rule declares ``Remediation(document, resource_parameter, parameters, aws_owned, automatic_safe)``.
Its ``parameters`` map a document parameter to a string that is either

* a **static value** — it matches the document parameter's allowedPattern (``"10"``), or
* a **pack parameter reference** — a CloudFormation parameter name that does not
  (``"EnvironmentKmsKeyArn"``); the pack declares it and passes ``{"Ref": name}``.

Required document parameters a rule leaves open become pack parameters too, named
by the document (``DestinationArn`` of SetFailureDestination -> ``FailureDestinationArn``).
``AutomationAssumeRole`` is always the pack parameter ``RemediationRoleArn`` (the
remediation stack's output), and our documents get ``DryRun`` ``"false"``: their
default ``"true"`` protects a run started by hand, while a Config remediation,
manual or automatic, is meant to change the resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lambda_compliance.remediation import runner
from lambda_compliance.remediation.aws_runbooks import RUNBOOKS
from lambda_compliance.runtime.rulebase import Remediation

ROLE_PACK_PARAMETER = "RemediationRoleArn"
MAXIMUM_AUTOMATIC_ATTEMPTS = 3
RETRY_ATTEMPT_SECONDS = 60
_PACK_PARAMETER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")


class WiringError(ValueError):
    """A rule's Remediation does not fit its document; the message names both."""


@dataclass(frozen=True)
class PackParameter:
    name: str
    description: str
    allowed_pattern: str | None = None


@dataclass(frozen=True)
class RemediationTarget:
    """Everything an AWS::Config::RemediationConfiguration needs, for one rule."""

    document: str
    resource_parameter: str
    parameters: dict[str, dict[str, Any]]  # RemediationConfiguration.Parameters, CloudFormation-ready
    pack_parameters: tuple[PackParameter, ...]  # pack parameters the Parameters reference ({"Ref": name})
    automatic_safe: bool
    aws_owned: bool
    settings_only: bool  # the document changes settings, not who may call what
    # Document parameter -> rule parameter: the pack fills these from the rule's own value.
    rule_parameters: dict[str, str] = field(default_factory=dict)
    maximum_automatic_attempts: int = MAXIMUM_AUTOMATIC_ATTEMPTS
    retry_attempt_seconds: int = RETRY_ATTEMPT_SECONDS

    def properties(self, config_rule_name: Any, automatic: Any = False) -> dict[str, Any]:
        """AWS::Config::RemediationConfiguration Properties (``automatic`` may be a CloudFormation expression)."""
        return {
            "ConfigRuleName": config_rule_name,
            "TargetType": "SSM_DOCUMENT",
            "TargetId": self.document,
            "Parameters": self.parameters,
            "Automatic": automatic,
            "MaximumAutomaticAttempts": self.maximum_automatic_attempts,
            "RetryAttemptSeconds": self.retry_attempt_seconds,
        }


@dataclass(frozen=True)
class _Param:
    name: str
    pattern: str | None
    required: bool
    description: str


def _document_parameters(remediation: Remediation) -> tuple[dict[str, _Param], dict[str, str], bool]:
    """(parameters, pack parameter names for open ones, settings_only) of the document a rule names."""
    if remediation.aws_owned:
        runbook = RUNBOOKS.get(remediation.document)
        if runbook is None:
            raise WiringError(f"{remediation.document} is not an AWS-owned runbook this project knows")
        params = {
            name: _Param(name, pattern, True, f"{name} for {runbook.name}")
            for name, pattern in runbook.parameters.items()
        }
        return params, {}, runbook.settings_only
    try:
        document = runner.load(remediation.document)
    except runner.DocumentError:
        raise WiringError(f"no document {remediation.document} in templates/ssm") from None
    from lambda_compliance.remediation.build import source

    meta = source(remediation.document)
    params = {
        name: _Param(name, spec.get("allowedPattern"), "default" not in spec, str(spec.get("description", "")))
        for name, spec in document.parameters.items()
    }
    return params, meta.pack_parameters, meta.settings_only


def _static(value: str) -> dict[str, Any]:
    return {"StaticValue": {"Values": [value]}}


def _reference(name: str) -> dict[str, Any]:
    return {"StaticValue": {"Values": [{"Ref": name}]}}


def remediation_target(remediation: Remediation) -> RemediationTarget:
    """The RemediationConfiguration wiring for a rule's Remediation; WiringError when they do not fit."""
    params, open_names, settings_only = _document_parameters(remediation)
    doc = remediation.document
    if remediation.resource_parameter not in params:
        raise WiringError(f"{doc} has no parameter {remediation.resource_parameter} (the rule's resource_parameter)")
    wired: dict[str, dict[str, Any]] = {remediation.resource_parameter: {"ResourceValue": {"Value": "RESOURCE_ID"}}}
    pack: dict[str, PackParameter] = {}
    role = "AutomationAssumeRole"
    wired[role] = _reference(ROLE_PACK_PARAMETER)
    pack[ROLE_PACK_PARAMETER] = PackParameter(
        ROLE_PACK_PARAMETER,
        "ARN of the role remediation runs as (output RemediationRoleArn of templates/remediation.yaml)",
        params[role].pattern if role in params else None,
    )
    if not remediation.aws_owned and "DryRun" in params:
        wired["DryRun"] = _static("false")
    for name, value in remediation.parameters.items():
        if name not in params:
            raise WiringError(f"{doc} has no parameter {name}")
        if name in wired:
            raise WiringError(f"{doc}: parameter {name} is wired by the project, not by a rule")
        pattern = params[name].pattern
        if pattern is None or re.search(pattern, value):
            wired[name] = _static(value)
        elif _PACK_PARAMETER_NAME.match(value):
            wired[name] = _reference(value)
            pack[value] = PackParameter(value, f"{name} for {doc}", pattern)
        else:
            raise WiringError(f"{doc}: {name} value {value!r} neither matches {pattern} nor names a pack parameter")
    for name, rule_parameter in remediation.from_rule.items():
        if name not in params:
            raise WiringError(f"{doc} has no parameter {name}")
        if name in wired:
            raise WiringError(f"{doc}: parameter {name} has a value and takes rule parameter {rule_parameter}")
    for name, param in params.items():
        if name in wired or name in remediation.from_rule or not param.required:
            continue
        pack_name = open_names.get(name)
        if pack_name is None:
            raise WiringError(f"{doc}: required parameter {name} has no value (declare it in the rule's Remediation)")
        wired[name] = _reference(pack_name)
        pack[pack_name] = PackParameter(pack_name, f"{param.description} ({doc} {name})", param.pattern)
    return RemediationTarget(
        document=doc,
        resource_parameter=remediation.resource_parameter,
        parameters=wired,
        pack_parameters=tuple(pack.values()),
        automatic_safe=remediation.automatic_safe,
        aws_owned=remediation.aws_owned,
        settings_only=settings_only,
        rule_parameters=dict(remediation.from_rule),
    )


def remediable_rules() -> dict[str, RemediationTarget]:
    """Rule name -> its target, for every rule in the catalog that declares a remediation."""
    from lambda_compliance import catalog

    return {
        rule.rule_name(): remediation_target(rule.spec.remediation)
        for rule in catalog.all_rules()
        if rule.spec.remediation is not None
    }
