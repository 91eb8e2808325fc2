import unittest

import LAMBDA_ENV_ENCRYPTED_WITH_CMK as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    RuleTestCase,
    lambda_ci,
    reader,
    seed_function_configuration,
)

RULE = module.LAMBDA_ENV_ENCRYPTED_WITH_CMK()
KEY = "arn:aws:kms:us-east-1:123456789012:key/1f0c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"


class EnvEncryptedWithCmkTest(RuleTestCase):
    def check(self, ci, expected, variables=None):
        def seeded():
            aws = reader()
            if variables is not False:
                seed_function_configuration(aws, "orders-api", variables)
            return aws

        super().check(ci, expected, aws=seeded)

    def test_customer_key_is_compliant_without_api_call(self):
        # No seeded configuration: the rule must decide from the CI alone.
        self.check(
            lambda_ci(kmskeyArn=KEY),
            [("COMPLIANT", f"environment encrypted with customer managed key {KEY}")],
            variables=False,
        )

    def test_api_spelling_of_the_key_field_is_accepted(self):
        self.check(
            lambda_ci(kmsKeyArn=KEY),
            [("COMPLIANT", f"environment encrypted with customer managed key {KEY}")],
            variables=False,
        )

    def test_variables_without_cmk_are_non_compliant(self):
        self.check(
            lambda_ci(),
            [("NON_COMPLIANT", "2 environment variables encrypted only with the AWS managed key")],
            {"LOG_LEVEL": "INFO", "TABLE": "orders"},
        )

    def test_no_variables_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function has no environment variables")], {})

    def test_function_gone_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function no longer exists")], None)

    def test_malformed_key_field_falls_back_to_lookup(self):
        self.check(
            lambda_ci(kmskeyArn=["not", "a", "string"]),
            [("NON_COMPLIANT", "1 environment variable encrypted only with the AWS managed key")],
            {"A": "b"},
        )

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")], False)

    def test_rule_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'kmsKey'"):
            RULE.evaluate_parameters({"kmsKey": KEY})


if __name__ == "__main__":
    unittest.main()
