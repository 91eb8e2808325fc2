"""DYNAMODB_PITR_ENABLED: the table has point-in-time recovery (continuous backups) enabled.

Scenarios:
- Given ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus ENABLED, then COMPLIANT.
- Given pointInTimeRecoveryStatus DISABLED, then NON_COMPLIANT.
- Given a CI that does not record PITR, then the table's DescribeContinuousBackups decides.
- Given a CI without tableName, then NON_COMPLIANT (cannot evaluate).
- Given a table that no longer exists, or a deleted CI, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.data_stores import dynamodb
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class DYNAMODB_PITR_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="DynamoDB table has point-in-time recovery enabled",
        resource_types=(dynamodb.TABLE_TYPE,),
        severity="medium",
        family="data",
        iam_actions=("dynamodb:DescribeContinuousBackups",),
        remediation=Remediation(
            document="AWSConfigRemediation-EnablePITRForDynamoDbTable",
            resource_parameter="TableName",
            aws_owned=True,
            automatic_safe=True,
        ),
    )

    def assess(self, ci, aws, params):
        dynamodb.table_name(ci)
        status = dynamodb.pitr_status(aws, ci)
        if status is None:
            return [not_applicable("table no longer exists")]
        if status == "ENABLED":
            return [compliant("point-in-time recovery is enabled")]
        return [non_compliant(f"point-in-time recovery is {status}; enable it")]


def lambda_handler(event, context):
    return handle(DYNAMODB_PITR_ENABLED, event, context)
