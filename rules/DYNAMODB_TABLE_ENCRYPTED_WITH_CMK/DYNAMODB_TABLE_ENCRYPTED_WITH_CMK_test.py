import unittest

import DYNAMODB_TABLE_ENCRYPTED_WITH_CMK as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate, reader, verdicts
from lambda_compliance.testing.data_stores import (
    AWS_KEY_ID,
    KEY_ID,
    StubbedServices,
    key_arn,
    key_metadata,
    kms_key_ci,
    table_ci,
)

RULE = module.DYNAMODB_TABLE_ENCRYPTED_WITH_CMK()
CMK_WORDING = "use a customer managed KMS key"


class TableEncryptedWithCmkTest(unittest.TestCase):
    def test_customer_managed_key_recorded_by_config_is_compliant(self):
        for fmt, table in both_formats(table_ci(key=key_arn())):
            for key_fmt, key in both_formats(kms_key_ci()):
                with self.subTest(table=fmt, key=key_fmt):
                    self.assertEqual(
                        verdicts(evaluate(RULE, table, aws=reader([key]))),
                        [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
                    )

    def test_aws_owned_key_is_non_compliant(self):
        for fmt, table in both_formats(table_ci()):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, table)),
                    [("NON_COMPLIANT", f"encrypted with the AWS owned key; {CMK_WORDING}")],
                )

    def test_encryption_being_disabled_counts_as_the_aws_owned_key(self):
        sse = {"status": "DISABLING", "ssetype": "KMS", "kmsmasterKeyArn": key_arn()}
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(sse=sse))),
            [("NON_COMPLIANT", f"encrypted with the AWS owned key; {CMK_WORDING}")],
        )

    def test_aws_managed_key_recorded_by_config_is_non_compliant(self):
        for fmt, table in both_formats(table_ci(key=key_arn(AWS_KEY_ID))):
            with self.subTest(fmt):
                aws = reader([kms_key_ci(AWS_KEY_ID, manager="AWS")])
                self.assertEqual(
                    verdicts(evaluate(RULE, table, aws=aws)),
                    [
                        (
                            "NON_COMPLIANT",
                            f"encrypted with AWS managed KMS key {AWS_KEY_ID}; use a customer managed key",
                        )
                    ],
                )

    def test_api_spelling_of_the_sse_description_is_read_too(self):
        table = table_ci()
        table["configuration"]["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key_arn()}
        self.assertEqual(
            verdicts(evaluate(RULE, table, aws=reader([kms_key_ci()]))),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
        )

    def test_key_config_has_not_recorded_is_described_with_kms(self):
        kms = StubbedServices().add("kms", "describe_key", key_metadata(), {"KeyId": key_arn()})
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(key=key_arn()), aws=kms.reader())),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
        )
        kms.assert_done()

    def test_aws_managed_key_stubbed_because_moto_lacks_aws_key_manager(self):
        # moto answers DescribeKey for alias/aws/* keys with KeyManager CUSTOMER; AWS says AWS.
        kms = StubbedServices().add(
            "kms",
            "describe_key",
            key_metadata(AWS_KEY_ID, "AWS", Description="Default key that protects my DynamoDB data"),
            {"KeyId": key_arn(AWS_KEY_ID)},
        )
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(key=key_arn(AWS_KEY_ID)), aws=kms.reader())),
            [("NON_COMPLIANT", f"encrypted with AWS managed KMS key {AWS_KEY_ID}; use a customer managed key")],
        )

    def test_missing_key_is_non_compliant(self):
        kms = StubbedServices().add_error("kms", "describe_key", "NotFoundException", 400)
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(key=key_arn()), aws=kms.reader())),
            [("NON_COMPLIANT", f"KMS key {KEY_ID} was not found; {CMK_WORDING}")],
        )

    def test_key_of_another_account_is_customer_managed_without_a_lookup(self):
        foreign = key_arn(account="210987654321")
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(key=foreign))),
            [("COMPLIANT", f"encrypted with customer managed KMS key {KEY_ID}")],
        )

    def test_deleted_table_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(status="ResourceDeleted"))),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        for fmt, table in both_formats(table_ci(key=key_arn())):
            with self.subTest(fmt):
                table["configuration"] = "{not json"
                self.assertEqual(
                    verdicts(evaluate(RULE, table)),
                    [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.tableName")],
                )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'kmsKeyArns'"):
            RULE.evaluate_parameters({"kmsKeyArns": key_arn()})


if __name__ == "__main__":
    unittest.main()
