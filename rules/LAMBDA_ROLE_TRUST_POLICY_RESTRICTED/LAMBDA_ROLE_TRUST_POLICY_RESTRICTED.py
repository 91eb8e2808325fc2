"""LAMBDA_ROLE_TRUST_POLICY_RESTRICTED: only the Lambda service may assume the execution role.

Any other principal allowed to sts:AssumeRole* (another account, a user, a federated identity, another
service, "*" even under an organization condition, or NotPrincipal) gets the function's permissions
without running the function. *allowedPrincipals* (wildcards allowed) lists the exceptions an
organisation accepts, e.g. a deployment account's role. An account id there matches the account in
either spelling (``123456789012`` or the ``arn:aws:iam::123456789012:root`` IAM stores) and every
principal of that account.

Scenarios:
- Given a trust policy for lambda.amazonaws.com (or edgelambda) only, then COMPLIANT.
- Given an extra AWS account, role, federated or service principal, then NON_COMPLIANT naming the statement
  and the principal.
- Given Principal "*" (with or without conditions) or NotPrincipal, then NON_COMPLIANT.
- Given the extra principal in allowedPrincipals, then COMPLIANT.
- Given a root-ARN principal and its account id in allowedPrincipals (or the reverse), then COMPLIANT.
- Given a role that no longer exists, then NOT_APPLICABLE; an unreadable trust policy, NON_COMPLIANT.
"""

from lambda_compliance.domain.iam.role_data import ROLE_READ_ACTIONS, ROLE_RELATED_TYPES, ExecutionRoleRule
from lambda_compliance.domain.iam.trust_policy import untrusted_principals
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_TRUST_POLICY_RESTRICTED(ExecutionRoleRule):
    documents = False
    spec = RuleSpec(
        title="Lambda function execution role can be assumed by the Lambda service only",
        resource_types=("AWS::Lambda::Function",),
        severity="high",
        family="role",
        parameters=(
            Param.string_list(
                "allowedPrincipals",
                (),
                "Principals besides Lambda (ARNs, account ids, service names; wildcards allowed)",
                pattern=r"[\w+=,.@:/*?-]{1,2048}",
            ),
        ),
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        trust_problems = [p for p in role.problems if p.startswith("trust policy")]
        if trust_problems:
            return [non_compliant(f"cannot evaluate: execution role {name} {trust_problems[0]}")]
        gaps = untrusted_principals(role.trust, params["allowedPrincipals"])
        if gaps:
            shown = listing([f"{g.principal} ({g.statement})" for g in gaps], 170)
            return [non_compliant(f"execution role {name} can also be assumed by {shown}")]
        return [compliant(f"execution role {name} can be assumed by the Lambda service only")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_TRUST_POLICY_RESTRICTED, event, context)
