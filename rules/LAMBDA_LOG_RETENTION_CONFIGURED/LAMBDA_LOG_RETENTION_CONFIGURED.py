"""LAMBDA_LOG_RETENTION_CONFIGURED (periodic): each function's log group keeps logs for a bounded period.

Too short loses audit evidence (PCI DSS asks for a year); "never expire" keeps
personal data without limit. A function logs to LoggingConfig.LogGroup, else
/aws/lambda/<name>. Config records neither: log_groups reads ListFunctions and
DescribeLogGroups pages for all inventory functions at once.

Scenarios:
- Given retention between minRetentionDays (default 365) and maxRetentionDays (default 3653), then COMPLIANT.
- Given a group that never expires, then NON_COMPLIANT naming the group.
- Given a shorter or longer retention, then NON_COMPLIANT with the days and the bound.
- Given a function whose log group does not exist yet, then NON_COMPLIANT (Lambda creates it without retention).
- Given a function writing to a custom log group (LoggingConfig), then that group is judged.
- Given no functions, then no evaluations (rdklib reports vanished functions NOT_APPLICABLE).
- Given minRetentionDays above maxRetentionDays or outside 1..3653, then InvalidParametersError naming it.
- Given a range holding no retention CloudWatch Logs supports (e.g. 200..300), then InvalidParametersError:
  no log group could ever be COMPLIANT, and no remediation could make one so.
"""

from lambda_compliance.domain.functions.function_ci import FUNCTION
from lambda_compliance.domain.functions.log_groups import function_log_groups, supported_retention
from lambda_compliance.runtime.params import InvalidParametersError, Param, check_range
from lambda_compliance.runtime.rulebase import ComplianceRule, Remediation, RuleSpec, compliant, handle, non_compliant


class LAMBDA_LOG_RETENTION_CONFIGURED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function log group retention is within the allowed range",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        periodic=True,
        parameters=(
            Param.integer("minRetentionDays", 365, "Shortest allowed log retention in days", minimum=1, maximum=3653),
            Param.integer("maxRetentionDays", 3653, "Longest allowed log retention in days", minimum=1, maximum=3653),
        ),
        iam_actions=("config:SelectResourceConfig", "lambda:ListFunctions", "logs:DescribeLogGroups"),
        remediation=Remediation(
            document="LambdaCompliance-SetLogGroupRetention",
            resource_parameter="FunctionName",
            # the retention the rule asks for, at least, and never more than it allows
            from_rule={"RetentionInDays": "minRetentionDays", "MaxRetentionDays": "maxRetentionDays"},
        ),
    )

    def check_parameters(self, values):
        check_range(values, "minRetentionDays", "maxRetentionDays")
        low, high = values["minRetentionDays"], values["maxRetentionDays"]
        if supported_retention(low, high) is None:
            raise InvalidParametersError(
                f"No log retention CloudWatch Logs supports lies between minRetentionDays ({low}) and "
                f"maxRetentionDays ({high})"
            )

    def assess_periodic(self, aws, params):
        low, high = params["minRetentionDays"], params["maxRetentionDays"]
        for log in function_log_groups(aws):
            days = log.retention_days
            if not log.exists:
                judge, text = non_compliant, f"log group {log.name} missing: Lambda creates it with no retention"
            elif days is None:
                judge, text = non_compliant, f"log group {log.name} never expires; keep logs {low}-{high} days"
            elif days < low:
                judge, text = non_compliant, f"log group {log.name} keeps logs {days} days; at least {low} required"
            elif days > high:
                judge, text = non_compliant, f"log group {log.name} keeps logs {days} days; at most {high} allowed"
            else:
                judge, text = compliant, f"log group {log.name} keeps logs {days} days"
            yield judge(text, log.function, FUNCTION)


def lambda_handler(event, context):
    return handle(LAMBDA_LOG_RETENTION_CONFIGURED, event, context)
