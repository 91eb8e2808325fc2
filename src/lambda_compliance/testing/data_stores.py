"""Test builders for the data, keys, secrets and account rules: CIs and service responses in real shapes.

CIs come out in the same base spelling as ``testing.lambda_ci`` (``accountId``,
``arn``) so ``testing.both_formats`` yields the snapshot and the API format of
each. Field names follow the aws-config-resource-schema property files
(``ssedescription.ssetype``, ``keyManager``, ``KMSKeyId``...).
``StubbedServices`` is the shape-checked Stubber factory of
``testing_api_gateway`` for the services these rules call.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rdklib import Evaluation

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.testing import ACCOUNT, REGION, config_item
from lambda_compliance.testing.api_gateway import StubbedApis

KEY_ID = "0d3c4b5a-6978-4e1f-9a2b-3c4d5e6f7a8b"
AWS_KEY_ID = "7e6aa0ea-15a4-4e72-8b32-58e46e776888"
VPC_ID = "vpc-0a1b2c3d4e5f60718"
SUBNETS = ("subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88")
CREATED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def key_arn(key_id: str = KEY_ID, account: str = ACCOUNT) -> str:
    return f"arn:aws:kms:{REGION}:{account}:key/{key_id}"


def table_ci(
    name: str = "ledger",
    *,
    key: str | None = None,
    sse: Mapping[str, Any] | None = None,
    pitr: str | None = "ENABLED",
    status: str = "OK",
    **configuration: Any,
) -> dict[str, Any]:
    """An AWS::DynamoDB::Table CI; ``key`` encrypts it with that KMS key ARN, else the AWS owned key."""
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    conf: dict[str, Any] = {
        "tableName": name,
        "tableArn": arn,
        "tableId": "4b1f6c2e-8a7d-4e3b-9c5a-1d2e3f4a5b6c",
        "tableStatus": "ACTIVE",
        "attributeDefinitions": [{"attributeName": "pk", "attributeType": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
        "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"},
        "creationDateTime": "2026-10-01T09:00:00.000Z",
        "itemCount": 0,
        "tableSizeBytes": 0,
    }
    if key:
        conf["ssedescription"] = {"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": key}
    if sse is not None:
        conf["ssedescription"] = dict(sse)
    conf.update(configuration)
    supplementary = {}
    if pitr:
        supplementary["ContinuousBackupsDescription"] = {
            "continuousBackupsStatus": "ENABLED",
            "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": pitr},
        }
    return config_item("AWS::DynamoDB::Table", name, name, arn, conf, supplementary=supplementary, status=status)


def kms_key_ci(
    key_id: str = KEY_ID,
    *,
    manager: str = "CUSTOMER",
    rotation: bool | None = True,
    status: str = "OK",
    **configuration: Any,
) -> dict[str, Any]:
    """An AWS::KMS::Key CI; ``rotation`` None leaves KeyRotationStatus unrecorded."""
    arn = key_arn(key_id)
    conf: dict[str, Any] = {
        "awsaccountId": ACCOUNT,
        "keyId": key_id,
        "arn": arn,
        "creationDate": "2026-10-01T09:00:00.000Z",
        "enabled": True,
        "description": "payments data" if manager == "CUSTOMER" else "Default key that protects my DynamoDB data",
        "keyUsage": "ENCRYPT_DECRYPT",
        "keyState": "Enabled",
        "origin": "AWS_KMS",
        "keyManager": manager,
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keySpec": "SYMMETRIC_DEFAULT",
        "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "multiRegion": False,
    }
    conf.update(configuration)
    supplementary = {} if rotation is None else {"KeyRotationStatus": rotation}
    return config_item("AWS::KMS::Key", key_id, key_id, arn, conf, supplementary=supplementary, status=status)


def secret_arn(name: str) -> str:
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-Ab12Cd"


def secret_ci(name: str = "payments/db", *, status: str = "OK", **configuration: Any) -> dict[str, Any]:
    """An AWS::SecretsManager::Secret CI (PascalCase, as Config records it); keywords override configuration."""
    arn = secret_arn(name)
    conf: dict[str, Any] = {
        "ARN": arn,
        "Name": name,
        "Description": "payments database credentials",
        "RotationEnabled": False,
        "Deleted": False,
    }
    conf.update(configuration)
    return config_item("AWS::SecretsManager::Secret", arn, name, arn, conf, status=status)


def rotating(days: int | None = 30, expression: str | None = None, **extra: Any) -> dict[str, Any]:
    """Secret CI fields for rotation on ``days`` or on a schedule expression."""
    rules: dict[str, Any] = {}
    if days is not None:
        rules["AutomaticallyAfterDays"] = days
    if expression is not None:
        rules["RotationScheduleExpression"] = expression
    return {
        "RotationEnabled": True,
        "RotationLambdaARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:secrets-rotator",
        "RotationRules": rules,
        **extra,
    }


def subnet_ci(subnet_id: str = SUBNETS[0], vpc_id: str = VPC_ID) -> dict[str, Any]:
    conf = {
        "subnetId": subnet_id,
        "vpcId": vpc_id,
        "availabilityZone": f"{REGION}a",
        "cidrBlock": "10.20.0.0/24",
        "state": "available",
        "defaultForAz": False,
        "mapPublicIpOnLaunch": False,
    }
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}"
    relation = {"resourceType": "AWS::EC2::VPC", "resourceId": vpc_id, "name": "Is contained in "}
    return config_item("AWS::EC2::Subnet", subnet_id, subnet_id, arn, conf, relationships=[relation])


def flow_log_ci(
    flow_log_id: str = "fl-0123456789abcdef0", vpc_id: str = VPC_ID, *, status: str = "OK", **configuration: Any
) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "flowLogId": flow_log_id,
        "resourceId": vpc_id,
        "flowLogStatus": "ACTIVE",
        "deliverLogsStatus": "SUCCESS",
        "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs",
        "logGroupName": "/vpc/flow-logs",
        "deliverLogsPermissionArn": f"arn:aws:iam::{ACCOUNT}:role/vpc-flow-logs",
        "logFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${action}",
        "maxAggregationInterval": 600,
        "creationTime": "2026-10-01T09:00:00.000Z",
    }
    conf.update(configuration)
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/{flow_log_id}"
    return config_item("AWS::EC2::FlowLog", flow_log_id, flow_log_id, arn, conf, status=status)


def endpoint_ci(
    service: str, vpc_id: str = VPC_ID, *, state: str = "available", endpoint_id: str | None = None
) -> dict[str, Any]:
    endpoint_id = endpoint_id or f"vpce-0{zlib.crc32(f'{service}/{vpc_id}'.encode()):08x}7a6b5c4d"
    gateway = service in ("s3", "dynamodb")
    conf = {
        "vpcEndpointId": endpoint_id,
        "vpcEndpointType": "Gateway" if gateway else "Interface",
        "vpcId": vpc_id,
        "serviceName": f"com.amazonaws.{REGION}.{service}",
        "state": {"value": state},
        "routeTableIds": ["rtb-0f1e2d3c4b5a69788"] if gateway else [],
        "subnetIds": [] if gateway else list(SUBNETS),
        "privateDnsEnabled": not gateway,
        "requesterManaged": False,
        "ownerId": ACCOUNT,
        "creationTimestamp": "2026-10-01T09:00:00.000Z",
    }
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{endpoint_id}"
    return config_item("AWS::EC2::VPCEndpoint", endpoint_id, endpoint_id, arn, conf)


def key_metadata(key_id: str = KEY_ID, manager: str = "CUSTOMER", **fields: Any) -> dict[str, Any]:
    """A DescribeKey response."""
    metadata = {
        "AWSAccountId": ACCOUNT,
        "KeyId": key_id,
        "Arn": key_arn(key_id),
        "Enabled": True,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": manager,
        "KeySpec": "SYMMETRIC_DEFAULT",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }
    metadata.update(fields)
    return {"KeyMetadata": metadata}


def parameter(name: str, kind: str = "String", **fields: Any) -> dict[str, Any]:
    """A DescribeParameters entry: metadata only, never a value."""
    entry: dict[str, Any] = {
        "Name": name,
        "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name if name.startswith('/') else '/' + name}",
        "Type": kind,
        "LastModifiedDate": CREATED,
        "LastModifiedUser": f"arn:aws:iam::{ACCOUNT}:user/deployer",
        "Version": 1,
        "Tier": "Standard",
        "Policies": [],
        "DataType": "text",
    }
    if kind == "SecureString":
        entry["KeyId"] = "alias/aws/ssm"
    entry.update(fields)
    return entry


def trail(
    name: str = "org-audit", *, home: str = REGION, multi_region: bool = True, validation: bool = True
) -> dict[str, Any]:
    """A DescribeTrails entry."""
    return {
        "Name": name,
        "S3BucketName": "payments-cloudtrail-logs",
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": multi_region,
        "HomeRegion": home,
        "TrailARN": trail_arn(name, home),
        "LogFileValidationEnabled": validation,
        "HasCustomEventSelectors": True,
        "HasInsightSelectors": False,
        "IsOrganizationTrail": False,
    }


def trail_arn(name: str, home: str = REGION) -> str:
    return f"arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"


ALL_FUNCTIONS_BASIC = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
        "ExcludeManagementEventSources": [],
    }
]
MANAGEMENT_ONLY = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]


def lambda_advanced(*conditions: dict[str, Any]) -> list[dict[str, Any]]:
    """Advanced selectors: management events plus Lambda data events narrowed by ``conditions``."""
    return [
        {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {
            "Name": "Lambda data events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                *conditions,
            ],
        },
    ]


def trail_status(logging: bool = True) -> dict[str, Any]:
    """A GetTrailStatus response."""
    status: dict[str, Any] = {"IsLogging": logging, "LatestDeliveryTime": CREATED, "StartLoggingTime": CREATED}
    if not logging:
        status["StopLoggingTime"] = CREATED
    return status


def detector(status: str = "ENABLED", lambda_protection: str | None = "ENABLED") -> dict[str, Any]:
    """A GetDetector response with the features GuardDuty lists today."""
    features = [
        {"Name": "CLOUD_TRAIL", "Status": "ENABLED", "UpdatedAt": CREATED},
        {"Name": "DNS_LOGS", "Status": "ENABLED", "UpdatedAt": CREATED},
        {"Name": "FLOW_LOGS", "Status": "ENABLED", "UpdatedAt": CREATED},
        {"Name": "S3_DATA_EVENTS", "Status": "DISABLED", "UpdatedAt": CREATED},
    ]
    if lambda_protection:
        features.append({"Name": "LAMBDA_NETWORK_LOGS", "Status": lambda_protection, "UpdatedAt": CREATED})
    return {
        "CreatedAt": "2026-10-01T09:00:00.000Z",
        "FindingPublishingFrequency": "SIX_HOURS",
        "ServiceRole": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/"
        "AWSServiceRoleForAmazonGuardDuty",
        "Status": status,
        "UpdatedAt": "2026-11-28T16:12:09.000Z",
        "Tags": {},
        "Features": features,
    }


def inspector_finding(
    function: str,
    first_observed: datetime,
    *,
    severity: str = "CRITICAL",
    status: str = "ACTIVE",
    resource_type: str = "AWS_LAMBDA_FUNCTION",
    title: str = "CVE-2024-0001 - requests",
) -> dict[str, Any]:
    """One Inspector ``ListFindings`` finding (the API's required members), on a function of this account."""
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"
    finding_id = zlib.crc32(f"{function}/{title}".encode())
    return {
        "findingArn": f"arn:aws:inspector2:{REGION}:{ACCOUNT}:finding/{finding_id:010d}",
        "awsAccountId": ACCOUNT,
        "type": "PACKAGE_VULNERABILITY",
        "description": f"{title} in a dependency of {function}",
        "title": title,
        "remediation": {"recommendation": {"text": "Upgrade the package"}},
        "severity": severity,
        "firstObservedAt": first_observed,
        "lastObservedAt": first_observed,
        "status": status,
        "resources": [{"type": resource_type, "id": arn, "region": REGION}],
    }


def inspector_account(standard: str = "ENABLED", code: str = "ENABLED", account: str = "ENABLED") -> dict[str, Any]:
    """A BatchGetAccountStatus response for this account."""

    def state(status: str) -> dict[str, str]:
        if status == "ENABLED":
            return {"status": status, "errorCode": "ALREADY_ENABLED", "errorMessage": "Already enabled"}
        return {"status": status, "errorCode": "RESOURCE_NOT_FOUND", "errorMessage": "Not enabled"}

    return {
        "accounts": [
            {
                "accountId": ACCOUNT,
                "state": state(account),
                "resourceState": {
                    "ec2": state("DISABLED"),
                    "ecr": state("DISABLED"),
                    "lambda": state(standard),
                    "lambdaCode": state(code),
                },
            }
        ],
        "failedAccounts": [],
    }


class StubbedServices(StubbedApis):
    """A client factory whose clients answer from queued, shape-checked responses (botocore Stubber)."""

    SERVICES = ("kms", "dynamodb", "secretsmanager", "ssm", "cloudtrail", "guardduty", "inspector2", "ec2", "lambda")


class RecorderInventory:
    """AWS Config's inventory as a rule sees it inside Lambda, for a recorder that leaves some types out.

    Like Config's advanced query it may list resources whose last CI says they were deleted.
    """

    def __init__(self, items: Sequence[Mapping[str, Any]], unrecorded: Sequence[str] = ()) -> None:
        self._items = [ConfigItem.of(ci) for ci in items]
        self._unrecorded = set(unrecorded)

    def resources(self, resource_type: str) -> list[ConfigItem]:
        if resource_type in self._unrecorded:
            return []
        return [ci for ci in self._items if ci.resource_type == resource_type]

    def resource(
        self, resource_type: str, *, resource_id: str | None = None, resource_name: str | None = None
    ) -> ConfigItem | None:
        for ci in self.resources(resource_type):
            if (resource_id and ci.resource_id == resource_id) or (resource_name and ci.resource_name == resource_name):
                return ci
        return None


def lambda_reader(factory: Any, items: Sequence[Mapping[str, Any]], unrecorded: Sequence[str] = ()) -> AwsReader:
    """A reader as inside a rule Lambda: Config's inventory (without ``unrecorded`` types) and ``factory``'s clients."""
    return AwsReader(factory, account_id=ACCOUNT, region=REGION, inventory=RecorderInventory(items, unrecorded))


def account_verdicts(evaluations: list[Evaluation]) -> list[tuple[str, str, str, str]]:
    """(resource type, resource id, compliance, annotation): what a periodic rule's test asserts."""
    return [(e.complianceResourceType, e.complianceResourceId, e.complianceType, e.annotation) for e in evaluations]
