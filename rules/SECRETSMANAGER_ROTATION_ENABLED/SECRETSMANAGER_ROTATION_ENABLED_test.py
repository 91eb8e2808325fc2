import unittest

import SECRETSMANAGER_ROTATION_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate, verdicts
from lambda_compliance.testing.data_stores import rotating, secret_ci

RULE = module.SECRETSMANAGER_ROTATION_ENABLED()


class SecretRotationEnabledTest(unittest.TestCase):
    def test_rotation_within_the_limit_is_compliant(self):
        for fmt, secret in both_formats(secret_ci(**rotating(30))):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, secret)), [("COMPLIANT", "rotates every 30 days, within 90 days")]
                )

    def test_schedule_expressions_are_bounded(self):
        cases = {
            "rate(10 days)": ("COMPLIANT", "rotates on schedule rate(10 days), within 90 days"),
            "rate(12 hours)": ("COMPLIANT", "rotates on schedule rate(12 hours), within 90 days"),
            "cron(0 4 1,15 * ? *)": ("COMPLIANT", "rotates on schedule cron(0 4 1,15 * ? *), within 90 days"),
            "cron(0 4 ? * MON#1 *)": ("COMPLIANT", "rotates on schedule cron(0 4 ? * MON#1 *), within 90 days"),
            "cron(0 4 1 1,7 ? *)": (
                "NON_COMPLIANT",
                "rotates on schedule cron(0 4 1 1,7 ? *) (up to 186 days apart); maxRotationDays is 90",
            ),
            "rate(120 days)": (
                "NON_COMPLIANT",
                "rotates on schedule rate(120 days) (up to 120 days apart); maxRotationDays is 90",
            ),
            "cron(0 4 1 1 ? 2027)": (
                "NON_COMPLIANT",
                "rotates on schedule cron(0 4 1 1 ? 2027), which cannot be shown to stay within 90 days",
            ),
        }
        for expression, expected in cases.items():
            for fmt, secret in both_formats(secret_ci(**rotating(None, expression))):
                with self.subTest(expression=expression, fmt=fmt):
                    self.assertEqual(verdicts(evaluate(RULE, secret)), [expected])

    def test_api_spelling_of_the_schedule_is_read_too(self):
        secret = secret_ci(**rotating(None))
        secret["configuration"]["RotationRules"] = {"ScheduleExpression": "rate(7 days)", "Duration": "2h"}
        self.assertEqual(
            verdicts(evaluate(RULE, secret)), [("COMPLIANT", "rotates on schedule rate(7 days), within 90 days")]
        )

    def test_rotation_in_hours_is_compliant(self):
        secret = secret_ci(**rotating(None))
        secret["configuration"]["RotationRules"] = {"AutomaticallyAfterHours": 12}
        self.assertEqual(verdicts(evaluate(RULE, secret)), [("COMPLIANT", "rotates every 12 hours, within 90 days")])

    def test_rotation_disabled_is_non_compliant(self):
        for fmt, secret in both_formats(secret_ci()):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, secret)), [("NON_COMPLIANT", "automatic rotation is not enabled")]
                )

    def test_rotation_less_often_than_the_limit_is_non_compliant(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(**rotating(180)))),
            [("NON_COMPLIANT", "rotates every 180 days (up to 180 days apart); maxRotationDays is 90")],
        )
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(**rotating(180)), {"maxRotationDays": "365"})),
            [("COMPLIANT", "rotates every 180 days, within 365 days")],
        )

    def test_failing_rotation_is_non_compliant(self):
        secret = secret_ci(**rotating(30, RotationOccurringAsScheduled=False))
        self.assertEqual(
            verdicts(evaluate(RULE, secret)),
            [("NON_COMPLIANT", "rotation is enabled but is not occurring as scheduled")],
        )

    def test_enabled_rotation_without_rules_is_non_compliant(self):
        secret = secret_ci(**rotating(None))
        self.assertEqual(
            verdicts(evaluate(RULE, secret)),
            [("NON_COMPLIANT", "rotates with no schedule, which cannot be shown to stay within 90 days")],
        )

    def test_secret_scheduled_for_deletion_is_not_applicable(self):
        for fmt, secret in both_formats(secret_ci(Deleted=True)):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, secret)), [("NOT_APPLICABLE", "secret is scheduled for deletion")]
                )

    def test_deleted_ci_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(status="ResourceDeleted"))),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        secret = secret_ci(**rotating(30))
        secret["configuration"] = "RotationEnabled=true"
        self.assertEqual(
            verdicts(evaluate(RULE, secret)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.Name")],
        )

    def test_bad_max_rotation_days_is_rejected_naming_the_parameter(self):
        for raw in ("0", "1001", "ninety", "30.5"):
            with self.subTest(raw), self.assertRaisesRegex(InvalidParametersError, "Parameter 'maxRotationDays'"):
                RULE.evaluate_parameters({"maxRotationDays": raw})

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'maxDays'"):
            RULE.evaluate_parameters({"maxDays": "30"})


if __name__ == "__main__":
    unittest.main()
