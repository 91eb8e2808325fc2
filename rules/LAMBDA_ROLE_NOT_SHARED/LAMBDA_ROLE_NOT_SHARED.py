"""LAMBDA_ROLE_NOT_SHARED (periodic): each function has an execution role of its own.

A role shared by several functions holds the union of what they all need, so one compromised function
gets the others' permissions. Functions are grouped by role ARN across the account: this region's
functions from Config (the scan's inventory), plus those listed in each of *regions* (other regions the
rule is told about). Only this region's functions are evaluated; the annotation names the others
sharing the role (bounded to 256 characters, with how many were left out).

Scenarios:
- Given a function whose role no other function uses, then COMPLIANT.
- Given two functions with the same role, then each is NON_COMPLIANT naming the other.
- Given a function in another listed region sharing the role, then NON_COMPLIANT naming it with its region.
- Given a role shared by many functions, then the annotation lists as many as fit and counts the rest.
- Given a function CI without a role, then NON_COMPLIANT (cannot evaluate).
- Given regions that are not region names, then InvalidParametersError naming regions.
"""

from lambda_compliance.domain.iam.role_sharing import functions_by_role, other_functions
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant

FUNCTION = "AWS::Lambda::Function"


class LAMBDA_ROLE_NOT_SHARED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function execution role is not shared with other functions",
        resource_types=(FUNCTION,),
        severity="medium",
        family="role",
        periodic=True,
        parameters=(
            Param.string_list(
                "regions",
                (),
                "Other regions whose functions count when grouping by role",
                pattern=r"[a-z]{2}(-[a-z]+)+-\d",
            ),
        ),
        iam_actions=("config:SelectResourceConfig", "lambda:ListFunctions"),
    )

    def assess_periodic(self, aws, params):
        here, groups = functions_by_role(aws, params["regions"])
        for fn in here:
            if fn.role is None:
                yield non_compliant(
                    "cannot evaluate: function has no execution role in its configuration item",
                    fn.resource_id,
                    FUNCTION,
                )
                continue
            others = other_functions(fn, groups)
            role = fn.role.rsplit("/", 1)[-1]
            if others:
                noun = "function" if len(others) == 1 else "functions"
                text = f"execution role {role} is shared with {len(others)} other {noun}: {listing(others, 150)}"
                yield non_compliant(text, fn.resource_id, FUNCTION)
            else:
                yield compliant(f"execution role {role} is used by this function only", fn.resource_id, FUNCTION)


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NOT_SHARED, event, context)
