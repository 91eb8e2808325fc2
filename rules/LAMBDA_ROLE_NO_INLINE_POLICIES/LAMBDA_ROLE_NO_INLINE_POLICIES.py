"""LAMBDA_ROLE_NO_INLINE_POLICIES: the execution role's permissions come from managed policies.

Inline policies are invisible to policy reuse and review; *allowInline* lists inline policy names
(wildcards allowed) an organisation accepts, e.g. ones its deployment framework writes.

Scenarios:
- Given a role with managed policies only, then COMPLIANT.
- Given inline policies, then NON_COMPLIANT naming them.
- Given only inline policies matching allowInline, then COMPLIANT naming them as allowed.
- Given a role that no longer exists, then NOT_APPLICABLE.
- Given an unreadable inline document, the decision still stands (only names are judged).
"""

from lambda_compliance.domain.iam.policy import action_matches
from lambda_compliance.domain.iam.role_data import ROLE_READ_ACTIONS, ROLE_RELATED_TYPES, ExecutionRoleRule
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_NO_INLINE_POLICIES(ExecutionRoleRule):
    documents = False
    spec = RuleSpec(
        title="Lambda function execution role has no inline policies",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="role",
        parameters=(
            Param.string_list(
                "allowInline",
                (),
                "Inline policy names (wildcards allowed) that are accepted",
                pattern=r"[\w+=,.@*?-]{1,128}",
            ),
        ),
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        inline = role.inline_names
        allowed = [p for p in inline if any(action_matches(a, p) for a in params["allowInline"])]
        offending = [p for p in inline if p not in allowed]
        if offending:
            return [non_compliant(f"execution role {name} has inline policies {listing(offending, 150)}; use managed")]
        if allowed:
            return [compliant(f"execution role {name} has only allowed inline policies {listing(allowed, 150)}")]
        return [compliant(f"execution role {name} has no inline policies")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NO_INLINE_POLICIES, event, context)
