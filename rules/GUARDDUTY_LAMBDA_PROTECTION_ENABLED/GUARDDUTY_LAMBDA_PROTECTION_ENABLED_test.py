import unittest

import GUARDDUTY_LAMBDA_PROTECTION_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import ACCOUNT, evaluate_periodic
from lambda_compliance.testing.data_stores import StubbedServices, account_verdicts, detector

RULE = module.GUARDDUTY_LAMBDA_PROTECTION_ENABLED()
DETECTOR = "6ab9f1a2c3d4e5f60718293a4b5c6d7e"


def scan(*detectors):
    guardduty = StubbedServices().add(
        "guardduty", "list_detectors", {"DetectorIds": [DETECTOR] if detectors else []}, {}
    )
    for response in detectors:
        guardduty.add("guardduty", "get_detector", response, {"DetectorId": DETECTOR})
    evaluations = evaluate_periodic(RULE, guardduty.reader())
    guardduty.assert_done()
    return account_verdicts(evaluations)


def on_account(compliance, annotation):
    return [("AWS::::Account", ACCOUNT, compliance, annotation)]


class GuardDutyLambdaProtectionTest(unittest.TestCase):
    def test_lambda_protection_enabled_is_compliant(self):
        self.assertEqual(
            scan(detector()),
            on_account("COMPLIANT", f"GuardDuty Lambda Protection is enabled on detector {DETECTOR}"),
        )

    def test_lambda_protection_disabled_is_non_compliant(self):
        self.assertEqual(
            scan(detector(lambda_protection="DISABLED")),
            on_account(
                "NON_COMPLIANT",
                f"GuardDuty Lambda Protection (LAMBDA_NETWORK_LOGS) is DISABLED on detector {DETECTOR}",
            ),
        )

    def test_detector_without_the_feature_is_non_compliant(self):
        self.assertEqual(
            scan(detector(lambda_protection=None)),
            on_account(
                "NON_COMPLIANT",
                f"GuardDuty Lambda Protection (LAMBDA_NETWORK_LOGS) is NOT_CONFIGURED on detector {DETECTOR}",
            ),
        )

    def test_suspended_detector_is_non_compliant(self):
        self.assertEqual(
            scan(detector(status="DISABLED")),
            on_account("NON_COMPLIANT", f"GuardDuty detector {DETECTOR} is suspended (DISABLED)"),
        )

    def test_no_detector_is_non_compliant(self):
        self.assertEqual(scan(), on_account("NON_COMPLIANT", "GuardDuty is not enabled in us-east-1 (no detector)"))

    def test_remediation_targets_the_account(self):
        remediation = RULE.spec.remediation
        self.assertEqual(
            (remediation.document, remediation.resource_parameter),
            ("LambdaCompliance-EnableGuardDutyLambdaProtection", "AccountId"),
        )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'detectorId'"):
            RULE.evaluate_parameters({"detectorId": DETECTOR})


if __name__ == "__main__":
    unittest.main()
