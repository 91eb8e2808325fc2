import unittest

import LAMBDA_TRACING_ENABLED as module

from lambda_compliance.testing import both_formats, evaluate, lambda_ci, verdicts

RULE = module.LAMBDA_TRACING_ENABLED()


class TracingEnabledTest(unittest.TestCase):
    def test_active_tracing_is_compliant(self):
        for fmt, ci in both_formats(lambda_ci(tracingConfig={"mode": "Active"})):
            with self.subTest(fmt):
                self.assertEqual(verdicts(evaluate(RULE, ci)), [("COMPLIANT", "X-Ray tracing is Active")])

    def test_passthrough_is_non_compliant(self):
        for fmt, ci in both_formats(lambda_ci(tracingConfig={"mode": {"value": "PassThrough"}})):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, ci)),
                    [("NON_COMPLIANT", "X-Ray tracing mode is PassThrough; set it to Active")],
                )

    def test_missing_tracing_config_is_non_compliant(self):
        ci = lambda_ci()
        del ci["configuration"]["tracingConfig"]
        for fmt, variant in both_formats(ci):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, variant)),
                    [("NON_COMPLIANT", "X-Ray tracing mode is not set; set it to Active")],
                )

    def test_deleted_function_is_not_applicable(self):
        ci = lambda_ci(status="ResourceDeleted")
        self.assertEqual(verdicts(evaluate(RULE, ci)), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_configuration_is_non_compliant_not_a_crash(self):
        ci = lambda_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "X-Ray tracing mode is not set; set it to Active")],
        )

    def test_unknown_parameter_is_rejected(self):
        from rdklib import InvalidParametersError

        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'mode'"):
            RULE.evaluate_parameters({"mode": "Active"})


if __name__ == "__main__":
    unittest.main()
