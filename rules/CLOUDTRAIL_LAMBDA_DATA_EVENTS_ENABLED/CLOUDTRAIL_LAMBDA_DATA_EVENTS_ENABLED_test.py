import unittest

import CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import ACCOUNT, evaluate_periodic
from lambda_compliance.testing.data_stores import (
    ALL_FUNCTIONS_BASIC,
    MANAGEMENT_ONLY,
    StubbedServices,
    account_verdicts,
    lambda_advanced,
    trail,
    trail_arn,
    trail_status,
)

RULE = module.CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED()
PREFIX = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:"


def scan(*trails):
    """trails: (DescribeTrails entry, GetEventSelectors body, logging) triples."""
    cloudtrail = StubbedServices().add(
        "cloudtrail", "describe_trails", {"trailList": [t for t, _, _ in trails]}, {"includeShadowTrails": True}
    )
    for entry, selectors, logging in trails:
        arn = entry["TrailARN"]
        cloudtrail.add("cloudtrail", "get_event_selectors", {"TrailARN": arn, **selectors}, {"TrailName": arn})
        cloudtrail.add("cloudtrail", "get_trail_status", trail_status(logging), {"Name": arn})
    evaluations = evaluate_periodic(RULE, cloudtrail.reader())
    cloudtrail.assert_done()
    return account_verdicts(evaluations)


def on_account(compliance, annotation):
    return [("AWS::::Account", ACCOUNT, compliance, annotation)]


class CloudTrailLambdaDataEventsTest(unittest.TestCase):
    def test_basic_selectors_for_every_function_are_compliant(self):
        self.assertEqual(
            scan((trail(), {"EventSelectors": ALL_FUNCTIONS_BASIC}, True)),
            on_account(
                "COMPLIANT",
                "trail org-audit logs Lambda data events for all functions (multi-region, log file validation on)",
            ),
        )

    def test_advanced_selectors_for_every_function_are_compliant(self):
        selectors = lambda_advanced(
            {"Field": "readOnly", "Equals": ["false"]},
            {"Field": "resources.ARN", "StartsWith": [PREFIX]},
        )
        self.assertEqual(
            scan(
                (trail("a-management"), {"EventSelectors": MANAGEMENT_ONLY}, True),
                (trail("b-lambda"), {"AdvancedEventSelectors": selectors}, True),
            ),
            on_account(
                "COMPLIANT",
                "trail b-lambda logs Lambda data events for all functions (multi-region, log file validation on)",
            ),
        )

    def test_trail_homed_in_another_region_counts(self):
        self.assertEqual(
            scan((trail("org-audit", home="eu-west-1"), {"EventSelectors": ALL_FUNCTIONS_BASIC}, True)),
            on_account(
                "COMPLIANT",
                "trail org-audit logs Lambda data events for all functions (multi-region, log file validation on)",
            ),
        )

    def test_single_region_trail_is_non_compliant(self):
        self.assertEqual(
            scan((trail(multi_region=False), {"EventSelectors": ALL_FUNCTIONS_BASIC}, True)),
            on_account("NON_COMPLIANT", "trail org-audit logs Lambda data events but is single-region"),
        )

    def test_stopped_trail_without_validation_is_non_compliant_naming_both_gaps(self):
        self.assertEqual(
            scan((trail(validation=False), {"EventSelectors": ALL_FUNCTIONS_BASIC}, False)),
            on_account(
                "NON_COMPLIANT",
                "trail org-audit logs Lambda data events but is not logging and has log file validation off",
            ),
        )

    def test_the_trail_with_fewest_gaps_is_named(self):
        self.assertEqual(
            scan(
                (trail("a", multi_region=False, validation=False), {"EventSelectors": ALL_FUNCTIONS_BASIC}, True),
                (trail("b", validation=False), {"EventSelectors": ALL_FUNCTIONS_BASIC}, True),
            ),
            on_account("NON_COMPLIANT", "trail b logs Lambda data events but has log file validation off"),
        )

    def test_selectors_for_some_functions_are_non_compliant(self):
        partial_cases = {
            "basic, one function": {
                "EventSelectors": [
                    {
                        "ReadWriteType": "All",
                        "IncludeManagementEvents": True,
                        "DataResources": [{"Type": "AWS::Lambda::Function", "Values": [PREFIX + "checkout-api"]}],
                    }
                ]
            },
            "advanced, one function": {
                "AdvancedEventSelectors": lambda_advanced(
                    {"Field": "resources.ARN", "Equals": [PREFIX + "checkout-api"]}
                )
            },
            "advanced, one excluded": {
                "AdvancedEventSelectors": lambda_advanced(
                    {"Field": "resources.ARN", "NotStartsWith": [PREFIX + "internal-"]}
                )
            },
            "advanced, one caller": {
                "AdvancedEventSelectors": lambda_advanced(
                    {"Field": "userIdentity.arn", "StartsWith": [f"arn:aws:sts::{ACCOUNT}:assumed-role/ci"]}
                )
            },
        }
        for case, selectors in partial_cases.items():
            with self.subTest(case):
                self.assertEqual(
                    scan((trail(), selectors, True)),
                    on_account(
                        "NON_COMPLIANT",
                        "trail org-audit logs Lambda data events for some functions only; log Invoke for all functions",
                    ),
                )

    def test_selectors_that_miss_invoke_do_not_count(self):
        missing_cases = {
            "management only": {"EventSelectors": MANAGEMENT_ONLY},
            "basic read-only": {
                "EventSelectors": [
                    {
                        "ReadWriteType": "ReadOnly",
                        "IncludeManagementEvents": True,
                        "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
                    }
                ]
            },
            "advanced read-only": {
                "AdvancedEventSelectors": lambda_advanced({"Field": "readOnly", "Equals": ["true"]})
            },
            "advanced other event": {
                "AdvancedEventSelectors": lambda_advanced({"Field": "eventName", "NotEquals": ["Invoke"]})
            },
            "advanced S3 only": {
                "AdvancedEventSelectors": [
                    {
                        "Name": "S3",
                        "FieldSelectors": [
                            {"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        ],
                    }
                ]
            },
        }
        for case, selectors in missing_cases.items():
            with self.subTest(case):
                self.assertEqual(
                    scan((trail(), selectors, True)),
                    on_account("NON_COMPLIANT", "no trail logs Lambda data events (trails: org-audit)"),
                )

    def test_no_trail_is_non_compliant(self):
        self.assertEqual(scan(), on_account("NON_COMPLIANT", "no CloudTrail trail exists; create a multi-region trail"))

    def test_trail_deleted_while_reading_is_skipped(self):
        arn = trail_arn("gone")
        cloudtrail = (
            StubbedServices()
            .add("cloudtrail", "describe_trails", {"trailList": [trail("gone")]}, {"includeShadowTrails": True})
            .add_error("cloudtrail", "get_event_selectors", "TrailNotFoundException", 404)
            .add("cloudtrail", "get_trail_status", trail_status(), {"Name": arn})
        )
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, cloudtrail.reader())),
            on_account("NON_COMPLIANT", "no CloudTrail trail exists; create a multi-region trail"),
        )

    def test_remediation_targets_the_account_and_leaves_the_trail_to_the_document(self):
        remediation = RULE.spec.remediation
        self.assertEqual(
            (remediation.document, remediation.resource_parameter, dict(remediation.parameters)),
            ("LambdaCompliance-EnableCloudTrailLambdaDataEvents", "AccountId", {}),
        )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'trailName'"):
            RULE.evaluate_parameters({"trailName": "org-audit"})


if __name__ == "__main__":
    unittest.main()
