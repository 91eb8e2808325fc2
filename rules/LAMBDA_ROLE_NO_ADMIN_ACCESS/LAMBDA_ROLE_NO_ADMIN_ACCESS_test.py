import unittest

import LAMBDA_ROLE_NO_ADMIN_ACCESS as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import (
    ADMIN_ARN,
    BASIC_ARN,
    LOGS_POLICY,
    document,
    policy_arn,
    policy_ci,
    role_ci,
    role_reader,
)

RULE = module.LAMBDA_ROLE_NO_ADMIN_ACCESS()
ROLE = "orders-api-role"
STAR = document({"Effect": "Allow", "Action": "*", "Resource": "*"})


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


class NoAdminAccessTest(unittest.TestCase):
    def test_least_privilege_role_is_compliant(self):
        role = role_ci(ROLE, inline={"logs": LOGS_POLICY}, managed=[BASIC_ARN])
        self.assertEqual(judge(role), [("COMPLIANT", f"execution role {ROLE} grants no admin access")])

    def test_inline_star_is_non_compliant(self):
        self.assertEqual(
            judge(role_ci(ROLE, inline={"everything": STAR})),
            [("NON_COMPLIANT", f"execution role {ROLE} grants admin access: * via everything/#0")],
        )

    def test_administrator_access_attached_is_non_compliant(self):
        self.assertEqual(
            judge(role_ci(ROLE, managed=[ADMIN_ARN])),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} grants admin access: AdministratorAccess via AdministratorAccess",
                )
            ],
        )

    def test_customer_managed_service_wildcard_is_non_compliant(self):
        iam_ops = document({"Sid": "IamOps", "Effect": "Allow", "Action": ["IAM:*", "s3:GetObject"], "Resource": "*"})
        role = role_ci(ROLE, managed=[policy_arn("iam-ops")])
        self.assertEqual(
            judge(role, policy_ci("iam-ops", iam_ops)),
            [("NON_COMPLIANT", f"execution role {ROLE} grants admin access: iam:* via iam-ops/IamOps")],
        )

    def test_condition_scoped_admin_is_reported_as_scoped(self):
        scoped = document(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        )
        self.assertEqual(
            judge(role_ci(ROLE, inline={"mfa": scoped})),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} grants admin access: * via mfa/#0 "
                    "(condition-scoped: aws:multifactorauthpresent)",
                )
            ],
        )

    def test_explicit_deny_and_boundary_take_admin_away(self):
        denied = document(
            {"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*"}
        )
        self.assertEqual(judge(role_ci(ROLE, inline={"x": denied}))[0][0], "COMPLIANT")
        capped = role_ci(ROLE, inline={"everything": STAR}, boundary=policy_arn("boundary"))
        self.assertEqual(judge(capped, policy_ci("boundary", LOGS_POLICY))[0][0], "COMPLIANT")

    def test_unreadable_policy_cannot_be_evaluated(self):
        role = role_ci(ROLE, inline={"broken": '{"Statement": ['})
        self.assertEqual(
            judge(role),
            [
                (
                    "NON_COMPLIANT",
                    f"cannot evaluate: execution role {ROLE}: policy broken is unreadable "
                    "(policy document is not valid JSON (plain or URL-encoded))",
                )
            ],
        )

    def test_function_without_role_cannot_be_evaluated(self):
        ci = lambda_ci()
        del ci["configuration"]["role"]
        self.assertEqual(
            verdicts(evaluate(RULE, ci, aws=role_reader())),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.role")],
        )

    def test_deleted_function_is_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeleted"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_role_missing_from_config_is_read_from_iam_and_missing_everywhere_is_not_applicable(self):
        import json

        with roles.moto_iam() as factory:
            iam = factory.build_client("iam")
            iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(document()))
            iam.put_role_policy(RoleName=ROLE, PolicyName="everything", PolicyDocument=json.dumps(STAR))
            self.assertEqual(
                verdicts(evaluate(RULE, lambda_ci(), aws=role_reader(factory=factory))),
                [("NON_COMPLIANT", f"execution role {ROLE} grants admin access: * via everything/#0")],
            )
            self.assertEqual(
                verdicts(evaluate(RULE, lambda_ci("gone"), aws=role_reader(factory=factory))),
                [("NOT_APPLICABLE", "execution role gone-role does not exist")],
            )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'services'"):
            RULE.evaluate_parameters({"services": "iam"})

    def test_boundary_caps_administrator_access_attached_by_name(self):
        boundary = policy_ci("lambda-boundary", LOGS_POLICY)
        role = role_ci(ROLE, managed=[ADMIN_ARN], boundary=policy_arn("lambda-boundary"))
        self.assertEqual(judge(role, boundary), [("COMPLIANT", f"execution role {ROLE} grants no admin access")])
        loose = policy_ci("lambda-boundary", document({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}))
        self.assertEqual(
            judge(role, loose),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} grants admin access: AdministratorAccess via AdministratorAccess",
                )
            ],
        )

    def test_service_wildcard_on_every_table_arn_is_admin(self):
        tables = document({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:*:table/*"})
        self.assertEqual(
            judge(role_ci(ROLE, inline={"t": tables})),
            [("NON_COMPLIANT", f"execution role {ROLE} grants admin access: dynamodb:* via t/#0")],
        )
        one = document({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:*:table/orders"})
        self.assertEqual(judge(role_ci(ROLE, inline={"t": one}))[0][0], "COMPLIANT")


if __name__ == "__main__":
    unittest.main()
