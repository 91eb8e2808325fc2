"""LAMBDA_ROLE_PERMISSIONS_BOUNDARY: the execution role has a permissions boundary (an allowed one).

A boundary caps what the role can ever be granted, whatever policy is attached later. With
*allowedBoundaryArns* (wildcards allowed, e.g. ``arn:aws:iam::*:policy/LambdaBoundary`` for every account
of an organization) the boundary must be one of them; without it, any boundary passes. A boundary that
caps nothing (AdministratorAccess, or "*" on "*") is not a boundary: it passes only when
allowedBoundaryArns names its exact ARN, never through a wildcard pattern.

Scenarios:
- Given a role with a boundary (and no allowedBoundaryArns), then COMPLIANT naming it.
- Given a role without a boundary, then NON_COMPLIANT.
- Given a boundary not matching allowedBoundaryArns, then NON_COMPLIANT naming it; matching, then COMPLIANT.
- Given AdministratorAccess or a customer managed "*" on "*" as boundary, then NON_COMPLIANT (it caps nothing),
  unless allowedBoundaryArns lists that exact ARN.
- Given a role that no longer exists, then NOT_APPLICABLE.
- Given allowedBoundaryArns that are not IAM policy ARNs, then InvalidParametersError naming it.
"""

from lambda_compliance.domain.iam.analysis import boundary_caps_nothing
from lambda_compliance.domain.iam.policy import action_matches
from lambda_compliance.domain.iam.role_data import (
    ROLE_READ_ACTIONS,
    ROLE_RELATED_TYPES,
    ExecutionRoleRule,
    boundary_policy,
)
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_PERMISSIONS_BOUNDARY(ExecutionRoleRule):
    documents = False
    spec = RuleSpec(
        title="Lambda function execution role has an approved permissions boundary",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="role",
        parameters=(
            Param.string_list(
                "allowedBoundaryArns",
                (),
                "Permissions boundary policy ARNs (wildcards allowed); empty accepts any boundary",
                pattern=r"arn:aws[\w-]*:iam::(\d{12}|aws|\*):policy/[\w+=,.@/*?-]+",
            ),
        ),
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        boundary = role.boundary_arn
        if not boundary:
            return [non_compliant(f"execution role {name} has no permissions boundary")]
        allowed = params["allowedBoundaryArns"]
        if allowed and not any(action_matches(pattern, boundary) for pattern in allowed):
            return [non_compliant(f"execution role {name} boundary {boundary} is not one of allowedBoundaryArns")]
        if boundary not in allowed:
            policy = boundary_policy(aws, role)
            if policy is not None and boundary_caps_nothing(policy):
                return [non_compliant(f"execution role {name} boundary {boundary} caps nothing (allows * on *)")]
        return [compliant(f"execution role {name} has permissions boundary {boundary}")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_PERMISSIONS_BOUNDARY, event, context)
