import os
import unittest
from datetime import UTC, datetime
from unittest import mock

import INSPECTOR_LAMBDA_SCANNING_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.domain.account.threat_detection import InspectorStatusUnavailable
from lambda_compliance.testing import ACCOUNT, evaluate_periodic
from lambda_compliance.testing.data_stores import (
    StubbedServices,
    account_verdicts,
    inspector_account,
    inspector_finding,
)

RULE = module.INSPECTOR_LAMBDA_SCANNING_ENABLED()
TODAY = "2026-11-29"
# 30 days before TODAY, midnight UTC: findings first observed at or before it are overdue.
CUTOFF_30 = datetime(2026, 10, 30, tzinfo=UTC)


def criteria(cutoff):
    def equals(value):
        return [{"comparison": "EQUALS", "value": value}]

    return {
        "awsAccountId": equals(ACCOUNT),
        "findingStatus": equals("ACTIVE"),
        "severity": equals("CRITICAL"),
        "resourceType": equals("AWS_LAMBDA_FUNCTION"),
        "firstObservedAt": [{"endInclusive": cutoff}],
    }


@mock.patch.dict(os.environ, {"LAMBDA_COMPLIANCE_TODAY": TODAY})
def scan(response, params=None, findings=None, cutoff=CUTOFF_30):
    inspector = StubbedServices().add("inspector2", "batch_get_account_status", response, {"accountIds": [ACCOUNT]})
    if findings is not None:
        inspector.add("inspector2", "list_findings", {"findings": findings}, {"filterCriteria": criteria(cutoff)})
    evaluations = evaluate_periodic(RULE, inspector.reader(), params)
    inspector.assert_done()
    return account_verdicts(evaluations)


def on_account(compliance, annotation):
    return [("AWS::::Account", ACCOUNT, compliance, annotation)]


class InspectorLambdaScanningTest(unittest.TestCase):
    def test_standard_and_code_scanning_is_compliant(self):
        self.assertEqual(
            scan(inspector_account(), findings=[]),
            on_account(
                "COMPLIANT",
                "Amazon Inspector scans Lambda functions (standard and code scanning); "
                "no critical finding open over 30 days",
            ),
        )

    def test_finding_age_not_checked_when_zero_makes_no_list_findings_call(self):
        self.assertEqual(
            scan(inspector_account(), {"maxCriticalFindingAgeDays": "0"}),
            on_account("COMPLIANT", "Amazon Inspector scans Lambda functions (standard and code scanning)"),
        )

    def test_overdue_critical_finding_stubbed_because_moto_ignores_list_findings_filters(self):
        # moto answers ListFindings from a queue and ignores filterCriteria; the Stubber checks the
        # request's filter shape and answers with the API's Finding shape.
        old = inspector_finding("orders", datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
        self.assertEqual(
            scan(inspector_account(), findings=[old]),
            on_account(
                "NON_COMPLIANT",
                "1 critical Inspector findings on functions open over 30 days: "
                "orders: CVE-2024-0001 - requests (since 2026-09-01)",
            ),
        )

    def test_finding_age_table_positives_and_hard_negatives(self):
        at_cutoff = inspector_finding("edge", CUTOFF_30)
        old = datetime(2026, 1, 1, tzinfo=UTC)
        cases = [
            ("exactly at the cut-off is overdue", [at_cutoff], "NON_COMPLIANT"),
            ("a day younger is not", [inspector_finding("young", datetime(2026, 10, 31, tzinfo=UTC))], "COMPLIANT"),
            ("closed", [inspector_finding("a", old, status="CLOSED")], "COMPLIANT"),
            ("suppressed", [inspector_finding("a", old, status="SUPPRESSED")], "COMPLIANT"),
            ("high, not critical", [inspector_finding("a", old, severity="HIGH")], "COMPLIANT"),
            ("on an ECR image", [inspector_finding("a", old, resource_type="AWS_ECR_CONTAINER_IMAGE")], "COMPLIANT"),
            ("none", [], "COMPLIANT"),
        ]
        for name, findings, expected in cases:
            with self.subTest(name):
                [(_, _, compliance, _)] = scan(inspector_account(), findings=findings)
                self.assertEqual(compliance, expected)

    def test_many_overdue_findings_are_counted_and_the_oldest_named(self):
        findings = [inspector_finding(f"fn{i}", datetime(2026, 8, i + 1, tzinfo=UTC)) for i in range(5)]
        [(_, _, compliance, annotation)] = scan(inspector_account(), findings=list(reversed(findings)))
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertTrue(annotation.startswith("5 critical Inspector findings on functions open over 30 days: fn0:"))
        self.assertTrue(annotation.endswith("; +2 more"))

    def test_a_shorter_limit_moves_the_cut_off(self):
        recent = inspector_finding("orders", datetime(2026, 11, 10, tzinfo=UTC))
        [(_, _, compliance, _)] = scan(
            inspector_account(), {"maxCriticalFindingAgeDays": "7"}, [recent], cutoff=datetime(2026, 11, 22, tzinfo=UTC)
        )
        self.assertEqual(compliance, "NON_COMPLIANT")

    def test_bad_finding_age_is_rejected_naming_the_parameter(self):
        for bad in ("-1", "366", "month"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "maxCriticalFindingAgeDays"):
                RULE.evaluate_parameters({"maxCriticalFindingAgeDays": bad})

    def test_code_scanning_off_is_non_compliant(self):
        self.assertEqual(
            scan(inspector_account(code="DISABLED")),
            on_account(
                "NON_COMPLIANT", "Amazon Inspector Lambda standard scanning is on but code scanning is DISABLED"
            ),
        )

    def test_code_scanning_off_is_compliant_when_not_required(self):
        self.assertEqual(
            scan(inspector_account(code="DISABLED"), {"requireCodeScanning": "false"}, findings=[]),
            on_account(
                "COMPLIANT",
                "Amazon Inspector scans Lambda functions (standard scanning); no critical finding open over 30 days",
            ),
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
