"""One rule as an AWS::Config::ConfigRule of a conformance pack, with the pack parameters it needs.

- SourceIdentifier: the rule Lambda's ARN built from pack parameters (the account
  holding the rule functions, this account when empty, and the function name
  prefix), so one template serves a single account and an organization.
- Description: the pack framework's clause tokens, then the rule's title.
- InputParameters: the configuration file's values. Parameters an organization
  tunes (``TUNABLE``) become pack parameters whose default is the file's value;
  the rest are literals, written only when the file sets them (the rule's own
  default applies otherwise, as in a scan). ``Exemptions`` from the file, and
  ``ExecutionRoleName`` when the pack parameter of that name is set.
- Each tunable pack parameter carries a ``MaxLength`` so the rule's
  InputParameters can never exceed Config's 1,024 characters, whatever value a
  deployer passes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lambda_compliance.catalog import frameworks
from lambda_compliance.cloudformation import NO_VALUE, Flow, Intrinsic, equals, if_, not_, ref, sub
from lambda_compliance.packaging import naming
from lambda_compliance.runtime import exemptions
from lambda_compliance.runtime.rulebase import ComplianceRule

DESCRIPTION_LIMIT = 256
INPUT_PARAMETERS_LIMIT = 1024
EXECUTION_ROLE_NAME_LIMIT = 64

# Pack-level parameters every pack declares.
RULE_ACCOUNT = "RuleAccountId"
FUNCTION_PREFIX = "RuleFunctionPrefix"
EXECUTION_ROLE = "ExecutionRoleName"
# Conditions every pack declares.
ORGANIZATION = "Organization"
RULES_IN_THIS_ACCOUNT = "RulesInThisAccount"

# Rule parameters an organization decides for itself (its tag keys, signing profiles, boundaries,
# trusted accounts, thresholds): pack parameters a deployer can set. Everything else is a literal
# from the configuration file, which keeps every pack well under the 60-parameter limit.
TUNABLE: dict[str, tuple[str, ...]] = {
    "APIGATEWAY_STAGE_WAF_ATTACHED": ("allowedWebAclArns",),
    "LAMBDA_CODE_SIGNING_ENFORCED": ("allowedSigningProfiles",),
    "LAMBDA_CONCURRENCY_LIMIT_SET": ("maxConcurrency",),
    "LAMBDA_INSIDE_VPC": ("exemptTagKey",),
    "LAMBDA_LAYERS_TRUSTED": ("trustedAccounts",),
    "LAMBDA_LOG_RETENTION_CONFIGURED": ("minRetentionDays",),
    "LAMBDA_REQUIRED_TAGS": ("requiredTagKeys",),
    "LAMBDA_ROLE_PERMISSIONS_BOUNDARY": ("allowedBoundaryArns",),
    "LAMBDA_ROLE_TRUST_POLICY_RESTRICTED": ("allowedPrincipals",),
    "LAMBDA_RUNTIME_SUPPORTED": ("warningDays",),
    "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED": ("allowedPorts",),
    "LAMBDA_TIMEOUT_LIMIT": ("maxTimeout",),
    "LAMBDA_URL_CORS_RESTRICTED": ("allowedOrigins",),
    "SECRETSMANAGER_ROTATION_ENABLED": ("maxRotationDays",),
    "VPC_ENDPOINTS_CONFIGURED": ("requiredServices",),
}

# A deployer's value must never break the InputParameters JSON or its length arithmetic.
NO_QUOTES = r'^[^"\\]*$'


class PackError(ValueError):
    """The configuration cannot be expressed within Config's limits (names the rule and the limit)."""


def base_parameters() -> dict[str, dict[str, Any]]:
    return {
        RULE_ACCOUNT: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(\d{12})?$",
            "Description": "Account that holds the rule Lambda functions (an organization's central account); "
            "empty: this account",
        },
        FUNCTION_PREFIX: {
            "Type": "String",
            "Default": naming.FUNCTION_PREFIX,
            "AllowedPattern": r"^[A-Za-z0-9_-]{0,18}$",
            "Description": "Name prefix of the rule functions (the rule name without underscores follows)",
        },
        EXECUTION_ROLE: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^[\w+=,.@-]{0,64}$",
            "Description": "Role the central rule functions assume in each account (organization deployments, e.g. "
            f"{naming.MEMBER_ROLE_NAME}); empty: a single account",
        },
    }


def base_conditions() -> dict[str, Any]:
    return {
        ORGANIZATION: not_(equals(ref(EXECUTION_ROLE), "")),
        RULES_IN_THIS_ACCOUNT: equals(ref(RULE_ACCOUNT), ""),
    }


def pack_parameter_name(rule: str, parameter: str) -> str:
    return naming.logical_id(rule, "") + parameter[:1].upper() + parameter[1:]


def description(rule: type[ComplianceRule], cited: tuple[str, ...]) -> str:
    title = rule.spec.title
    room = DESCRIPTION_LIMIT - len(title) - 1
    bracket = frameworks.citation(rule.rule_name(), max_len=room, frameworks=cited)
    text = f"{bracket} {title}" if bracket else title
    if len(text) > DESCRIPTION_LIMIT:
        raise PackError(f"{rule.rule_name()}: description longer than {DESCRIPTION_LIMIT} characters")
    return text


def source_identifier(rule_name: str) -> Intrinsic:
    function = naming.function_name(rule_name)[len(naming.FUNCTION_PREFIX) :]
    arn = f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{Account}}:function:${{{FUNCTION_PREFIX}}}{function}"
    return sub(arn, Flow(Account=if_(RULES_IN_THIS_ACCOUNT, ref("AWS::AccountId"), ref(RULE_ACCOUNT))))


def source_details(rule: type[ComplianceRule]) -> list[dict[str, str]]:
    """Change notifications for a change-triggered rule, a schedule for a periodic one, both for a hybrid."""
    details = []
    if rule.spec.change_triggered:
        details += [
            {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
            {"EventSource": "aws.config", "MessageType": "OversizedConfigurationItemChangeNotification"},
        ]
    if rule.spec.scheduled:
        details.append(
            {
                "EventSource": "aws.config",
                "MessageType": "ScheduledNotification",
                "MaximumExecutionFrequency": rule.spec.frequency,
            }
        )
    return details


@dataclass
class RuleResource:
    logical_id: str
    resource: dict[str, Any]
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)


def set_condition(pack_parameter: str) -> str:
    return f"{pack_parameter}Set"


def _json_length(values: dict[str, str]) -> int:
    # Config stores InputParameters as a JSON string; json.dumps' default separators are the wider form.
    return len(json.dumps(values))


def input_parameters(
    rule: type[ComplianceRule], values: dict[str, str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, Any]]:
    """InputParameters (with intrinsics), the pack parameters they reference and the conditions that leave an
    empty tunable out, for ``values`` from the file.

    An optional tunable left empty is omitted with ``Fn::If``/``AWS::NoValue``, as AWS's sample packs do
    (Config rejects blank input parameter values of managed rules); the rule reads a missing value as empty.
    """
    name = rule.rule_name()
    tunable = [p for p in rule.spec.parameters if p.name in TUNABLE.get(name, ())]
    literal: dict[str, Any] = {}
    for param in rule.spec.parameters:
        if param.name in values and param not in tunable:
            literal[param.name] = values[param.name]
    if exemptions.PARAMETER in values:
        literal[exemptions.PARAMETER] = values[exemptions.PARAMETER]

    # Worst case: every tunable value empty here, the role name at its maximum.
    fixed = {**literal, **{p.name: "" for p in tunable}, EXECUTION_ROLE: "x" * EXECUTION_ROLE_NAME_LIMIT}
    room = INPUT_PARAMETERS_LIMIT - _json_length(fixed)
    if room < 0 or (tunable and room < len(tunable)):
        raise PackError(
            f"{name}: InputParameters from the configuration exceed {INPUT_PARAMETERS_LIMIT} characters "
            "(shorten its parameters or exemptions)"
        )
    share = room // len(tunable) if tunable else 0

    pack_params: dict[str, dict[str, Any]] = {}
    conditions: dict[str, Any] = {}
    ordered: dict[str, Any] = {}
    for param in rule.spec.parameters:
        if param in tunable:
            pname = pack_parameter_name(name, param.name)
            default = values.get(param.name, param.as_config_value())
            if len(default) > share:
                raise PackError(
                    f"{name}: parameter {param.name} is longer than the {share} characters its pack parameter "
                    f"can hold within the {INPUT_PARAMETERS_LIMIT}-character InputParameters limit"
                )
            definition: dict[str, Any] = {"Type": "String"}
            if default or not param.required:
                definition["Default"] = default
            definition["MaxLength"] = share
            definition["AllowedPattern"] = NO_QUOTES
            definition["Description"] = f"{name} {param.name}: {param.description}"
            pack_params[pname] = definition
            if param.required:
                ordered[param.name] = ref(pname)
            else:
                conditions[set_condition(pname)] = not_(equals(ref(pname), ""))
                ordered[param.name] = if_(set_condition(pname), ref(pname), NO_VALUE)
        elif param.name in literal:
            ordered[param.name] = literal[param.name]
    if exemptions.PARAMETER in literal:
        ordered[exemptions.PARAMETER] = literal[exemptions.PARAMETER]
    ordered[EXECUTION_ROLE] = if_(ORGANIZATION, ref(EXECUTION_ROLE), NO_VALUE)
    return ordered, pack_params, conditions


def rule_resource(rule: type[ComplianceRule], values: dict[str, str], cited: tuple[str, ...]) -> RuleResource:
    name = rule.rule_name()
    params, pack_params, conditions = input_parameters(rule, values)
    properties: dict[str, Any] = {
        "ConfigRuleName": name,
        "Description": description(rule, cited),
    }
    if rule.spec.change_triggered:
        properties["Scope"] = Flow(ComplianceResourceTypes=list(rule.spec.config_scope))
    properties["Source"] = {
        "Owner": "CUSTOM_LAMBDA",
        "SourceIdentifier": source_identifier(name),
        "SourceDetails": source_details(rule),
    }
    properties["InputParameters"] = params
    return RuleResource(
        logical_id=naming.logical_id(name, ""),
        resource={"Type": "AWS::Config::ConfigRule", "Properties": properties},
        parameters=pack_params,
        conditions=conditions,
    )
