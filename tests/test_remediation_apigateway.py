"""The API Gateway documents: stage logging and tracing, throttling, web ACL. Input: the stage ARN."""

from __future__ import annotations

import pytest
from botocore.stub import ANY
from remediation_support import ACCOUNT, previous, run_doc, run_stubbed, stubbed

from lambda_compliance.remediation import runner

LOGGING = "LambdaCompliance-ConfigureApiStageLogging"
THROTTLING = "LambdaCompliance-SetApiStageThrottling"
WAF = "LambdaCompliance-AttachWebAclToStage"
CLOUDWATCH_ROLE = f"arn:aws:iam::{ACCOUNT}:role/apigateway-cloudwatch"


def rest_stages(estate, *names):
    """A REST API with one method, deployed to each stage; returns (api id, {stage: ARN})."""
    apigw = estate.client("apigateway")
    api = apigw.create_rest_api(name="payments")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    apigw.put_method(restApiId=api, resourceId=orders, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=orders, httpMethod="POST", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    for name in names:
        apigw.create_stage(restApiId=api, stageName=name, deploymentId=deployment)
    return api, {name: f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/{name}" for name in names}


def stage(estate, api, name):
    return estate.client("apigateway").get_stage(restApiId=api, stageName=name)


def web_acl(estate, name="payments-protection"):
    return estate.client("wafv2").create_web_acl(
        Name=name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": name},
    )["Summary"]["ARN"]


# ConfigureApiStageLogging ----------------------------------------------------------------------


def test_stage_logging_on_a_rest_stage(moto):
    api, arns = rest_stages(moto, "prod", "staging")
    moto.client("apigateway").update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": CLOUDWATCH_ROLE}]
    )

    dry = run_doc(moto, LOGGING, StageArn=arns["prod"])
    assert dry.status == "DRY_RUN"
    assert "accessLogSettings" not in stage(moto, api, "prod")

    fixed = run_doc(moto, LOGGING, StageArn=arns["prod"], DryRun="false")
    assert fixed.status == "CHANGED"
    group = f"/aws/apigateway/access-logs/{api}/prod"
    destination = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}"
    assert fixed.message == (
        f"Changed: send access logs to {destination}, log executions at ERROR, trace requests with X-Ray "
        f"on stage prod of REST API {api}."
    )
    after = stage(moto, api, "prod")
    assert after["accessLogSettings"]["destinationArn"] == destination
    assert '"requestId":"$context.requestId"' in after["accessLogSettings"]["format"]
    assert after["tracingEnabled"] is True
    assert after["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"
    assert moto.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert previous(fixed) == {
        "stageArn": arns["prod"],
        "accessLogDestinationArn": None,
        "tracingEnabled": False,
        "executionLogLevel": "OFF",
    }
    assert "'op=remove,path=/accessLogSettings'" in fixed.output("Undo")

    assert run_doc(moto, LOGGING, StageArn=arns["prod"], DryRun="false").status == "NO_CHANGE"
    assert "accessLogSettings" not in stage(moto, api, "staging")


def test_stage_logging_keeps_what_is_there(moto):
    api, arns = rest_stages(moto, "prod")
    existing = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/custom/prod"
    moto.client("apigateway").update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": existing},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        ],
    )
    fixed = run_doc(moto, LOGGING, StageArn=arns["prod"], DryRun="false")
    assert fixed.message == f"Changed: trace requests with X-Ray on stage prod of REST API {api}."
    after = stage(moto, api, "prod")
    assert after["accessLogSettings"] == {"destinationArn": existing, "format": "$context.requestId"}
    assert after["methodSettings"]["*/*"]["loggingLevel"] == "INFO"  # more detail than ERROR is kept


def test_stage_logging_without_the_account_cloudwatch_role_changes_nothing(moto):
    api, arns = rest_stages(moto, "prod")
    with pytest.raises(runner.StepFailed, match="cloudwatchRoleArn"):
        run_doc(moto, LOGGING, StageArn=arns["prod"], DryRun="false")
    assert "accessLogSettings" not in stage(moto, api, "prod")
    assert not stage(moto, api, "prod").get("tracingEnabled")

    destination = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/api/prod"
    fixed = run_doc(
        moto,
        LOGGING,
        StageArn=arns["prod"],
        ExecutionLogLevel="OFF",
        AccessLogDestinationArn=destination,
        DryRun="false",
    )
    assert fixed.status == "CHANGED"
    assert stage(moto, api, "prod")["accessLogSettings"]["destinationArn"] == destination


def test_stage_logging_missing_stage(moto):
    api, _ = rest_stages(moto, "prod")
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/nope"
    with pytest.raises(runner.StepFailed, match=f"stage nope of REST API {api} does not exist"):
        run_doc(moto, LOGGING, StageArn=arn, DryRun="false")


@pytest.mark.parametrize(
    "arn",
    ["abc123/prod", "arn:aws:apigateway:us-east-1::/restapis/abc", "arn:aws:execute-api:us-east-1:1:abc/prod"],
)
def test_stage_arn_pattern(moto, arn):
    for name in (LOGGING, THROTTLING):
        with pytest.raises(runner.DocumentError, match="parameter StageArn"):
            run_doc(moto, name, StageArn=arn)


V2_ARN = "arn:aws:apigateway:us-east-1::/apis/a1b2c3/stages/$default"


def test_stage_logging_on_an_http_api_stubbed_because_moto_lacks_apigatewayv2_update_stage():
    destination = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/apigateway/access-logs/a1b2c3/default"
    with stubbed("sts", "apigatewayv2", "logs") as (factory, stubs):
        stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT})
        stubs["apigatewayv2"].add_response(
            "get_stage",
            {"StageName": "$default", "DefaultRouteSettings": {}},
            {"ApiId": "a1b2c3", "StageName": "$default"},
        )
        stubs["apigatewayv2"].add_response("get_api", {"ProtocolType": "HTTP", "ApiId": "a1b2c3"}, {"ApiId": "a1b2c3"})
        stubs["logs"].add_response(
            "create_log_group", {}, {"logGroupName": "/aws/apigateway/access-logs/a1b2c3/default"}
        )
        stubs["apigatewayv2"].add_response(
            "update_stage",
            {},
            {
                "ApiId": "a1b2c3",
                "StageName": "$default",
                "AccessLogSettings": {"DestinationArn": destination, "Format": ANY},
            },
        )
        fixed = run_stubbed(factory, LOGGING, StageArn=V2_ARN, DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.output("Undo") == "aws apigatewayv2 delete-access-log-settings --api-id a1b2c3 --stage-name '$default'"


def test_stage_logging_on_a_logged_websocket_stage_stubbed_because_moto_lacks_apigatewayv2_update_stage():
    with stubbed("apigatewayv2") as (factory, stubs):
        stubs["apigatewayv2"].add_response(
            "get_stage",
            {
                "StageName": "live",
                "AccessLogSettings": {"DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:ws"},
                "DefaultRouteSettings": {"LoggingLevel": "INFO"},
            },
            {"ApiId": "a1b2c3", "StageName": "live"},
        )
        stubs["apigatewayv2"].add_response("get_api", {"ProtocolType": "WEBSOCKET"}, {"ApiId": "a1b2c3"})
        done = run_stubbed(
            factory,
            LOGGING,
            StageArn="arn:aws:apigateway:us-east-1::/apis/a1b2c3/stages/live",
            AccessLogDestinationArn="arn:aws:logs:us-east-1:123456789012:log-group:ws",
            DryRun="false",
        )
    assert done.status == "NO_CHANGE"


# SetApiStageThrottling -----------------------------------------------------------------------


def test_throttling_sets_the_stage_and_lowers_loose_overrides(moto):
    api, arns = rest_stages(moto, "prod", "staging")
    moto.client("apigateway").update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/~1orders/POST/throttling/rateLimit", "value": "5000"}],
    )
    dry = run_doc(moto, THROTTLING, StageArn=arns["prod"], RateLimit="200", BurstLimit="400")
    assert dry.status == "DRY_RUN"
    assert "*/*" not in stage(moto, api, "prod")["methodSettings"]

    fixed = run_doc(moto, THROTTLING, StageArn=arns["prod"], RateLimit="200", BurstLimit="400", DryRun="false")
    assert fixed.status == "CHANGED"
    settings = stage(moto, api, "prod")["methodSettings"]
    assert settings["*/*"]["throttlingRateLimit"] == 200
    assert settings["*/*"]["throttlingBurstLimit"] == 400
    assert settings["~1orders/POST"]["throttlingRateLimit"] == 200
    assert "'op=replace,path=/~1orders/POST/throttling/rateLimit,value=5000'" in fixed.output("Undo")

    again = run_doc(moto, THROTTLING, StageArn=arns["prod"], RateLimit="200", BurstLimit="400", DryRun="false")
    assert again.status == "NO_CHANGE"
    assert "*/*" not in stage(moto, api, "staging")["methodSettings"]


def test_throttling_only_ever_tightens(moto):
    api, arns = rest_stages(moto, "prod")
    moto.client("apigateway").update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
        ],
    )
    done = run_doc(moto, THROTTLING, StageArn=arns["prod"], DryRun="false")  # defaults 1000/2000 are looser
    assert done.status == "NO_CHANGE"
    assert stage(moto, api, "prod")["methodSettings"]["*/*"]["throttlingRateLimit"] == 50


def test_throttling_an_http_api_stubbed_because_moto_lacks_apigatewayv2_update_stage():
    with stubbed("apigatewayv2") as (factory, stubs):
        stubs["apigatewayv2"].add_response(
            "get_stage",
            {
                "StageName": "$default",
                "DefaultRouteSettings": {"DetailedMetricsEnabled": True},
                "RouteSettings": {"POST /webhooks": {"ThrottlingRateLimit": 9000.0}},
            },
            {"ApiId": "a1b2c3", "StageName": "$default"},
        )
        stubs["apigatewayv2"].add_response(
            "update_stage",
            {},
            {
                "ApiId": "a1b2c3",
                "StageName": "$default",
                "DefaultRouteSettings": {
                    "DetailedMetricsEnabled": True,
                    "ThrottlingRateLimit": 100,
                    "ThrottlingBurstLimit": 200,
                },
                "RouteSettings": {"POST /webhooks": {"ThrottlingRateLimit": 100}},
            },
        )
        fixed = run_stubbed(factory, THROTTLING, StageArn=V2_ARN, RateLimit="100", BurstLimit="200", DryRun="false")
    assert fixed.status == "CHANGED"
    assert previous(fixed)["routeSettings"] == {"POST /webhooks": {"ThrottlingRateLimit": 9000.0}}


@pytest.mark.parametrize("limit", ["0", "-5", "1.5", "10000000"])
def test_throttling_limits_pattern(moto, limit):
    with pytest.raises(runner.DocumentError, match="parameter RateLimit"):
        run_doc(moto, THROTTLING, StageArn=V2_ARN, RateLimit=limit)


# AttachWebAclToStage ---------------------------------------------------------------------------


def test_attach_web_acl(moto):
    _, arns = rest_stages(moto, "prod", "staging")
    acl = web_acl(moto)
    waf = moto.client("wafv2")

    dry = run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=acl)
    assert dry.status == "DRY_RUN"
    assert "WebACL" not in waf.get_web_acl_for_resource(ResourceArn=arns["prod"])

    fixed = run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=acl, DryRun="false")
    assert fixed.status == "CHANGED"
    assert waf.get_web_acl_for_resource(ResourceArn=arns["prod"])["WebACL"]["ARN"] == acl
    assert fixed.output("Undo") == f"aws wafv2 disassociate-web-acl --resource-arn '{arns['prod']}'"

    assert run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=acl, DryRun="false").status == "NO_CHANGE"
    assert "WebACL" not in waf.get_web_acl_for_resource(ResourceArn=arns["staging"])


def test_attach_web_acl_never_replaces_another_one(moto):
    _, arns = rest_stages(moto, "prod")
    first, second = web_acl(moto, "first"), web_acl(moto, "second")
    moto.client("wafv2").associate_web_acl(WebACLArn=first, ResourceArn=arns["prod"])
    done = run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=second, DryRun="false")
    assert done.status == "NO_CHANGE"
    assert f"not replacing it with {second}" in done.message
    assert moto.client("wafv2").get_web_acl_for_resource(ResourceArn=arns["prod"])["WebACL"]["ARN"] == first


def test_attach_web_acl_only_an_allowed_one(moto):
    """AllowedWebAclArns (the rule's allowedWebAclArns): a web ACL outside it is refused before any change."""
    _, arns = rest_stages(moto, "prod", "staging")
    first, second = web_acl(moto, "first"), web_acl(moto, "second")
    waf = moto.client("wafv2")
    with pytest.raises(runner.StepFailed, match=f"WebAclArn {second} is not in AllowedWebAclArns"):
        run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=second, AllowedWebAclArns=first, DryRun="false")
    assert "WebACL" not in waf.get_web_acl_for_resource(ResourceArn=arns["prod"])
    done = run_doc(
        moto, WAF, StageArn=arns["prod"], WebAclArn=second, AllowedWebAclArns=f" {first}, {second} ", DryRun="false"
    )
    assert done.status == "CHANGED"
    # a stage keeping a web ACL outside the list: the document never swaps it, and says the stage stays unfixed
    waf.associate_web_acl(WebACLArn=first, ResourceArn=arns["staging"])
    with pytest.raises(runner.StepFailed, match=f"protected by {first}, which is not in AllowedWebAclArns"):
        run_doc(moto, WAF, StageArn=arns["staging"], WebAclArn=second, AllowedWebAclArns=second, DryRun="false")
    assert waf.get_web_acl_for_resource(ResourceArn=arns["staging"])["WebACL"]["ARN"] == first
    # an empty list allows any web ACL, as the rule does
    assert run_doc(moto, WAF, StageArn=arns["staging"], WebAclArn=second, AllowedWebAclArns="").status == "NO_CHANGE"


def test_attach_web_acl_bad_targets(moto):
    _, arns = rest_stages(moto, "prod")
    acl = web_acl(moto)
    with pytest.raises(runner.StepFailed, match="AWS WAF attaches to REST stages only"):
        run_doc(moto, WAF, StageArn=V2_ARN, WebAclArn=acl, DryRun="false")
    missing = acl.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    with pytest.raises(runner.StepFailed, match="AWS WAF cannot attach"):
        run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn=missing, DryRun="false")
    with pytest.raises(runner.DocumentError, match="parameter WebAclArn"):
        run_doc(moto, WAF, StageArn=arns["prod"], WebAclArn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y")
