import unittest

import SECRETSMANAGER_ENCRYPTED_WITH_CMK as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate, reader, verdicts
from lambda_compliance.testing.data_stores import (
    AWS_KEY_ID,
    KEY_ID,
    StubbedServices,
    key_arn,
    key_metadata,
    kms_key_ci,
    secret_ci,
)

RULE = module.SECRETSMANAGER_ENCRYPTED_WITH_CMK()
DEFAULT_KEY = "encrypted with the AWS managed key alias/aws/secretsmanager; use a customer managed KMS key"


class SecretEncryptedWithCmkTest(unittest.TestCase):
    def test_customer_managed_key_is_compliant(self):
        for fmt, secret in both_formats(secret_ci(KMSKeyId=key_arn())):
            for key_fmt, key in both_formats(kms_key_ci()):
                with self.subTest(secret=fmt, key=key_fmt):
                    self.assertEqual(
                        verdicts(evaluate(RULE, secret, aws=reader([key]))),
                        [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
                    )

    def test_key_named_by_id_is_looked_up_in_the_inventory(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId=KEY_ID), aws=reader([kms_key_ci()]))),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
        )

    def test_key_named_by_alias_is_described_with_kms(self):
        kms = StubbedServices().add("kms", "describe_key", key_metadata(), {"KeyId": "alias/payments-secrets"})
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId="alias/payments-secrets"), aws=kms.reader())),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
        )
        kms.assert_done()

    def test_default_key_is_non_compliant(self):
        for fmt, secret in both_formats(secret_ci()):
            with self.subTest(fmt):
                self.assertEqual(verdicts(evaluate(RULE, secret)), [("NON_COMPLIANT", DEFAULT_KEY)])

    def test_aws_managed_alias_is_non_compliant_without_a_lookup(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId="alias/aws/secretsmanager"))),
            [
                (
                    "NON_COMPLIANT",
                    "encrypted with AWS managed KMS key alias/aws/secretsmanager; use a customer managed key",
                )
            ],
        )

    def test_aws_managed_key_recorded_by_config_is_non_compliant(self):
        aws = reader([kms_key_ci(AWS_KEY_ID, manager="AWS")])
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId=key_arn(AWS_KEY_ID)), aws=aws)),
            [("NON_COMPLIANT", f"encrypted with AWS managed KMS key {AWS_KEY_ID}; use a customer managed key")],
        )

    def test_aws_managed_key_stubbed_because_moto_lacks_aws_key_manager(self):
        # moto answers DescribeKey for alias/aws/* keys with KeyManager CUSTOMER; AWS says AWS.
        kms = StubbedServices().add("kms", "describe_key", key_metadata(AWS_KEY_ID, "AWS"), {"KeyId": AWS_KEY_ID})
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId=AWS_KEY_ID), aws=kms.reader())),
            [("NON_COMPLIANT", f"encrypted with AWS managed KMS key {AWS_KEY_ID}; use a customer managed key")],
        )

    def test_missing_key_is_non_compliant(self):
        kms = StubbedServices().add_error("kms", "describe_key", "NotFoundException", 400)
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(KMSKeyId="alias/retired"), aws=kms.reader())),
            [("NON_COMPLIANT", "KMS key alias/retired was not found; use a customer managed KMS key")],
        )

    def test_api_spelling_of_the_key_id_is_read_too(self):
        secret = secret_ci(KmsKeyId=key_arn(account="210987654321"))
        self.assertEqual(
            verdicts(evaluate(RULE, secret)), [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")]
        )

    def test_secret_scheduled_for_deletion_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(Deleted=True))),
            [("NOT_APPLICABLE", "secret is scheduled for deletion")],
        )

    def test_deleted_ci_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, secret_ci(status="ResourceDeleted"))),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        for fmt, secret in both_formats(secret_ci(KMSKeyId=KEY_ID)):
            with self.subTest(fmt):
                secret["configuration"] = None
                self.assertEqual(
                    verdicts(evaluate(RULE, secret)),
                    [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.Name")],
                )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'kmsKeyArns'"):
            RULE.evaluate_parameters({"kmsKeyArns": key_arn()})


if __name__ == "__main__":
    unittest.main()
