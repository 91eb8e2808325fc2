"""Test builders for the function-hygiene rules: EC2, Lambda and CloudWatch Logs responses in real shapes.

``StubbedServices`` is the shape-checked client factory of ``testing_api_gateway``
for the ec2, lambda and logs clients these rules read; the builders below
return response entries exactly as those APIs do (botocore validates them).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.testing import ACCOUNT, REGION, reader
from lambda_compliance.testing.api_gateway import StubbedApis

VPC_ID = "vpc-0c3f5a7e9b1d2f4a6"
CREATED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


class StubbedServices(StubbedApis):
    """A client factory whose ec2, lambda and logs clients answer from queued, shape-checked responses."""

    SERVICES = ("ec2", "lambda", "logs")

    def reader(self, inventory: list[dict[str, Any]] | None = None) -> AwsReader:
        return reader(inventory, factory=self)


def function_arn(name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


# EC2 ---------------------------------------------------------------------------------


def subnet(subnet_id: str, zone: str) -> dict[str, Any]:
    """A DescribeSubnets entry."""
    return {
        "SubnetId": subnet_id,
        "VpcId": VPC_ID,
        "AvailabilityZone": zone,
        "AvailabilityZoneId": f"use1-az{ord(zone[-1]) - ord('a') + 1}",
        "CidrBlock": f"10.20.{ord(zone[-1]) - ord('a')}.0/24",
        "State": "available",
        "OwnerId": ACCOUNT,
        "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}",
    }


def egress(
    protocol: str = "-1",
    ports: tuple[int, int] | None = None,
    cidrs: Iterable[str] = ("0.0.0.0/0",),
    ipv6: Iterable[str] = (),
    groups: Iterable[str] = (),
    prefix_lists: Iterable[str] = (),
) -> dict[str, Any]:
    """One IpPermissionsEgress entry (the default egress rule when called without arguments)."""
    permission: dict[str, Any] = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in ipv6],
        "UserIdGroupPairs": [{"GroupId": g, "UserId": ACCOUNT} for g in groups],
        "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists],
    }
    if ports:
        permission["FromPort"], permission["ToPort"] = ports
    return permission


def security_group(group_id: str, *rules: Mapping[str, Any]) -> dict[str, Any]:
    """A DescribeSecurityGroups entry with the given egress rules and no ingress."""
    return {
        "GroupId": group_id,
        "GroupName": f"{group_id}-name",
        "Description": "lambda functions",
        "OwnerId": ACCOUNT,
        "VpcId": VPC_ID,
        "IpPermissions": [],
        "IpPermissionsEgress": [dict(rule) for rule in rules],
    }


# Lambda ------------------------------------------------------------------------------


def event_invoke_config(function: str, destination: str | None, qualifier: str | None = None) -> dict[str, Any]:
    """A ListFunctionEventInvokeConfigs entry; ``destination`` None: retries configured, no destination."""
    config: dict[str, Any] = {
        "LastModified": CREATED,
        "FunctionArn": function_arn(function, qualifier),
        "MaximumRetryAttempts": 2,
    }
    if destination:
        config["DestinationConfig"] = {"OnFailure": {"Destination": destination}}
    return config


def code_signing_config(arn: str, policy: str, profiles: Iterable[str]) -> dict[str, Any]:
    """A GetCodeSigningConfig response."""
    return {
        "CodeSigningConfig": {
            "CodeSigningConfigId": arn.rsplit(":", 1)[-1],
            "CodeSigningConfigArn": arn,
            "Description": "payments signing",
            "AllowedPublishers": {"SigningProfileVersionArns": list(profiles)},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy},
            "LastModified": "2026-11-01T10:00:00.000+0000",
        }
    }


def listed_function(name: str, log_group: str | None = None) -> dict[str, Any]:
    """A ListFunctions entry; ``log_group`` None: LoggingConfig as for a default function."""
    return {
        "FunctionName": name,
        "FunctionArn": function_arn(name),
        "Runtime": "python3.12",
        "Role": f"arn:aws:iam::{ACCOUNT}:role/{name}-role",
        "Handler": "app.handler",
        "CodeSize": 2048,
        "Timeout": 30,
        "MemorySize": 256,
        "PackageType": "Zip",
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": log_group or f"/aws/lambda/{name}"},
    }


def url_config(function: str, origins: Iterable[str] | None, auth: str = "AWS_IAM") -> dict[str, Any]:
    """A GetFunctionUrlConfig response; ``origins`` None: the URL has no CORS configuration."""
    config: dict[str, Any] = {
        "FunctionUrl": f"https://{zlib.crc32(function.encode()):08x}abcd.lambda-url.{REGION}.on.aws/",
        "FunctionArn": function_arn(function),
        "AuthType": auth,
        "CreationTime": "2026-11-01T10:00:00.000+0000",
        "LastModifiedTime": "2026-11-01T10:00:00.000+0000",
        "InvokeMode": "BUFFERED",
    }
    if origins is not None:
        config["Cors"] = {"AllowOrigins": list(origins), "AllowMethods": ["GET", "POST"]}
    return config


# CloudWatch Logs ---------------------------------------------------------------------


def log_group(name: str, retention: int | None = None, kms_key: str | None = None) -> dict[str, Any]:
    """A DescribeLogGroups entry; ``retention`` None: the group never expires."""
    group: dict[str, Any] = {
        "logGroupName": name,
        "creationTime": 1793527200000,
        "metricFilterCount": 0,
        "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*",
        "storedBytes": 52_428,
        "logGroupClass": "STANDARD",
        "logGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}",
    }
    if retention is not None:
        group["retentionInDays"] = retention
    if kms_key:
        group["kmsKeyId"] = kms_key
    return group
