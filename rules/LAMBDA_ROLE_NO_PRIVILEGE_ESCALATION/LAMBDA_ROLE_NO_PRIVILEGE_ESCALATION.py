"""LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION: the execution role opens no known privilege-escalation path.

The paths are data in iam_escalation.py: iam:PassRole with lambda:CreateFunction /
UpdateFunctionConfiguration, ec2:RunInstances, cloudformation:CreateStack or glue:CreateDevEndpoint;
lambda:UpdateFunctionCode on other functions; iam:CreatePolicyVersion, SetDefaultPolicyVersion,
Attach*Policy, Put*Policy, UpdateAssumeRolePolicy, CreateAccessKey, Create/UpdateLoginProfile,
AddUserToGroup; sts:AssumeRole on "*". A PassRole scoped to specific roles that are not admin is not a
finding (the passed roles are read and analysed too).

Scenarios:
- Given a role without any path, then COMPLIANT.
- Given iam:PassRole on "*" and lambda:CreateFunction (even in two policies), then NON_COMPLIANT naming the
  path and both statements.
- Given iam:PassRole scoped to a non-admin role, then COMPLIANT; to an admin role, then NON_COMPLIANT.
- Given lambda:UpdateFunctionCode on the function itself only, then COMPLIANT.
- Given a path granted only under a condition, then NON_COMPLIANT marked condition-scoped.
- Given a role that no longer exists, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.iam.analysis import escalation_paths, summarise
from lambda_compliance.domain.iam.role_data import (
    ROLE_READ_ACTIONS,
    ROLE_RELATED_TYPES,
    ExecutionRoleRule,
    role_is_admin,
)
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION(ExecutionRoleRule):
    spec = RuleSpec(
        title="Lambda function execution role opens no privilege escalation path",
        resource_types=("AWS::Lambda::Function",),
        severity="high",
        family="role",
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        function_arn = ci.get("functionArn", kind=str) or ci.arn
        findings = escalation_paths(role.permissions, function_arn=function_arn, role_is_admin=role_is_admin(aws))
        if findings:
            prefix = f"execution role {name} allows privilege escalation: "
            return [non_compliant(prefix + summarise(findings, 256 - len(prefix)))]
        return [compliant(f"execution role {name} opens no known privilege escalation path")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION, event, context)
