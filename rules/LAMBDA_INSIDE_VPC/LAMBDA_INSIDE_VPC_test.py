import unittest

import LAMBDA_INSIDE_VPC as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, lambda_ci, verdicts

RULE = module.LAMBDA_INSIDE_VPC()
VPC = {"subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"], "securityGroupIds": ["sg-0123abcd"]}
NOT_ATTACHED = [("NON_COMPLIANT", "function is not attached to a VPC")]


class InsideVpcTest(RuleTestCase):
    def test_function_with_subnets_is_compliant(self):
        self.check(
            lambda_ci(vpcConfig=VPC),
            [("COMPLIANT", "runs in a VPC through subnets subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788")],
        )

    def test_function_without_vpc_config_is_non_compliant(self):
        self.check(lambda_ci(), NOT_ATTACHED)

    def test_empty_subnet_list_is_non_compliant(self):
        # Config records non-VPC functions with empty lists, as the Lambda API returns them.
        self.check(lambda_ci(vpcConfig={"subnetIds": [], "securityGroupIds": []}), NOT_ATTACHED)

    def test_exempt_tag_makes_a_function_outside_a_vpc_not_applicable(self):
        self.check(
            lambda_ci(tags={"network:public-egress": "approved CHG-2231"}),
            [("NOT_APPLICABLE", "exempt from VPC placement by tag network:public-egress")],
            {"exemptTagKey": "network:public-egress"},
        )

    def test_exempt_tag_is_ignored_unless_configured(self):
        self.check(lambda_ci(tags={"network:public-egress": "yes"}), NOT_ATTACHED)

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_vpc_config_cannot_be_evaluated(self):
        self.check(
            lambda_ci(vpcConfig="subnet-0a1b2c3d4e5f60718"),
            [("NON_COMPLIANT", "cannot evaluate: configuration.vpcConfig is not an object")],
        )

    def test_undecodable_configuration_cannot_be_evaluated(self):
        ci = lambda_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.functionName")],
        )

    def test_bad_exempt_tag_key_names_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "exemptTagKey"):
            RULE.evaluate_parameters({"exemptTagKey": "bad,key"})
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'exemptTag'"):
            RULE.evaluate_parameters({"exemptTag": "x"})


if __name__ == "__main__":
    unittest.main()
