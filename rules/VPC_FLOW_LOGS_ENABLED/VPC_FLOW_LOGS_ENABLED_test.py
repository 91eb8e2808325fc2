import unittest

import VPC_FLOW_LOGS_ENABLED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate_periodic, lambda_ci, reader
from lambda_compliance.testing.data_stores import (
    SUBNETS,
    VPC_ID,
    StubbedServices,
    account_verdicts,
    flow_log_ci,
    lambda_reader,
    subnet_ci,
)

RULE = module.VPC_FLOW_LOGS_ENABLED()
VPC = "AWS::EC2::VPC"


def in_vpc(name, subnets=SUBNETS):
    return lambda_ci(name, vpcConfig={"subnetIds": list(subnets), "securityGroupIds": ["sg-0123456789abcdef0"]})


def estate(*extra):
    return [
        in_vpc("fraud-scoring"),
        in_vpc("settlement-batch"),
        lambda_ci("checkout-api"),
        subnet_ci(SUBNETS[0]),
        subnet_ci(SUBNETS[1]),
        *extra,
    ]


class FlowLogsEnabledTest(unittest.TestCase):
    def test_active_flow_log_is_compliant(self):
        for fmt, log in both_formats(flow_log_ci()):
            with self.subTest(fmt):
                self.assertEqual(
                    account_verdicts(evaluate_periodic(RULE, reader(estate(log)))),
                    [(VPC, VPC_ID, "COMPLIANT", "flow log fl-0123456789abcdef0 captures ALL traffic")],
                )

    def test_cis_in_the_api_format_give_the_same_verdicts(self):
        items = [ci for _, ci in (list(both_formats(c))[1] for c in estate(flow_log_ci()))]
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(items))),
            [(VPC, VPC_ID, "COMPLIANT", "flow log fl-0123456789abcdef0 captures ALL traffic")],
        )

    def test_vpc_without_flow_log_is_non_compliant_naming_its_functions(self):
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(estate()))),
            [(VPC, VPC_ID, "NON_COMPLIANT", "no flow log; VPC hosts Lambda functions fraud-scoring, settlement-batch")],
        )

    def test_flow_log_of_another_vpc_does_not_count(self):
        other = flow_log_ci("fl-0fedcba9876543210", "vpc-0999999999999999a")
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(estate(other))))[0][2],
            "NON_COMPLIANT",
        )

    def test_flow_log_that_fails_to_deliver_is_non_compliant(self):
        failing = flow_log_ci(deliverLogsStatus="FAILED", deliverLogsErrorMessage="Access error")
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(estate(failing)))),
            [
                (
                    VPC,
                    VPC_ID,
                    "NON_COMPLIANT",
                    "flow log fl-0123456789abcdef0 is not delivering (status ACTIVE, delivery FAILED); "
                    "VPC hosts fraud-scoring, settlement-batch",
                )
            ],
        )

    def test_long_function_lists_are_bounded(self):
        functions = [in_vpc(f"worker-{i}") for i in range(5)]
        items = [*functions, subnet_ci(SUBNETS[0]), subnet_ci(SUBNETS[1])]
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, reader(items)))[0][3],
            "no flow log; VPC hosts Lambda functions worker-0, worker-1, worker-2 and 2 more",
        )

    def test_functions_outside_a_vpc_give_no_evaluation(self):
        self.assertEqual(account_verdicts(evaluate_periodic(RULE, reader([lambda_ci("checkout-api")]))), [])

    def test_unrecorded_subnets_are_resolved_with_one_describe_subnets(self):
        ec2 = StubbedServices().add(
            "ec2",
            "describe_subnets",
            {"Subnets": [{"SubnetId": s, "VpcId": VPC_ID, "State": "available"} for s in SUBNETS]},
            {"Filters": [{"Name": "subnet-id", "Values": sorted(SUBNETS)}]},
        )
        items = [in_vpc("fraud-scoring"), flow_log_ci()]
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, ec2.reader(items))),
            [(VPC, VPC_ID, "COMPLIANT", "flow log fl-0123456789abcdef0 captures ALL traffic")],
        )
        ec2.assert_done()

    def test_inside_lambda_an_unrecorded_flow_log_type_is_confirmed_with_ec2(self):
        ec2 = StubbedServices().add(
            "ec2",
            "describe_flow_logs",
            {
                "FlowLogs": [
                    {
                        "FlowLogId": "fl-0abcabcabcabcabc0",
                        "FlowLogStatus": "ACTIVE",
                        "DeliverLogsStatus": "SUCCESS",
                        "ResourceId": VPC_ID,
                        "TrafficType": "REJECT",
                        "LogDestinationType": "s3",
                        "LogDestination": "arn:aws:s3:::payments-flow-logs",
                        "Tags": [],
                    }
                ]
            },
            {},
        )
        aws = lambda_reader(ec2, estate(), unrecorded=["AWS::EC2::FlowLog"])
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, aws)),
            [(VPC, VPC_ID, "COMPLIANT", "flow log fl-0abcabcabcabcabc0 captures REJECT traffic")],
        )
        ec2.assert_done()

    def test_deleted_functions_and_flow_logs_listed_by_config_are_ignored(self):
        gone = lambda_ci("retired-job", status="ResourceDeleted", vpcConfig={"subnetIds": ["subnet-0ffffffffffffffff"]})
        deleted_log = flow_log_ci(status="ResourceDeleted")
        aws = lambda_reader(StubbedServices(), [*estate(), gone, deleted_log, flow_log_ci("fl-0aaaabbbbccccdddd")])
        self.assertEqual(
            account_verdicts(evaluate_periodic(RULE, aws)),
            [(VPC, VPC_ID, "COMPLIANT", "flow log fl-0aaaabbbbccccdddd captures ALL traffic")],
        )

    def test_malformed_function_vpc_config_is_ignored(self):
        broken = lambda_ci("broken", vpcConfig="subnet-0aa11bb22cc33dd44")
        self.assertEqual(account_verdicts(evaluate_periodic(RULE, reader([broken]))), [])

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'trafficType'"):
            RULE.evaluate_parameters({"trafficType": "ALL"})


if __name__ == "__main__":
    unittest.main()
