import unittest

import LAMBDA_URL_CORS_RESTRICTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate_periodic, lambda_ci, reader
from lambda_compliance.testing.functions import url_config

RULE = module.LAMBDA_URL_CORS_RESTRICTED()
SHOP = "https://shop.example.com"


def outcomes(evaluations):
    return [(e.complianceResourceId, e.complianceResourceType, e.complianceType, e.annotation) for e in evaluations]


class UrlCorsRestrictedTest(unittest.TestCase):
    def check(self, urls, expected, params=None):
        """``urls``: function name -> its origins (None: URL without CORS; "absent": no URL)."""
        for fmt in ("snapshot", "api"):
            with self.subTest(fmt):
                inventory = [dict(both_formats(lambda_ci(name)))[fmt] for name in urls]
                aws = reader(inventory)
                for name, origins in urls.items():
                    answer = None if origins == "absent" else url_config(name, origins)
                    aws.seed("lambda", "get_function_url_config", answer, FunctionName=name)
                got = outcomes(evaluate_periodic(RULE, aws, params))
                self.assertEqual(got, [(n, "AWS::Lambda::Function", c, a) for n, c, a in expected])

    def test_specific_origins_are_compliant(self):
        self.check(
            {"storefront": [SHOP, "https://admin.example.com"]},
            [("storefront", "COMPLIANT", f"function URL CORS allows only {SHOP}, https://admin.example.com")],
        )

    def test_url_without_cors_is_compliant(self):
        self.check(
            {"webhook": None},
            [("webhook", "COMPLIANT", "function URL has no CORS origins: browsers block cross-origin calls")],
        )

    def test_wildcard_origin_is_non_compliant(self):
        self.check(
            {"promo-banner": ["*"], "storefront": [SHOP]},
            [
                ("promo-banner", "NON_COMPLIANT", "function URL CORS allows any origin (*)"),
                ("storefront", "COMPLIANT", f"function URL CORS allows only {SHOP}"),
            ],
        )

    def test_null_origin_is_as_open_as_a_wildcard(self):
        self.check(
            {"widget": ["null", SHOP], "storefront": ["https://null.example.com"], "sandbox": ["null"]},
            [
                ("widget", "NON_COMPLIANT", "function URL CORS allows any origin (null)"),
                ("storefront", "COMPLIANT", "function URL CORS allows only https://null.example.com"),
                ("sandbox", "NON_COMPLIANT", "function URL CORS allows any origin (null)"),
            ],
        )

    def test_null_origin_is_open_even_when_allowed_origins_are_given(self):
        self.check(
            {"widget": [SHOP, "null"]},
            [("widget", "NON_COMPLIANT", "function URL CORS allows any origin (null)")],
            {"allowedOrigins": SHOP},
        )

    def test_origin_outside_allowed_origins_is_non_compliant(self):
        self.check(
            {"storefront": ["https://SHOP.example.com/", "http://localhost:3000"]},
            [("storefront", "NON_COMPLIANT", "function URL CORS allows http://localhost:3000, not in allowedOrigins")],
            {"allowedOrigins": SHOP},
        )

    def test_function_without_url_is_not_applicable(self):
        self.check({"worker": "absent"}, [("worker", "NOT_APPLICABLE", "function has no URL")])

    def test_no_functions_no_evaluations(self):
        self.assertEqual(evaluate_periodic(RULE, reader([])), [])

    def test_deleted_and_undecodable_inventory_items(self):
        deleted = lambda_ci("gone", status="ResourceDeleted")
        garbled = lambda_ci("garbled")
        garbled["configuration"] = "{not json"
        aws = reader([deleted, garbled])
        aws.seed("lambda", "get_function_url_config", url_config("garbled", ["*"]), FunctionName="garbled")
        self.assertEqual(
            outcomes(evaluate_periodic(RULE, aws)),
            [("garbled", "AWS::Lambda::Function", "NON_COMPLIANT", "function URL CORS allows any origin (*)")],
        )

    def test_bad_origin_names_the_parameter(self):
        for bad in ("*", "shop.example.com", "https://shop.example.com/path"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "allowedOrigins"):
                RULE.evaluate_parameters({"allowedOrigins": bad})


if __name__ == "__main__":
    unittest.main()
