"""LAMBDA_ROLE_NO_ADMIN_ACCESS: the function's execution role grants no administrator access.

Admin means ``*`` or ``svc:*`` on every resource for iam, sts, lambda, s3, dynamodb, rds, ec2, kms or
secretsmanager after explicit Denies and the permissions boundary (iam_analysis.py), or the AWS managed
AdministratorAccess, PowerUserAccess or IAMFullAccess attached (judged from their published grant, so
the boundary caps them too). "Every resource" includes ARNs naming no resource (``table/*``,
``arn:aws:s3:::*/*``) for their own service. A grant under a condition is still admin; the annotation
marks it condition-scoped.

Scenarios:
- Given a role with least-privilege inline and managed policies, then COMPLIANT.
- Given Action "*" on "*" (inline or customer managed), or "iam:*", then NON_COMPLIANT naming the statement.
- Given AdministratorAccess / PowerUserAccess / IAMFullAccess attached, then NON_COMPLIANT naming it.
- Given "*" taken away by an explicit Deny or capped by a boundary, then COMPLIANT.
- Given AdministratorAccess attached under a boundary that caps it, then COMPLIANT; under one allowing iam:*,
  then NON_COMPLIANT naming AdministratorAccess.
- Given dynamodb:* on arn:aws:dynamodb:*:*:table/*, then NON_COMPLIANT; on one table, then COMPLIANT.
- Given a role that no longer exists, then NOT_APPLICABLE.
- Given a role CI missing from Config, then the role is read from IAM.
- Given an unreadable policy document or a function CI without a role, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.iam.analysis import admin_grants, summarise
from lambda_compliance.domain.iam.role_data import ROLE_READ_ACTIONS, ROLE_RELATED_TYPES, ExecutionRoleRule
from lambda_compliance.runtime.annotations import ANNOTATION_LIMIT
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_NO_ADMIN_ACCESS(ExecutionRoleRule):
    spec = RuleSpec(
        title="Lambda function execution role grants no administrator access",
        resource_types=("AWS::Lambda::Function",),
        severity="critical",
        family="role",
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        findings = admin_grants(role.permissions)
        if findings:
            prefix = f"execution role {name} grants admin access: "
            return [non_compliant(prefix + summarise(findings, ANNOTATION_LIMIT - len(prefix)))]
        return [compliant(f"execution role {name} grants no admin access")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NO_ADMIN_ACCESS, event, context)
