"""LAMBDA_VPC_MULTI_AZ: a VPC-attached function has subnets in at least minAvailabilityZones zones.

Lambda places the function's network interfaces in its subnets: subnets in a
single Availability Zone make the function fail when that zone does. Config
records only subnet ids; their zones come from EC2 DescribeSubnets.

Scenarios:
- Given subnets in at least minAvailabilityZones (default 2) zones, then COMPLIANT naming the zones.
- Given subnets in fewer zones, then NON_COMPLIANT naming the zones and the minimum.
- Given a subnet that no longer exists, then it counts for no zone and the annotation names it.
- Given a function not attached to a VPC, then NOT_APPLICABLE.
- Given a vpcConfig whose subnetIds is not a list of ids, then NON_COMPLIANT (malformed CI).
- Given minAvailabilityZones outside 1..6, then InvalidParametersError naming minAvailabilityZones.
"""

from lambda_compliance.domain.functions.function_ci import function_name
from lambda_compliance.domain.functions.network import availability_zones, subnets, vpc_attachment
from lambda_compliance.runtime.annotations import listing, plural
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_VPC_MULTI_AZ(ComplianceRule):
    spec = RuleSpec(
        title="VPC-attached Lambda function has subnets in several Availability Zones",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(
            Param.integer(
                "minAvailabilityZones", 2, "Fewest Availability Zones the subnets must span", minimum=1, maximum=6
            ),
        ),
        iam_actions=("ec2:DescribeSubnets",),
    )

    def assess(self, ci, aws, params):
        function_name(ci)  # a CI whose configuration did not decode cannot be judged
        attachment = vpc_attachment(ci)
        if not attachment:
            return [not_applicable("function is not attached to a VPC")]
        found = subnets(aws, attachment.subnet_ids)
        zones = availability_zones(found)
        needed = params["minAvailabilityZones"]
        span = f"subnets span {plural(len(zones), 'Availability Zone')}"
        if zones:
            span += f" ({listing(zones)})"
        gone = [s for s in attachment.subnet_ids if s not in found]
        if gone:
            span += f"; {'subnet' if len(gone) == 1 else 'subnets'} {listing(gone, 80)} not found"
        if len(zones) < needed:
            return [non_compliant(f"{span}; at least {needed} required")]
        return [compliant(span)]


def lambda_handler(event, context):
    return handle(LAMBDA_VPC_MULTI_AZ, event, context)
