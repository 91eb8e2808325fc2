import unittest

import LAMBDA_ROLE_PERMISSIONS_BOUNDARY as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import BASIC_ARN, LOGS_POLICY, policy_arn, policy_ci, role_ci, role_reader

RULE = module.LAMBDA_ROLE_PERMISSIONS_BOUNDARY()
ROLE = "orders-api-role"
BOUNDARY = policy_arn("lambda-boundary")


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


class PermissionsBoundaryTest(unittest.TestCase):
    def test_any_boundary_is_compliant_by_default(self):
        role = role_ci(ROLE, managed=[BASIC_ARN], boundary=BOUNDARY)
        self.assertEqual(
            judge(role, policy_ci("lambda-boundary", LOGS_POLICY)),
            [("COMPLIANT", f"execution role {ROLE} has permissions boundary {BOUNDARY}")],
        )

    def test_no_boundary_is_non_compliant(self):
        self.assertEqual(
            judge(role_ci(ROLE, managed=[BASIC_ARN])),
            [("NON_COMPLIANT", f"execution role {ROLE} has no permissions boundary")],
        )

    def test_allowed_boundary_arns(self):
        role = role_ci(ROLE, boundary=BOUNDARY)
        boundary = policy_ci("lambda-boundary", LOGS_POLICY)
        self.assertEqual(
            judge(role, boundary, params={"allowedBoundaryArns": "arn:aws:iam::*:policy/LambdaBoundary"}),
            [("NON_COMPLIANT", f"execution role {ROLE} boundary {BOUNDARY} is not one of allowedBoundaryArns")],
        )
        self.assertEqual(
            judge(role, boundary, params={"allowedBoundaryArns": "arn:aws:iam::*:policy/lambda-boundary"})[0][0],
            "COMPLIANT",
        )

    def test_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeleted"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_bad_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'allowedBoundaryArns' has an invalid value"):
            RULE.evaluate_parameters({"allowedBoundaryArns": "LambdaBoundary"})

    def test_boundary_that_caps_nothing_is_not_approved(self):
        admin = "arn:aws:iam::aws:policy/AdministratorAccess"
        star = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        open_boundary = policy_arn("open-boundary")
        cases = (
            (role_ci(ROLE, boundary=admin), admin),
            (role_ci(ROLE, boundary=open_boundary), open_boundary),
        )
        for role, arn in cases:
            with self.subTest(boundary=arn):
                self.assertEqual(
                    judge(role, policy_ci("open-boundary", star)),
                    [("NON_COMPLIANT", f"execution role {ROLE} boundary {arn} caps nothing (allows * on *)")],
                )
                # A wildcard pattern is not an explicit approval; the exact ARN is.
                self.assertEqual(
                    judge(
                        role,
                        policy_ci("open-boundary", star),
                        params={"allowedBoundaryArns": "arn:aws:iam::*:policy/*"},
                    )[0][0],
                    "NON_COMPLIANT",
                )
                self.assertEqual(
                    judge(role, policy_ci("open-boundary", star), params={"allowedBoundaryArns": arn}),
                    [("COMPLIANT", f"execution role {ROLE} has permissions boundary {arn}")],
                )


if __name__ == "__main__":
    unittest.main()
