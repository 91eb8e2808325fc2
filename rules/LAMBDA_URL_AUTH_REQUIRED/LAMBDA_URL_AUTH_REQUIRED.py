"""LAMBDA_URL_AUTH_REQUIRED: a function URL requires IAM authentication (AuthType AWS_IAM).

Config does not record function URLs: the rule reads GetFunctionUrlConfig for the
unqualified function, and also treats a policy statement allowing
lambda:InvokeFunctionUrl with lambda:FunctionUrlAuthType NONE as evidence of an
unauthenticated URL (this covers URLs on aliases the API call does not see, and URLs in a
snapshot scan, which cannot call the API).

Scenarios:
- Given no function URL and no URL statement, then NOT_APPLICABLE.
- Given a URL with AuthType AWS_IAM, then COMPLIANT.
- Given a URL with AuthType NONE, then NON_COMPLIANT.
- Given no URL on the function but a policy statement for unauthenticated URL invokes, then NON_COMPLIANT.
- Given a snapshot scan (no Lambda API) and such a statement, then NON_COMPLIANT; without one, skipped.
"""

from lambda_compliance.domain.iam.resource_policy import function_url_auth, refs
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_URL_AUTH_REQUIRED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function URL requires AWS IAM authentication",
        resource_types=("AWS::Lambda::Function",),
        severity="critical",
        family="lambda",
        iam_actions=("lambda:GetFunctionUrlConfig",),
        remediation=Remediation(document="LambdaCompliance-RequireFunctionUrlAuth", resource_parameter="FunctionName"),
    )

    def assess(self, ci, aws, params):
        url = function_url_auth(aws, ci)
        if url.auth_type == "NONE":
            return [non_compliant("function URL has AuthType NONE: anyone can call it without signing")]
        if url.open_statements:
            return [
                non_compliant(
                    f"resource policy statement {refs(url.open_statements)} allows unauthenticated function URL calls"
                )
            ]
        if url.config is None:
            return [not_applicable("function has no URL")]
        return [compliant(f"function URL requires {url.auth_type} authentication")]


def lambda_handler(event, context):
    return handle(LAMBDA_URL_AUTH_REQUIRED, event, context)
