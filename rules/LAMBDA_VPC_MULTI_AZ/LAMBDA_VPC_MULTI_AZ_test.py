import unittest

import LAMBDA_VPC_MULTI_AZ as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci
from lambda_compliance.testing.functions import StubbedServices, subnet

RULE = module.LAMBDA_VPC_MULTI_AZ()
A, B, C = "subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"


def vpc(*subnet_ids):
    return {"subnetIds": list(subnet_ids), "securityGroupIds": ["sg-0123456789abcdef0"]}


class VpcMultiAzTest(RuleTestCase):
    def check(self, ci, expected, calls=(), params=None):
        """``calls``: (SubnetIds asked, Subnets answered, or an error code)."""

        def stubbed():
            stub = StubbedServices()
            for ids, answer in calls:
                if isinstance(answer, str):
                    stub.add_error("ec2", "describe_subnets", answer, 400)
                else:
                    stub.add("ec2", "describe_subnets", {"Subnets": answer}, {"SubnetIds": ids})
            return stub

        super().check(ci, expected, params, aws=stubbed)

    def test_subnets_in_two_zones_are_compliant(self):
        self.check(
            lambda_ci(vpcConfig=vpc(B, A)),
            [("COMPLIANT", "subnets span 2 Availability Zones (us-east-1a, us-east-1b)")],
            [([A, B], [subnet(A, "us-east-1a"), subnet(B, "us-east-1b")])],
        )

    def test_subnets_in_one_zone_are_non_compliant(self):
        self.check(
            lambda_ci(vpcConfig=vpc(A, B)),
            [("NON_COMPLIANT", "subnets span 1 Availability Zone (us-east-1a); at least 2 required")],
            [([A, B], [subnet(A, "us-east-1a"), subnet(B, "us-east-1a")])],
        )

    def test_minimum_is_a_parameter(self):
        self.check(
            lambda_ci(vpcConfig=vpc(A, B)),
            [("NON_COMPLIANT", "subnets span 2 Availability Zones (us-east-1a, us-east-1b); at least 3 required")],
            [([A, B], [subnet(A, "us-east-1a"), subnet(B, "us-east-1b")])],
            {"minAvailabilityZones": "3"},
        )

    def test_deleted_subnet_counts_for_no_zone(self):
        # EC2 fails the whole batch on one unknown id; the rule then asks for each id alone.
        self.check(
            lambda_ci(vpcConfig=vpc(A, B)),
            [
                (
                    "NON_COMPLIANT",
                    f"subnets span 1 Availability Zone (us-east-1a); subnet {B} not found; at least 2 required",
                )
            ],
            [
                ([A, B], "InvalidSubnetID.NotFound"),
                ([A], [subnet(A, "us-east-1a")]),
                ([B], "InvalidSubnetID.NotFound"),
            ],
        )

    def test_three_subnets_in_three_zones(self):
        self.check(
            lambda_ci(vpcConfig=vpc(A, B, C)),
            [("COMPLIANT", "subnets span 3 Availability Zones (us-east-1a, us-east-1b, us-east-1c)")],
            [([A, B, C], [subnet(A, "us-east-1a"), subnet(B, "us-east-1b"), subnet(C, "us-east-1c")])],
        )

    def test_function_outside_a_vpc_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function is not attached to a VPC")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_subnet_ids_cannot_be_evaluated(self):
        self.check(
            lambda_ci(vpcConfig={"subnetIds": [A, 7], "securityGroupIds": []}),
            [("NON_COMPLIANT", "cannot evaluate: configuration.vpcConfig.subnetIds is not a list of ids")],
        )

    def test_bad_minimum_names_the_parameter(self):
        for bad in ("0", "7", "two"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "minAvailabilityZones"):
                RULE.evaluate_parameters({"minAvailabilityZones": bad})


if __name__ == "__main__":
    unittest.main()
