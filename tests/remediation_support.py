"""Helpers for the remediation tests: run a document against moto, or against stubbed clients."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.stub import Stubber

from lambda_compliance.remediation import runner

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/LambdaComplianceRemediation-us-east-1"


def run_doc(estate: Any, name: str, **params: str) -> runner.Execution:
    """Run a document against the moto estate (DryRun must be passed explicitly where it matters)."""
    params.setdefault("AutomationAssumeRole", ROLE)
    return runner.run(name, params, session=estate.session, region=estate.region, endpoint_url=estate.endpoint_url)


def previous(execution: runner.Execution) -> Any:
    return json.loads(execution.output("PreviousState"))


def policy(estate: Any, function: str) -> dict[str, dict[str, Any]]:
    """Sid -> statement of a function's resource policy ({} without one)."""
    try:
        text = estate.client("lambda").get_policy(FunctionName=function)["Policy"]
    except estate.client("lambda").exceptions.ResourceNotFoundException:
        return {}
    return {s["Sid"]: s for s in json.loads(text)["Statement"]}


@contextmanager
def stubbed(*services: str):
    """(factory, stubs): clients whose every call must be queued on its Stubber; asserts all were used."""
    clients = {
        s: boto3.client(s, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        for s in services
    }
    stubs = {s: Stubber(c) for s, c in clients.items()}
    for stub in stubs.values():
        stub.activate()

    def factory(service: str, **_: Any) -> Any:
        return clients[service]

    yield factory, stubs
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def run_stubbed(factory: Any, name: str, **params: str) -> runner.Execution:
    params.setdefault("AutomationAssumeRole", ROLE)
    return runner.run(name, params, clients=factory)
