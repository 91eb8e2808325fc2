import unittest

import LAMBDA_LOG_RETENTION_CONFIGURED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate_periodic, lambda_ci
from lambda_compliance.testing.functions import StubbedServices, listed_function, log_group

RULE = module.LAMBDA_LOG_RETENTION_CONFIGURED()
SHARED = "/payments/shared-lambda-logs"


def outcomes(evaluations):
    return [(e.complianceResourceId, e.complianceType, e.annotation) for e in evaluations]


class LogRetentionConfiguredTest(unittest.TestCase):
    def check(self, functions, groups, expected, params=None, custom=()):
        """``functions``: name -> LoggingConfig.LogGroup (None: default); ``groups``: DescribeLogGroups
        entries under /aws/lambda/; ``custom``: (group name, entries listed by that name as prefix)."""
        for fmt in ("snapshot", "api"):
            with self.subTest(fmt):
                stub = StubbedServices()
                listing = [listed_function(name, group) for name, group in functions.items()]
                stub.add("lambda", "list_functions", {"Functions": listing}, {})
                if groups is not None:
                    prefix = {"logGroupNamePrefix": "/aws/lambda/"}
                    stub.add("logs", "describe_log_groups", {"logGroups": groups}, prefix)
                for name, entries in custom:
                    stub.add("logs", "describe_log_groups", {"logGroups": entries}, {"logGroupNamePrefix": name})
                inventory = [dict(both_formats(lambda_ci(name)))[fmt] for name in functions]
                got = outcomes(evaluate_periodic(RULE, stub.reader(inventory), params))
                self.assertEqual(got, expected)
                stub.assert_done()

    def test_retention_within_range_is_compliant(self):
        self.check(
            {"checkout-api": None},
            [log_group("/aws/lambda/checkout-api", 365)],
            [("checkout-api", "COMPLIANT", "log group /aws/lambda/checkout-api keeps logs 365 days")],
        )

    def test_never_expiring_and_short_retention_are_non_compliant(self):
        self.check(
            {"checkout-api": None, "refund-worker": None, "tax-calculator": None},
            [
                log_group("/aws/lambda/checkout-api"),
                log_group("/aws/lambda/refund-worker", 14),
                log_group("/aws/lambda/tax-calculator", 731),
            ],
            [
                (
                    "checkout-api",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/checkout-api never expires; keep logs 365-3653 days",
                ),
                (
                    "refund-worker",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/refund-worker keeps logs 14 days; at least 365 required",
                ),
                ("tax-calculator", "COMPLIANT", "log group /aws/lambda/tax-calculator keeps logs 731 days"),
            ],
        )

    def test_bounds_are_parameters(self):
        self.check(
            {"checkout-api": None},
            [log_group("/aws/lambda/checkout-api", 731)],
            [
                (
                    "checkout-api",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/checkout-api keeps logs 731 days; at most 400 allowed",
                )
            ],
            {"minRetentionDays": "30", "maxRetentionDays": "400"},
        )

    def test_missing_log_group_is_non_compliant(self):
        self.check(
            {"new-function": None},
            [log_group("/aws/lambda/new-function-old", 365)],  # a prefix match of another name is not it
            [
                (
                    "new-function",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/new-function missing: Lambda creates it with no retention",
                )
            ],
        )

    def test_custom_log_group_is_judged_stubbed_because_moto_lacks_logging_config(self):
        # A stale /aws/lambda/<name> group is listed too, and ignored: the function writes elsewhere.
        self.check(
            {"ledger-sync": SHARED, "payout-scheduler": SHARED, "checkout-api": None},
            [log_group("/aws/lambda/checkout-api", 400), log_group("/aws/lambda/ledger-sync", 365)],
            [
                ("ledger-sync", "NON_COMPLIANT", f"log group {SHARED} keeps logs 90 days; at least 365 required"),
                ("payout-scheduler", "NON_COMPLIANT", f"log group {SHARED} keeps logs 90 days; at least 365 required"),
                ("checkout-api", "COMPLIANT", "log group /aws/lambda/checkout-api keeps logs 400 days"),
            ],
            custom=[(SHARED, [log_group(SHARED, 90), log_group(SHARED + "-archive", 3653)])],
        )

    def test_only_custom_groups_skip_the_default_listing_stubbed_because_moto_lacks_logging_config(self):
        self.check(
            {"ledger-sync": SHARED},
            None,
            [("ledger-sync", "COMPLIANT", f"log group {SHARED} keeps logs 400 days")],
            custom=[(SHARED, [log_group(SHARED, 400)])],
        )

    def test_no_functions_no_evaluations_and_no_calls(self):
        stub = StubbedServices()
        self.assertEqual(evaluate_periodic(RULE, stub.reader([])), [])
        stub.assert_done()

    def test_deleted_function_in_inventory_is_skipped(self):
        stub = StubbedServices()
        self.assertEqual(evaluate_periodic(RULE, stub.reader([lambda_ci(status="ResourceDeleted")])), [])

    def test_bad_bounds_name_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "minRetentionDays"):
            RULE.evaluate_parameters({"minRetentionDays": "400", "maxRetentionDays": "365"})
        with self.assertRaisesRegex(InvalidParametersError, "maxRetentionDays"):
            RULE.evaluate_parameters({"maxRetentionDays": "3654"})
        with self.assertRaisesRegex(InvalidParametersError, "minRetentionDays"):
            RULE.evaluate_parameters({"minRetentionDays": "0"})

    def test_a_range_without_a_retention_cloudwatch_logs_supports_is_refused(self):
        # (min, max) -> accepted: CloudWatch Logs keeps events only for its listed periods (401..544 holds none)
        table = [
            (("200", "300"), False),
            (("401", "544"), False),
            (("3289", "3652"), False),
            (("200", "365"), True),  # 365
            (("365", "365"), True),
            (("401", "545"), True),  # 545
            (("2", "2"), False),
            (("1", "1"), True),
            (("3653", "3653"), True),
        ]
        for (low, high), accepted in table:
            with self.subTest(low=low, high=high):
                values = {"minRetentionDays": low, "maxRetentionDays": high}
                if accepted:
                    RULE.evaluate_parameters(values)
                else:
                    with self.assertRaisesRegex(InvalidParametersError, "No log retention CloudWatch Logs supports"):
                        RULE.evaluate_parameters(values)


if __name__ == "__main__":
    unittest.main()
