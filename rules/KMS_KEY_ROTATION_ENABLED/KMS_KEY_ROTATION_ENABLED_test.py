import unittest

import KMS_KEY_ROTATION_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate, verdicts
from lambda_compliance.testing.data_stores import AWS_KEY_ID, KEY_ID, StubbedServices, kms_key_ci

RULE = module.KMS_KEY_ROTATION_ENABLED()


class KeyRotationEnabledTest(unittest.TestCase):
    def test_rotation_enabled_is_compliant(self):
        for fmt, key in both_formats(kms_key_ci(rotation=True)):
            with self.subTest(fmt):
                self.assertEqual(verdicts(evaluate(RULE, key)), [("COMPLIANT", "automatic key rotation is enabled")])

    def test_rotation_disabled_is_non_compliant(self):
        for fmt, key in both_formats(kms_key_ci(rotation=False)):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, key)),
                    [("NON_COMPLIANT", "automatic key rotation is disabled; enable it")],
                )

    def test_rotation_status_recorded_as_a_string_is_read(self):
        key = kms_key_ci(rotation=None)
        key["supplementaryConfiguration"]["KeyRotationStatus"] = "true"
        self.assertEqual(verdicts(evaluate(RULE, key)), [("COMPLIANT", "automatic key rotation is enabled")])

    def test_unrecorded_rotation_status_is_read_from_kms(self):
        kms = StubbedServices().add("kms", "get_key_rotation_status", {"KeyRotationEnabled": False}, {"KeyId": KEY_ID})
        self.assertEqual(
            verdicts(evaluate(RULE, kms_key_ci(rotation=None), aws=kms.reader())),
            [("NON_COMPLIANT", "automatic key rotation is disabled; enable it")],
        )
        kms.assert_done()

    def test_unrecorded_status_of_a_vanished_key_is_not_applicable(self):
        kms = StubbedServices().add_error("kms", "get_key_rotation_status", "NotFoundException", 400)
        self.assertEqual(
            verdicts(evaluate(RULE, kms_key_ci(rotation=None), aws=kms.reader())),
            [("NOT_APPLICABLE", "key no longer exists")],
        )

    def test_aws_managed_key_is_not_applicable(self):
        for fmt, key in both_formats(kms_key_ci(AWS_KEY_ID, manager="AWS", rotation=True)):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, key)),
                    [("NOT_APPLICABLE", "AWS managed key: AWS rotates it every year")],
                )

    def test_keys_that_cannot_rotate_are_not_applicable(self):
        cases = {
            "pending deletion": (
                {"keyState": "PendingDeletion", "enabled": False},
                "key is PendingDeletion",
            ),
            "asymmetric": (
                {"keySpec": "RSA_2048", "customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},
                "RSA_2048 keys do not support automatic rotation",
            ),
            "hmac": (
                {"keySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
                "HMAC_256 keys do not support automatic rotation",
            ),
            "imported": ({"origin": "EXTERNAL"}, "keys with imported key material do not support automatic rotation"),
            "custom key store": (
                {"origin": "AWS_CLOUDHSM"},
                "keys in a custom key store do not support automatic rotation",
            ),
        }
        for case, (fields, annotation) in cases.items():
            with self.subTest(case):
                key = kms_key_ci(rotation=False, **fields)
                self.assertEqual(verdicts(evaluate(RULE, key)), [("NOT_APPLICABLE", annotation)])

    def test_older_ci_with_only_customer_master_key_spec_is_read(self):
        key = kms_key_ci(rotation=False, customerMasterKeySpec="ECC_NIST_P256")
        del key["configuration"]["keySpec"]
        self.assertEqual(
            verdicts(evaluate(RULE, key)),
            [("NOT_APPLICABLE", "ECC_NIST_P256 keys do not support automatic rotation")],
        )

    def test_deleted_key_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, kms_key_ci(status="ResourceDeleted"))),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        for fmt, key in both_formats(kms_key_ci()):
            with self.subTest(fmt):
                key["configuration"] = '{"keyManager": '
                self.assertEqual(
                    verdicts(evaluate(RULE, key)),
                    [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.keyManager")],
                )

    def test_remediation_is_the_aws_runbook_on_the_key_id(self):
        remediation = RULE.spec.remediation
        self.assertEqual(
            (remediation.document, remediation.resource_parameter, remediation.aws_owned),
            ("AWSConfigRemediation-EnableKeyRotation", "KeyId", True),
        )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'rotationPeriodInDays'"):
            RULE.evaluate_parameters({"rotationPeriodInDays": "365"})


if __name__ == "__main__":
    unittest.main()
