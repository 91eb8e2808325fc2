import unittest

import LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, lambda_ci
from lambda_compliance.testing.functions import StubbedServices, egress, security_group

RULE = module.LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED()
SG1, SG2 = "sg-0a1b2c3d4e5f60718", "sg-0f9e8d7c6b5a49382"
SUBNET = "subnet-0a1b2c3d4e5f60718"
HTTPS = egress("tcp", (443, 443))


def vpc(*groups):
    return {"subnetIds": [SUBNET], "securityGroupIds": list(groups)}


class SecurityGroupEgressRestrictedTest(RuleTestCase):
    def check(self, ci, expected, calls=(), params=None):
        """``calls``: (GroupIds asked, SecurityGroups answered, or an error code)."""

        def stubbed():
            stub = StubbedServices()
            for ids, answer in calls:
                if isinstance(answer, str):
                    stub.add_error("ec2", "describe_security_groups", answer, 400)
                else:
                    stub.add("ec2", "describe_security_groups", {"SecurityGroups": answer}, {"GroupIds": ids})
            return stub

        super().check(ci, expected, params, aws=stubbed)

    def test_https_only_to_the_internet_is_compliant(self):
        database = egress("tcp", (5432, 5432), cidrs=["10.20.0.0/16"])
        endpoints = egress("tcp", (0, 65535), cidrs=(), prefix_lists=["pl-63a5400a"])
        peers = egress("-1", cidrs=(), groups=["sg-0123456789abcdef0"])
        self.check(
            lambda_ci(vpcConfig=vpc(SG1)),
            [("COMPLIANT", f"internet egress of {SG1} is limited to tcp/udp 443")],
            [([SG1], [security_group(SG1, HTTPS, database, endpoints, peers)])],
        )

    def test_default_all_traffic_egress_is_non_compliant(self):
        self.check(
            lambda_ci(vpcConfig=vpc(SG1)),
            [("NON_COMPLIANT", f"open internet egress: {SG1} all traffic to 0.0.0.0/0; allowed: tcp/udp 443")],
            [([SG1], [security_group(SG1, egress())])],
        )

    def test_other_ports_protocols_and_ipv6_are_each_named(self):
        rules = (
            HTTPS,
            egress("tcp", (80, 443)),
            egress("udp", (53, 53), cidrs=[], ipv6=["::/0"]),
            egress("icmp", (-1, -1)),
        )
        self.check(
            lambda_ci(vpcConfig=vpc(SG2, SG1)),
            [
                (
                    "NON_COMPLIANT",
                    f"open internet egress: {SG2} tcp 80-443 to 0.0.0.0/0, {SG2} udp 53 to ::/0, "
                    f"{SG2} icmp to 0.0.0.0/0; allowed: tcp/udp 443",
                )
            ],
            [([SG1, SG2], [security_group(SG1, HTTPS), security_group(SG2, *rules)])],
        )

    def test_special_purpose_space_is_not_the_internet(self):
        """Shared address space (carrier-grade NAT), link local and NAT64 of private IPv4 stay inside."""
        inside = egress("-1", cidrs=["100.64.0.0/10", "169.254.0.0/16", "10.0.0.0/8"], ipv6=["64:ff9b::a00:0/104"])
        self.check(
            lambda_ci(vpcConfig=vpc(SG1)),
            [("COMPLIANT", f"internet egress of {SG1} is limited to tcp/udp 443")],
            [([SG1], [security_group(SG1, HTTPS, inside)])],
        )

    def test_nat64_and_straddling_ranges_reach_the_internet(self):
        for cidrs, ipv6 in ((["10.0.0.0/7"], ["64:ff9b::/96"]), (["100.64.0.0/9"], ["64:ff9b:1::/48"])):
            self.check(
                lambda_ci(vpcConfig=vpc(SG1)),
                [
                    (
                        "NON_COMPLIANT",
                        f"open internet egress: {SG1} all traffic to {cidrs[0]}, {SG1} all traffic to {ipv6[0]}; "
                        "allowed: tcp/udp 443",
                    )
                ],
                [([SG1], [security_group(SG1, HTTPS, egress("-1", cidrs=cidrs, ipv6=ipv6))])],
            )

    def test_allowed_ports_are_a_parameter(self):
        self.check(
            lambda_ci(vpcConfig=vpc(SG1)),
            [("COMPLIANT", f"internet egress of {SG1} is limited to tcp/udp 80, 443")],
            [([SG1], [security_group(SG1, egress("tcp", (80, 80)), egress("6", (443, 443)))])],
            {"allowedPorts": "443, 80"},
        )

    def test_missing_security_group_is_non_compliant(self):
        self.check(
            lambda_ci(vpcConfig=vpc(SG1, SG2)),
            [("NON_COMPLIANT", f"security group {SG2} not found: egress cannot be verified")],
            [
                ([SG1, SG2], "InvalidGroup.NotFound"),
                ([SG1], [security_group(SG1, HTTPS)]),
                ([SG2], "InvalidGroup.NotFound"),
            ],
        )

    def test_function_outside_a_vpc_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function is not attached to a VPC")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_subnets_without_security_groups_cannot_be_evaluated(self):
        self.check(
            lambda_ci(vpcConfig={"subnetIds": [SUBNET]}),
            [("NON_COMPLIANT", "cannot evaluate: configuration.vpcConfig has subnets but no securityGroupIds")],
        )

    def test_bad_ports_name_the_parameter(self):
        for bad in ("https", "65536", "443,-1", "80-90"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "allowedPorts"):
                RULE.evaluate_parameters({"allowedPorts": bad})


if __name__ == "__main__":
    unittest.main()
