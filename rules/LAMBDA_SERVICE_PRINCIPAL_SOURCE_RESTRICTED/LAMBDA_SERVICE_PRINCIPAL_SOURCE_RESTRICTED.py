"""LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED: service-principal grants name their source (confused deputy).

A permission for sns.amazonaws.com without aws:SourceArn or aws:SourceAccount lets
any account's topic invoke the function. A wildcard in the account part of aws:SourceArn (or in
aws:SourceAccount) pins nothing. S3 needs aws:SourceAccount: a bucket ARN names no account and a
deleted bucket's name can be registered by anyone (AWS's lambda-function-public-access-prohibited,
https://docs.aws.amazon.com/config/latest/developerguide/lambda-function-public-access-prohibited.html).
Alexa sends neither key; its grant is pinned by lambda:EventSourceToken (the skill ID), and the
annotation advises that key for it.

Scenarios:
- Given no statement for a service principal, then NOT_APPLICABLE.
- Given every service statement restricted by aws:SourceArn / aws:SourceAccount, then COMPLIANT.
- Given a service statement without them, then NON_COMPLIANT naming statement, service and the key to add.
- Given s3.amazonaws.com restricted by a bucket aws:SourceArn only, then NON_COMPLIANT advising aws:SourceAccount.
- Given an Alexa principal with lambda:EventSourceToken, then COMPLIANT; without it, NON_COMPLIANT advising it.
- Given an unreadable policy, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.iam.policy import unrestricted_service_statements
from lambda_compliance.domain.iam.resource_policy import missing_pins, policy_statements, refs
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
            return [non_compliant(f"statement {refs(open_grants)} lets {missing_pins(open_grants)}")]
        return [compliant(f"{len(service_grants)} service permission(s) restricted to their source")]


def lambda_handler(event, context):
    return handle(LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED, event, context)
