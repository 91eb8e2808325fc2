"""LAMBDA_LOG_GROUP_ENCRYPTED (periodic): each function's log group is encrypted with a KMS key.

Function logs routinely carry personal data and request payloads; a KMS key
puts reading them under a key policy and CloudTrail. A function logs to
LoggingConfig.LogGroup, else /aws/lambda/<name>. Config records neither:
log_groups reads ListFunctions and DescribeLogGroups pages for all inventory
functions at once.

Scenarios:
- Given a log group with a kmsKeyId, then COMPLIANT naming the key.
- Given a log group without one (CloudWatch Logs' default encryption only), then NON_COMPLIANT naming the group.
- Given a function whose log group does not exist yet, then NON_COMPLIANT (Lambda creates it without a key).
- Given a function writing to a custom log group (LoggingConfig), then that group is judged.
- Given no functions, then no evaluations (rdklib reports vanished functions NOT_APPLICABLE).
- Given any parameter, then InvalidParametersError naming it (the rule takes none).
"""

from lambda_compliance.domain.functions.function_ci import FUNCTION
from lambda_compliance.domain.functions.log_groups import function_log_groups
from lambda_compliance.runtime.rulebase import ComplianceRule, Remediation, RuleSpec, compliant, handle, non_compliant


class LAMBDA_LOG_GROUP_ENCRYPTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function log group is encrypted with a KMS key",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        periodic=True,
        iam_actions=("config:SelectResourceConfig", "lambda:ListFunctions", "logs:DescribeLogGroups"),
        remediation=Remediation(document="LambdaCompliance-EncryptLogGroup", resource_parameter="FunctionName"),
    )

    def assess_periodic(self, aws, params):
        for log in function_log_groups(aws):
            if not log.exists:
                judge, text = non_compliant, f"log group {log.name} missing: Lambda creates it without a KMS key"
            elif log.kms_key_id:
                judge, text = compliant, f"log group {log.name} is encrypted with KMS key {log.kms_key_id}"
            else:
                judge, text = non_compliant, f"log group {log.name} is not encrypted with a KMS key"
            yield judge(text, log.function, FUNCTION)


def lambda_handler(event, context):
    return handle(LAMBDA_LOG_GROUP_ENCRYPTED, event, context)
