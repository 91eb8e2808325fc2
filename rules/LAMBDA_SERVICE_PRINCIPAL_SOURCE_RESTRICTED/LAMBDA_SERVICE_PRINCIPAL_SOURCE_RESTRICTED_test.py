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
BUCKET_AND_ACCOUNT = {**BUCKET, "StringEquals": {"aws:SourceAccount": "123456789012"}}
SNS = {"Service": "sns.amazonaws.com"}
ALEXA = {"Service": "alexa-appkit.amazonaws.com"}
SKILL = {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.0f3c6a7e-5d1b-4c9e-8a2f-1b2c3d4e5f60"}}


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
        topic = {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}
        self.check(
            with_policy(permission("Sns", SNS, condition=topic), permission("S3", S3, condition=BUCKET_AND_ACCOUNT)),
            [("COMPLIANT", "2 service permission(s) restricted to their source")],
        )

    def test_s3_bucket_arn_without_source_account_is_non_compliant(self):
        self.check(
            with_policy(permission("S3", S3, condition=BUCKET)),
            [("NON_COMPLIANT", "statement S3 lets s3.amazonaws.com invoke the function without aws:SourceAccount")],
        )

    def test_wildcard_account_in_source_arn_does_not_restrict(self):
        topic = {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:*:alerts"}}
        self.check(
            with_policy(permission("Sns", SNS, condition=topic)),
            [
                (
                    "NON_COMPLIANT",
                    "statement Sns lets sns.amazonaws.com invoke the function "
                    "without aws:SourceArn or aws:SourceAccount",
                )
            ],
        )

    def test_alexa_skill_is_restricted_by_its_event_source_token(self):
        self.check(
            with_policy(permission("Skill", ALEXA, condition=SKILL)),
            [("COMPLIANT", "1 service permission(s) restricted to their source")],
        )
        self.check(
            with_policy(permission("Skill", ALEXA), permission("Sns", SNS)),
            [
                (
                    "NON_COMPLIANT",
                    "statement Skill, Sns lets alexa-appkit.amazonaws.com invoke the function without "
                    "lambda:EventSourceToken; sns.amazonaws.com without aws:SourceArn or aws:SourceAccount",
                )
            ],
        )

    def test_source_account_restricts(self):
        account = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
        self.check(
            with_policy(permission("Events", {"Service": "events.amazonaws.com"}, condition=account)),
            [("COMPLIANT", "1 service permission(s) restricted to their source")],
        )

    def test_unrestricted_service_grant_is_non_compliant(self):
        self.check(
            with_policy(permission("S3Invoke", S3), permission("Ok", S3, condition=BUCKET_AND_ACCOUNT)),
            [
                (
                    "NON_COMPLIANT",
                    "statement S3Invoke lets s3.amazonaws.com invoke the function without aws:SourceAccount",
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
