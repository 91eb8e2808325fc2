"""The built-in demo estate: a small payments company's serverless account, in moto.

``running_demo()`` starts moto's server on 127.0.0.1 (a free port), seeds the
estate through real boto3 calls and yields the endpoint to scan. Seeder modules
in this package each expose ``seed(estate)`` and an ``ORDER``; they are
discovered, so each rule family adds its resources without editing this file.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3

ACCOUNT = "123456789012"  # moto's default account
# The demo's own configuration (tuned parameters, exemptions): `scan --demo` reads it unless given --config or
# --no-config; it is package data, so no scan of a real account picks it up from a working directory.
CONFIG = Path(__file__).with_name("lambda-compliance.yaml")
REGION = "us-east-1"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
LOGS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/*",
        }
    ],
}


@cache
def _code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


@dataclass
class Estate:
    """A seeded account plus helpers seeders share (so they never repeat boilerplate)."""

    session: boto3.Session
    endpoint_url: str
    region: str = REGION
    account_id: str = ACCOUNT
    roles: dict[str, str] = field(default_factory=dict)  # name -> ARN
    notes: dict[str, Any] = field(default_factory=dict)  # facts seeders record for tests

    def client(self, service: str, region: str | None = None) -> Any:
        return self.session.client(service, region_name=region or self.region, endpoint_url=self.endpoint_url)

    def role(
        self,
        name: str,
        *,
        inline: dict[str, Any] | None = None,
        managed: tuple[str, ...] = (),
        trust: dict[str, Any] | None = None,
        boundary: str | None = None,
    ) -> str:
        if name in self.roles:
            return self.roles[name]
        iam = self.client("iam")
        kwargs: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": json.dumps(trust or LAMBDA_TRUST),
        }
        if boundary:
            kwargs["PermissionsBoundary"] = boundary
        arn = iam.create_role(**kwargs)["Role"]["Arn"]
        for policy_name, document in (inline or {}).items():
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
        for policy_arn in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        self.roles[name] = arn
        return arn

    def function(self, name: str, *, role: str, runtime: str = "python3.12", **kwargs: Any) -> str:
        spec: dict[str, Any] = {
            "FunctionName": name,
            "Role": self.roles.get(role, role),
            "Handler": "app.handler",
            "Code": {"ZipFile": _code_zip()},
            "Timeout": 30,
            "MemorySize": 256,
        }
        if runtime:
            spec["Runtime"] = runtime
        spec.update(kwargs)
        return self.client("lambda").create_function(**spec)["FunctionArn"]


@cache
def seeders() -> tuple[Any, ...]:
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    return tuple(
        sorted((m for m in modules if hasattr(m, "seed")), key=lambda m: (getattr(m, "ORDER", 50), m.__name__))
    )


def seed(estate: Estate) -> Estate:
    for module in seeders():
        module.seed(estate)
    return estate


@contextmanager
def running_demo() -> Iterator[Estate]:
    """moto on 127.0.0.1 with the estate seeded; credentials are moto's fakes, never real ones."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.server import ThreadedMotoServer  # moto is a demo/test dependency, imported only here

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # moto keeps its state per process: start every demo from an empty account.
    urllib.request.urlopen(urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")).close()
    try:
        session = boto3.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
            region_name=REGION,
        )
        yield seed(Estate(session=session, endpoint_url=f"http://{host}:{port}"))
    finally:
        server.stop()
