"""APIGATEWAY_STAGE_LOGGING_ENABLED: a stage writes access logs, execution logs and X-Ray traces where supported.

Reports on AWS::ApiGateway::Stage and AWS::ApiGatewayV2::Stage (resource id: the
stage ARN), from the CI alone:

* every stage: ``accessLogSettings.destinationArn``;
* REST stages: execution logging ``methodSettings["*/*"].loggingLevel`` at
  ``executionLoggingLevel`` or more detail (ERROR < INFO), per-method overrides
  included, and ``tracingEnabled`` unless ``tracingRequired`` is false;
* WebSocket stages: ``defaultRouteSettings.loggingLevel`` and route overrides the same way;
* HTTP API stages: access logs only (they have no execution logs or X-Ray tracing).

The protocol of a V2 stage comes from its AWS::ApiGatewayV2::Api CI (HTTP when not recorded).
Remediation: LambdaCompliance-ConfigureApiStageLogging with StageArn = RESOURCE_ID.

Scenarios:
- Given a REST stage with access logs, execution logging ERROR or INFO and tracing, then COMPLIANT.
- Given a REST stage missing any of them, then NON_COMPLIANT listing what is missing.
- Given a method override with execution logging OFF, then NON_COMPLIANT naming the method.
- Given an HTTP API stage with access logs, then COMPLIANT; without, then NON_COMPLIANT.
- Given a WebSocket stage with access logs but execution logging OFF, then NON_COMPLIANT.
- Given a deleted stage, then NOT_APPLICABLE.
- Given a stage CI without stageName, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import STAGE_TYPES, V2_API, stage_ref, v2_protocol
from lambda_compliance.domain.api_gateway.settings import logging_gaps
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class APIGATEWAY_STAGE_LOGGING_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway stage writes access logs, execution logs and X-Ray traces where supported",
        resource_types=STAGE_TYPES,
        severity="medium",
        family="apigateway",
        parameters=(
            Param.string(
                "executionLoggingLevel",
                "ERROR",
                "Least detailed execution logging level accepted: ERROR or INFO",
                pattern="ERROR|INFO",
            ),
            Param.boolean("tracingRequired", True, "Require X-Ray tracing on REST API stages"),
        ),
        iam_actions=("config:BatchGetResourceConfig",),
        related_types=(V2_API,),
        remediation=Remediation(
            document="LambdaCompliance-ConfigureApiStageLogging",
            resource_parameter="StageArn",
            from_rule={"ExecutionLogLevel": "executionLoggingLevel"},  # ERROR would fall short of a required INFO
            automatic_safe=True,
        ),
    )

    def assess(self, ci, aws, params):
        stage = stage_ref(ci)
        protocol = "REST" if stage.kind == "REST" else v2_protocol(aws, stage.api_id)
        gaps = logging_gaps(
            ci,
            minimum_level=params["executionLoggingLevel"],
            tracing_required=params["tracingRequired"],
            execution_logs=protocol != "HTTP",
        )
        if gaps:
            return [non_compliant(f"{stage.label}: {'; '.join(gaps)}")]
        if protocol == "HTTP":
            return [compliant(f"{stage.label} writes access logs (HTTP APIs have no execution logs or tracing)")]
        traced = " and X-Ray traces" if protocol == "REST" and params["tracingRequired"] else ""
        return [compliant(f"{stage.label} writes access and execution logs{traced}")]


def lambda_handler(event, context):
    return handle(APIGATEWAY_STAGE_LOGGING_ENABLED, event, context)
