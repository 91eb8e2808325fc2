import unittest

import LAMBDA_CODE_SIGNING_ENFORCED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, lambda_ci, verdicts
from lambda_compliance.testing.functions import StubbedServices, code_signing_config

RULE = module.LAMBDA_CODE_SIGNING_ENFORCED()
CSC = "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0a1b2c3d4e5f60718"
PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/PaymentsRelease"
PROFILE_VERSION = f"{PROFILE}/Xy7Ab2Cd9E"
VENDOR = "arn:aws:signer:us-east-1:210987654321:/signing-profiles/VendorBuilds/Qw3Er4Ty5U"


class CodeSigningEnforcedTest(RuleTestCase):
    def check(self, ci, expected, attached=None, config=None, params=None):
        """``attached``: what GetFunctionCodeSigningConfig returns; ``config``: GetCodeSigningConfig's answer
        (a response, or an error code). Stubbed because moto lacks GetCodeSigningConfig."""

        def stubbed():
            stub = StubbedServices()
            if attached is not None:
                response = {"FunctionName": "orders-api", "CodeSigningConfigArn": attached}
                stub.add("lambda", "get_function_code_signing_config", response, {"FunctionName": "orders-api"})
            if isinstance(config, str):
                stub.add_error("lambda", "get_code_signing_config", config, 404)
            elif config is not None:
                stub.add("lambda", "get_code_signing_config", config, {"CodeSigningConfigArn": CSC})
            return stub

        super().check(ci, expected, params, aws=stubbed)

    def test_enforced_config_is_compliant_stubbed_because_moto_lacks_get_code_signing_config(self):
        self.check(
            lambda_ci(),
            [("COMPLIANT", "code signing config csc-0a1b2c3d4e5f60718 enforces signatures")],
            CSC,
            code_signing_config(CSC, "Enforce", [PROFILE_VERSION]),
        )

    def test_allowed_profile_covers_its_versions_stubbed_because_moto_lacks_get_code_signing_config(self):
        self.check(
            lambda_ci(),
            [("COMPLIANT", "code signing config csc-0a1b2c3d4e5f60718 enforces signatures")],
            CSC,
            code_signing_config(CSC, "Enforce", [PROFILE_VERSION]),
            {"allowedSigningProfiles": PROFILE},
        )

    def test_publisher_outside_allowed_profiles_stubbed_because_moto_lacks_get_code_signing_config(self):
        self.check(
            lambda_ci(),
            [
                (
                    "NON_COMPLIANT",
                    f"code signing config csc-0a1b2c3d4e5f60718 allows publisher {VENDOR} outside "
                    "allowedSigningProfiles",
                )
            ],
            CSC,
            code_signing_config(CSC, "Enforce", [PROFILE_VERSION, VENDOR]),
            {"allowedSigningProfiles": PROFILE},
        )

    def test_warn_policy_is_non_compliant_stubbed_because_moto_lacks_get_code_signing_config(self):
        self.check(
            lambda_ci(),
            [
                (
                    "NON_COMPLIANT",
                    "code signing config csc-0a1b2c3d4e5f60718 only warns on untrusted code "
                    "(UntrustedArtifactOnDeployment Warn); set Enforce",
                )
            ],
            CSC,
            code_signing_config(CSC, "Warn", [PROFILE_VERSION]),
        )

    def test_vanished_config_is_non_compliant_stubbed_because_moto_lacks_get_code_signing_config(self):
        self.check(
            lambda_ci(),
            [("NON_COMPLIANT", f"code signing config {CSC} not found")],
            CSC,
            "ResourceNotFoundException",
        )

    def test_no_config_is_non_compliant(self):
        # Lambda answers with an empty ARN when no config is attached (moto omits the field; both mean none).
        self.check(lambda_ci(), [("NON_COMPLIANT", "no code signing config: unsigned code can be deployed")], "")

    def test_image_function_is_not_applicable(self):
        ci = lambda_ci(packageType="Image")
        del ci["configuration"]["runtime"]
        self.check(ci, [("NOT_APPLICABLE", "container image functions do not support code signing")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_undecodable_configuration_cannot_be_evaluated(self):
        ci = lambda_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.functionName")],
        )

    def test_bad_profile_names_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "allowedSigningProfiles"):
            RULE.evaluate_parameters({"allowedSigningProfiles": "PaymentsRelease"})


if __name__ == "__main__":
    unittest.main()
