"""A moto server on 127.0.0.1 holding N Lambda functions that look like a real account's.

Variety (deterministic for a given N): one execution role per ~8 functions (so roles are shared), each
with an inline policy and AWS and customer managed policies (a few roles are admins); 3-6 environment
variables per function (references, settings, now and then a fake credential); a third of the
functions in one of two VPCs; a KMS key on a fifth; X-Ray on half; reserved concurrency on a fifth;
resource policies (service principals with and without a source, now and then a public one); a URL on
one in ten (some without auth); a /aws/lambda log group for most (some kept 400 days, some 30); tags.
"""

from __future__ import annotations

import io
import json
import random
import time
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
REGION = "us-east-1"
RUNTIMES = ("python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java21", "python3.9", "nodejs18.x", "ruby3.3")
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
FUNCTIONS_PER_ROLE = 8


TESTING = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class Estate:
    endpoint_url: str
    account: str = ACCOUNT
    # Another account's estate is built with that account's credentials (moto keys accounts by credentials).
    credentials: dict[str, str] = field(default_factory=lambda: dict(TESTING))
    functions: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def session(self) -> boto3.Session:
        return boto3.Session(**self.credentials, region_name=REGION)

    def client(self, service: str) -> Any:
        config = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=32)
        return self.session().client(service, endpoint_url=self.endpoint_url, config=config)


def reset(endpoint_url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")).close()


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def build(
    endpoint_url: str,
    count: int,
    *,
    seed: int = 2026,
    workers: int = 16,
    account: str = ACCOUNT,
    credentials: dict[str, str] | None = None,
) -> Estate:
    """Create ``count`` functions (and what they use) in the moto server at ``endpoint_url``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    estate = Estate(endpoint_url, account, dict(credentials or TESTING))
    iam, ec2, kms, logs = (estate.client(s) for s in ("iam", "ec2", "kms", "logs"))

    shared = iam.create_policy(
        PolicyName="app-data-access",
        PolicyDocument=_policy(
            [
                {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-assets/*"},
            ]
        ),
    )["Policy"]["Arn"]
    role_count = max(1, count // FUNCTIONS_PER_ROLE)
    for index in range(role_count):
        name = f"bench-role-{index:04d}"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
        statements = [
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:{REGION}:{account}:q{index}"},
        ]
        if index % 25 == 3:
            statements.append({"Effect": "Allow", "Action": "*", "Resource": "*"})
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=_policy(statements))
        for arn in (BASIC, shared) + ((READ_ONLY,) if index % 3 == 0 else ()):
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        estate.roles.append(name)

    vpcs = []
    for block in ("10.40", "10.41"):
        vpc = ec2.create_vpc(CidrBlock=f"{block}.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"{block}.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
                "SubnetId"
            ]
            for i, z in enumerate("ab")
        ]
        group = ec2.create_security_group(GroupName=f"bench-{block}", Description="bench", VpcId=vpc)["GroupId"]
        vpcs.append((subnets, group))
    key = kms.create_key(Description="bench env")["KeyMetadata"]["Arn"]

    code = _code()
    plans = []
    for index in range(count):
        name = f"bench-fn-{index:05d}"
        variables = {"LOG_LEVEL": rng.choice(["INFO", "DEBUG", "WARN"]), "STAGE": "prod"}
        variables["TABLE_NAME"] = f"table-{index % 40}"
        if rng.random() < 0.5:
            variables["DB_SECRET_ARN"] = f"arn:aws:secretsmanager:{REGION}:{account}:secret:db-{index % 9}-AbCdEf"
        if rng.random() < 0.05:
            variables["API_TOKEN"] = f"ghp_{rng.getrandbits(160):040x}"[:40]
        spec: dict[str, Any] = {
            "FunctionName": name,
            "Role": f"arn:aws:iam::{account}:role/{estate.roles[index % role_count]}",
            "Runtime": RUNTIMES[index % len(RUNTIMES)],
            "Handler": "app.handler",
            "Code": {"ZipFile": code},
            "Timeout": rng.choice([3, 30, 60, 300, 900]),
            "MemorySize": rng.choice([128, 256, 1024]),
            "Environment": {"Variables": variables},
            "Tags": {"team": f"team-{index % 7}"} if rng.random() < 0.7 else {},
        }
        if rng.random() < 0.5:
            spec["TracingConfig"] = {"Mode": "Active"}
        if rng.random() < 0.2:
            spec["KMSKeyArn"] = key
        if rng.random() < 0.33:
            subnets, group = vpcs[index % 2]
            spec["VpcConfig"] = {
                "SubnetIds": subnets if rng.random() < 0.7 else subnets[:1],
                "SecurityGroupIds": [group],
            }
        plans.append((spec, rng.random(), rng.random(), rng.random(), rng.random()))

    def create(plan: tuple[dict[str, Any], float, float, float, float]) -> str:
        spec, concurrency, permission, url, log = plan
        name = spec["FunctionName"]
        lam = clients["lambda"]
        lam.create_function(**spec)
        if concurrency < 0.2:
            lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
        if permission < 0.3:
            source = {"SourceArn": f"arn:aws:s3:::bucket-{name}"} if permission < 0.2 else {}
            lam.add_permission(
                FunctionName=name,
                StatementId="S3Invoke",
                Action="lambda:InvokeFunction",
                Principal="s3.amazonaws.com",
                **source,
            )
        elif permission > 0.98:
            lam.add_permission(FunctionName=name, StatementId="Public", Action="lambda:InvokeFunction", Principal="*")
        if url < 0.1:
            lam.create_function_url_config(FunctionName=name, AuthType="NONE" if url < 0.03 else "AWS_IAM")
        if log < 0.8:
            group = f"/aws/lambda/{name}"
            clients["logs"].create_log_group(logGroupName=group)
            if log < 0.5:
                clients["logs"].put_retention_policy(logGroupName=group, retentionInDays=400 if log < 0.4 else 30)
        return name

    clients = {"lambda": estate.client("lambda"), "logs": logs}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        estate.functions = list(pool.map(create, plans))
    estate.seconds = time.perf_counter() - started
    return estate
