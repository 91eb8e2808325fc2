import unittest

import LAMBDA_ENV_ENCRYPTED_WITH_CMK as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    RuleTestCase,
    both_formats,
    lambda_ci,
    seed_function_configuration,
)
from lambda_compliance.testing.data_stores import AWS_KEY_ID, KEY_ID, StubbedServices, key_arn, key_metadata, kms_key_ci

RULE = module.LAMBDA_ENV_ENCRYPTED_WITH_CMK()
KEY = key_arn()
AWS_KEY = key_arn(AWS_KEY_ID)
ADVICE = "use a customer managed KMS key"


class EnvEncryptedWithCmkTest(RuleTestCase):
    def check(self, ci, expected, variables=None, inventory=(), kms=None):
        """``kms``: DescribeKey answers (KeyId asked, response or error code) queued on a botocore Stubber."""

        def stubbed():
            stub = StubbedServices()
            for key_id, answer in kms or ():
                if isinstance(answer, str):
                    stub.add_error("kms", "describe_key", answer, 400)
                else:
                    stub.add("kms", "describe_key", answer, {"KeyId": key_id})
            aws = stub.reader(list(inventory))
            if variables is not False:
                seed_function_configuration(aws, "orders-api", variables)
            return aws

        super().check(ci, expected, aws=stubbed)

    def test_customer_managed_key_recorded_by_config_is_compliant_without_reading_variables(self):
        for key_fmt, key in both_formats(kms_key_ci()):
            with self.subTest(key=key_fmt):
                self.check(
                    lambda_ci(kmskeyArn=KEY),
                    [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
                    variables=False,
                    inventory=[key],
                )

    def test_api_spelling_of_the_key_field_is_accepted(self):
        self.check(
            lambda_ci(kmsKeyArn=KEY),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
            variables=False,
            inventory=[kms_key_ci()],
        )

    def test_key_config_has_not_recorded_is_described_with_kms(self):
        self.check(
            lambda_ci(kmskeyArn=KEY),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
            variables=False,
            kms=[(KEY, key_metadata())],
        )

    def test_key_of_another_account_is_customer_managed_without_a_lookup(self):
        self.check(
            lambda_ci(kmskeyArn=key_arn(account="210987654321")),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
            variables=False,
        )

    def test_aws_managed_key_arn_recorded_by_config_is_non_compliant(self):
        self.check(
            lambda_ci(kmskeyArn=AWS_KEY),
            [
                (
                    "NON_COMPLIANT",
                    f"2 environment variables: encrypted with AWS managed KMS key {AWS_KEY_ID}; "
                    "use a customer managed key",
                )
            ],
            {"LOG_LEVEL": "INFO", "TABLE": "orders"},
            inventory=[kms_key_ci(AWS_KEY_ID, manager="AWS")],
        )

    def test_aws_managed_key_arn_stubbed_because_moto_lacks_aws_key_manager(self):
        # moto answers DescribeKey for aws/lambda with KeyManager CUSTOMER; AWS says AWS.
        metadata = key_metadata(AWS_KEY_ID, "AWS", Description="Default key for Lambda environment variables")
        self.check(
            lambda_ci(kmskeyArn=AWS_KEY),
            [
                (
                    "NON_COMPLIANT",
                    f"1 environment variable: encrypted with AWS managed KMS key {AWS_KEY_ID}; "
                    "use a customer managed key",
                )
            ],
            {"LOG_LEVEL": "INFO"},
            kms=[(AWS_KEY, metadata)],
        )

    def test_aws_managed_alias_needs_no_lookup(self):
        alias = "arn:aws:kms:us-east-1:123456789012:alias/aws/lambda"
        self.check(
            lambda_ci(kmskeyArn=alias),
            [
                (
                    "NON_COMPLIANT",
                    "1 environment variable: encrypted with AWS managed KMS key alias/aws/lambda; "
                    "use a customer managed key",
                )
            ],
            {"A": "b"},
        )

    def test_missing_key_is_non_compliant(self):
        self.check(
            lambda_ci(kmskeyArn=KEY),
            [("NON_COMPLIANT", f"1 environment variable: KMS key {KEY_ID} was not found; {ADVICE}")],
            {"A": "b"},
            kms=[(KEY, "NotFoundException")],
        )

    def test_aws_managed_key_without_variables_is_not_applicable(self):
        self.check(
            lambda_ci(kmskeyArn=AWS_KEY),
            [("NOT_APPLICABLE", "function has no environment variables")],
            {},
            inventory=[kms_key_ci(AWS_KEY_ID, manager="AWS")],
        )

    def test_variables_without_cmk_are_non_compliant(self):
        self.check(
            lambda_ci(),
            [("NON_COMPLIANT", f"2 environment variables: encrypted with the AWS managed key aws/lambda; {ADVICE}")],
            {"LOG_LEVEL": "INFO", "TABLE": "orders"},
        )

    def test_no_variables_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function has no environment variables")], {})

    def test_function_gone_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function no longer exists")], None)

    def test_malformed_key_field_falls_back_to_lookup(self):
        self.check(
            lambda_ci(kmskeyArn=["not", "a", "string"]),
            [("NON_COMPLIANT", f"1 environment variable: encrypted with the AWS managed key aws/lambda; {ADVICE}")],
            {"A": "b"},
        )

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")], False)

    def test_rule_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'kmsKey'"):
            RULE.evaluate_parameters({"kmsKey": KEY})


if __name__ == "__main__":
    unittest.main()
