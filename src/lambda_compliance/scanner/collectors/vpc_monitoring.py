"""AWS::EC2::FlowLog and AWS::EC2::VPCEndpoint CIs from the EC2 API, shaped as Config records them.

Both listings are paginated and cover the whole region in a few requests; the
CI shapes come from ``vpc_network`` so the rules' Lambda-side fallback builds
exactly the same items.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.domain.account import vpc
from lambda_compliance.scanner.collectors import CollectContext

ORDER = 30


def build_flow_logs(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for log in ctx.reader.collect("ec2", "describe_flow_logs", "FlowLogs"):
        if not isinstance(log, dict) or not log.get("FlowLogId"):
            continue
        arn = f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:vpc-flow-log/{log['FlowLogId']}"
        ci = ctx.base_ci(vpc.FLOW_LOG_TYPE, log["FlowLogId"], log["FlowLogId"], arn)
        ci["configuration"] = vpc.flow_log_configuration(log)
        ci["tags"] = vpc.tag_map(log)
        if str(log.get("ResourceId", "")).startswith("vpc-"):
            ci["relationships"].append(
                {"resourceType": vpc.VPC_TYPE, "resourceId": log["ResourceId"], "name": "Is attached to "}
            )
        items.append(ci)
    return items


def build_endpoints(ctx: CollectContext) -> list[dict[str, Any]]:
    items = []
    for endpoint in ctx.reader.collect("ec2", "describe_vpc_endpoints", "VpcEndpoints"):
        if not isinstance(endpoint, dict) or not endpoint.get("VpcEndpointId"):
            continue
        endpoint_id = endpoint["VpcEndpointId"]
        arn = f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:vpc-endpoint/{endpoint_id}"
        ci = ctx.base_ci(vpc.ENDPOINT_TYPE, endpoint_id, endpoint_id, arn)
        ci["configuration"] = vpc.endpoint_configuration(endpoint)
        ci["tags"] = vpc.tag_map(endpoint)
        if endpoint.get("VpcId"):
            ci["relationships"].append(
                {"resourceType": vpc.VPC_TYPE, "resourceId": endpoint["VpcId"], "name": "Is contained in "}
            )
        items.append(ci)
    return items


BUILDERS = {
    vpc.FLOW_LOG_TYPE: build_flow_logs,
    vpc.ENDPOINT_TYPE: build_endpoints,
}
