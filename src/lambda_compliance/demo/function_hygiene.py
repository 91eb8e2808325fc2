"""The order pipeline: functions for the network, failure-handling, packaging, tag, URL and log rules.

order-events-consumer is the model (two-AZ subnets behind an HTTPS-only security
group, tags, its own account's layer, an on-failure queue, a log group kept a
year and encrypted); the others each break something:

- storefront-api: outside any VPC; CORS limited to the shop (passes); logs kept 30 days, unencrypted.
- promo-banner: CORS open to every origin; no tags; logs never expire (but encrypted).
- invoice-pdf-renderer: a 51 MiB package (bundled headless browser).
- inventory-sync: in the payments security group, whose egress is wide open; retries but no failure destination.

What moto cannot show: code signing configs cannot be read (GetCodeSigningConfig is not
implemented), so LAMBDA_CODE_SIGNING_ENFORCED only fails here; a layer of another account
cannot be attached, so LAMBDA_LAYERS_TRUSTED only passes; LoggingConfig is dropped, so every
function logs to /aws/lambda/<name>. The rules' unit tests cover those paths with botocore's Stubber.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lambda_compliance.demo import LOGS_ONLY, REGION, Estate

ORDER = 20
TAGS = {"Owner": "orders-team", "Environment": "production"}
SHOP = "https://shop.example.com"
ARTIFACTS = "payments-lambda-artifacts"
LARGE_PACKAGE_BYTES = 51 * 1024 * 1024


def _zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _network(estate: Estate) -> tuple[str, list[str], str]:
    """The payments VPC and subnets (a VPC of its own when seeded alone) and its open security group."""
    ec2 = estate.client("ec2")
    if "subnets" not in estate.notes:
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate("ab")
        ]
        group = ec2.create_security_group(GroupName="payments-lambda", Description="payments functions", VpcId=vpc)
        estate.notes.update(vpc=vpc, subnets=subnets, security_group=group["GroupId"])
    return estate.notes["vpc"], list(estate.notes["subnets"]), estate.notes["security_group"]


def _https_only_group(estate: Estate, vpc: str) -> str:
    ec2 = estate.client("ec2")
    group = ec2.create_security_group(
        GroupName="orders-https-egress", Description="orders functions: HTTPS out, database in the VPC", VpcId=vpc
    )["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    ec2.authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]},
        ],
    )
    return group


def _log_group(estate: Estate, function: str, retention: int | None, kms_key: str | None) -> None:
    logs = estate.client("logs")
    name = f"/aws/lambda/{function}"
    logs.create_log_group(logGroupName=name, **({"kmsKeyId": kms_key} if kms_key else {}))
    if retention:
        logs.put_retention_policy(logGroupName=name, retentionInDays=retention)


def seed(estate: Estate) -> None:
    vpc, subnets, open_group = _network(estate)
    https_only = _https_only_group(estate, vpc)
    lam = estate.client("lambda")
    logs_key = estate.client("kms").create_key(Description="payments function logs")["KeyMetadata"]["Arn"]
    sqs = estate.client("sqs")
    queue_url = sqs.create_queue(QueueName="order-events-failures")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    layer = lam.publish_layer_version(
        LayerName="payments-common",
        Content={"ZipFile": _zip({"python/payments_common.py": "TIMEOUT = 5\n"})},
        CompatibleRuntimes=["python3.12"],
    )["LayerVersionArn"]
    estate.role("orders-pipeline", inline={"logs": LOGS_ONLY})

    def fn(name: str, **kwargs: Any) -> None:
        estate.function(name, role="orders-pipeline", TracingConfig={"Mode": "Active"}, **kwargs)

    in_vpc = {"VpcConfig": {"SubnetIds": subnets, "SecurityGroupIds": [https_only]}}
    fn("order-events-consumer", Tags=TAGS, Layers=[layer], **in_vpc)
    lam.put_function_event_invoke_config(
        FunctionName="order-events-consumer", DestinationConfig={"OnFailure": {"Destination": queue}}
    )
    _log_group(estate, "order-events-consumer", 365, logs_key)

    fn("storefront-api", Tags=TAGS)
    lam.create_function_url_config(
        FunctionName="storefront-api", AuthType="AWS_IAM", Cors={"AllowOrigins": [SHOP], "AllowMethods": ["GET"]}
    )
    _log_group(estate, "storefront-api", 30, None)

    fn("promo-banner")
    lam.create_function_url_config(
        FunctionName="promo-banner", AuthType="AWS_IAM", Cors={"AllowOrigins": ["*"], "AllowMethods": ["GET"]}
    )
    _log_group(estate, "promo-banner", None, logs_key)

    s3 = estate.client("s3")
    s3.create_bucket(Bucket=ARTIFACTS)
    package = _zip(
        {"app.py": "def handler(event, context):\n    return {}\n", "vendor/chromium.bin": bytes(LARGE_PACKAGE_BYTES)}
    )
    s3.put_object(Bucket=ARTIFACTS, Key="invoice-pdf-renderer.zip", Body=package)
    fn(
        "invoice-pdf-renderer",
        Tags=TAGS,
        Code={"S3Bucket": ARTIFACTS, "S3Key": "invoice-pdf-renderer.zip"},
        MemorySize=2048,
        **in_vpc,
    )

    fn("inventory-sync", Tags=TAGS, VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [open_group]})
    lam.put_function_event_invoke_config(FunctionName="inventory-sync", MaximumRetryAttempts=1)
    estate.notes.update(https_only_group=https_only, orders_layer=layer, orders_failure_queue=queue)
