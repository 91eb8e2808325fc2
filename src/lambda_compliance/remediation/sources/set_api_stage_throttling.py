"""LambdaCompliance-SetApiStageThrottling: fixes APIGATEWAY_STAGE_THROTTLING_CONFIGURED."""

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    STAGE_ARN,
    RemediationError,
    apply,
    client,
    error_code,
    param,
    stage_of,
    unchanged,
    wants_dry_run,
)

LIMIT = r"^[1-9][0-9]{0,5}$"

DOCUMENT = {
    "name": "LambdaCompliance-SetApiStageThrottling",
    "does": "Caps the request rate and burst of an API Gateway stage and of its method or route overrides",
    "input": "StageArn (arn:aws:apigateway:<region>::/restapis|apis/<api>/stages/<stage>, the stage's AWS Config "
    "resource id), RateLimit and BurstLimit",
    "details": [
        "Sets the stage-wide throttling (REST: methodSettings */*, HTTP and WebSocket: default route settings) to "
        "RateLimit requests per second and BurstLimit, and lowers every method or route override above RateLimit "
        "(or unthrottled) to RateLimit. It only ever tightens: limits already at or below the inputs are kept.",
        "Callers above the limits get 429 Too Many Requests: pick limits the API's traffic fits in.",
    ],
    "settings_only": True,
    "parameters": {
        "StageArn": {"description": "ARN of the REST, HTTP or WebSocket API stage.", "allowedPattern": STAGE_ARN},
        "RateLimit": {
            "description": "Steady-state requests per second allowed (1 to 999999).",
            "allowedPattern": LIMIT,
            "default": "1000",
        },
        "BurstLimit": {
            "description": "Requests allowed in a burst (1 to 999999).",
            "allowedPattern": LIMIT,
            "default": "2000",
        },
    },
}


def handler(events, context):
    stage_arn = param(events, "StageArn", STAGE_ARN, "an API Gateway stage ARN")
    rate = int(param(events, "RateLimit", LIMIT, "a whole number of requests per second", "1000"))
    burst = int(param(events, "BurstLimit", LIMIT, "a whole number of requests", "2000"))
    dry_run = wants_dry_run(events)
    kind, api_id, stage, _, _ = stage_of(stage_arn)
    try:
        if kind == "REST":
            return _rest(stage_arn, api_id, stage, rate, burst, dry_run)
        return _v2(stage_arn, api_id, stage, rate, burst, dry_run)
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            raise RemediationError(f"stage {stage} of API {api_id} does not exist") from None
        raise


def _above(value, limit):
    """Unset, unthrottled (-1) or above the limit."""
    return value is None or value < 0 or value > limit


def _rest(stage_arn, api_id, stage, rate, burst, dry_run):
    apigw = client("apigateway")
    settings = apigw.get_stage(restApiId=api_id, stageName=stage).get("methodSettings") or {}
    previous = {"stageArn": stage_arn, "methodSettings": {}}
    ops, undo_ops = [], []
    for key in sorted(settings):
        value = settings[key] or {}
        checks = [("rateLimit", "throttlingRateLimit", rate)]
        if key == "*/*":
            checks.append(("burstLimit", "throttlingBurstLimit", burst))
        for field, name, limit in checks:
            if key != "*/*" and value.get(name) is None:
                continue  # an override without its own limit follows the stage's
            if _above(value.get(name), limit):
                ops.append({"op": "replace", "path": f"/{key}/throttling/{field}", "value": str(limit)})
                old = value.get(name)
                path = f"/{key}/throttling/{field}"
                undo_ops.append(f"op=remove,path={path}" if old is None else f"op=replace,path={path},value={old:g}")
                previous["methodSettings"].setdefault(key, {})[name] = old
    if "*/*" not in settings:
        ops = [
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(rate)},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(burst)},
            *ops,
        ]
        undo_ops[:0] = ["op=remove,path=/*/*/throttling/rateLimit", "op=remove,path=/*/*/throttling/burstLimit"]
        previous["methodSettings"]["*/*"] = None
    if not ops:
        return unchanged(f"stage {stage} of {api_id} already throttles at or below {rate}/s, burst {burst}", previous)
    undo = f"aws apigateway update-stage --rest-api-id {api_id} --stage-name '{stage}' --patch-operations " + " ".join(
        f"'{op}'" for op in undo_ops
    )
    paths = ", ".join(op["path"] for op in ops)
    return apply(
        dry_run,
        f"throttle stage {stage} of REST API {api_id} at {rate}/s, burst {burst} ({paths})",
        previous,
        undo,
        lambda: apigw.update_stage(restApiId=api_id, stageName=stage, patchOperations=ops),
    )


def _v2(stage_arn, api_id, stage, rate, burst, dry_run):
    apigw2 = client("apigatewayv2")
    current = apigw2.get_stage(ApiId=api_id, StageName=stage)
    default = dict(current.get("DefaultRouteSettings") or {})
    routes = {key: dict(value or {}) for key, value in (current.get("RouteSettings") or {}).items()}
    previous = {"stageArn": stage_arn, "defaultRouteSettings": dict(default), "routeSettings": {}}
    update = {}
    if _above(default.get("ThrottlingRateLimit"), rate) or _above(default.get("ThrottlingBurstLimit"), burst):
        new_rate = rate if _above(default.get("ThrottlingRateLimit"), rate) else default["ThrottlingRateLimit"]
        new_burst = burst if _above(default.get("ThrottlingBurstLimit"), burst) else default["ThrottlingBurstLimit"]
        update["DefaultRouteSettings"] = {**default, "ThrottlingRateLimit": new_rate, "ThrottlingBurstLimit": new_burst}
    lowered = {}
    for key, value in sorted(routes.items()):
        if value.get("ThrottlingRateLimit") is not None and _above(value["ThrottlingRateLimit"], rate):
            previous["routeSettings"][key] = dict(value)
            lowered[key] = {**value, "ThrottlingRateLimit": rate}
    if lowered:
        update["RouteSettings"] = {**routes, **lowered}
    if not update:
        return unchanged(
            f"stage {stage} of API {api_id} already throttles at or below {rate}/s, burst {burst}", previous
        )
    undo = (
        f"aws apigatewayv2 update-stage --api-id {api_id} --stage-name '{stage}' with the defaultRouteSettings and "
        "routeSettings in PreviousState"
    )
    what = ["default route"] if "DefaultRouteSettings" in update else []
    what += sorted(lowered)
    return apply(
        dry_run,
        f"throttle {', '.join(what)} of stage {stage} of API {api_id} at {rate}/s, burst {burst}",
        previous,
        undo,
        lambda: apigw2.update_stage(ApiId=api_id, StageName=stage, **update),
    )
