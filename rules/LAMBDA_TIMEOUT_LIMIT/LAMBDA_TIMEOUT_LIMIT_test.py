import unittest

import LAMBDA_TIMEOUT_LIMIT as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci

RULE = module.LAMBDA_TIMEOUT_LIMIT()


class TimeoutLimitTest(RuleTestCase):
    def test_timeout_within_default_limit_is_compliant(self):
        self.check(lambda_ci(timeout=300), [("COMPLIANT", "timeout is 300s (maximum 300s)")])

    def test_timeout_above_limit_is_non_compliant(self):
        self.check(lambda_ci(timeout=900), [("NON_COMPLIANT", "timeout is 900s, above the 300s maximum")])

    def test_float_timeout_from_api_format_is_read_as_integer(self):
        self.check(lambda_ci(timeout=60.0), [("COMPLIANT", "timeout is 60s (maximum 300s)")])

    def test_custom_limit(self):
        self.check(
            lambda_ci(timeout=120),
            [("NON_COMPLIANT", "timeout is 120s, above the 60s maximum")],
            {"maxTimeout": "60"},
        )

    def test_missing_timeout_is_malformed(self):
        ci = lambda_ci()
        del ci["configuration"]["timeout"]
        self.check(ci, [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.timeout")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeletedNotRecorded"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_bad_parameters_name_the_parameter(self):
        for bad in ("0", "901", "ten", "1.5"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "maxTimeout"):
                RULE.evaluate_parameters({"maxTimeout": bad})


if __name__ == "__main__":
    unittest.main()
