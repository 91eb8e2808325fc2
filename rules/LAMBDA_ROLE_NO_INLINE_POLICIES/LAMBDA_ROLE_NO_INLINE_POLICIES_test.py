import unittest

import LAMBDA_ROLE_NO_INLINE_POLICIES as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import BASIC_ARN, LOGS_POLICY, role_ci, role_reader

RULE = module.LAMBDA_ROLE_NO_INLINE_POLICIES()
ROLE = "orders-api-role"


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


class NoInlinePoliciesTest(unittest.TestCase):
    def test_managed_only_is_compliant(self):
        self.assertEqual(
            judge(role_ci(ROLE, managed=[BASIC_ARN])), [("COMPLIANT", f"execution role {ROLE} has no inline policies")]
        )

    def test_inline_policies_are_named(self):
        role = role_ci(ROLE, inline={"logs": LOGS_POLICY, "tables": LOGS_POLICY})
        self.assertEqual(
            judge(role), [("NON_COMPLIANT", f"execution role {ROLE} has inline policies logs, tables; use managed")]
        )

    def test_allowed_inline_policies(self):
        role = role_ci(ROLE, inline={"sam-logs": LOGS_POLICY, "extra": LOGS_POLICY})
        self.assertEqual(
            judge(role, params={"allowInline": "sam-*"}),
            [("NON_COMPLIANT", f"execution role {ROLE} has inline policies extra; use managed")],
        )
        self.assertEqual(
            judge(role, params={"allowInline": "sam-*, extra"}),
            [("COMPLIANT", f"execution role {ROLE} has only allowed inline policies sam-logs, extra")],
        )

    def test_unreadable_inline_document_does_not_matter_here(self):
        self.assertEqual(judge(role_ci(ROLE, inline={"broken": "%7B"}))[0][0], "NON_COMPLIANT")

    def test_many_policies_fit(self):
        role = role_ci(ROLE, inline={f"policy-number-{i:02d}": LOGS_POLICY for i in range(30)})
        (verdict,) = judge(role)
        self.assertLessEqual(len(verdict[1]), 256)
        self.assertIn("more; use managed", verdict[1])

    def test_not_applicable(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeleted"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_bad_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'allowInline' has an invalid value"):
            RULE.evaluate_parameters({"allowInline": "no spaces allowed"})


if __name__ == "__main__":
    unittest.main()
