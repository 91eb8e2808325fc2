import unittest

import LAMBDA_ROLE_TRUST_POLICY_RESTRICTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import LAMBDA_TRUST, document, role_ci, role_reader

RULE = module.LAMBDA_ROLE_TRUST_POLICY_RESTRICTED()
ROLE = "orders-api-role"
DEPLOYER = "arn:aws:iam::210987654321:role/deployer"


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


def trust(principal, sid=None, **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}
    if sid:
        statement["Sid"] = sid
    return statement


class TrustPolicyRestrictedTest(unittest.TestCase):
    def test_lambda_only_is_compliant(self):
        self.assertEqual(
            judge(role_ci(ROLE, trust=LAMBDA_TRUST)),
            [("COMPLIANT", f"execution role {ROLE} can be assumed by the Lambda service only")],
        )
        edge = document(trust({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]}))
        self.assertEqual(judge(role_ci(ROLE, trust=edge))[0][0], "COMPLIANT")

    def test_other_account_and_service_are_named(self):
        doc = document(
            trust({"Service": "lambda.amazonaws.com"}),
            trust({"AWS": DEPLOYER, "Service": "ec2.amazonaws.com"}, sid="Deploy"),
        )
        self.assertEqual(
            judge(role_ci(ROLE, trust=doc)),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} can also be assumed by ec2.amazonaws.com (Deploy), {DEPLOYER} (Deploy)",
                )
            ],
        )

    def test_wildcard_and_not_principal(self):
        org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
        self.assertEqual(
            judge(role_ci(ROLE, trust=document(trust("*", Condition=org)))),
            [("NON_COMPLIANT", f"execution role {ROLE} can also be assumed by * (limited by aws:PrincipalOrgID) (#0)")],
        )
        not_principal = document({"Effect": "Allow", "NotPrincipal": {"AWS": DEPLOYER}, "Action": "sts:*"})
        self.assertEqual(
            judge(role_ci(ROLE, trust=not_principal)),
            [("NON_COMPLIANT", f"execution role {ROLE} can also be assumed by everyone except the NotPrincipal (#0)")],
        )

    def test_web_identity_federation(self):
        oidc = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        doc = document(trust({"Federated": oidc}, Action="sts:AssumeRoleWithWebIdentity"))
        doc["Statement"][0]["Action"] = "sts:AssumeRoleWithWebIdentity"
        self.assertEqual(judge(role_ci(ROLE, trust=doc))[0][0], "NON_COMPLIANT")

    def test_allowed_principals(self):
        doc = document(trust({"Service": "lambda.amazonaws.com"}), trust({"AWS": DEPLOYER}))
        self.assertEqual(
            judge(role_ci(ROLE, trust=doc), params={"allowedPrincipals": "arn:aws:iam::210987654321:role/*"})[0][0],
            "COMPLIANT",
        )

    def test_statements_without_assume_actions_are_ignored(self):
        doc = document(trust({"Service": "lambda.amazonaws.com"}), trust({"AWS": DEPLOYER}, Action="sts:TagSession"))
        doc["Statement"][1]["Action"] = "sts:TagSession"
        self.assertEqual(judge(role_ci(ROLE, trust=doc))[0][0], "COMPLIANT")

    def test_unreadable_trust_policy_cannot_be_evaluated(self):
        self.assertEqual(
            judge(role_ci(ROLE, trust="%7B%22Statement")),
            [
                (
                    "NON_COMPLIANT",
                    f"cannot evaluate: execution role {ROLE} trust policy is unreadable "
                    "(policy document is not valid JSON (plain or URL-encoded))",
                )
            ],
        )

    def test_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeleted"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_bad_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'allowedPrincipals' has an invalid value"):
            RULE.evaluate_parameters({"allowedPrincipals": "a b"})

    def test_allowed_account_id_matches_the_root_arn_iam_stores(self):
        stored = document(trust({"Service": "lambda.amazonaws.com"}), trust({"AWS": "arn:aws:iam::210987654321:root"}))
        for allowed in ("210987654321", "arn:aws:iam::210987654321:root"):
            with self.subTest(allowed=allowed):
                self.assertEqual(
                    judge(role_ci(ROLE, trust=stored), params={"allowedPrincipals": allowed}),
                    [("COMPLIANT", f"execution role {ROLE} can be assumed by the Lambda service only")],
                )
        self.assertEqual(
            judge(role_ci(ROLE, trust=stored), params={"allowedPrincipals": "999988887777"}),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} can also be assumed by arn:aws:iam::210987654321:root (#1)",
                )
            ],
        )


if __name__ == "__main__":
    unittest.main()
