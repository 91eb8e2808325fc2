import unittest

import VPC_ENDPOINTS_CONFIGURED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import REGION, api_format, evaluate_periodic, lambda_ci, reader
from lambda_compliance.testing.data_stores import (
    SUBNETS,
    VPC_ID,
    StubbedServices,
    account_verdicts,
    endpoint_ci,
    lambda_reader,
    subnet_ci,
)

RULE = module.VPC_ENDPOINTS_CONFIGURED()
VPC = "AWS::EC2::VPC"
ALL_SERVICES = ("s3", "dynamodb", "secretsmanager", "kms", "lambda")


def estate(*endpoints):
    function = lambda_ci("fraud-scoring", vpcConfig={"subnetIds": list(SUBNETS), "securityGroupIds": []})
    return [function, subnet_ci(SUBNETS[0]), subnet_ci(SUBNETS[1]), *endpoints]


class EndpointsConfiguredTest(unittest.TestCase):
    def test_endpoints_for_every_required_service_are_compliant(self):
        for fmt, convert in (("snapshot", dict), ("api", api_format)):
            with self.subTest(fmt):
                items = [convert(ci) for ci in estate(*(endpoint_ci(s) for s in ALL_SERVICES))]
                self.assertEqual(
                    account_verdicts(evaluate_periodic(RULE, reader(items))),
                    [
                        (
                            VPC,
                            VPC_ID,
                            "COMPLIANT",
                            "VPC endpoints available for s3, dynamodb, secretsmanager, kms, lambda",
                        )
                    ],
                )

    def test_missing_services_are_named(self):
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(estate(endpoint_ci("s3"), endpoint_ci("dynamodb"))))),
            [
                (
                    VPC,
                    VPC_ID,
                    "NON_COMPLIANT",
                    "no VPC endpoint for secretsmanager, kms, lambda; VPC hosts Lambda functions fraud-scoring",
                )
            ],
        )

    def test_fips_endpoints_count_and_pending_ones_do_not(self):
        items = estate(
            endpoint_ci("s3"),
            endpoint_ci("dynamodb"),
            endpoint_ci("secretsmanager"),
            endpoint_ci("kms-fips"),
            endpoint_ci("lambda", state="pendingAcceptance"),
        )
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(items))),
            [(VPC, VPC_ID, "NON_COMPLIANT", "no VPC endpoint for lambda; VPC hosts Lambda functions fraud-scoring")],
        )

    def test_endpoint_in_another_vpc_does_not_count(self):
        items = estate(*(endpoint_ci(s, "vpc-0999999999999999a") for s in ALL_SERVICES))
        self.assertEqual(account_verdicts(evaluate_periodic(RULE, reader(items)))[0][2], "NON_COMPLIANT")

    def test_required_services_parameter_sets_the_list(self):
        items = estate(endpoint_ci("s3"), endpoint_ci("sts"))
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(items), {"requiredServices": "s3, sts"})),
            [(VPC, VPC_ID, "COMPLIANT", "VPC endpoints available for s3, sts")],
        )

    def test_functions_outside_a_vpc_give_no_evaluation(self):
        self.assertEqual(account_verdicts(evaluate_periodic(RULE, reader([lambda_ci("checkout-api")]))), [])

    def test_inside_lambda_an_unrecorded_endpoint_type_is_confirmed_with_ec2(self):
        ec2 = StubbedServices().add(
            "ec2",
            "describe_vpc_endpoints",
            {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": "vpce-0a1a2a3a4a5a6a7a8",
                        "VpcEndpointType": "Gateway",
                        "VpcId": VPC_ID,
                        "ServiceName": f"com.amazonaws.{REGION}.s3",
                        "State": "Available",
                        "RouteTableIds": ["rtb-0f1e2d3c4b5a69788"],
                        "Tags": [],
                    }
                ]
            },
            {},
        )
        aws = lambda_reader(ec2, estate(), unrecorded=["AWS::EC2::VPCEndpoint"])
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, aws, {"requiredServices": "s3"})),
            [(VPC, VPC_ID, "COMPLIANT", "VPC endpoints available for s3")],
        )
        ec2.assert_done()

    def test_malformed_endpoint_ci_is_ignored(self):
        broken = endpoint_ci("kms")
        broken["configuration"] = "{broken"
        items = estate(*(endpoint_ci(s) for s in ("s3", "dynamodb", "secretsmanager", "lambda")), broken)
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(items))),
            [(VPC, VPC_ID, "NON_COMPLIANT", "no VPC endpoint for kms; VPC hosts Lambda functions fraud-scoring")],
        )

    def test_bad_required_services_are_rejected_naming_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'requiredServices' has an invalid value 'S3!'"):
            RULE.evaluate_parameters({"requiredServices": "S3!,kms"})


if __name__ == "__main__":
    unittest.main()
