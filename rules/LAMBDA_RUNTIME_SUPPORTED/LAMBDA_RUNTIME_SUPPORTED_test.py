import os
import unittest
from unittest import mock

import LAMBDA_RUNTIME_SUPPORTED as module
from rdklib import InvalidParametersError

from lambda_compliance.domain.functions.runtimes import assess_runtime
from lambda_compliance.testing import RuleTestCase, evaluate, lambda_ci, verdicts
from lambda_compliance.testing.data_stores import StubbedServices

RULE = module.LAMBDA_RUNTIME_SUPPORTED()
TODAY = "2026-11-29"


@mock.patch.dict(os.environ, {"LAMBDA_COMPLIANCE_TODAY": TODAY})
class RuntimeSupportedTest(RuleTestCase):
    def expected_text(self, runtime, warning=90):
        from datetime import date

        return assess_runtime(runtime, date.fromisoformat(TODAY), warning).describe()

    def test_current_runtime_is_compliant(self):
        self.check(lambda_ci(runtime="python3.13"), [("COMPLIANT", self.expected_text("python3.13"))])

    def test_deprecated_runtime_is_non_compliant(self):
        text = self.expected_text("python3.8")
        self.assertTrue(text.startswith("python3.8 was deprecated on "))
        self.check(lambda_ci(runtime="python3.8"), [("NON_COMPLIANT", text)])

    def test_os_only_runtime_judged_by_its_own_dates(self):
        self.check(lambda_ci(runtime="provided.al2023"), [("COMPLIANT", self.expected_text("provided.al2023"))])

    def test_runtime_within_warning_window_is_non_compliant(self):
        # python3.11 is deprecated on 2027-06-30: inside a 365-day window, outside the default 90.
        text = self.expected_text("python3.11", 365)
        self.assertIn("(in ", text)
        self.check(lambda_ci(runtime="python3.11"), [("NON_COMPLIANT", text)], {"warningDays": "365"})
        self.check(lambda_ci(runtime="python3.11"), [("COMPLIANT", self.expected_text("python3.11"))])

    def test_image_function_is_not_applicable(self):
        ci = lambda_ci(packageType="Image")
        del ci["configuration"]["runtime"]
        self.check(ci, [("NOT_APPLICABLE", "container image function: the image owns its runtime")])

    def test_unknown_runtime_is_not_applicable(self):
        [(compliance, annotation)] = verdicts(evaluate(RULE, lambda_ci(runtime="cobol85")))
        self.assertEqual(compliance, "NOT_APPLICABLE")
        self.assertTrue(annotation.startswith("cobol85 is not a Lambda runtime identifier"))

    def test_zip_function_without_runtime_is_malformed(self):
        ci = lambda_ci()
        ci["configuration"]["runtime"] = 3.8
        self.check(ci, [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.runtime")])

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def update_mode(self, answer, runtime="python3.13"):
        """The rule's verdict with checkUpdateMode on and ``answer`` as GetRuntimeManagementConfig's response."""
        lambda_api = StubbedServices()
        if answer is None:
            lambda_api.add_error("lambda", "get_runtime_management_config", "ResourceNotFoundException")
        else:
            lambda_api.add("lambda", "get_runtime_management_config", answer, {"FunctionName": "orders-api"})
        result = verdicts(evaluate(RULE, lambda_ci(runtime=runtime), {"checkUpdateMode": "true"}, lambda_api.reader()))
        lambda_api.assert_done()
        return result

    def test_update_mode_table_stubbed_because_moto_lacks_get_runtime_management_config(self):
        arn = "arn:aws:lambda:eu-west-1::runtime:0123abcd"
        supported = self.expected_text("python3.13")
        cases = [
            ("Manual pins", {"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": arn}, "NON_COMPLIANT"),
            ("Auto", {"UpdateRuntimeOn": "Auto"}, "COMPLIANT"),
            ("FunctionUpdate", {"UpdateRuntimeOn": "FunctionUpdate"}, "COMPLIANT"),
            ("mode absent means Auto", {}, "COMPLIANT"),
        ]
        for name, answer, expected in cases:
            with self.subTest(name):
                [(compliance, annotation)] = self.update_mode(answer)
                self.assertEqual(compliance, expected)
                self.assertTrue(annotation.startswith(supported + "; runtime update mode "), annotation)
        [(_, annotation)] = self.update_mode({"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": arn})
        self.assertIn("pins runtime version 0123abcd", annotation)

    def test_update_mode_not_read_when_off_or_runtime_already_failing(self):
        # No stubbed response: any GetRuntimeManagementConfig call would raise.
        idle = StubbedServices()
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(runtime="python3.13"), None, idle.reader())),
            [("COMPLIANT", self.expected_text("python3.13"))],
        )
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(runtime="python3.8"), {"checkUpdateMode": "true"}, idle.reader())),
            [("NON_COMPLIANT", self.expected_text("python3.8"))],
        )

    def test_update_mode_of_a_vanished_function_is_not_applicable(self):
        self.assertEqual(self.update_mode(None), [("NOT_APPLICABLE", "function no longer exists in the Lambda API")])

    def test_bad_warning_days(self):
        for bad in ("-1", "731", "soon"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "warningDays"):
                RULE.evaluate_parameters({"warningDays": bad})


if __name__ == "__main__":
    unittest.main()
