import unittest

import LAMBDA_CONCURRENCY_LIMIT_SET as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci

RULE = module.LAMBDA_CONCURRENCY_LIMIT_SET()


def with_reserved(value):
    return lambda_ci(supplementary={"Concurrency": {"reservedConcurrentExecutions": value}})


class ConcurrencyLimitTest(RuleTestCase):
    def test_reserved_concurrency_set_is_compliant(self):
        self.check(with_reserved(50.0), [("COMPLIANT", "reserved concurrency is 50")])

    def test_no_reserved_concurrency_is_non_compliant(self):
        self.check(lambda_ci(), [("NON_COMPLIANT", "no reserved concurrency is set")])

    def test_concurrency_key_without_value_is_non_compliant(self):
        self.check(
            lambda_ci(supplementary={"Concurrency": {}}),
            [("NON_COMPLIANT", "no reserved concurrency is set")],
        )

    def test_zero_means_throttled(self):
        self.check(with_reserved(0), [("NON_COMPLIANT", "reserved concurrency 0 is below the minimum 1")])

    def test_above_maximum(self):
        self.check(
            with_reserved(500),
            [("NON_COMPLIANT", "reserved concurrency 500 is above the maximum 100")],
            {"maxConcurrency": "100"},
        )

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_value_counts_as_unset(self):
        self.check(with_reserved("lots"), [("NON_COMPLIANT", "no reserved concurrency is set")])

    def test_inverted_bounds_are_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "minConcurrency"):
            RULE.evaluate_parameters({"minConcurrency": "10", "maxConcurrency": "5"})

    def test_non_integer_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "maxConcurrency"):
            RULE.evaluate_parameters({"maxConcurrency": "many"})


if __name__ == "__main__":
    unittest.main()
