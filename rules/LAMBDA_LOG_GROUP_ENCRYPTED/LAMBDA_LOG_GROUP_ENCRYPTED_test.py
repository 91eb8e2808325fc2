import unittest

import LAMBDA_LOG_GROUP_ENCRYPTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate_periodic, lambda_ci
from lambda_compliance.testing.functions import StubbedServices, listed_function, log_group

RULE = module.LAMBDA_LOG_GROUP_ENCRYPTED()
KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"
SHARED = "/payments/shared-lambda-logs"


def outcomes(evaluations):
    return [(e.complianceResourceId, e.complianceType, e.annotation) for e in evaluations]


class LogGroupEncryptedTest(unittest.TestCase):
    def check(self, functions, groups, expected, custom=()):
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
                self.assertEqual(outcomes(evaluate_periodic(RULE, stub.reader(inventory))), expected)
                stub.assert_done()

    def test_kms_encrypted_group_is_compliant_and_unencrypted_is_not(self):
        self.check(
            {"checkout-api": None, "refund-worker": None},
            [log_group("/aws/lambda/checkout-api", 365, KEY), log_group("/aws/lambda/refund-worker", 365)],
            [
                ("checkout-api", "COMPLIANT", f"log group /aws/lambda/checkout-api is encrypted with KMS key {KEY}"),
                (
                    "refund-worker",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/refund-worker is not encrypted with a KMS key",
                ),
            ],
        )

    def test_missing_log_group_is_non_compliant(self):
        self.check(
            {"new-function": None},
            [],
            [
                (
                    "new-function",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/new-function missing: Lambda creates it without a KMS key",
                )
            ],
        )

    def test_custom_log_group_is_judged_stubbed_because_moto_lacks_logging_config(self):
        self.check(
            {"ledger-sync": SHARED},
            None,
            [("ledger-sync", "COMPLIANT", f"log group {SHARED} is encrypted with KMS key {KEY}")],
            custom=[(SHARED, [log_group(SHARED, 365, KEY)])],
        )

    def test_no_functions_no_evaluations(self):
        stub = StubbedServices()
        self.assertEqual(evaluate_periodic(RULE, stub.reader([])), [])
        stub.assert_done()

    def test_undecodable_inventory_item_is_judged_by_its_name(self):
        garbled = lambda_ci("garbled")
        garbled["configuration"] = "{not json"
        stub = StubbedServices()
        stub.add("lambda", "list_functions", {"Functions": [listed_function("garbled")]}, {})
        stub.add("logs", "describe_log_groups", {"logGroups": []}, {"logGroupNamePrefix": "/aws/lambda/"})
        self.assertEqual(
            outcomes(evaluate_periodic(RULE, stub.reader([garbled]))),
            [
                (
                    "garbled",
                    "NON_COMPLIANT",
                    "log group /aws/lambda/garbled missing: Lambda creates it without a KMS key",
                )
            ],
        )

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'kmsKeyArn'"):
            RULE.evaluate_parameters({"kmsKeyArn": KEY})


if __name__ == "__main__":
    unittest.main()
