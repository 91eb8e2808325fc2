import unittest

import INSPECTOR_LAMBDA_SCANNING_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.domain.account.threat_detection import InspectorStatusUnavailable
from lambda_compliance.testing import ACCOUNT, evaluate_periodic
from lambda_compliance.testing.data_stores import StubbedServices, account_verdicts, inspector_account

RULE = module.INSPECTOR_LAMBDA_SCANNING_ENABLED()


def scan(response, params=None):
    inspector = StubbedServices().add("inspector2", "batch_get_account_status", response, {"accountIds": [ACCOUNT]})
    evaluations = evaluate_periodic(RULE, inspector.reader(), params)
    inspector.assert_done()
    return account_verdicts(evaluations)


def on_account(compliance, annotation):
    return [("AWS::::Account", ACCOUNT, compliance, annotation)]


class InspectorLambdaScanningTest(unittest.TestCase):
    def test_standard_and_code_scanning_is_compliant(self):
        self.assertEqual(
            scan(inspector_account()),
            on_account("COMPLIANT", "Amazon Inspector scans Lambda functions (standard and code scanning)"),
        )

    def test_code_scanning_off_is_non_compliant(self):
        self.assertEqual(
            scan(inspector_account(code="DISABLED")),
            on_account(
                "NON_COMPLIANT", "Amazon Inspector Lambda standard scanning is on but code scanning is DISABLED"
            ),
        )

    def test_code_scanning_off_is_compliant_when_not_required(self):
        self.assertEqual(
            scan(inspector_account(code="DISABLED"), {"requireCodeScanning": "false"}),
            on_account("COMPLIANT", "Amazon Inspector scans Lambda functions (standard scanning)"),
        )

    def test_standard_scanning_off_is_non_compliant(self):
        self.assertEqual(
            scan(inspector_account(standard="DISABLED", code="DISABLED")),
            on_account("NON_COMPLIANT", "Amazon Inspector Lambda standard scanning is DISABLED"),
        )

    def test_never_enabled_account_stubbed_because_moto_lacks_disabled_account_status(self):
        # AWS answers for an account that never enabled Inspector with DISABLED states; moto lists no account.
        self.assertEqual(
            scan(inspector_account(standard="DISABLED", code="DISABLED", account="DISABLED")),
            on_account("NON_COMPLIANT", "Amazon Inspector Lambda standard scanning is DISABLED"),
        )

    def test_account_missing_from_the_answer_is_disabled(self):
        self.assertEqual(
            scan({"accounts": [], "failedAccounts": []}),
            on_account("NON_COMPLIANT", "Amazon Inspector Lambda standard scanning is DISABLED"),
        )

    def test_failed_account_is_an_error_not_a_verdict(self):
        failed = {
            "accounts": [],
            "failedAccounts": [{"accountId": ACCOUNT, "errorCode": "ACCESS_DENIED", "errorMessage": "denied"}],
        }
        inspector = StubbedServices().add("inspector2", "batch_get_account_status", failed, {"accountIds": [ACCOUNT]})
        with self.assertRaisesRegex(InspectorStatusUnavailable, "^Inspector status unavailable: ACCESS_DENIED$"):
            evaluate_periodic(RULE, inspector.reader())

    def test_bad_require_code_scanning_is_rejected_naming_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'requireCodeScanning' must be true or false"):
            RULE.evaluate_parameters({"requireCodeScanning": "sometimes"})

    def test_remediation_targets_the_account(self):
        remediation = RULE.spec.remediation
        self.assertEqual(
            (remediation.document, remediation.resource_parameter),
            ("LambdaCompliance-EnableInspectorLambdaScanning", "AccountId"),
        )


if __name__ == "__main__":
    unittest.main()
