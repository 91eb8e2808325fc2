import unittest

import APIGATEWAY_STAGE_LOGGING_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, verdicts
from lambda_compliance.testing.api_gateway import (
    ACCESS_LOGS,
    method_settings,
    rest_stage_ci,
    v2_api_ci,
    v2_stage_ci,
)

RULE = module.APIGATEWAY_STAGE_LOGGING_ENABLED()


def logged_rest_stage(level="ERROR", **overrides):
    return rest_stage_ci(
        accessLogSettings=ACCESS_LOGS,
        tracingEnabled=True,
        methodSettings={"*/*": method_settings(loggingLevel=level), **overrides},
    )


class StageLoggingEnabledTest(RuleTestCase):
    def test_rest_stage_with_access_execution_logs_and_tracing_is_compliant(self):
        self.check(logged_rest_stage(), [("COMPLIANT", "stage prod writes access and execution logs and X-Ray traces")])

    def test_rest_stage_without_any_logging_is_non_compliant(self):
        self.check(
            rest_stage_ci("staging"),
            [
                (
                    "NON_COMPLIANT",
                    "stage staging: no access logs; execution logging OFF (needs ERROR or INFO); X-Ray tracing off",
                )
            ],
        )

    def test_info_level_required_by_parameter(self):
        self.check(
            logged_rest_stage("ERROR"),
            [("NON_COMPLIANT", "stage prod: execution logging ERROR (needs INFO)")],
            {"executionLoggingLevel": "INFO"},
        )
        self.check(
            logged_rest_stage("INFO"),
            [("COMPLIANT", "stage prod writes access and execution logs and X-Ray traces")],
            {"executionLoggingLevel": "INFO"},
        )

    def test_method_override_switching_logging_off_is_named(self):
        ci = logged_rest_stage(**{"~1refunds/POST": method_settings(loggingLevel="OFF")})
        self.check(ci, [("NON_COMPLIANT", "stage prod: execution logging below ERROR for POST /refunds")])

    def test_tracing_may_be_waived(self):
        ci = logged_rest_stage()
        ci["configuration"]["tracingEnabled"] = False
        self.check(ci, [("NON_COMPLIANT", "stage prod: X-Ray tracing off")])
        self.check(ci, [("COMPLIANT", "stage prod writes access and execution logs")], {"tracingRequired": "false"})

    def test_http_api_stage_needs_access_logs_only(self):
        self.check(
            v2_stage_ci(accessLogSettings=ACCESS_LOGS),
            [("COMPLIANT", "stage $default writes access logs (HTTP APIs have no execution logs or tracing)")],
            inventory=[v2_api_ci()],
        )
        self.check(v2_stage_ci(), [("NON_COMPLIANT", "stage $default: no access logs")], inventory=[v2_api_ci()])

    def test_websocket_stage_needs_execution_logs_too(self):
        quiet = {"dataTraceEnabled": False, "detailedMetricsEnabled": False, "loggingLevel": "OFF"}
        ci = v2_stage_ci("production", accessLogSettings=ACCESS_LOGS, defaultRouteSettings=quiet)
        websocket = [v2_api_ci(protocol="WEBSOCKET")]
        self.check(
            ci,
            [("NON_COMPLIANT", "stage production: execution logging OFF (needs ERROR or INFO)")],
            inventory=websocket,
        )
        ci["configuration"]["defaultRouteSettings"]["loggingLevel"] = "INFO"
        self.check(ci, [("COMPLIANT", "stage production writes access and execution logs")], inventory=websocket)

    def test_deleted_stage_is_not_applicable(self):
        self.check(rest_stage_ci(status="ResourceDeletedNotRecorded"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_configuration_cannot_be_evaluated(self):
        ci = rest_stage_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.stageName")],
        )

    def test_bad_parameters_name_the_parameter(self):
        with self.assertRaisesRegex(
            InvalidParametersError, "Parameter 'executionLoggingLevel' has an invalid value 'DEBUG'"
        ):
            RULE.evaluate_parameters({"executionLoggingLevel": "DEBUG"})
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'tracingRequired' must be true or false"):
            RULE.evaluate_parameters({"tracingRequired": "sometimes"})


if __name__ == "__main__":
    unittest.main()
