"""LAMBDA_TIMEOUT_LIMIT: the function's timeout is at most maxTimeout seconds (default 300).

Long timeouts hide hung downstream calls and multiply the cost of runaway invocations.

Scenarios:
- Given timeout <= maxTimeout, then COMPLIANT.
- Given timeout > maxTimeout, then NON_COMPLIANT naming both values.
- Given no timeout in the CI, then NON_COMPLIANT (malformed CI).
- Given maxTimeout outside 1..900, then InvalidParametersError naming maxTimeout.
"""

from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class LAMBDA_TIMEOUT_LIMIT(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function timeout stays within the allowed maximum",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(Param.integer("maxTimeout", 300, "Largest allowed timeout in seconds", minimum=1, maximum=900),),
    )

    def assess(self, ci, aws, params):
        timeout = ci.require("timeout", kind=int)
        limit = params["maxTimeout"]
        if timeout > limit:
            return [non_compliant(f"timeout is {timeout}s, above the {limit}s maximum")]
        return [compliant(f"timeout is {timeout}s (maximum {limit}s)")]


def lambda_handler(event, context):
    return handle(LAMBDA_TIMEOUT_LIMIT, event, context)
