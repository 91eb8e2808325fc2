import base64
import json
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
FAKE_B64_KEY = base64.b64encode(bytes(range(7, 71))).decode()  # 64 bytes, shaped like an account key
FAKE_TOKEN = "Zk3Qp9Lm2Xv7Rt4Wn8Bc6Hd1Jy5Gs0Fa"
FAKE_PKCS8 = base64.b64encode(
    bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + bytes(range(256)) * 2
)
FAKE_PKCS8 = FAKE_PKCS8.decode()
SLACK_HOOK = "https://hooks.slack.com/services/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"
DISCORD_HOOK = "https://discord.com/api/webhooks/1234567890123456789/" + FAKE_TOKEN * 2 + "AbCd"


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

    def expect_findings(self, variables, names, kinds):
        [(compliance, annotation)] = self.run_rule(variables)
        self.assertEqual(
            annotation,
            f"plaintext credentials in {', '.join(names)} ({', '.join(kinds)}); move them to Secrets Manager",
        )
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertNoValueLeaks([(compliance, annotation)], *[v for v in variables.values() if len(v) >= 8])

    def expect_clean(self, variables):
        self.assertEqual(
            self.run_rule(variables),
            [("COMPLIANT", f"no plaintext credential in {len(variables)} environment variable(s)")],
        )

    def test_storage_connection_strings_with_keys_and_signatures(self):
        self.expect_findings(
            {
                "STORAGE": f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={FAKE_B64_KEY}",
                "EXPORT_URL": f"https://acme.blob.core.windows.net/x?sv=2022-11-02&sp=r&se=2027-01-01&sig={FAKE_TOKEN}",
                "BUS": "Endpoint=sb://acme.servicebus.windows.net/;Authentication=Managed Identity",
            },
            ["EXPORT_URL", "STORAGE"],
            ["shared access signature", "storage account or shared access key"],
        )
        self.expect_clean(
            {
                "DEV_STORAGE": "UseDevelopmentStorage=true",
                "STORAGE": "AccountName=acme;AccountKey=<account-key>",
                "CONTAINER": "https://acme.blob.core.windows.net/exports",
            }
        )

    def test_chat_webhooks_carrying_their_secret(self):
        self.expect_findings(
            {"ALERTS": SLACK_HOOK, "EVENTS": DISCORD_HOOK, "DOCS": "https://api.slack.com/messaging/webhooks"},
            ["ALERTS", "EVENTS"],
            ["Discord webhook URL", "Slack webhook URL"],
        )
        self.expect_clean(
            {
                "ALERTS": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                "EVENTS": "https://discord.com/api/webhooks/<id>/<token>",
            }
        )

    def test_authorization_values_under_any_name(self):
        basic = base64.b64encode(b"svc-billing:" + FAKE_TOKEN.encode()).decode()
        self.expect_findings(
            {"UPSTREAM": f"Bearer {FAKE_TOKEN}", "PARTNER": f"Basic {basic}", "SCHEME": "Bearer"},
            ["PARTNER", "UPSTREAM"],
            ["credential in Authorization value"],
        )
        self.expect_clean({"HEADER_DOC": "Bearer <token>", "CHALLENGE": 'Basic realm="orders"'})

    def test_private_keys_under_neutral_names(self):
        self.expect_findings(
            {
                "MATERIAL": FAKE_PKCS8,
                "BUNDLE_B64": base64.b64encode(b"-----BEGIN PRIVATE KEY-----\n" + FAKE_PKCS8.encode()).decode(),
            },
            ["BUNDLE_B64", "MATERIAL"],
            ["private key block"],
        )
        self.expect_clean({"CA": "-----BEGIN CERTIFICATE-----\n" + FAKE_B64_KEY + "\n-----END CERTIFICATE-----"})

    def test_blobs_are_judged_by_their_members(self):
        self.expect_findings(
            {"DOTENV": f"DB_HOST=db\nDB_PASSWORD={FAKE_PASSWORD}\n", "CONFIG": json.dumps({"api_token": FAKE_TOKEN})},
            ["CONFIG", "DOTENV"],
            ["high-entropy value in secret-named variable"],
        )
        self.expect_clean({"DOTENV": "DB_HOST=db\nDB_PASSWORD=${DB_PASSWORD}\nTOKEN_TTL=3600"})

    def test_guessable_passwords_and_fake_ciphertext(self):
        self.expect_findings(
            {"DB_PASSWORD": "letmein", "KMS_ENCRYPTED_API_TOKEN": "hunter22", "SMTP_PASS": "relay"},
            ["DB_PASSWORD", "KMS_ENCRYPTED_API_TOKEN"],
            ["guessable password in password-named variable", "plaintext in variable named as ciphertext"],
        )
        self.expect_clean(
            {
                "DB_PASSWORD": "changeme",
                "KMS_ENCRYPTED_API_TOKEN": "AQICAHh" + base64.b64encode(bytes(range(40, 200))).decode(),
            }
        )

    def test_digit_free_key_ids_and_public_keys(self):
        self.expect_findings(
            {"ID": "AKIAQWHTZKRNBVCXLMPD", "STRIPE_KEY": "pk_live_" + FAKE_TOKEN, "REGION": "ASIAPACIFICSOUTHEAST"},
            ["ID"],
            ["AWS access key ID"],
        )
        self.expect_clean({"RECAPTCHA_SITE_KEY": "6Lc" + FAKE_TOKEN + "AbCdEfG", "STRIPE_KEY": "pk_test_" + FAKE_TOKEN})

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
