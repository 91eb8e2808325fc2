"""The API Gateway library: stage identity from CIs, settings judgements, and paginated service reads."""

from __future__ import annotations

import pytest

from lambda_compliance.domain.api_gateway.resources import (
    Operation,
    http_routes,
    request_validators,
    rest_methods,
    stage_ref,
    unauthorized,
    unvalidated,
    websocket_routes,
)
from lambda_compliance.domain.api_gateway.settings import (
    logging_gaps,
    method_key,
    minimum_tls,
    throttling,
    throttling_gaps,
    web_acl_name,
)
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.testing import both_formats, reader
from lambda_compliance.testing.api_gateway import (
    ACCESS_LOGS,
    HTTP_API_ID,
    REST_API_ID,
    StubbedApis,
    method_settings,
    rest_method,
    rest_resource,
    rest_stage_ci,
    route,
    v2_stage_ci,
    validator,
)

# Stage identity --------------------------------------------------------------------


def test_stage_ref_from_the_relationship_in_both_formats():
    for _, variant in both_formats(rest_stage_ci("prod")):
        ref = stage_ref(ConfigItem.of(variant))
        assert (ref.kind, ref.api_id, ref.name, ref.label) == ("REST", REST_API_ID, "prod", "stage prod")
    for _, variant in both_formats(v2_stage_ci("$default")):
        ref = stage_ref(ConfigItem.of(variant))
        assert (ref.kind, ref.api_id, ref.name) == ("V2", HTTP_API_ID, "$default")


@pytest.mark.parametrize(
    "change",
    [
        # relationship naming the API by ARN (as some recorded CIs do)
        lambda ci: ci["relationships"][0].update(resourceId=f"arn:aws:apigateway:us-east-1::/restapis/{REST_API_ID}"),
        # no relationship: the stage ARN still names the API
        lambda ci: ci.update(relationships=[]),
        # an explicit restApiId wins
        lambda ci: ci["configuration"].update(restApiId=REST_API_ID) or ci.update(relationships=[]),
    ],
)
def test_stage_ref_finds_the_api_id_wherever_it_is(change):
    ci = rest_stage_ci()
    change(ci)
    assert stage_ref(ConfigItem.of(ci)).api_id == REST_API_ID


def test_stage_without_any_api_id_is_malformed():
    ci = rest_stage_ci()
    ci.update(relationships=[], resourceId="prod", arn=None)
    with pytest.raises(MalformedConfigurationItem, match="names no API id for stage prod"):
        stage_ref(ConfigItem.of(ci))


# Settings judgements ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("*/*", "all methods"),
        ("~1orders/POST", "POST /orders"),
        ("~1orders~1{id}/get", "GET /orders/{id}"),
        ("~1a~0b/PUT", "PUT /a~b"),
    ],
)
def test_method_settings_keys_read_as_method_keys(key, expected):
    assert method_key(key) == expected


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("TLS_1_0", (1, 0)),
        ("TLS_1_2", (1, 2)),
        ("SecurityPolicy_TLS13_1_3_2025_09", (1, 3)),
        ("SecurityPolicy_TLS13_1_2_2021_06", (1, 2)),
        ("SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09", (1, 2)),
        ("SecurityPolicy_TLS13_1_3_FIPS_PQ_2025_09", (1, 3)),
        ("SecurityPolicy_TLS12_PFS_2025_EDGE", (1, 2)),
        ("SecurityPolicy_TLS13_2025_EDGE", (1, 3)),
        ("TLS_2_0_EXPERIMENTAL", None),
        ("tls_1_2", None),
        ("", None),
    ],
)
def test_minimum_tls_of_security_policies(policy, expected):
    assert minimum_tls(policy) == expected


def test_web_acl_names():
    assert web_acl_name("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/edge/0f1e2d3c") == "edge"
    assert web_acl_name("arn:aws:waf-regional:eu-west-1:123456789012:webacl/3b2c1d0e") == "3b2c1d0e"
    assert web_acl_name("not-an-arn") == "not-an-arn"


def test_logging_gaps_for_each_stage_kind():
    full = rest_stage_ci(
        accessLogSettings=ACCESS_LOGS, tracingEnabled=True, methodSettings={"*/*": method_settings(loggingLevel="INFO")}
    )
    assert logging_gaps(ConfigItem.of(full), minimum_level="INFO", tracing_required=True, execution_logs=True) == []
    http = ConfigItem.of(v2_stage_ci())
    assert logging_gaps(http, minimum_level="ERROR", tracing_required=True, execution_logs=False) == ["no access logs"]


def test_throttling_reads_stage_and_overrides():
    ci = rest_stage_ci(
        methodSettings={
            "*/*": method_settings(throttlingRateLimit=100.0, throttlingBurstLimit=200),
            "~1refunds/POST": method_settings(throttlingRateLimit=5000.0),
        }
    )
    found = throttling(ConfigItem.of(ci), 1000)
    assert (found.rate, found.burst, found.excessive) == (100.0, 200.0, (("POST /refunds", 5000.0),))
    assert throttling_gaps(found, 1000) == ["POST /refunds 5000/s"]
    unset = throttling(ConfigItem.of(rest_stage_ci(methodSettings={"*/*": {"throttlingRateLimit": -1.0}})), 1000)
    assert throttling_gaps(unset, 1000) == ["no stage rate limit (the account-level limit applies)"]


# Method judgements -----------------------------------------------------------------

OPS = [
    Operation("GET", "/health", "NONE"),
    Operation("OPTIONS", "/orders", "NONE"),
    Operation("POST", "/orders", "AWS_IAM", "v1"),
    Operation("POST", "/refunds", "NONE"),
    Operation("$connect", "", "NONE"),
]


def test_unauthorized_exempts_options_and_listed_keys():
    judged, open_ = unauthorized(OPS[:4], ["GET /health"])
    assert [op.key for op in judged] == ["POST /orders", "POST /refunds"]
    assert [op.key for op in open_] == ["POST /refunds"]
    judged, open_ = unauthorized(OPS, websocket=True)
    assert [op.key for op in open_] == ["$connect"]


def test_websocket_route_keys_tell_a_websocket_api():
    assert websocket_routes([Operation("$connect", "", "NONE")])
    assert websocket_routes([Operation("sendMessage", "", "NONE")])
    assert not websocket_routes([Operation("$default", "", "NONE"), Operation("GET", "/status", "JWT")])


def test_unvalidated_needs_a_validator_that_validates_something():
    validators = {"v1": validator("v1", "body"), "v0": validator("v0", "none", body=False)}
    ops = [*OPS[:4], Operation("PUT", "/cards", "AWS_IAM", "v0")]
    judged, failing = unvalidated(ops, validators, ["POST", "PUT", "OPTIONS"])
    assert [op.key for op in judged] == ["POST /orders", "POST /refunds", "PUT /cards"]
    assert [op.key for op in failing] == ["POST /refunds", "PUT /cards"]


# Paginated reads: moto returns everything in one page, so Stubber serves real multi-page shapes.


def test_rest_methods_follow_position_stubbed_because_moto_lacks_get_resources_pagination():
    stubs = StubbedApis()
    first = {"restApiId": REST_API_ID, "embed": ["methods"]}
    stubs.add(
        "apigateway",
        "get_resources",
        {
            "items": [rest_resource("r00t1d", "/"), rest_resource("0rd3rs", "/orders", rest_method("GET"))],
            "position": "p2",
        },
        first,
    )
    stubs.add(
        "apigateway",
        "get_resources",
        {"items": [rest_resource("r3fund", "/refunds", rest_method("POST", "AWS_IAM"))]},
        {**first, "position": "p2"},
    )
    aws = reader(factory=stubs)
    methods = rest_methods(aws, REST_API_ID)
    assert [(op.key, op.authorization) for op in methods] == [("GET /orders", "NONE"), ("POST /refunds", "AWS_IAM")]
    assert rest_methods(aws, REST_API_ID) == methods  # memoised: no third request
    stubs.assert_done()


def test_http_routes_follow_next_token_stubbed_because_moto_lacks_get_routes_pagination():
    stubs = StubbedApis()
    stubs.add(
        "apigatewayv2",
        "get_routes",
        {"Items": [route("GET /status", "JWT")], "NextToken": "t2"},
        {"ApiId": HTTP_API_ID},
    )
    stubs.add("apigatewayv2", "get_routes", {"Items": [route("$default")]}, {"ApiId": HTTP_API_ID, "NextToken": "t2"})
    routes = http_routes(reader(factory=stubs), HTTP_API_ID)
    assert [(op.key, op.authorization) for op in routes] == [("$default", "NONE"), ("GET /status", "JWT")]
    stubs.assert_done()


def test_request_validators_follow_position_stubbed_because_moto_lacks_get_request_validators_pagination():
    stubs = StubbedApis()
    stubs.add(
        "apigateway",
        "get_request_validators",
        {"items": [validator("v1", "body")], "position": "p2"},
        {"restApiId": REST_API_ID},
    )
    stubs.add(
        "apigateway",
        "get_request_validators",
        {"items": [validator("v2", "params", body=False, parameters=True)]},
        {"restApiId": REST_API_ID, "position": "p2"},
    )
    assert sorted(request_validators(reader(factory=stubs), REST_API_ID)) == ["v1", "v2"]
    stubs.assert_done()


def test_an_http_api_without_routes_is_not_a_missing_api():
    stubs = StubbedApis()
    stubs.add("apigatewayv2", "get_routes", {"Items": []}, {"ApiId": HTTP_API_ID})
    stubs.add(
        "apigatewayv2",
        "get_api",
        {
            "ApiId": HTTP_API_ID,
            "Name": "empty",
            "ProtocolType": "HTTP",
            "RouteSelectionExpression": "$request.method $request.path",
        },
        {"ApiId": HTTP_API_ID},
    )
    assert http_routes(reader(factory=stubs), HTTP_API_ID) == []
    stubs = StubbedApis()
    stubs.add_error("apigatewayv2", "get_routes").add_error("apigatewayv2", "get_api")
    assert http_routes(reader(factory=stubs), HTTP_API_ID) is None


def test_other_errors_are_not_swallowed():
    from botocore.exceptions import ClientError

    stubs = StubbedApis().add_error("apigateway", "get_resources", "AccessDeniedException", 403)
    with pytest.raises(ClientError):
        rest_methods(reader(factory=stubs), REST_API_ID)
