"""LAMBDA_ENV_ENCRYPTED_WITH_CMK: a function with environment variables encrypts them with a customer managed key.

A key ARN alone proves nothing: the AWS managed key aws/lambda has an ARN of
the same form, so the key is judged from its facts (KeyManager, from the Config
inventory or kms:DescribeKey) by the verdict DYNAMODB_TABLE_ENCRYPTED_WITH_CMK
and SECRETSMANAGER_ENCRYPTED_WITH_CMK share (kms.customer_managed_verdict).
The CI does not record environment variables, so a function whose key is not
customer managed is looked up with GetFunctionConfiguration (variable names
only are used).

Scenarios:
- Given kmskeyArn naming a customer managed key (or a key of another account), then COMPLIANT naming the key.
- Given kmskeyArn naming an AWS managed key (KeyManager AWS) or a missing key, and environment variables,
  then NON_COMPLIANT with their count and the key's facts.
- Given no kmskeyArn and environment variables, then NON_COMPLIANT with their count.
- Given no customer managed key and no environment variables, then NOT_APPLICABLE.
- Given a function that vanished before the lookup, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.data_stores import kms
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

DEFAULT_KEY = "the AWS managed key aws/lambda"


class LAMBDA_ENV_ENCRYPTED_WITH_CMK(ComplianceRule):
    spec = RuleSpec(
        title="Lambda environment variables are encrypted with a customer managed KMS key",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        iam_actions=("lambda:GetFunctionConfiguration", "config:BatchGetResourceConfig", "kms:DescribeKey"),
        related_types=(kms.KEY_TYPE,),
        remediation=Remediation(
            document="AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK",
            resource_parameter="FunctionName",
            parameters={"KMSKeyArn": "EnvironmentKmsKeyArn"},
            aws_owned=True,
        ),
    )

    def assess(self, ci, aws, params):
        verdict = kms.customer_managed_verdict(aws, ci.get("kmskeyArn", kind=str), DEFAULT_KEY)
        if verdict.customer_managed:
            return [compliant(verdict.annotation)]
        configuration = lambda_api.function_configuration(aws, ci.resource_id)
        if configuration is None:
            return [not_applicable("function no longer exists")]
        count = len(lambda_api.variables_of(configuration))
        if count == 0:
            return [not_applicable("function has no environment variables")]
        noun = "variable" if count == 1 else "variables"
        return [non_compliant(f"{count} environment {noun}: {verdict.annotation}")]


def lambda_handler(event, context):
    return handle(LAMBDA_ENV_ENCRYPTED_WITH_CMK, event, context)
