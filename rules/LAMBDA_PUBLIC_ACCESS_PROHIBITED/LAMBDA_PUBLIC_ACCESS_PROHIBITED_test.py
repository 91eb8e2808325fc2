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


if __name__ == "__main__":
    unittest.main()
