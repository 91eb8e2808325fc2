import unittest

import LAMBDA_PUBLIC_ACCESS_PROHIBITED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    RuleTestCase,
    evaluate,
    lambda_ci,
    permission,
    resource_policy,
    verdicts,
)

RULE = module.LAMBDA_PUBLIC_ACCESS_PROHIBITED()
ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}


def with_policy(*statements):
    return lambda_ci(supplementary={"Policy": resource_policy(*statements)})


class PublicAccessProhibitedTest(RuleTestCase):
    def test_no_policy_is_compliant(self):
        self.check(lambda_ci(), [("COMPLIANT", "no resource policy")])

    def test_account_and_service_principals_are_compliant(self):
        self.check(
            with_policy(
                permission("Partner", {"AWS": "arn:aws:iam::210987654321:root"}),
                permission("Sns", {"Service": "sns.amazonaws.com"}),
            ),
            [("COMPLIANT", "none of 2 resource policy statements is public")],
        )

    def test_wildcard_principal_is_non_compliant(self):
        self.check(
            with_policy(permission("Anyone", "*")),
            [("NON_COMPLIANT", "resource policy statement Anyone allows anyone to invoke the function")],
        )

    def test_aws_wildcard_principal_is_non_compliant(self):
        self.check(
            with_policy(permission("A", {"AWS": "*"}), permission("B", "*")),
            [("NON_COMPLIANT", "resource policy statements A, B allow anyone to invoke the function")],
        )

    def test_org_restricted_wildcard_is_compliant(self):
        self.check(
            with_policy(permission("Org", "*", condition=ORG)),
            [("COMPLIANT", "none of 1 resource policy statements is public")],
        )

    def test_if_exists_condition_does_not_restrict(self):
        loose = {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}
        self.check(
            with_policy(permission("Loose", "*", condition=loose)),
            [("NON_COMPLIANT", "resource policy statement Loose allows anyone to invoke the function")],
        )

    def test_deny_for_everyone_negates_the_grant(self):
        self.check(
            with_policy(permission("Anyone", "*"), permission("DenyAll", "*", effect="Deny")),
            [("COMPLIANT", "none of 2 resource policy statements is public")],
        )

    def test_unreadable_policy_cannot_be_evaluated(self):
        [(compliance, annotation)] = verdicts(evaluate(RULE, lambda_ci(supplementary={"Policy": "{broken"})))
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertTrue(annotation.startswith("cannot evaluate: resource policy is unreadable"))

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'strict'"):
            RULE.evaluate_parameters({"strict": "true"})

    def test_wildcards_in_the_caller_identity_do_not_restrict(self):
        for condition in (
            {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:*:abc123/*"}},
            {"StringLike": {"aws:SourceAccount": "1234*"}},
            {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
            {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
            {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::invoices-*"}},
        ):
            with self.subTest(condition=condition):
                self.check(
                    with_policy(permission("Loose", "*", condition=condition)),
                    [("NON_COMPLIANT", "resource policy statement Loose allows anyone to invoke the function")],
                )

    def test_concrete_account_in_source_arn_restricts(self):
        api = {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:*"}}
        self.check(
            with_policy(permission("Api", "*", condition=api)),
            [("COMPLIANT", "none of 1 resource policy statements is public")],
        )

    def test_s3_bucket_without_source_account_is_public_as_aws_judges_it(self):
        bucket = {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::invoices-inbox"}}
        self.check(
            with_policy(permission("S3", {"Service": "s3.amazonaws.com"}, condition=bucket)),
            [
                (
                    "NON_COMPLIANT",
                    "resource policy statement S3 lets any account's S3 bucket invoke it (add aws:SourceAccount)",
                )
            ],
        )
        pinned = {**bucket, "StringEquals": {"aws:SourceAccount": "123456789012"}}
        self.check(
            with_policy(permission("S3", {"Service": "s3.amazonaws.com"}, condition=pinned)),
            [("COMPLIANT", "none of 1 resource policy statements is public")],
        )

    def test_public_and_s3_findings_are_both_named(self):
        self.check(
            with_policy(permission("Anyone", "*"), permission("S3", {"Service": "s3.amazonaws.com"})),
            [
                (
                    "NON_COMPLIANT",
                    "resource policy statement Anyone allows anyone to invoke the function; "
                    "statement S3 lets any account's S3 bucket invoke it (add aws:SourceAccount)",
                )
            ],
        )


if __name__ == "__main__":
    unittest.main()
