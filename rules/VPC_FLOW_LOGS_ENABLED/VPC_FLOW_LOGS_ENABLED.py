"""VPC_FLOW_LOGS_ENABLED (periodic): every VPC that hosts Lambda functions has an active flow log.
Reported on each such VPC (AWS::EC2::VPC).

Scenarios:
- Given a VPC hosting functions with an ACTIVE flow log that delivers, then COMPLIANT.
- Given only flow logs that fail to deliver, then NON_COMPLIANT.
- Given no flow log on the VPC, then NON_COMPLIANT naming the functions it hosts.
- Given functions outside any VPC, then no evaluation (the rule judges VPCs that host functions).
- Given function and flow log CIs in either Config format, then the same verdicts.
"""

from lambda_compliance.domain.account import vpc as vpc_network
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class VPC_FLOW_LOGS_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="VPCs that host Lambda functions have an active flow log",
        resource_types=(vpc_network.VPC_TYPE,),
        severity="medium",
        family="account",
        periodic=True,
        iam_actions=("config:SelectResourceConfig", "ec2:DescribeSubnets", "ec2:DescribeFlowLogs"),
        related_types=(vpc_network.FUNCTION_TYPE, vpc_network.SUBNET_TYPE, vpc_network.FLOW_LOG_TYPE),
    )

    def assess_periodic(self, aws, params):
        logs = vpc_network.flow_logs(aws)
        evaluations = []
        for vpc, functions in vpc_network.function_vpcs(aws).items():
            vpc_logs = logs.get(vpc, [])
            active = [log for log in vpc_logs if log.active]
            if active:
                log = active[0]
                text = f"flow log {log.flow_log_id} captures {log.traffic or 'ALL'} traffic"
                evaluations.append(compliant(text, vpc, vpc_network.VPC_TYPE))
            elif vpc_logs:
                log = vpc_logs[0]
                text = (
                    f"flow log {log.flow_log_id} is not delivering (status {log.status}, "
                    f"delivery {log.delivery}); VPC hosts {vpc_network.named(functions)}"
                )
                evaluations.append(non_compliant(text, vpc, vpc_network.VPC_TYPE))
            else:
                text = f"no flow log; VPC hosts Lambda functions {vpc_network.named(functions)}"
                evaluations.append(non_compliant(text, vpc, vpc_network.VPC_TYPE))
        return evaluations


def lambda_handler(event, context):
    return handle(VPC_FLOW_LOGS_ENABLED, event, context)
