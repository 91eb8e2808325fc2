import unittest

import LAMBDA_LAYERS_TRUSTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci

RULE = module.LAMBDA_LAYERS_TRUSTED()
OWN = "arn:aws:lambda:us-east-1:123456789012:layer:payments-common:12"
SHARED = "arn:aws:lambda:us-east-1:111122223333:layer:observability:4"
VENDOR = "arn:aws:lambda:us-east-1:999988887777:layer:image-tools:7"


def layered(*arns):
    return lambda_ci(layers=[{"arn": arn, "codeSize": 1_048_576} for arn in arns])


class LayersTrustedTest(RuleTestCase):
    def test_own_account_layer_is_compliant(self):
        self.check(layered(OWN), [("COMPLIANT", "1 layer, all from trusted accounts")])

    def test_trusted_account_layer_is_compliant(self):
        self.check(
            layered(OWN, SHARED),
            [("COMPLIANT", "2 layers, all from trusted accounts")],
            {"trustedAccounts": "111122223333"},
        )

    def test_foreign_layer_is_non_compliant_and_named(self):
        self.check(
            layered(OWN, SHARED, VENDOR),
            [("NON_COMPLIANT", f"layer from an untrusted account: {VENDOR}")],
            {"trustedAccounts": "111122223333"},
        )

    def test_own_account_comes_from_the_function_arn_when_the_ci_lacks_it(self):
        ci = layered(OWN, SHARED)
        del ci["accountId"]
        self.check(ci, [("NON_COMPLIANT", f"layer from an untrusted account: {SHARED}")])

    def test_layer_value_that_is_not_an_arn_is_untrusted(self):
        self.check(
            layered("payments-common:12"), [("NON_COMPLIANT", "layer from an untrusted account: payments-common:12")]
        )

    def test_no_layers_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function uses no layers")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_layers_cannot_be_evaluated(self):
        self.check(
            lambda_ci(layers=[{"codeSize": 10}]),
            [("NON_COMPLIANT", "cannot evaluate: configuration.layers[0] has no arn")],
        )
        self.check(lambda_ci(layers=OWN), [("NON_COMPLIANT", "cannot evaluate: configuration.layers is not a list")])

    def test_bad_account_names_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "trustedAccounts"):
            RULE.evaluate_parameters({"trustedAccounts": "1111-2222-3333"})


if __name__ == "__main__":
    unittest.main()
