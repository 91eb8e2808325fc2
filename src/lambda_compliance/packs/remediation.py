"""A rule's ``Remediation`` as an AWS::Config::RemediationConfiguration of the same pack.

- TargetType SSM_DOCUMENT; TargetId the document name (this project's documents are
  created in every account by the remediation stack; AWS-owned runbooks by name).
- The resource parameter gets ``RESOURCE_ID``; the others static values.
  A static value that names an entry of ``DEPLOYER_INPUTS`` (e.g.
  ``EnvironmentKmsKeyArn``) is a pack parameter instead, and the configuration is
  only created when the deployer sets it (a remediation without its key would fail).
- ``AutomationAssumeRole``: the role named by a pack parameter, in the evaluated
  account, so one template serves every account of an organization.
- Manual by default. Only rules whose remediation is ``automatic_safe`` follow the
  ``AutomaticRemediation`` pack parameter; the others are always manual.
  Attempts and retry interval are bounded.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.packaging import naming
from lambda_compliance.packs.cfn import Flow, equals, not_, ref, sub
from lambda_compliance.rulebase import ComplianceRule, Remediation

REMEDIATION_ROLE = "RemediationRoleName"
AUTOMATIC = "AutomaticRemediation"
DEFAULT_REMEDIATION_ROLE = "LambdaComplianceRemediation"
MAXIMUM_AUTOMATIC_ATTEMPTS = 3
RETRY_ATTEMPT_SECONDS = 60

# Remediation inputs only a deployer can know: pack parameter name -> description.
DEPLOYER_INPUTS: dict[str, str] = {
    "EnvironmentKmsKeyArn": "KMS key ARN the remediation encrypts Lambda environment variables with; "
    "empty: that remediation is not deployed",
}


def base_parameters() -> dict[str, dict[str, Any]]:
    return {
        REMEDIATION_ROLE: {
            "Type": "String",
            "Default": DEFAULT_REMEDIATION_ROLE,
            "AllowedPattern": r"^[\w+=,.@/-]{1,64}$",
            "Description": "Role SSM Automation assumes to remediate, in each evaluated account",
        },
        AUTOMATIC: {
            "Type": "String",
            "Default": "false",
            "AllowedValues": ["false", "true"],
            "Description": "true: remediate the safe rules automatically (the others always wait for an operator)",
        },
    }


def condition_name(input_name: str) -> str:
    return f"Has{input_name}"


def _static(value: Any) -> dict[str, Any]:
    return Flow(StaticValue=Flow(Values=[value]))


def remediation_parameters(remediation: Remediation) -> dict[str, Any]:
    """The RemediationConfiguration ``Parameters`` for a rule's remediation."""
    role_arn = sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/${{{REMEDIATION_ROLE}}}")
    parameters: dict[str, Any] = {
        "AutomationAssumeRole": _static(role_arn),
        remediation.resource_parameter: Flow(ResourceValue=Flow(Value="RESOURCE_ID")),
    }
    for key, value in remediation.parameters.items():
        parameters[key] = _static(ref(value) if value in DEPLOYER_INPUTS else value)
    return parameters


def deployer_inputs(remediation: Remediation) -> tuple[str, ...]:
    return tuple(v for v in remediation.parameters.values() if v in DEPLOYER_INPUTS)


def remediation_resource(rule: type[ComplianceRule]) -> tuple[str, dict[str, Any]] | None:
    remediation = rule.spec.remediation
    if remediation is None:
        return None
    name = rule.rule_name()
    properties: dict[str, Any] = {
        "ConfigRuleName": name,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": remediation.document,
        "Parameters": remediation_parameters(remediation),
        "Automatic": ref(AUTOMATIC) if remediation.automatic_safe else False,
        "MaximumAutomaticAttempts": MAXIMUM_AUTOMATIC_ATTEMPTS,
        "RetryAttemptSeconds": RETRY_ATTEMPT_SECONDS,
    }
    resource: dict[str, Any] = {"Type": "AWS::Config::RemediationConfiguration"}
    inputs = deployer_inputs(remediation)
    if len(inputs) > 1:
        raise ValueError(f"{name}: a remediation may take at most one deployer input ({', '.join(inputs)})")
    if inputs:
        resource["Condition"] = condition_name(inputs[0])
    resource["DependsOn"] = naming.logical_id(name, "")
    resource["Properties"] = properties
    return naming.logical_id(name, "Remediation"), resource


def input_parameters_and_conditions(
    rules: list[type[ComplianceRule]],
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Pack parameters and conditions for the deployer inputs the pack's remediations use."""
    params: dict[str, dict[str, Any]] = {}
    conditions: dict[str, Any] = {}
    for rule in rules:
        if rule.spec.remediation is None:
            continue
        for name in deployer_inputs(rule.spec.remediation):
            params[name] = {"Type": "String", "Default": "", "Description": DEPLOYER_INPUTS[name]}
            conditions[condition_name(name)] = not_(equals(ref(name), ""))
    return params, conditions
