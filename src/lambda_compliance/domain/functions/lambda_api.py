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


def variables_of(configuration: dict[str, Any]) -> dict[str, Any]:
    """The environment variables of a GetFunctionConfiguration response ({} when none or malformed)."""
    environment = configuration.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    return variables if isinstance(variables, dict) else {}
