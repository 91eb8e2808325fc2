import unittest

import APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, verdicts
from lambda_compliance.testing.api_gateway import (
    HTTP_API_ID,
    REST_API_ID,
    StubbedApis,
    rest_method,
    rest_resource,
    rest_stage_ci,
    route,
    v2_api_ci,
    v2_stage_ci,
)

RULE = module.APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED()
ROOT = rest_resource("r00t1d", "/")


class MethodAuthorizationRequiredTest(RuleTestCase):
    def check(self, ci, stub, expected, params=None, inventory=()):
        """``stub(StubbedApis)`` queues the API responses; every format gets fresh clients and cache."""

        def stubbed():
            stubs = StubbedApis()
            stub(stubs)
            return stubs

        super().check(ci, expected, params, aws=stubbed, inventory=inventory)

    def test_rest_methods_that_all_authorize_are_compliant(self):
        resources = [
            ROOT,
            rest_resource(
                "or4d3r",
                "/orders",
                rest_method("GET", "AWS_IAM"),
                rest_method("POST", "CUSTOM"),
                rest_method("OPTIONS"),
            ),
            rest_resource("or4d1d", "/orders/{id}", rest_method("GET", "COGNITO_USER_POOLS")),
        ]
        self.check(
            rest_stage_ci(),
            lambda s: s.rest_api(REST_API_ID, resources),
            [("COMPLIANT", "stage prod: every method requires authorization (3 checked)")],
        )

    def test_open_rest_methods_are_named(self):
        resources = [
            ROOT,
            rest_resource("or4d3r", "/orders", rest_method("GET", "AWS_IAM")),
            rest_resource("or4d1d", "/orders/{id}", rest_method("GET")),
            rest_resource("r3fund", "/refunds", rest_method("POST")),
        ]
        self.check(
            rest_stage_ci("staging"),
            lambda s: s.rest_api(REST_API_ID, resources),
            [
                (
                    "NON_COMPLIANT",
                    "stage staging: 2 methods callable without authorization: GET /orders/{id}, POST /refunds",
                )
            ],
        )

    def test_exempt_routes_are_not_judged(self):
        resources = [
            ROOT,
            rest_resource("h3alth", "/health", rest_method("GET")),
            rest_resource("r3fund", "/refunds", rest_method("POST", "AWS_IAM")),
        ]
        self.check(
            rest_stage_ci(),
            lambda s: s.rest_api(REST_API_ID, resources),
            [("COMPLIANT", "stage prod: every method requires authorization (1 checked)")],
            {"exemptRoutes": "GET /health"},
        )

    def test_open_http_api_route_is_named_and_options_is_exempt(self):
        routes = [
            route("POST /webhooks/stripe"),
            route("OPTIONS /webhooks/stripe"),
            route("GET /status", "JWT"),
        ]
        self.check(
            v2_stage_ci(),
            lambda s: s.http_api(HTTP_API_ID, routes),
            [("NON_COMPLIANT", "stage $default: 1 route callable without authorization: POST /webhooks/stripe")],
            inventory=[v2_api_ci()],
        )

    def test_http_api_routes_that_all_authorize_are_compliant(self):
        routes = [route("GET /status", "JWT"), route("$default", "AWS_IAM")]
        self.check(
            v2_stage_ci("live"),
            lambda s: s.http_api(HTTP_API_ID, routes),
            [("COMPLIANT", "stage live: every route requires authorization (2 checked)")],
        )

    def test_websocket_api_judges_only_connect(self):
        routes = [route("$connect"), route("$default"), route("sendmessage")]
        self.check(
            v2_stage_ci("production"),
            lambda s: s.http_api(HTTP_API_ID, routes),
            [("NON_COMPLIANT", "stage production: 1 route callable without authorization: $connect")],
            inventory=[v2_api_ci(protocol="WEBSOCKET")],
        )

    def test_websocket_api_is_told_by_its_route_keys_when_its_ci_is_not_recorded(self):
        routes = [route("$connect", "AWS_IAM"), route("$disconnect"), route("sendMessage")]
        self.check(
            v2_stage_ci("production"),
            lambda s: s.http_api(HTTP_API_ID, routes),
            [("COMPLIANT", "stage production: every route requires authorization (1 checked)")],
        )

    def test_api_with_only_options_methods_is_not_applicable(self):
        resources = [ROOT, rest_resource("or4d3r", "/orders", rest_method("OPTIONS"))]
        self.check(
            rest_stage_ci(),
            lambda s: s.rest_api(REST_API_ID, resources),
            [("NOT_APPLICABLE", "stage prod: API has no methods besides OPTIONS and exempt ones")],
        )

    def test_api_deleted_since_the_stage_was_recorded_is_not_applicable(self):
        def gone(stubs):
            stubs.add_error("apigateway", "get_resources").add_error("apigateway", "get_rest_api")

        self.check(rest_stage_ci(), gone, [("NOT_APPLICABLE", "stage prod: API a1b2c3d4e5 no longer exists")])

    def test_deleted_stage_is_not_applicable(self):
        self.check(
            rest_stage_ci(status="ResourceDeleted"), lambda s: None, [("NOT_APPLICABLE", "resource was deleted")]
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        ci = v2_stage_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.stageName")],
        )

    def test_bad_parameters_name_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'exemptRoutes' has an invalid value 'health'"):
            RULE.evaluate_parameters({"exemptRoutes": "health"})
        self.assertEqual(
            RULE.evaluate_parameters({"exemptRoutes": "GET /health, $default"})["exemptRoutes"],
            ("GET /health", "$default"),
        )


if __name__ == "__main__":
    unittest.main()
