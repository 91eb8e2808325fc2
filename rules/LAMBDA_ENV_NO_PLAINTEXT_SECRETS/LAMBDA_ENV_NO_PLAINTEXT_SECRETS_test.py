import unittest

import LAMBDA_ENV_NO_PLAINTEXT_SECRETS as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    both_formats,
    evaluate,
    lambda_ci,
    reader,
    seed_function_configuration,
    verdicts,
)

RULE = module.LAMBDA_ENV_NO_PLAINTEXT_SECRETS()
# Fake values, shaped like credentials only.
FAKE_KEY_ID = "AKIA2T7QXW9RLM4PZK8D"
FAKE_PASSWORD = "h7$Kp2!vQz9#Lm4xWr"


class EnvNoPlaintextSecretsTest(unittest.TestCase):
    def run_rule(self, variables, params=None):
        results = []
        for fmt, ci in both_formats(lambda_ci()):
            with self.subTest(fmt):
                aws = reader()
                seed_function_configuration(aws, "orders-api", variables)
                results.append(verdicts(evaluate(RULE, ci, params, aws=aws)))
        self.assertEqual(results[0], results[1])
        return results[0]

    def assertNoValueLeaks(self, verdict_list, *values):
        for _, annotation in verdict_list:
            for value in values:
                self.assertNotIn(value, annotation)
                self.assertNotIn(value[:8], annotation)

    def test_credentials_are_non_compliant_by_name_never_value(self):
        got = self.run_rule({"AWS_ACCESS_KEY_ID": FAKE_KEY_ID, "DB_PASSWORD": FAKE_PASSWORD, "LOG_LEVEL": "INFO"})
        self.assertEqual(len(got), 1)
        compliance, annotation = got[0]
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertTrue(annotation.startswith("plaintext credentials in AWS_ACCESS_KEY_ID, DB_PASSWORD ("))
        self.assertTrue(annotation.endswith("); move them to Secrets Manager"))
        self.assertNotIn("LOG_LEVEL", annotation)
        self.assertNoValueLeaks(got, FAKE_KEY_ID, FAKE_PASSWORD)

    def test_references_are_compliant(self):
        got = self.run_rule(
            {
                "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                "API_TOKEN": "{{resolve:secretsmanager:payments/api:SecretString:token}}",
                "PASSWORD_PARAM": "/payments/prod/db/password",
            }
        )
        self.assertEqual(got, [("COMPLIANT", "no plaintext credential in 3 environment variable(s)")])

    def test_ignored_variable_is_accepted(self):
        got = self.run_rule({"DB_PASSWORD": FAKE_PASSWORD}, {"ignoredVariables": "DB_PASSWORD"})
        self.assertEqual(got, [("COMPLIANT", "no plaintext credential in 1 environment variable(s)")])

    def test_many_findings_are_bounded(self):
        variables = {f"SERVICE_{i}_PASSWORD": f"{FAKE_PASSWORD}{i}" for i in range(7)}
        [(compliance, annotation)] = self.run_rule(variables)
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertIn("and 3 more", annotation)
        self.assertLessEqual(len(annotation), 256)

    def test_no_variables_is_not_applicable(self):
        self.assertEqual(self.run_rule({}), [("NOT_APPLICABLE", "function has no environment variables")])

    def test_vanished_function_is_not_applicable(self):
        self.assertEqual(self.run_rule(None), [("NOT_APPLICABLE", "function no longer exists")])

    def test_deleted_is_not_applicable_without_lookup(self):
        ci = lambda_ci(status="ResourceDeleted")
        self.assertEqual(verdicts(evaluate(RULE, ci)), [("NOT_APPLICABLE", "resource was deleted")])

    def test_bad_ignored_variables(self):
        with self.assertRaisesRegex(InvalidParametersError, "ignoredVariables"):
            RULE.evaluate_parameters({"ignoredVariables": "OK_NAME,not a name!"})


if __name__ == "__main__":
    unittest.main()
