"""LambdaCompliance-ConfigureApiStageLogging: fixes APIGATEWAY_STAGE_LOGGING_ENABLED."""

import json

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    LOG_LEVELS,
    STAGE_ARN,
    RemediationError,
    apply,
    client,
    error_code,
    param,
    require_execution_log_role,
    stage_of,
    unchanged,
    wants_dry_run,
)

LOG_GROUP_ARN = r"^(arn:aws[a-zA-Z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[a-zA-Z0-9_/.#-]{1,512})?$"
EXECUTION_LOG_LEVEL = r"^(ERROR|INFO|OFF)$"
_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
}
REST_FORMAT = json.dumps({**_FIELDS, "resourcePath": "$context.resourcePath"}, separators=(",", ":"))
V2_FORMAT = json.dumps({**_FIELDS, "routeKey": "$context.routeKey"}, separators=(",", ":"))

DOCUMENT = {
    "name": "LambdaCompliance-ConfigureApiStageLogging",
    "does": "Turns on access logging, execution logging and X-Ray tracing on an API Gateway stage where missing",
    "input": "StageArn (arn:aws:apigateway:<region>::/restapis|apis/<api>/stages/<stage>, the stage's AWS Config "
    "resource id), optionally AccessLogDestinationArn and ExecutionLogLevel",
    "details": [
        "REST stages: access logs (JSON lines to AccessLogDestinationArn, or to a log group "
        "/aws/apigateway/access-logs/<api>/<stage> created when the input is empty), stage-wide execution logging "
        "at ExecutionLogLevel, and X-Ray tracing. WebSocket stages: access logs and default-route execution "
        "logging. HTTP API stages: access logs (they have no execution logs or tracing).",
        "Only what is missing is set: an existing access log destination and format are kept, a more detailed "
        "logging level is kept, per-method or per-route overrides are left alone. Execution logging needs the "
        "API Gateway account's CloudWatch Logs role; without it the run fails before changing anything (use "
        "ExecutionLogLevel OFF to skip execution logging).",
    ],
    "settings_only": True,
    "parameters": {
        "StageArn": {"description": "ARN of the REST, HTTP or WebSocket API stage.", "allowedPattern": STAGE_ARN},
        "AccessLogDestinationArn": {
            "description": "CloudWatch Logs log group ARN for access logs; empty to create one per stage.",
            "allowedPattern": LOG_GROUP_ARN,
            "default": "",
        },
        "ExecutionLogLevel": {
            "description": "Least detailed execution logging level to set (ERROR or INFO); OFF to leave it.",
            "allowedPattern": EXECUTION_LOG_LEVEL,
            "default": "ERROR",
        },
    },
}


def handler(events, context):
    stage_arn = param(events, "StageArn", STAGE_ARN, "an API Gateway stage ARN")
    destination = param(events, "AccessLogDestinationArn", LOG_GROUP_ARN, "a log group ARN, or empty")
    level = param(events, "ExecutionLogLevel", EXECUTION_LOG_LEVEL, "ERROR, INFO or OFF", "ERROR")
    dry_run = wants_dry_run(events)
    kind, api_id, stage, region, partition = stage_of(stage_arn)
    if not destination:
        group = f"/aws/apigateway/access-logs/{api_id}/{stage.replace('$', '') or 'default'}"
        account = client("sts").get_caller_identity()["Account"]
        destination = f"arn:{partition}:logs:{region}:{account}:log-group:{group}"
    if kind == "REST":
        return _rest(stage_arn, api_id, stage, destination, level, dry_run)
    return _v2(stage_arn, api_id, stage, destination, level, dry_run)


def _rest(stage_arn, api_id, stage, destination, level, dry_run):
    apigw = client("apigateway")
    try:
        current = apigw.get_stage(restApiId=api_id, stageName=stage)
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            raise RemediationError(f"stage {stage} of REST API {api_id} does not exist") from None
        raise
    access = (current.get("accessLogSettings") or {}).get("destinationArn")
    tracing = current.get("tracingEnabled") is True
    logging = str(((current.get("methodSettings") or {}).get("*/*") or {}).get("loggingLevel") or "OFF").upper()
    previous = {"stageArn": stage_arn, "accessLogDestinationArn": access, "tracingEnabled": tracing}
    previous["executionLogLevel"] = logging
    ops, undo_ops, steps = [], [], []
    if not access:
        ops += [
            _replace("/accessLogSettings/destinationArn", destination),
            _replace("/accessLogSettings/format", REST_FORMAT),
        ]
        undo_ops.append("op=remove,path=/accessLogSettings")
        steps.append(f"send access logs to {destination}")
    if level != "OFF" and LOG_LEVELS.get(logging, 0) < LOG_LEVELS[level]:
        require_execution_log_role(apigw)
        ops.append(_replace("/*/*/logging/loglevel", level))
        undo_ops.append(f"op=replace,path=/*/*/logging/loglevel,value={logging}")
        steps.append(f"log executions at {level}")
    if not tracing:
        ops.append(_replace("/tracingEnabled", "true"))
        undo_ops.append("op=replace,path=/tracingEnabled,value=false")
        steps.append("trace requests with X-Ray")
    if not ops:
        return unchanged(f"stage {stage} of {api_id} already has access logs, execution logs and tracing", previous)
    undo = f"aws apigateway update-stage --rest-api-id {api_id} --stage-name '{stage}' --patch-operations " + " ".join(
        f"'{op}'" for op in undo_ops
    )

    def change():
        if not access:
            _ensure_log_group(destination)
        apigw.update_stage(restApiId=api_id, stageName=stage, patchOperations=ops)

    return apply(dry_run, f"{', '.join(steps)} on stage {stage} of REST API {api_id}", previous, undo, change)


def _v2(stage_arn, api_id, stage, destination, level, dry_run):
    apigw2 = client("apigatewayv2")
    try:
        current = apigw2.get_stage(ApiId=api_id, StageName=stage)
        protocol = apigw2.get_api(ApiId=api_id).get("ProtocolType", "HTTP")
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            raise RemediationError(f"stage {stage} of API {api_id} does not exist") from None
        raise
    access = (current.get("AccessLogSettings") or {}).get("DestinationArn")
    routes = dict(current.get("DefaultRouteSettings") or {})
    logging = str(routes.get("LoggingLevel") or "OFF").upper()
    previous = {"stageArn": stage_arn, "accessLogDestinationArn": access, "defaultRouteSettings": routes}
    update, undo, steps = {}, [], []
    if not access:
        update["AccessLogSettings"] = {"DestinationArn": destination, "Format": V2_FORMAT}
        undo.append(f"aws apigatewayv2 delete-access-log-settings --api-id {api_id} --stage-name '{stage}'")
        steps.append(f"send access logs to {destination}")
    if protocol == "WEBSOCKET" and level != "OFF" and LOG_LEVELS.get(logging, 0) < LOG_LEVELS[level]:
        require_execution_log_role(client("apigateway"))
        update["DefaultRouteSettings"] = {**routes, "LoggingLevel": level}
        undo.append(
            f"aws apigatewayv2 update-stage --api-id {api_id} --stage-name '{stage}' "
            f"--default-route-settings LoggingLevel={logging}"
        )
        steps.append(f"log executions at {level}")
    if not update:
        return unchanged(f"stage {stage} of {protocol} API {api_id} already logs what it can", previous)

    def change():
        if "AccessLogSettings" in update and not access:
            _ensure_log_group(destination)
        apigw2.update_stage(ApiId=api_id, StageName=stage, **update)

    return apply(
        dry_run, f"{', '.join(steps)} on stage {stage} of {protocol} API {api_id}", previous, "; ".join(undo), change
    )


def _replace(path, value):
    return {"op": "replace", "path": path, "value": value}


def _ensure_log_group(destination):
    """Create the access log group when it is missing (an existing one is used as it is)."""
    name = destination.split(":log-group:", 1)[1]
    try:
        client("logs").create_log_group(logGroupName=name)
    except ClientError as exc:
        if error_code(exc) != "ResourceAlreadyExistsException":
            raise
