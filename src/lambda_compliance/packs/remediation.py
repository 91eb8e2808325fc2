"""A rule's ``Remediation`` as an AWS::Config::RemediationConfiguration of the same pack.

The wiring itself (which document parameter gets ``RESOURCE_ID``, which get static
values, which are left to the deployer, ``DryRun: false`` for this project's
documents) comes from ``remediation.wiring.remediation_target``, validated there
against each document's parameters. The pack adds what makes one template serve
a single account and every account of an organization:

- ``AutomationAssumeRole`` is the role the remediation stack creates in each
  account and region (``<RemediationRoleNamePrefix>-<region>``), its ARN built with
  ``${AWS::AccountId}``, instead of one fixed ARN.
- A value only a deployer knows (a KMS key, a failure destination, a web ACL) is a
  pack parameter with an empty default; the remediation configuration is created
  only when it is set, so the pack deploys without it and never wires a
  remediation that would fail.
- Manual by default. Only rules whose remediation is ``automatic_safe`` follow the
  ``AutomaticRemediation`` pack parameter; the others always wait for an operator.
  Attempts and retry interval are bounded.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.cloudformation import NO_VALUE, Flow, Intrinsic, equals, if_, not_, ref, sub
from lambda_compliance.packaging import naming
from lambda_compliance.packs.rules import TUNABLE, PackError, pack_parameter_name, set_condition
from lambda_compliance.remediation import wiring
from lambda_compliance.runtime.rulebase import ComplianceRule

ROLE_PREFIX = "RemediationRoleNamePrefix"
AUTOMATIC = "AutomaticRemediation"
DEFAULT_ROLE_PREFIX = "LambdaComplianceRemediation"  # templates/remediation.yaml's RoleNamePrefix default
ROLE_ARN = f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/${{{ROLE_PREFIX}}}-${{AWS::Region}}"
MAX_ATTEMPTS = 5
RETRY_SECONDS = (30, 600)


def base_parameters() -> dict[str, dict[str, Any]]:
    return {
        ROLE_PREFIX: {
            "Type": "String",
            "Default": DEFAULT_ROLE_PREFIX,
            "AllowedPattern": r"^[a-zA-Z0-9+=,.@_-]{1,40}$",
            "Description": "RoleNamePrefix of the remediation stack: remediation runs as <prefix>-<region> "
            "in each evaluated account",
        },
        AUTOMATIC: {
            "Type": "String",
            "Default": "false",
            "AllowedValues": ["false", "true"],
            "Description": "true: remediate the safe rules automatically (the others always wait for an operator)",
        },
    }


def condition_name(parameter: str) -> str:
    return f"Has{parameter}"


def _short(value: Any) -> Any:
    """Long-form intrinsics from the wiring ({"Ref": x}) as short tags, small mappings on one line."""
    if isinstance(value, list):
        return [_short(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return ref(arg)
            if key.startswith("Fn::"):
                return Intrinsic(key[4:], _short(arg))
        return Flow({k: _short(v) for k, v in value.items()})
    return value


def target(rule: type[ComplianceRule]) -> wiring.RemediationTarget | None:
    if rule.spec.remediation is None:
        return None
    try:
        return wiring.remediation_target(rule.spec.remediation)
    except wiring.WiringError as exc:
        raise PackError(f"{rule.rule_name()}: {exc}") from None


def deployer_inputs(found: wiring.RemediationTarget) -> tuple[wiring.PackParameter, ...]:
    return tuple(p for p in found.pack_parameters if p.name != wiring.ROLE_PACK_PARAMETER)


def _from_rule(rule: type[ComplianceRule], parameter: str, values: dict[str, str]) -> Any:
    """The rule's value of ``parameter`` as the pack passes it to the rule: its pack parameter when tunable
    (left out when empty), else the configuration file's literal or the rule's default (None when empty)."""
    name = rule.rule_name()
    [param] = [p for p in rule.spec.parameters if p.name == parameter]
    if parameter in TUNABLE.get(name, ()):
        pack_parameter = pack_parameter_name(name, parameter)
        value = Flow(StaticValue=Flow(Values=[ref(pack_parameter)]))
        return value if param.required else if_(set_condition(pack_parameter), value, NO_VALUE)
    literal = values.get(parameter, param.as_config_value())
    return Flow(StaticValue=Flow(Values=[literal])) if literal else None


def remediation_resource(
    rule: type[ComplianceRule], values: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]] | None:
    found = target(rule)
    if found is None:
        return None
    name = rule.rule_name()
    parameters = {k: _short(v) for k, v in found.parameters.items()}
    for document_parameter, rule_parameter in found.rule_parameters.items():
        value = _from_rule(rule, rule_parameter, values or {})
        if value is not None:
            parameters[document_parameter] = value
    parameters["AutomationAssumeRole"] = Flow(StaticValue=Flow(Values=[sub(ROLE_ARN)]))
    properties = found.properties(name, ref(AUTOMATIC) if found.automatic_safe else False)
    properties["Parameters"] = parameters
    if not (1 <= properties["MaximumAutomaticAttempts"] <= MAX_ATTEMPTS):
        raise PackError(f"{name}: MaximumAutomaticAttempts outside 1..{MAX_ATTEMPTS}")
    if not (RETRY_SECONDS[0] <= properties["RetryAttemptSeconds"] <= RETRY_SECONDS[1]):
        raise PackError(f"{name}: RetryAttemptSeconds outside {RETRY_SECONDS[0]}..{RETRY_SECONDS[1]}")
    resource: dict[str, Any] = {"Type": "AWS::Config::RemediationConfiguration"}
    inputs = deployer_inputs(found)
    if len(inputs) == 1:
        resource["Condition"] = condition_name(inputs[0].name)
    elif inputs:
        resource["Condition"] = naming.logical_id(name, "RemediationInputs")
    resource["DependsOn"] = naming.logical_id(name, "")
    resource["Properties"] = properties
    return naming.logical_id(name, "Remediation"), resource


def parameters_and_conditions(
    rules: list[type[ComplianceRule]],
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Pack parameters and conditions for the remediations of ``rules`` (empty when none has one)."""
    found = {r.rule_name(): t for r in rules if (t := target(r)) is not None}
    if not found:
        return {}, {}
    params = base_parameters()
    conditions: dict[str, Any] = {}
    for name, item in found.items():
        inputs = deployer_inputs(item)
        for param in inputs:
            definition: dict[str, Any] = {"Type": "String", "Default": ""}
            if param.allowed_pattern:
                definition["AllowedPattern"] = f"^$|{param.allowed_pattern}"
            definition["Description"] = f"{param.description}; empty: that remediation is not deployed"
            params[param.name] = definition
            conditions[condition_name(param.name)] = not_(equals(ref(param.name), ""))
        if len(inputs) > 1:
            conditions[naming.logical_id(name, "RemediationInputs")] = Intrinsic(
                "And", [Flow(Condition=condition_name(p.name)) for p in inputs]
            )
    return params, conditions
