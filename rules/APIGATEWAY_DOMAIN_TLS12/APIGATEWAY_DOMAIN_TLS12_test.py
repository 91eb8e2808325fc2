import unittest

import APIGATEWAY_DOMAIN_TLS12 as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase
from lambda_compliance.testing.api_gateway import rest_domain_ci, v2_domain_ci

RULE = module.APIGATEWAY_DOMAIN_TLS12()


class DomainTls12Test(RuleTestCase):
    def test_tls_1_2_domain_is_compliant(self):
        self.check(
            rest_domain_ci(),
            [("COMPLIANT", "domain api.payments.example.com requires TLS 1.2 or later (security policy TLS_1_2)")],
        )

    def test_enhanced_policies_are_compliant(self):
        for policy in (
            "SecurityPolicy_TLS13_1_3_2025_09",
            "SecurityPolicy_TLS13_1_2_2021_06",
            "SecurityPolicy_TLS12_PFS_2025_EDGE",
        ):
            with self.subTest(policy):
                self.check(
                    rest_domain_ci(securityPolicy=policy),
                    [
                        (
                            "COMPLIANT",
                            f"domain api.payments.example.com requires TLS 1.2 or later (security policy {policy})",
                        )
                    ],
                )

    def test_tls_1_0_domain_is_non_compliant(self):
        self.check(
            rest_domain_ci("legacy.payments.example.com", securityPolicy="TLS_1_0"),
            [
                (
                    "NON_COMPLIANT",
                    "domain legacy.payments.example.com accepts TLS 1.0 (security policy TLS_1_0); "
                    "use TLS_1_2 or later",
                )
            ],
        )

    def test_v2_domain_with_one_tls_1_0_endpoint_is_non_compliant(self):
        self.check(
            v2_domain_ci("hooks.payments.example.com", "TLS_1_2", "TLS_1_0"),
            [
                (
                    "NON_COMPLIANT",
                    "domain hooks.payments.example.com accepts TLS 1.0 (security policy TLS_1_0, TLS_1_2); "
                    "use TLS_1_2 or later",
                )
            ],
        )
        self.check(
            v2_domain_ci(),
            [("COMPLIANT", "domain hooks.payments.example.com requires TLS 1.2 or later (security policy TLS_1_2)")],
        )

    def test_unknown_policy_is_non_compliant(self):
        self.check(
            rest_domain_ci(securityPolicy="TLS_2_0_EXPERIMENTAL"),
            [
                (
                    "NON_COMPLIANT",
                    "domain api.payments.example.com uses security policy TLS_2_0_EXPERIMENTAL, "
                    "not known to require TLS 1.2",
                )
            ],
        )

    def test_deleted_domain_is_not_applicable(self):
        self.check(rest_domain_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])
        self.check(v2_domain_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_configuration_cannot_be_evaluated(self):
        rest = rest_domain_ci()
        del rest["configuration"]["securityPolicy"]
        self.check(
            rest, [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.securityPolicy")]
        )
        v2 = v2_domain_ci()
        v2["configuration"]["domainNameConfigurations"] = "{broken"
        self.check(
            v2,
            [
                (
                    "NON_COMPLIANT",
                    "cannot evaluate: configuration item lacks a valid "
                    "configuration.domainNameConfigurations[].securityPolicy",
                )
            ],
        )

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'minimumTlsVersion'"):
            RULE.evaluate_parameters({"minimumTlsVersion": "1.2"})


if __name__ == "__main__":
    unittest.main()
