"""LAMBDA_TRACING_ENABLED: the function traces requests with AWS X-Ray (TracingConfig Active).

Scenarios:
- Given tracingConfig.mode Active, then COMPLIANT.
- Given tracingConfig.mode PassThrough or no tracingConfig, then NON_COMPLIANT.
- Given a deleted function, then NOT_APPLICABLE.
"""

from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_TRACING_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function traces requests with AWS X-Ray",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        remediation=Remediation(
            document="AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing",
            resource_parameter="FunctionName",
            aws_owned=True,
            automatic_safe=True,
        ),
    )

    def assess(self, ci, aws, params):
        mode = ci.get("tracingConfig", "mode", kind=str)
        if mode == "Active":
            return [compliant("X-Ray tracing is Active")]
        return [non_compliant(f"X-Ray tracing mode is {mode or 'not set'}; set it to Active")]


def lambda_handler(event, context):
    return handle(LAMBDA_TRACING_ENABLED, event, context)
