"""LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED: VPC function security groups reach the internet only on allowed ports.

Open egress is how a compromised function exfiltrates data. An egress rule to
the internet (0.0.0.0/0, ::/0, or more public space than a /24 or /48, NAT64
prefixes included) is acceptable only for TCP/UDP on allowedPorts (default
443); rules to space the IANA special-purpose registries mark not globally
reachable (private, shared 100.64.0.0/10, link local, ...), named hosts, a
security group or a prefix list (VPC endpoints) are restricted (network.py).
Egress rules come from EC2 DescribeSecurityGroups.

Scenarios:
- Given groups reaching the internet only on allowed ports (or only narrower destinations), then COMPLIANT.
- Given all traffic to shared address space (100.64.0.0/10) or NAT64 of private IPv4, then COMPLIANT.
- Given all traffic to a NAT64 prefix or a CIDR straddling private and public space, then NON_COMPLIANT.
- Given a group allowing all traffic, other ports or other protocols to the internet, then NON_COMPLIANT
  naming the group, protocol, ports and destination.
- Given a security group that no longer exists, then NON_COMPLIANT naming it.
- Given a function not attached to a VPC, then NOT_APPLICABLE.
- Given subnets but no security group ids, then NON_COMPLIANT (malformed CI).
- Given allowedPorts with a value that is not a port, then InvalidParametersError naming allowedPorts.
"""

from lambda_compliance.domain.functions.function_ci import function_name
from lambda_compliance.domain.functions.network import (
    PORT_PATTERN,
    open_egress,
    port_list,
    security_groups,
    vpc_attachment,
)
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.ci import MalformedConfigurationItem
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function security groups allow internet egress only on allowed ports",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        parameters=(
            Param.string_list(
                "allowedPorts", ("443",), "TCP/UDP ports that may be open to the internet", pattern=PORT_PATTERN
            ),
        ),
        iam_actions=("ec2:DescribeSecurityGroups",),
    )

    def assess(self, ci, aws, params):
        function_name(ci)  # a CI whose configuration did not decode cannot be judged
        attachment = vpc_attachment(ci)
        if not attachment:
            return [not_applicable("function is not attached to a VPC")]
        if not attachment.security_group_ids:
            raise MalformedConfigurationItem("configuration.vpcConfig has subnets but no securityGroupIds")
        allowed = {int(port) for port in params["allowedPorts"]}
        found = security_groups(aws, attachment.security_group_ids)
        gone = [g for g in attachment.security_group_ids if g not in found]
        if gone:
            return [non_compliant(f"security group {listing(gone)} not found: egress cannot be verified")]
        findings = [f for group in found.values() for f in open_egress(group, allowed)]
        if findings:
            return [
                non_compliant(
                    f"open internet egress: {listing([f.describe() for f in findings], 150)}; "
                    f"allowed: tcp/udp {port_list(allowed)}"
                )
            ]
        return [compliant(f"internet egress of {listing(sorted(found))} is limited to tcp/udp {port_list(allowed)}")]


def lambda_handler(event, context):
    return handle(LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED, event, context)
