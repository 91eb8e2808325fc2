"""LAMBDA_CONCURRENCY_LIMIT_SET: the function has reserved concurrency within [minConcurrency, maxConcurrency].

Reserved concurrency caps what one function can consume (and what a flood of
requests can cost) and guarantees it capacity; 0 means the function is throttled.

Scenarios:
- Given reserved concurrency within the bounds, then COMPLIANT.
- Given no reserved concurrency, then NON_COMPLIANT.
- Given reserved concurrency below minConcurrency (e.g. 0: every call throttled) or above maxConcurrency,
  then NON_COMPLIANT naming the value and the bound.
- Given minConcurrency > maxConcurrency or a non-integer, then InvalidParametersError naming the parameter.
"""

from lambda_compliance.runtime.params import Param, check_range
from lambda_compliance.runtime.rulebase import ComplianceRule, Remediation, RuleSpec, compliant, handle, non_compliant


class LAMBDA_CONCURRENCY_LIMIT_SET(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function has reserved concurrency within the allowed range",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(
            Param.integer("minConcurrency", 1, "Smallest allowed reserved concurrency", minimum=0, maximum=100000),
            Param.integer("maxConcurrency", None, "Largest allowed reserved concurrency", minimum=1, maximum=100000),
        ),
        remediation=Remediation(
            document="LambdaCompliance-SetReservedConcurrency",
            resource_parameter="FunctionName",
            # the cap the rule allows (maxConcurrency; unset: the document's 10), never below minConcurrency
            from_rule={"ReservedConcurrency": "maxConcurrency", "MinConcurrency": "minConcurrency"},
        ),
    )

    def check_parameters(self, values):
        check_range(values, "minConcurrency", "maxConcurrency")

    def assess(self, ci, aws, params):
        reserved = ci.supplementary_get("Concurrency", "reservedConcurrentExecutions", kind=int)
        if reserved is None:
            return [non_compliant("no reserved concurrency is set")]
        low, high = params["minConcurrency"], params["maxConcurrency"]
        if reserved < low:
            return [non_compliant(f"reserved concurrency {reserved} is below the minimum {low}")]
        if high is not None and reserved > high:
            return [non_compliant(f"reserved concurrency {reserved} is above the maximum {high}")]
        return [compliant(f"reserved concurrency is {reserved}")]


def lambda_handler(event, context):
    return handle(LAMBDA_CONCURRENCY_LIMIT_SET, event, context)
