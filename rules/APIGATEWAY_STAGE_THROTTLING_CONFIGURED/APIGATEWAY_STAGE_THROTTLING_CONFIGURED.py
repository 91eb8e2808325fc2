"""APIGATEWAY_STAGE_THROTTLING_CONFIGURED: a stage throttles requests at or below ``maxRateLimit`` per second.

Reports on AWS::ApiGateway::Stage and AWS::ApiGatewayV2::Stage (resource id: the
stage ARN), from the CI alone: the stage-wide rate limit
(``methodSettings["*/*"].throttlingRateLimit`` on REST stages,
``defaultRouteSettings.throttlingRateLimit`` on V2 stages) must be set and at most
``maxRateLimit``, and no per-method / per-route override may allow more. A stage
without a rate limit runs at the account-level limit (10,000 requests/s by default)
shared by every API in the region. A negative limit means unthrottled.
Remediation: LambdaCompliance-SetApiStageThrottling with StageArn = RESOURCE_ID.

Scenarios:
- Given a stage rate limit at or below maxRateLimit and no override above it, then COMPLIANT.
- Given no stage rate limit, then NON_COMPLIANT.
- Given a stage rate limit above maxRateLimit, then NON_COMPLIANT.
- Given a method or route override above maxRateLimit, then NON_COMPLIANT naming it.
- Given a deleted stage, then NOT_APPLICABLE.
- Given a stage CI without stageName, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import STAGE_TYPES, stage_ref
from lambda_compliance.domain.api_gateway.settings import rate, throttling, throttling_gaps
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class APIGATEWAY_STAGE_THROTTLING_CONFIGURED(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway stage throttles requests at or below the maximum rate limit",
        resource_types=STAGE_TYPES,
        severity="low",
        family="apigateway",
        parameters=(
            Param.integer(
                "maxRateLimit",
                1000,
                "Highest steady-state requests per second a stage, method or route may allow",
                minimum=1,
                maximum=100000,
            ),
        ),
        remediation=Remediation(
            document="LambdaCompliance-SetApiStageThrottling",
            resource_parameter="StageArn",
            from_rule={"RateLimit": "maxRateLimit"},  # the document's 1000/s would exceed a tighter maxRateLimit
        ),
    )

    def assess(self, ci, aws, params):
        stage = stage_ref(ci)
        limit = params["maxRateLimit"]
        found = throttling(ci, limit)
        gaps = throttling_gaps(found, limit)
        if gaps:
            return [non_compliant(f"{stage.label}: {'; '.join(gaps)}; maxRateLimit is {limit}/s")]
        burst = f" (burst {rate(found.burst)})" if found.burst is not None else ""
        return [compliant(f"{stage.label} is throttled at {rate(found.rate)}/s{burst}, within maxRateLimit {limit}/s")]


def lambda_handler(event, context):
    return handle(APIGATEWAY_STAGE_THROTTLING_CONFIGURED, event, context)
