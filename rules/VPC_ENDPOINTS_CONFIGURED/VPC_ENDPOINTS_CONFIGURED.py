"""VPC_ENDPOINTS_CONFIGURED (periodic): every VPC that hosts Lambda functions has an available VPC
endpoint for each of requiredServices, so function traffic to them stays off the internet.
Reported on each such VPC (AWS::EC2::VPC).

Scenarios:
- Given available endpoints for every required service (gateway or interface, FIPS included), then COMPLIANT.
- Given a required service without an available endpoint, then NON_COMPLIANT naming the services.
- Given functions outside any VPC, then no evaluation.
- Given requiredServices with an invalid service name, then InvalidParametersError.
- Given function and endpoint CIs in either Config format, then the same verdicts.
"""

from lambda_compliance.domain.account import vpc as vpc_network
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class VPC_ENDPOINTS_CONFIGURED(ComplianceRule):
    spec = RuleSpec(
        title="VPCs that host Lambda functions have VPC endpoints for the services they use",
        resource_types=(vpc_network.VPC_TYPE,),
        severity="low",
        family="account",
        periodic=True,
        parameters=(
            Param.string_list(
                "requiredServices",
                ("s3", "dynamodb", "secretsmanager", "kms", "lambda"),
                "Services every function VPC needs an endpoint for (short names, e.g. s3, kms, sts)",
                pattern=r"[a-z0-9][a-z0-9.-]{0,62}",
            ),
        ),
        iam_actions=("config:SelectResourceConfig", "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints"),
        related_types=(vpc_network.FUNCTION_TYPE, vpc_network.SUBNET_TYPE, vpc_network.ENDPOINT_TYPE),
    )

    def assess_periodic(self, aws, params):
        required = params["requiredServices"]
        by_vpc = vpc_network.endpoints(aws)
        evaluations = []
        for vpc, functions in vpc_network.function_vpcs(aws).items():
            present = {e.service for e in by_vpc.get(vpc, []) if e.available}
            missing = [service for service in required if service not in present]
            if missing:
                text = (
                    f"no VPC endpoint for {', '.join(missing)}; "
                    f"VPC hosts Lambda functions {vpc_network.named(functions)}"
                )
                evaluations.append(non_compliant(text, vpc, vpc_network.VPC_TYPE))
            else:
                text = f"VPC endpoints available for {', '.join(required)}"
                evaluations.append(compliant(text, vpc, vpc_network.VPC_TYPE))
        return evaluations


def lambda_handler(event, context):
    return handle(VPC_ENDPOINTS_CONFIGURED, event, context)
