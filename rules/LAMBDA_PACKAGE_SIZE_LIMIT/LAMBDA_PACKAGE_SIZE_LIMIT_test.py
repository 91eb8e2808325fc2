import unittest

import LAMBDA_PACKAGE_SIZE_LIMIT as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci

RULE = module.LAMBDA_PACKAGE_SIZE_LIMIT()
MIB = 1024 * 1024


def layers(count):
    return [{"arn": f"arn:aws:lambda:us-east-1:123456789012:layer:lib{i}:1", "codeSize": MIB} for i in range(count)]


class PackageSizeLimitTest(RuleTestCase):
    def test_small_package_is_compliant(self):
        self.check(lambda_ci(codeSize=2048), [("COMPLIANT", "package is 2.0 KiB with 0 layers")])
        self.check(lambda_ci(codeSize=107), [("COMPLIANT", "package is 107 bytes with 0 layers")])
        self.check(lambda_ci(codeSize=50 * MIB, layers=layers(1)), [("COMPLIANT", "package is 50.0 MiB with 1 layer")])

    def test_large_package_is_non_compliant(self):
        self.check(
            lambda_ci(codeSize=53_477_579),
            [("NON_COMPLIANT", "package is 51.0 MiB, above the 50 MiB limit")],
        )

    def test_float_code_size_from_api_format_is_read_as_integer(self):
        self.check(lambda_ci(codeSize=1048576.0), [("COMPLIANT", "package is 1.0 MiB with 0 layers")])

    def test_too_many_layers_and_size_are_both_reported(self):
        self.check(
            lambda_ci(codeSize=12 * MIB, layers=layers(3)),
            [("NON_COMPLIANT", "package is 12.0 MiB, above the 10 MiB limit; 3 layers, above the limit of 2")],
            {"maxCodeSizeMB": "10", "maxLayers": "2"},
        )

    def test_image_function_is_not_applicable(self):
        ci = lambda_ci(packageType="Image", codeSize=0)
        del ci["configuration"]["runtime"]
        self.check(ci, [("NOT_APPLICABLE", "container image function: no zip package or layers")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_missing_code_size_is_malformed(self):
        ci = lambda_ci()
        del ci["configuration"]["codeSize"]
        self.check(ci, [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.codeSize")])
        self.check(lambda_ci(codeSize=-1), [("NON_COMPLIANT", "cannot evaluate: configuration.codeSize is negative")])

    def test_bad_limits_name_the_parameter(self):
        for name, bad in (("maxCodeSizeMB", "0"), ("maxCodeSizeMB", "251"), ("maxLayers", "6"), ("maxLayers", "x")):
            with self.subTest(name=name, value=bad), self.assertRaisesRegex(InvalidParametersError, name):
                RULE.evaluate_parameters({name: bad})


if __name__ == "__main__":
    unittest.main()
