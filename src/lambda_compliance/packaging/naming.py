"""Names the deployed pieces share: functions, stacks, roles, S3 keys.

Function names follow rdk's convention (``RDK-Rule-Function-`` + the rule name without
underscores), so Config rules made by ``rdk create-rule-template --rules-only`` and the
conformance packs point at the same functions whichever route deployed them. Rule names are
at most 46 characters, which keeps every function name within Lambda's 64.
"""

from __future__ import annotations

import re

FUNCTION_PREFIX = "RDK-Rule-Function-"
FUNCTION_NAME_LIMIT = 64
LAYER_NAME = "lambda-compliance"
RULE_STACK = "lambda-compliance-rules"
MEMBER_ROLE_STACK = "lambda-compliance-member-role"
MEMBER_ROLE_STACK_SET = "lambda-compliance-member-role"
REMEDIATION_STACK = "lambda-compliance-remediation"
REMEDIATION_STACK_SET = "lambda-compliance-remediation"
PACK_PREFIX = "lambda-compliance-"
# The role each member account holds for the central rule functions (rdklib's ExecutionRoleName).
MEMBER_ROLE_NAME = "LambdaComplianceRuleExecution"
# Every rule function's role lives under this IAM path: member roles trust exactly that path.
RULE_ROLE_PATH = "/lambda-compliance/"
ENTRY_HANDLER = "lambda_compliance.runtime.lambda_entry.handler"


def function_name(rule_name: str) -> str:
    name = FUNCTION_PREFIX + rule_name.replace("_", "")
    if len(name) > FUNCTION_NAME_LIMIT:
        raise ValueError(f"rule name {rule_name} is too long for a Lambda function name ({name})")
    return name


def logical_id(rule_name: str, suffix: str) -> str:
    """CloudFormation logical id: alphanumeric only."""
    return re.sub(r"[^A-Za-z0-9]", "", rule_name.title()) + suffix


def pack_name(pack: str) -> str:
    return PACK_PREFIX + re.sub(r"[^A-Za-z0-9-]", "-", pack).strip("-")


# The CloudFormation hook (``deploy --hook``): its stack, function and the hook's type alias.
HOOK_STACK = "lambda-compliance-hook"
HOOK_FUNCTION = "lambda-compliance-hook"
HOOK_ALIAS = "Private::LambdaCompliance::Rules"
