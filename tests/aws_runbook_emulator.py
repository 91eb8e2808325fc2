"""The AWS-owned runbooks the packs wire, emulated step by step for the Config simulator (test support only).

AWS publishes these runbooks and runs them in Systems Manager; the project ships no copy, so the local
runner cannot execute them. This emulator performs each runbook's documented steps (Systems Manager
Automation runbook reference, one page per runbook, cited per runbook below) with the parameters Config
sends, through real boto3 clients (moto in the tests), so the story "remediation -> next evaluation
COMPLIANT" runs for the rules they fix too:

- ``aws:executeAwsApi`` is the one API call the page names, with the runbook's parameters;
- ``aws:assertAwsResourceProperty`` reads the property back and fails the execution when it differs;
- ``aws:waitForAwsResourceProperty`` polls the property (moto answers at once; a bounded number of reads).

Parameters are checked first, as Automation does, against ``remediation.aws_runbooks.RUNBOOKS`` (every
parameter there is required and must match its pattern; an unknown name is refused). What the emulator
cannot show is anything the page does not say (the runbook's exact error texts, its retries): a story that
passes here proves the pack wires the runbook with the values it needs and that the documented calls
produce a resource the rule accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_compliance.remediation.aws_runbooks import RUNBOOKS

ClientFactory = Callable[[str], Any]
WAIT_READS = 5


class RunbookFailed(RuntimeError):
    """The emulated execution failed (bad parameters, or an assertion step found another value)."""


@dataclass
class RunbookExecution:
    document: str
    parameters: dict[str, str]
    steps: list[tuple[str, str, Any]] = field(default_factory=list)  # (action, API, response or value read)
    status: str = "Success"


def _path(response: Mapping[str, Any], selector: str) -> Any:
    value: Any = response
    for part in selector.removeprefix("$.").split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


@dataclass(frozen=True)
class _Call:
    service: str
    operation: str
    arguments: Callable[[Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class _Check:
    service: str
    operation: str
    arguments: Callable[[Mapping[str, str]], dict[str, Any]]
    selector: str
    expected: Callable[[Mapping[str, str]], Any]
    wait: bool = False  # aws:waitForAwsResourceProperty rather than aws:assertAwsResourceProperty


@dataclass(frozen=True)
class _Runbook:
    page: str
    steps: tuple[_Call | _Check, ...]


def _function(p: Mapping[str, str]) -> dict[str, Any]:
    return {"FunctionName": p["FunctionName"]}


STEPS: dict[str, _Runbook] = {
    # Steps: aws:executeAwsApi enables X-Ray tracing on the function; aws:assertAwsResourceProperty verifies it.
    "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing": _Runbook(
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/"
        "automation-aws-config-lambda-xray.html",
        (
            _Call(
                "lambda",
                "update_function_configuration",
                lambda p: {**_function(p), "TracingConfig": {"Mode": "Active"}},
            ),
            _Check("lambda", "get_function_configuration", _function, "$.TracingConfig.Mode", lambda p: "Active"),
        ),
    ),
    # Steps: aws:waitForAwsResourceProperty LastUpdateStatus Successful; aws:executeAwsApi encrypts the
    # environment variables with KMSKeyArn; aws:assertAwsResourceProperty confirms the key.
    "AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK": _Runbook(
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/"
        "automation-aws-encrypt-lambda-variables.html",
        (
            _Check(
                "lambda",
                "get_function_configuration",
                _function,
                "$.LastUpdateStatus",
                lambda p: "Successful",
                wait=True,
            ),
            _Call("lambda", "update_function_configuration", lambda p: {**_function(p), "KMSKeyArn": p["KMSKeyArn"]}),
            _Check("lambda", "get_function_configuration", _function, "$.KMSKeyArn", lambda p: p["KMSKeyArn"]),
        ),
    ),
    # Listed under the KMS runbooks (automation-ref-kms): aws:executeAwsApi EnableKeyRotation on KeyId, then
    # the rotation status read back (the actions the page lists: kms:EnableKeyRotation, kms:GetKeyRotationStatus).
    "AWSConfigRemediation-EnableKeyRotation": _Runbook(
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/"
        "automation-aws-enable-key-rotation.html",
        (
            _Call("kms", "enable_key_rotation", lambda p: {"KeyId": p["KeyId"]}),
            _Check(
                "kms",
                "get_key_rotation_status",
                lambda p: {"KeyId": p["KeyId"]},
                "$.KeyRotationEnabled",
                lambda p: True,
            ),
        ),
    ),
    # Steps: aws:executeAwsApi enables point-in-time recovery on TableName; aws:assertAwsResourceProperty confirms.
    "AWSConfigRemediation-EnablePITRForDynamoDbTable": _Runbook(
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/"
        "automation-aws-enable-pitr-ddb.html",
        (
            _Call(
                "dynamodb",
                "update_continuous_backups",
                lambda p: {
                    "TableName": p["TableName"],
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                },
            ),
            _Check(
                "dynamodb",
                "describe_continuous_backups",
                lambda p: {"TableName": p["TableName"]},
                "$.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus",
                lambda p: "ENABLED",
            ),
        ),
    ),
}


def check_parameters(document: str, parameters: Mapping[str, Any]) -> dict[str, str]:
    """What Automation accepts for the runbook: every declared parameter, each matching its pattern."""
    declared = RUNBOOKS[document].parameters
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise RunbookFailed(f"{document} has no parameter {', '.join(unknown)}")
    values: dict[str, str] = {}
    for name, pattern in declared.items():
        value = parameters.get(name)
        if not isinstance(value, str):
            raise RunbookFailed(f"{document}: parameter {name} is required (a string)")
        if not re.search(pattern, value):
            raise RunbookFailed(f"{document}: parameter {name} value {value!r} does not match {pattern}")
        values[name] = value
    return values


def run(document: str, parameters: Mapping[str, Any], clients: ClientFactory) -> RunbookExecution:
    """Execute the runbook's documented steps in order; RunbookFailed on bad input or a failed assertion."""
    values = check_parameters(document, parameters)
    execution = RunbookExecution(document, values)
    for step in STEPS[document].steps:
        call = getattr(clients(step.service), step.operation)
        if isinstance(step, _Call):
            response = call(**step.arguments(values))
            response.pop("ResponseMetadata", None)
            execution.steps.append(("aws:executeAwsApi", step.operation, response))
            continue
        expected = step.expected(values)
        for _ in range(WAIT_READS if step.wait else 1):
            found = _path(call(**step.arguments(values)), step.selector)
            if found == expected:
                break
        action = "aws:waitForAwsResourceProperty" if step.wait else "aws:assertAwsResourceProperty"
        execution.steps.append((action, step.operation, found))
        if found != expected:
            execution.status = "Failed"
            raise RunbookFailed(f"{document}: {step.operation} {step.selector} is {found!r}, not {expected!r}")
    return execution
