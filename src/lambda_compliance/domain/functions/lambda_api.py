"""Lambda data that Config does not record, read through the cached reader.

The collector calls these same functions, so whatever it fetched is already in
the reader's cache when a rule asks again during a scan.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader

NOT_FOUND = ("ResourceNotFoundException",)


def function_configuration(aws: AwsReader, function: str) -> dict[str, Any] | None:
    """GetFunctionConfiguration: the only source of environment variables (the CI lacks them)."""
    return aws.call("lambda", "get_function_configuration", missing=NOT_FOUND, FunctionName=function)


def function_url_config(aws: AwsReader, function: str) -> dict[str, Any] | None:
    """The unqualified function's URL config, or None when it has no URL."""
    return aws.call("lambda", "get_function_url_config", missing=NOT_FOUND, FunctionName=function)


def function_policy(aws: AwsReader, function: str) -> str | None:
    """The resource policy JSON string, or None when the function has none."""
    response = aws.call("lambda", "get_policy", missing=NOT_FOUND, FunctionName=function)
    policy = (response or {}).get("Policy")
    return policy if isinstance(policy, str) else None


# Runtime update modes (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html): Auto and
# FunctionUpdate let Lambda move the function to new, patched runtime versions; Manual pins the
# version named by RuntimeVersionArn and Lambda applies no runtime patches to it.
MANUAL_UPDATES = "Manual"


def runtime_management(aws: AwsReader, function: str) -> dict[str, Any] | None:
    """GetRuntimeManagementConfig of the unqualified function ($LATEST): the CI does not record the
    update mode (AWS Config's AWS::Lambda::Function schema has no runtimeManagementConfig)."""
    return aws.call("lambda", "get_runtime_management_config", missing=NOT_FOUND, FunctionName=function)


def variables_of(configuration: dict[str, Any]) -> dict[str, Any]:
    """The environment variables of a GetFunctionConfiguration response ({} when none or malformed)."""
    environment = configuration.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    return variables if isinstance(variables, dict) else {}
