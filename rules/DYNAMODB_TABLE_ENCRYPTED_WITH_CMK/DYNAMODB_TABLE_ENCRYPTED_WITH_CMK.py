"""DYNAMODB_TABLE_ENCRYPTED_WITH_CMK: the table is encrypted at rest with a customer managed KMS key.

Scenarios:
- Given ssedescription ENABLED with a key whose keyManager is CUSTOMER, then COMPLIANT.
- Given a key in another account (never AWS managed), then COMPLIANT.
- Given no ssedescription (the default AWS owned key), then NON_COMPLIANT.
- Given the AWS managed key aws/dynamodb (keyManager AWS), then NON_COMPLIANT.
- Given a key that no longer exists, then NON_COMPLIANT.
- Given a CI without tableName, then NON_COMPLIANT (cannot evaluate).
- Given a deleted table, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.data_stores import dynamodb, kms
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class DYNAMODB_TABLE_ENCRYPTED_WITH_CMK(ComplianceRule):
    spec = RuleSpec(
        title="DynamoDB table is encrypted with a customer managed KMS key",
        resource_types=(dynamodb.TABLE_TYPE,),
        severity="medium",
        family="data",
        iam_actions=("config:BatchGetResourceConfig", "kms:DescribeKey"),
        related_types=(kms.KEY_TYPE,),
    )

    def assess(self, ci, aws, params):
        dynamodb.table_name(ci)
        sse = dynamodb.encryption(ci)
        verdict = kms.customer_managed_verdict(aws, sse.key_arn if sse.uses_kms_key else None, "the AWS owned key")
        return [compliant(verdict.annotation) if verdict.customer_managed else non_compliant(verdict.annotation)]


def lambda_handler(event, context):
    return handle(DYNAMODB_TABLE_ENCRYPTED_WITH_CMK, event, context)
