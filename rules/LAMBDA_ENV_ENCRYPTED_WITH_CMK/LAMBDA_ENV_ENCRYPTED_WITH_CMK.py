"""LAMBDA_ENV_ENCRYPTED_WITH_CMK: a function with environment variables encrypts them with a customer managed key.

The CI does not record environment variables, so a function without a KMS key
is looked up with GetFunctionConfiguration (variable names only are used).

Scenarios:
- Given kmskeyArn set, then COMPLIANT naming the key (no API call).
- Given no kmskeyArn and environment variables, then NON_COMPLIANT with their count.
- Given no kmskeyArn and no environment variables, then NOT_APPLICABLE.
- Given a function that vanished before the lookup, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_ENV_ENCRYPTED_WITH_CMK(ComplianceRule):
    spec = RuleSpec(
        title="Lambda environment variables are encrypted with a customer managed KMS key",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        iam_actions=("lambda:GetFunctionConfiguration",),
        remediation=Remediation(
            document="AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK",
            resource_parameter="FunctionName",
            parameters={"KMSKeyArn": "EnvironmentKmsKeyArn"},
            aws_owned=True,
        ),
    )

    def assess(self, ci, aws, params):
        key = ci.get("kmskeyArn", kind=str)
        if key:
            return [compliant(f"environment encrypted with customer managed key {key}")]
        configuration = lambda_api.function_configuration(aws, ci.resource_id)
        if configuration is None:
            return [not_applicable("function no longer exists")]
        count = len(lambda_api.variables_of(configuration))
        if count == 0:
            return [not_applicable("function has no environment variables")]
        noun = "variable" if count == 1 else "variables"
        return [non_compliant(f"{count} environment {noun} encrypted only with the AWS managed key")]


def lambda_handler(event, context):
    return handle(LAMBDA_ENV_ENCRYPTED_WITH_CMK, event, context)
