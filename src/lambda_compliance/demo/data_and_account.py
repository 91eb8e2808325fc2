"""The payments data layer and account guardrails: tables, keys, secrets, parameters, trails, VPCs.

Each data rule passes and fails somewhere:

- DynamoDB: ``ledger`` (customer managed key, PITR on) is the model; ``checkout-sessions``
  keeps the default AWS owned key and no PITR; ``idempotency-keys`` has the key but no PITR.
- KMS: ``payments-data`` and ``payments-secrets`` rotate; the keys the payments seeders made
  earlier do not; ``receipt-signing`` is asymmetric (rotation not applicable).
- Secrets Manager: ``payments/db-credentials`` (own key, rotated every 30 days) is the model;
  ``payments/stripe-webhook-signing`` has the default key and never rotates;
  ``payments/partner-sftp`` rotates only twice a year.
- SSM: ``/payments/db/password`` is a plain String (fails); ``/payments/stripe/api-key`` is a
  SecureString (passes); configuration and a secret's ARN are not judged.
- VPCs: the payments VPC (five functions) has only S3 and DynamoDB gateway endpoints and no
  flow log; the analytics VPC of ``risk-model-refresh`` has a flow log and every endpoint.

An account is one way only: here the trail that records Lambda data events is single-region,
GuardDuty runs without Lambda Protection and Inspector scans packages but not code, so the
three account rules fail in the demo; their unit tests cover the passing side.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lambda_compliance.demo import ACCOUNT, LOGS_ONLY, REGION, Estate

ORDER = 30
TAGS = {"Owner": "payments-platform", "Environment": "production"}
TRAIL_BUCKET = "payments-cloudtrail-logs"
FLOW_LOG_BUCKET = "payments-vpc-flow-logs"
ENDPOINT_SERVICES = ("s3", "dynamodb", "secretsmanager", "kms", "lambda")
# Fake values, made up for the demo: a rule must judge these parameters without reading them.
PARAMETERS = {
    "/payments/db/password": ("String", "demo-Lw7rQ2xK9pNc4"),
    "/payments/stripe/api-key": ("SecureString", "sk_test_demoX9fK2LmQ7rT4wZ1bN8cV"),
    "/payments/config/region": ("String", REGION),
    "/payments/db/password-secret-arn": ("String", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:payments/db"),
}


def _keys(estate: Estate) -> dict[str, str]:
    kms = estate.client("kms")
    keys = {}
    for name in ("payments-data", "payments-secrets"):
        key = kms.create_key(
            Description=f"{name} (customer managed)", Tags=[{"TagKey": "Owner", "TagValue": "payments"}]
        )
        key_id = key["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=key_id)
        kms.enable_key_rotation(KeyId=key_id)
        keys[name] = key["KeyMetadata"]["Arn"]
    signing = kms.create_key(Description="receipt signatures", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    keys["receipt-signing"] = signing["KeyMetadata"]["Arn"]
    return keys


def _tables(estate: Estate, data_key: str) -> None:
    dynamodb = estate.client("dynamodb")

    def table(name: str, key: str | None, pitr: bool) -> None:
        spec: dict[str, Any] = {
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()],
        }
        if key:
            spec["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
        dynamodb.create_table(**spec)
        if pitr:
            dynamodb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )

    table("ledger", data_key, pitr=True)
    table("checkout-sessions", None, pitr=False)
    table("idempotency-keys", data_key, pitr=False)


@contextmanager
def quiet_rotation_invocations() -> Iterator[None]:
    """RotateSecret makes moto invoke the rotation function's testSecret step, which needs Docker.

    Without Docker moto prints a warning to stdout and logs an error, then carries on (rotation is
    configured either way). moto's server runs in this process: keep both out of the demo's
    output, where stdout may be a JSON report.
    """
    moto_lambda = logging.getLogger("moto.awslambda.models")
    level = moto_lambda.level
    moto_lambda.setLevel(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        moto_lambda.setLevel(level)


def _secrets(estate: Estate, secrets_key: str) -> None:
    estate.role("secrets-rotator", inline={"logs": LOGS_ONLY})
    rotator = estate.function(
        "secrets-rotator",
        role="secrets-rotator",
        TracingConfig={"Mode": "Active"},
        Tags=TAGS,
        Description="Rotates the payments database and partner credentials",
    )
    estate.client("lambda").add_permission(
        FunctionName="secrets-rotator",
        StatementId="SecretsManagerRotation",
        Action="lambda:InvokeFunction",
        Principal="secretsmanager.amazonaws.com",
        SourceAccount=ACCOUNT,
    )
    manager = estate.client("secretsmanager")
    secret_value = json.dumps({"username": "demo", "password": "demo-only-not-a-real-password"})
    for name, key, days in (
        ("payments/db-credentials", secrets_key, 30),
        ("payments/stripe-webhook-signing", None, None),
        ("payments/partner-sftp", secrets_key, 180),
    ):
        manager.create_secret(
            Name=name,
            SecretString=secret_value,
            **({"KmsKeyId": key} if key else {}),
            Tags=[{"Key": "Owner", "Value": "payments"}],
        )
        if days:
            with quiet_rotation_invocations():
                manager.rotate_secret(
                    SecretId=name,
                    RotationLambdaARN=rotator,
                    RotationRules={"AutomaticallyAfterDays": days},
                    RotateImmediately=False,
                )


def _parameters(estate: Estate) -> None:
    ssm = estate.client("ssm")
    for name, (kind, value) in PARAMETERS.items():
        ssm.put_parameter(Name=name, Type=kind, Value=value)


def _trails(estate: Estate) -> None:
    estate.client("s3").create_bucket(Bucket=TRAIL_BUCKET)
    cloudtrail = estate.client("cloudtrail")
    cloudtrail.create_trail(
        Name="management-events", S3BucketName=TRAIL_BUCKET, IsMultiRegionTrail=True, EnableLogFileValidation=True
    )
    cloudtrail.create_trail(Name="lambda-invocations", S3BucketName=TRAIL_BUCKET, EnableLogFileValidation=True)
    cloudtrail.put_event_selectors(
        TrailName="lambda-invocations",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
            }
        ],
    )
    for trail in ("management-events", "lambda-invocations"):
        cloudtrail.start_logging(Name=trail)


def _threat_detection(estate: Estate) -> None:
    estate.client("guardduty").create_detector(
        Enable=True, Features=[{"Name": "LAMBDA_NETWORK_LOGS", "Status": "DISABLED"}]
    )
    estate.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["LAMBDA"])


def _endpoints(estate: Estate, vpc: str, services: tuple[str, ...], subnets: list[str]) -> None:
    ec2 = estate.client("ec2")
    for service in services:
        gateway = service in ("s3", "dynamodb")
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Gateway" if gateway else "Interface",
            **({} if gateway else {"SubnetIds": subnets, "PrivateDnsEnabled": True}),
        )


def _networks(estate: Estate) -> dict[str, str]:
    ec2 = estate.client("ec2")
    payments_vpc = estate.notes.get("vpc")
    if payments_vpc:  # the payments seeder's VPC: gateways only, no flow log
        _endpoints(estate, payments_vpc, ("s3", "dynamodb"), [])
    analytics = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=analytics, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="analytics-lambda", Description="analytics functions", VpcId=analytics)
    estate.client("s3").create_bucket(Bucket=FLOW_LOG_BUCKET)
    ec2.create_flow_logs(
        ResourceIds=[analytics],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{FLOW_LOG_BUCKET}",
    )
    _endpoints(estate, analytics, ENDPOINT_SERVICES, subnets)
    estate.role("analytics-refresh", inline={"logs": LOGS_ONLY})
    estate.function(
        "risk-model-refresh",
        role="analytics-refresh",
        TracingConfig={"Mode": "Active"},
        Tags=TAGS,
        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group["GroupId"]]},
    )
    return {"payments": payments_vpc or "", "analytics": analytics}


def seed(estate: Estate) -> None:
    keys = _keys(estate)
    _tables(estate, keys["payments-data"])
    _secrets(estate, keys["payments-secrets"])
    _parameters(estate)
    _trails(estate)
    _threat_detection(estate)
    estate.notes["data_and_account"] = {"keys": keys, "vpcs": _networks(estate)}
