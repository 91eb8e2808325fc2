"""LAMBDA_FAILURE_DESTINATION_CONFIGURED: failed asynchronous invocations go to a DLQ or an on-failure destination.

Without one, an event that still fails after Lambda's retries is dropped. The
dead-letter queue is in the CI (deadLetterConfig.targetArn); on-failure
destinations are event-invoke configs, read with ListFunctionEventInvokeConfigs
(the function, its aliases and versions).

Scenarios:
- Given a dead-letter queue, then COMPLIANT naming it (no API call).
- Given an on-failure destination on the function or one of its aliases/versions, then COMPLIANT naming it.
- Given neither (or event-invoke configs without an on-failure destination), then NON_COMPLIANT.
- Given a function that no longer exists when the configs are read, then NOT_APPLICABLE.
- Given a CI whose configuration did not decode, then NON_COMPLIANT (malformed CI).
- Given any parameter, then InvalidParametersError naming it (the rule takes none).
"""

from lambda_compliance.domain.functions.function_ci import function_name
from lambda_compliance.domain.functions.settings import dead_letter_queue, on_failure_destinations
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_FAILURE_DESTINATION_CONFIGURED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function sends failed asynchronous events to a dead-letter queue or on-failure destination",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        iam_actions=("lambda:ListFunctionEventInvokeConfigs",),
        remediation=Remediation(document="LambdaCompliance-SetFailureDestination", resource_parameter="FunctionName"),
    )

    def assess(self, ci, aws, params):
        name = function_name(ci)
        queue = dead_letter_queue(ci)
        if queue:
            return [compliant(f"failed events go to {queue.describe()}")]
        destinations = on_failure_destinations(aws, name)
        if destinations is None:
            return [not_applicable("function no longer exists")]
        if destinations:
            return [compliant(f"failed events go to {destinations[0].describe()}")]
        return [non_compliant("no dead-letter queue or on-failure destination: events failing all retries are dropped")]


def lambda_handler(event, context):
    return handle(LAMBDA_FAILURE_DESTINATION_CONFIGURED, event, context)
