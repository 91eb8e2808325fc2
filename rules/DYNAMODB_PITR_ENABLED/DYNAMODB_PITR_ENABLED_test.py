import unittest

import DYNAMODB_PITR_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate, verdicts
from lambda_compliance.testing.data_stores import StubbedServices, table_ci

RULE = module.DYNAMODB_PITR_ENABLED()


def backups(status):
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
        }
    }


class PitrEnabledTest(unittest.TestCase):
    def test_pitr_enabled_is_compliant(self):
        for fmt, table in both_formats(table_ci(pitr="ENABLED")):
            with self.subTest(fmt):
                self.assertEqual(verdicts(evaluate(RULE, table)), [("COMPLIANT", "point-in-time recovery is enabled")])

    def test_pitr_disabled_is_non_compliant(self):
        for fmt, table in both_formats(table_ci(pitr="DISABLED")):
            with self.subTest(fmt):
                self.assertEqual(
                    verdicts(evaluate(RULE, table)),
                    [("NON_COMPLIANT", "point-in-time recovery is DISABLED; enable it")],
                )

    def test_unrecorded_pitr_is_read_from_dynamodb(self):
        dynamodb = StubbedServices().add(
            "dynamodb", "describe_continuous_backups", backups("DISABLED"), {"TableName": "ledger"}
        )
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(pitr=None), aws=dynamodb.reader())),
            [("NON_COMPLIANT", "point-in-time recovery is DISABLED; enable it")],
        )
        dynamodb.assert_done()

    def test_unrecorded_pitr_of_a_vanished_table_is_not_applicable(self):
        dynamodb = StubbedServices().add_error("dynamodb", "describe_continuous_backups", "TableNotFoundException", 400)
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(pitr=None), aws=dynamodb.reader())),
            [("NOT_APPLICABLE", "table no longer exists")],
        )

    def test_deleted_table_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, table_ci(status="ResourceDeletedNotRecorded"))),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        table = table_ci()
        table["configuration"] = ["not", "an", "object"]
        self.assertEqual(
            verdicts(evaluate(RULE, table)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.tableName")],
        )

    def test_invalid_table_name_cannot_be_evaluated_and_calls_nothing(self):
        for name in ("", "ab", "bad name!"):
            with self.subTest(name=name):
                table = table_ci(pitr=None)
                table["configuration"]["tableName"] = name
                self.assertEqual(
                    verdicts(evaluate(RULE, table)),
                    [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.tableName")],
                )

    def test_remediation_is_the_aws_runbook_on_the_table_name(self):
        remediation = RULE.spec.remediation
        self.assertEqual(
            (remediation.document, remediation.resource_parameter, remediation.aws_owned),
            ("AWSConfigRemediation-EnablePITRForDynamoDbTable", "TableName", True),
        )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'recoveryPeriodInDays'"):
            RULE.evaluate_parameters({"recoveryPeriodInDays": "35"})


if __name__ == "__main__":
    unittest.main()
