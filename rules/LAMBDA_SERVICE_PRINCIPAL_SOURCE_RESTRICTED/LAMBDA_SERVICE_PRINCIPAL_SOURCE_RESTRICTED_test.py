import unittest

import LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    RuleTestCase,
    evaluate,
    lambda_ci,
    permission,
    resource_policy,
    verdicts,
)

RULE = module.LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED()
S3 = {"Service": "s3.amazonaws.com"}
BUCKET = {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::invoices-inbox"}}


def with_policy(*statements):
    return lambda_ci(supplementary={"Policy": resource_policy(*statements)})


class ServicePrincipalSourceRestrictedTest(RuleTestCase):
    def test_no_service_grant_is_not_applicable(self):
        self.check(
            with_policy(permission("Partner", {"AWS": "arn:aws:iam::210987654321:root"})),
            [("NOT_APPLICABLE", "no permission for an AWS service principal")],
        )
        self.check(lambda_ci(), [("NOT_APPLICABLE", "no permission for an AWS service principal")])

    def test_source_arn_restricts(self):
        self.check(
            with_policy(permission("S3", S3, condition=BUCKET)),
            [("COMPLIANT", "1 service permission(s) restricted to their source")],
        )

    def test_source_account_restricts(self):
        account = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
        self.check(
            with_policy(permission("Events", {"Service": "events.amazonaws.com"}, condition=account)),
            [("COMPLIANT", "1 service permission(s) restricted to their source")],
        )

    def test_unrestricted_service_grant_is_non_compliant(self):
        self.check(
            with_policy(permission("S3Invoke", S3), permission("Ok", S3, condition=BUCKET)),
            [
                (
                    "NON_COMPLIANT",
                    "statement S3Invoke lets s3.amazonaws.com invoke the function "
                    "without aws:SourceArn or aws:SourceAccount",
                )
            ],
        )

    def test_wildcard_source_arn_does_not_restrict(self):
        anything = {"ArnLike": {"aws:SourceArn": "*"}}
        [(compliance, _)] = verdicts(evaluate(RULE, with_policy(permission("S3", S3, condition=anything))))
        self.assertEqual(compliance, "NON_COMPLIANT")

    def test_unreadable_policy(self):
        [(compliance, annotation)] = verdicts(evaluate(RULE, lambda_ci(supplementary={"Policy": "[1, 2"})))
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertIn("cannot evaluate", annotation)

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter"):
            RULE.evaluate_parameters({"services": "s3"})


if __name__ == "__main__":
    unittest.main()
