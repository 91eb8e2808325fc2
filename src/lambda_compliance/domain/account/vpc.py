"""The VPCs that host Lambda functions, their flow logs and their VPC endpoints.

A function CI names its subnets (``vpcConfig.subnetIds``) but not its VPC; the
subnet's CI (``AWS::EC2::Subnet`` ``vpcId``) or ``ec2:DescribeSubnets`` gives
it. Flow logs (``AWS::EC2::FlowLog``) and endpoints (``AWS::EC2::VPCEndpoint``)
are recorded by Config; they are read from the reader's inventory.

An inventory the scanner built (collected from the APIs, or a snapshot) holds
every type the rule asked for, so an empty list there means "none". Inside
Lambda the inventory is Config itself, whose recorder may leave a type out:
there an empty answer is confirmed with the EC2 API, shaped into the same CIs
by the same functions the collector uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.ci_fields import bean_keys
from lambda_compliance.runtime.lazy import lazy

FUNCTION_TYPE = "AWS::Lambda::Function"
SUBNET_TYPE = "AWS::EC2::Subnet"
VPC_TYPE = "AWS::EC2::VPC"
FLOW_LOG_TYPE = "AWS::EC2::FlowLog"
ENDPOINT_TYPE = "AWS::EC2::VPCEndpoint"
FILTER_VALUES = 200  # EC2 accepts up to 200 values per filter

_SERVICE = lazy(r"(?:[a-z]+\.)*amazonaws\.[a-z]{2}(?:-[a-z]+)+-\d+\.(.+)")


@dataclass(frozen=True)
class FlowLog:
    flow_log_id: str
    vpc_id: str
    status: str | None  # flowLogStatus: ACTIVE
    delivery: str | None  # deliverLogsStatus: SUCCESS, FAILED, SKIPPED
    traffic: str | None  # ALL, ACCEPT, REJECT

    @property
    def active(self) -> bool:
        return (self.status or "").upper() == "ACTIVE" and (self.delivery or "SUCCESS").upper() != "FAILED"


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    vpc_id: str
    service: str  # short name: s3, dynamodb, kms, ...
    state: str | None

    @property
    def available(self) -> bool:
        return (self.state or "").lower() == "available"


def function_vpcs(aws: AwsReader) -> dict[str, list[str]]:
    """VPC id -> names of the functions attached to it (sorted), from the function CIs."""
    subnets_of: dict[str, list[str]] = {}
    for ci in aws.resources(FUNCTION_TYPE):
        if ci.is_deleted:  # Config's advanced query still lists deleted resources
            continue
        # a damaged id names no subnet (and the reader would refuse the whole batch for it)
        listed = ci.get("vpcConfig", "subnetIds", kind=list) or []
        subnets = [s for s in listed if identifiers.valid(identifiers.SUBNET, s)]
        if subnets:
            subnets_of[ci.resource_name] = subnets
    vpc_of = subnet_vpcs(aws, {s for subnets in subnets_of.values() for s in subnets})
    hosted: dict[str, set[str]] = {}
    for function, subnets in subnets_of.items():
        for subnet in subnets:
            if subnet in vpc_of:
                hosted.setdefault(vpc_of[subnet], set()).add(function)
    return {vpc: sorted(functions) for vpc, functions in sorted(hosted.items())}


def subnet_vpcs(aws: AwsReader, subnet_ids: Iterable[str]) -> dict[str, str]:
    """Subnet id -> VPC id: recorded subnet CIs first, then one DescribeSubnets per 200 unknown subnets."""
    wanted = set(subnet_ids)
    found = {
        ci.resource_id: vpc
        for ci in aws.resources(SUBNET_TYPE)
        if ci.resource_id in wanted and (vpc := ci.get("vpcId", kind=str))
    }
    missing = sorted(wanted - set(found))
    for start in range(0, len(missing), FILTER_VALUES):
        chunk = missing[start : start + FILTER_VALUES]
        for subnet in aws.collect(
            "ec2", "describe_subnets", "Subnets", Filters=[{"Name": "subnet-id", "Values": chunk}]
        ):
            if isinstance(subnet, dict) and subnet.get("SubnetId") and subnet.get("VpcId"):
                found[subnet["SubnetId"]] = subnet["VpcId"]
    return found


def recorded(
    aws: AwsReader, resource_type: str, from_api: Callable[[AwsReader], Iterable[ConfigItem]]
) -> list[ConfigItem]:
    """CIs of a type Config records; inside Lambda an empty answer is confirmed with the service API."""
    items = [ci for ci in aws.resources(resource_type) if not ci.is_deleted]
    if items or isinstance(aws.inventory, LocalInventory):
        return items
    return aws.memo(("service-api", resource_type), lambda: list(from_api(aws)))


def flow_logs(aws: AwsReader) -> dict[str, list[FlowLog]]:
    """VPC id -> its flow logs."""
    by_vpc: dict[str, list[FlowLog]] = {}
    for ci in recorded(aws, FLOW_LOG_TYPE, _flow_logs_from_api):
        vpc = ci.get("resourceId", kind=str)
        if vpc and vpc.startswith("vpc-"):
            by_vpc.setdefault(vpc, []).append(
                FlowLog(
                    flow_log_id=ci.get("flowLogId", kind=str) or ci.resource_id,
                    vpc_id=vpc,
                    status=ci.get("flowLogStatus", kind=str),
                    delivery=ci.get("deliverLogsStatus", kind=str),
                    traffic=ci.get("trafficType", kind=str),
                )
            )
    return by_vpc


def endpoints(aws: AwsReader) -> dict[str, list[Endpoint]]:
    """VPC id -> its VPC endpoints."""
    by_vpc: dict[str, list[Endpoint]] = {}
    for ci in recorded(aws, ENDPOINT_TYPE, _endpoints_from_api):
        vpc = ci.get("vpcId", kind=str)
        service = service_short_name(ci.get("serviceName", kind=str) or "")
        if vpc and service:
            by_vpc.setdefault(vpc, []).append(
                Endpoint(
                    endpoint_id=ci.get("vpcEndpointId", kind=str) or ci.resource_id,
                    vpc_id=vpc,
                    service=service,
                    state=ci.get("state", kind=str),
                )
            )
    return by_vpc


def named(names: list[str], shown: int = 3) -> str:
    """``a, b, c and 4 more``: a bounded list of names for an annotation."""
    rest = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {rest} more" if rest > 0 else "")


def service_short_name(service_name: str) -> str | None:
    """``com.amazonaws.us-east-1.kms-fips`` -> ``kms``; None for endpoint services of other owners."""
    match = _SERVICE.fullmatch(service_name.strip().lower())
    if not match:
        return None
    name = match.group(1)
    return name[: -len("-fips")] if name.endswith("-fips") else name


# CI shapes shared with the collector -------------------------------------------------
def flow_log_configuration(api: Mapping[str, Any]) -> dict[str, Any]:
    """A DescribeFlowLogs entry in Config's spelling (tags live on the CI, not in configuration)."""
    return bean_keys({k: v for k, v in api.items() if k != "Tags"})


def endpoint_configuration(api: Mapping[str, Any]) -> dict[str, Any]:
    """A DescribeVpcEndpoints entry in Config's spelling; the state enum as Config wraps it."""
    configuration = bean_keys({k: v for k, v in api.items() if k not in ("Tags", "PolicyDocument")})
    if isinstance(configuration.get("state"), str):
        configuration["state"] = {"value": configuration["state"]}
    return configuration


def tag_map(api: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in api.get("Tags") or [] if isinstance(t, dict) and "Key" in t}


def _api_ci(aws: AwsReader, resource_type: str, resource_id: str, configuration: dict[str, Any]) -> ConfigItem:
    return ConfigItem.of(
        {
            "resourceType": resource_type,
            "resourceId": resource_id,
            "awsAccountId": aws.account_id,
            "awsRegion": aws.region,
            "configurationItemStatus": "OK",
            "configuration": configuration,
        }
    )


def _flow_logs_from_api(aws: AwsReader) -> list[ConfigItem]:
    return [
        _api_ci(aws, FLOW_LOG_TYPE, log["FlowLogId"], flow_log_configuration(log))
        for log in aws.collect("ec2", "describe_flow_logs", "FlowLogs")
        if isinstance(log, dict) and log.get("FlowLogId")
    ]


def _endpoints_from_api(aws: AwsReader) -> list[ConfigItem]:
    return [
        _api_ci(aws, ENDPOINT_TYPE, endpoint["VpcEndpointId"], endpoint_configuration(endpoint))
        for endpoint in aws.collect("ec2", "describe_vpc_endpoints", "VpcEndpoints")
        if isinstance(endpoint, dict) and endpoint.get("VpcEndpointId")
    ]
