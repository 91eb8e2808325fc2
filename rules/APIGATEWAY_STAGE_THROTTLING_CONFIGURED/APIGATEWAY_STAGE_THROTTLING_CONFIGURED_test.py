import unittest

import APIGATEWAY_STAGE_THROTTLING_CONFIGURED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, verdicts
from lambda_compliance.testing.api_gateway import method_settings, rest_stage_ci, v2_stage_ci

RULE = module.APIGATEWAY_STAGE_THROTTLING_CONFIGURED()


def throttled_rest_stage(stage_rate=100.0, burst=200, **overrides):
    settings = method_settings(throttlingRateLimit=stage_rate, throttlingBurstLimit=burst)
    return rest_stage_ci(methodSettings={"*/*": settings, **overrides})


class StageThrottlingConfiguredTest(RuleTestCase):
    def test_rest_stage_within_the_limit_is_compliant(self):
        self.check(
            throttled_rest_stage(),
            [("COMPLIANT", "stage prod is throttled at 100/s (burst 200), within maxRateLimit 1000/s")],
        )

    def test_stage_without_rate_limit_is_non_compliant(self):
        self.check(
            rest_stage_ci("staging"),
            [
                (
                    "NON_COMPLIANT",
                    "stage staging: no stage rate limit (the account-level limit applies); maxRateLimit is 1000/s",
                )
            ],
        )

    def test_account_default_left_in_method_settings_is_above_the_limit(self):
        # Switching on logging alone fills "*/*" with the account defaults (10000/s).
        self.check(
            rest_stage_ci(methodSettings={"*/*": method_settings(loggingLevel="INFO")}),
            [("NON_COMPLIANT", "stage prod: stage rate limit 10000/s; maxRateLimit is 1000/s")],
        )
        self.check(
            rest_stage_ci(methodSettings={"*/*": method_settings(loggingLevel="INFO")}),
            [("COMPLIANT", "stage prod is throttled at 10000/s (burst 5000), within maxRateLimit 10000/s")],
            {"maxRateLimit": "10000"},
        )

    def test_method_override_above_the_limit_is_named(self):
        ci = throttled_rest_stage(
            **{
                "~1refunds/POST": method_settings(throttlingRateLimit=5000.0),
                "~1orders~1{id}/GET": method_settings(throttlingRateLimit=50.0),
                "~1export/GET": method_settings(throttlingRateLimit=-1.0),
            }
        )
        self.check(
            ci,
            [("NON_COMPLIANT", "stage prod: GET /export unthrottled; POST /refunds 5000/s; maxRateLimit is 1000/s")],
        )

    def test_http_api_stage_reads_default_and_route_settings(self):
        settings = {"detailedMetricsEnabled": False, "throttlingBurstLimit": 100, "throttlingRateLimit": 50.0}
        self.check(
            v2_stage_ci(defaultRouteSettings=settings),
            [("COMPLIANT", "stage $default is throttled at 50/s (burst 100), within maxRateLimit 1000/s")],
        )
        self.check(
            v2_stage_ci(
                defaultRouteSettings=settings,
                routeSettings={"POST /webhooks/stripe": {"throttlingBurstLimit": 5000, "throttlingRateLimit": 2500.5}},
            ),
            [("NON_COMPLIANT", "stage $default: POST /webhooks/stripe 2500.5/s; maxRateLimit is 1000/s")],
        )
        self.check(
            v2_stage_ci("live"),
            [
                (
                    "NON_COMPLIANT",
                    "stage live: no stage rate limit (the account-level limit applies); maxRateLimit is 1000/s",
                )
            ],
        )

    def test_deleted_stage_is_not_applicable(self):
        self.check(v2_stage_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_configuration_cannot_be_evaluated(self):
        ci = rest_stage_ci()
        ci["configuration"] = ["not", "an", "object"]
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.stageName")],
        )

    def test_bad_parameters_name_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'maxRateLimit' must be at least 1"):
            RULE.evaluate_parameters({"maxRateLimit": "0"})
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'maxRateLimit' must be an integer"):
            RULE.evaluate_parameters({"maxRateLimit": "fast"})


if __name__ == "__main__":
    unittest.main()
