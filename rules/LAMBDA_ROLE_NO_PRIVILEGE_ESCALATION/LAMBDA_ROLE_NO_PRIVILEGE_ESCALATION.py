"""LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION: the execution role opens no known privilege-escalation path.

The paths are data in iam_escalation.py: iam:PassRole with lambda:CreateFunction /
UpdateFunctionConfiguration, ec2:RunInstances, ecs:RegisterTaskDefinition + RunTask/StartTask,
codebuild:Create/UpdateProject + StartBuild, SageMaker notebook / training / processing creation,
glue:CreateDevEndpoint or Create/UpdateJob + StartJobRun, cloudformation:CreateStack / UpdateStack;
lambda:UpdateFunctionCode or UpdateFunctionConfiguration (layer / environment injection) on other
functions; iam:CreatePolicyVersion, SetDefaultPolicyVersion, Attach*Policy, Put*Policy,
UpdateAssumeRolePolicy, CreateAccessKey, Create/UpdateLoginProfile, AddUserToGroup;
ssm:SendCommand / StartSession on every instance; sts:AssumeRole on "*", or on a named role that is
admin or escalatable and whose trust admits this role or its account (other roles are read from
Config, else IAM; one hop). A PassRole scoped to specific roles that are not admin is not a finding
(the passed roles are read and analysed too).

Scenarios:
- Given a role without any path, then COMPLIANT.
- Given iam:PassRole on "*" and lambda:CreateFunction (even in two policies), then NON_COMPLIANT naming the
  path and both statements.
- Given iam:PassRole scoped to a non-admin role, then COMPLIANT; to an admin role, then NON_COMPLIANT.
- Given lambda:UpdateFunctionCode on the function itself only, then COMPLIANT.
- Given lambda:UpdateFunctionConfiguration on other functions, then NON_COMPLIANT.
- Given PassRole on "*" with ecs / codebuild / sagemaker / glue / cloudformation:UpdateStack steps, then
  NON_COMPLIANT naming the path.
- Given ssm:SendCommand on every instance, then NON_COMPLIANT; on named instances, then COMPLIANT.
- Given sts:AssumeRole on a named admin role whose trust admits this role's account, then NON_COMPLIANT
  naming the target and its trust statement; on a role whose trust does not admit it, then COMPLIANT.
- Given a path granted only under a condition, then NON_COMPLIANT marked condition-scoped.
- Given a role that no longer exists, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.iam.analysis import summarise
from lambda_compliance.domain.iam.escalation import escalation_paths
from lambda_compliance.domain.iam.role_data import (
    ROLE_READ_ACTIONS,
    ROLE_RELATED_TYPES,
    ExecutionRoleRule,
    role_assumable,
    role_is_admin,
)
from lambda_compliance.runtime.annotations import ANNOTATION_LIMIT
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
        findings = escalation_paths(
            role.permissions,
            function_arn=function_arn,
            role_is_admin=role_is_admin(aws),
            role_assumable=role_assumable(aws, role),
        )
        if findings:
            prefix = f"execution role {name} allows privilege escalation: "
            return [non_compliant(prefix + summarise(findings, ANNOTATION_LIMIT - len(prefix)))]
        return [compliant(f"execution role {name} opens no known privilege escalation path")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION, event, context)
