import unittest

import SSM_SECRET_PARAMETERS_SECURESTRING as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import evaluate_periodic
from lambda_compliance.testing.data_stores import StubbedServices, account_verdicts, parameter

RULE = module.SSM_SECRET_PARAMETERS_SECURESTRING()
TYPE = "AWS::SSM::Parameter"
PAGE = {"MaxResults": 50}


def scan(*pages, params=None):
    ssm = StubbedServices()
    for index, page in enumerate(pages):
        response = {"Parameters": list(page)}
        request = dict(PAGE)
        if index + 1 < len(pages):
            response["NextToken"] = f"page-{index + 1}"
        if index:
            request["NextToken"] = f"page-{index}"
        ssm.add("ssm", "describe_parameters", response, request)
    evaluations = evaluate_periodic(RULE, ssm.reader(), params)
    ssm.assert_done()
    return account_verdicts(evaluations)


class SecretParametersSecureStringTest(unittest.TestCase):
    def test_secure_string_is_compliant(self):
        self.assertEqual(
            scan([parameter("/payments/stripe/api-key", "SecureString")]),
            [(TYPE, "/payments/stripe/api-key", "COMPLIANT", "SecureString parameter, encrypted with KMS")],
        )

    def test_secret_named_string_is_non_compliant_naming_the_word(self):
        self.assertEqual(
            scan(
                [parameter("/payments/db/password"), parameter("/payments/partner/clientSecret", "StringList")],
                [parameter("LEDGER_API_KEY")],
            ),
            [
                (
                    TYPE,
                    "/payments/db/password",
                    "NON_COMPLIANT",
                    "String parameter named like a secret ('password'); store it as a SecureString",
                ),
                (
                    TYPE,
                    "/payments/partner/clientSecret",
                    "NON_COMPLIANT",
                    "StringList parameter named like a secret ('client secret'); store it as a SecureString",
                ),
                (
                    TYPE,
                    "LEDGER_API_KEY",
                    "NON_COMPLIANT",
                    "String parameter named like a secret ('api key'); store it as a SecureString",
                ),
            ],
        )

    def test_plain_configuration_and_references_to_secrets_are_not_evaluated(self):
        self.assertEqual(
            scan(
                [
                    parameter("/payments/config/region"),
                    parameter("/payments/db/password-secret-arn"),
                    parameter("/payments/auth/token-ttl"),
                    parameter("/app/secrets/db/host"),
                    parameter("/payments/kms/key-id"),
                ]
            ),
            [],
        )

    def test_extra_secret_words_mark_names_too(self):
        self.assertEqual(
            scan([parameter("/payments/hsm/pin")], params={"extraSecretWords": "pin,otp"}),
            [
                (
                    TYPE,
                    "/payments/hsm/pin",
                    "NON_COMPLIANT",
                    "String parameter named like a secret ('pin'); store it as a SecureString",
                )
            ],
        )

    def test_string_lists_named_in_the_plural_are_judged_like_strings(self):
        """A StringList holds several values, so its name is plural: passwords, api-keys, ssh-keys."""
        listed = ["/app/db/passwords", "/app/partner/api-keys", "/ops/ssh-keys", "/app/allowed-origins"]
        listed += ["/app/secret-arns", "/app/partition-keys", "/app/public-keys"]
        got = scan([parameter(name, "StringList") for name in listed] + [parameter("/app/db/passwords-v2")])
        self.assertEqual(
            got,
            [
                (
                    TYPE,
                    name,
                    "NON_COMPLIANT",
                    f"{kind} parameter named like a secret ('{marker}'); store it as a SecureString",
                )
                for name, kind, marker in [
                    ("/app/db/passwords", "StringList", "password"),
                    ("/app/partner/api-keys", "StringList", "api key"),
                    ("/ops/ssh-keys", "StringList", "ssh key"),
                    ("/app/db/passwords-v2", "String", "password"),
                ]
            ],
        )

    def test_resource_id_of_a_very_long_name_fits_put_evaluations(self):
        name = "/payments/" + "n" * 880 + "/password"
        [(kind, resource, compliance, _)] = scan([parameter(name)])
        self.assertEqual((kind, resource, compliance), (TYPE, name[:768], "NON_COMPLIANT"))

    def test_no_parameters_gives_no_evaluations(self):
        self.assertEqual(scan([]), [])

    def test_parameter_without_a_type_is_judged_as_a_string(self):
        entry = parameter("/payments/db/password")
        del entry["Type"]
        self.assertEqual(
            scan([entry]),
            [
                (
                    TYPE,
                    "/payments/db/password",
                    "NON_COMPLIANT",
                    "String parameter named like a secret ('password'); store it as a SecureString",
                )
            ],
        )

    def test_bad_extra_secret_words_are_rejected_naming_the_parameter(self):
        with self.assertRaisesRegex(
            InvalidParametersError, "Parameter 'extraSecretWords' has an invalid value 'pass word'"
        ):
            RULE.evaluate_parameters({"extraSecretWords": "pin,pass word"})

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'secretWords'"):
            RULE.evaluate_parameters({"secretWords": "pin"})


if __name__ == "__main__":
    unittest.main()
