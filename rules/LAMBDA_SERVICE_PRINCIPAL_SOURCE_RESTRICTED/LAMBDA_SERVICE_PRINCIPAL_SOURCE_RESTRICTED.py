"""LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED: service-principal grants name their source (confused deputy).

A permission for s3.amazonaws.com without aws:SourceArn or aws:SourceAccount lets
any account's bucket invoke the function.

Scenarios:
- Given no statement for a service principal, then NOT_APPLICABLE.
- Given every service statement restricted by aws:SourceArn / aws:SourceAccount, then COMPLIANT.
- Given a service statement without them, then NON_COMPLIANT naming statement and service.
- Given an unreadable policy, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.iam.policy import unrestricted_service_statements
from lambda_compliance.domain.iam.resource_policy import policy_statements, principals, refs
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda permissions for AWS services are restricted by source ARN or account",
        resource_types=("AWS::Lambda::Function",),
        severity="high",
        family="lambda",
        remediation=Remediation(
            document="LambdaCompliance-RestrictServicePermission", resource_parameter="FunctionName"
        ),
    )

    def assess(self, ci, aws, params):
        service_grants = [s for s in policy_statements(ci) if s.allows and s.principal and s.principal.service]
        if not service_grants:
            return [not_applicable("no permission for an AWS service principal")]
        open_grants = unrestricted_service_statements(service_grants)
        if open_grants:
            return [
                non_compliant(
                    f"statement {refs(open_grants)} lets {principals(open_grants)} invoke the function "
                    "without aws:SourceArn or aws:SourceAccount"
                )
            ]
        return [compliant(f"{len(service_grants)} service permission(s) restricted to their source")]


def lambda_handler(event, context):
    return handle(LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED, event, context)
