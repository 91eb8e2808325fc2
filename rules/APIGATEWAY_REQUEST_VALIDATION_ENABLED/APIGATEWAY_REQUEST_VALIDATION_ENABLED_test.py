import unittest

import APIGATEWAY_REQUEST_VALIDATION_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, verdicts
from lambda_compliance.testing.api_gateway import (
    REST_API_ID,
    StubbedApis,
    rest_method,
    rest_resource,
    rest_stage_ci,
    v2_stage_ci,
    validator,
)

RULE = module.APIGATEWAY_REQUEST_VALIDATION_ENABLED()
ROOT = rest_resource("r00t1d", "/")
VALIDATORS = [
    validator("b0dy01", "body"),
    validator("p4r4ms", "params", body=False, parameters=True),
    validator("n0th1n", "nothing", body=False),
]


class RequestValidationEnabledTest(RuleTestCase):
    def check(self, ci, resources, validators, expected, params=None):
        def stubbed():
            stubs = StubbedApis()
            return stubs.rest_api(REST_API_ID, resources, validators) if resources is not None else stubs

        super().check(ci, expected, params, aws=stubbed)

    def test_methods_with_validators_are_compliant(self):
        resources = [
            ROOT,
            rest_resource(
                "ch3ck0",
                "/checkout",
                rest_method("POST", "CUSTOM", "b0dy01"),
                rest_method("GET", "CUSTOM"),
                rest_method("OPTIONS"),
            ),
            rest_resource("c4rd1d", "/cards/{id}", rest_method("DELETE", "AWS_IAM", "p4r4ms")),
        ]
        self.check(
            rest_stage_ci(),
            resources,
            VALIDATORS,
            [("COMPLIANT", "stage prod: every ANY, DELETE, PATCH, POST, PUT method validates requests (2 checked)")],
        )

    def test_methods_without_effective_validator_are_named(self):
        resources = [
            ROOT,
            rest_resource("ch3ck0", "/checkout", rest_method("POST", "CUSTOM", "b0dy01")),
            rest_resource("r3fund", "/refunds", rest_method("POST")),
            rest_resource("c4rd1d", "/cards/{id}", rest_method("PUT", "AWS_IAM", "n0th1n")),
            rest_resource("pr0xy0", "/{proxy+}", rest_method("ANY", "AWS_IAM", "d3l3t3d")),
        ]
        self.check(
            rest_stage_ci("staging"),
            resources,
            VALIDATORS,
            [
                (
                    "NON_COMPLIANT",
                    "stage staging: 3 methods not validated by a request validator: "
                    "PUT /cards/{id}, POST /refunds, ANY /{proxy+}",
                )
            ],
        )

    def test_get_methods_are_judged_when_asked(self):
        resources = [ROOT, rest_resource("0rd3rs", "/orders", rest_method("GET", "AWS_IAM"))]
        self.check(
            rest_stage_ci(),
            resources,
            VALIDATORS,
            [("NON_COMPLIANT", "stage prod: 1 method not validated by a request validator: GET /orders")],
            {"httpMethods": "GET,POST"},
        )

    def test_api_without_input_methods_is_not_applicable(self):
        resources = [ROOT, rest_resource("0rd3rs", "/orders", rest_method("GET", "AWS_IAM"), rest_method("OPTIONS"))]
        self.check(
            rest_stage_ci(),
            resources,
            None,
            [("NOT_APPLICABLE", "stage prod: API has no ANY, DELETE, PATCH, POST, PUT methods")],
        )

    def test_http_api_stage_is_out_of_scope(self):
        self.check(
            v2_stage_ci(),
            None,
            None,
            [("NOT_APPLICABLE", "AWS::ApiGatewayV2::Stage is not evaluated by this rule")],
        )

    def test_deleted_stage_is_not_applicable(self):
        self.check(rest_stage_ci(status="ResourceDeleted"), None, None, [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_configuration_cannot_be_evaluated(self):
        ci = rest_stage_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.stageName")],
        )

    def test_bad_parameters_name_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'httpMethods' has an invalid value 'OPTIONS'"):
            RULE.evaluate_parameters({"httpMethods": "POST,OPTIONS"})


if __name__ == "__main__":
    unittest.main()
