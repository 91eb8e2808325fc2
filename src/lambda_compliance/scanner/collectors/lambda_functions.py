"""AWS::Lambda::Function CIs from the Lambda API, shaped as Config records them.

Per function: GetFunction (configuration, tags, reserved concurrency in one
call), GetPolicy and GetFunctionUrlConfig; ListFunctions pages enumerate them.
Environment variables are dropped from the CI because Config does not record
them; the reader keeps the full configuration for the rules that need it.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.scanner.collectors import CollectContext

ORDER = 10

# Config does not record these FunctionConfiguration fields.
_NOT_RECORDED = {"Environment", "LoggingConfig", "SnapStart", "RuntimeVersionConfig", "ResponseMetadata"}
_KEY_NAMES = {"KMSKeyArn": "kmskeyArn"}


def config_keys(value: Any) -> Any:
    """API PascalCase -> Config camelCase, recursively (KMSKeyArn is Config's ``kmskeyArn``)."""
    if isinstance(value, dict):
        return {
            _KEY_NAMES.get(k, k[:1].lower() + k[1:]): config_keys(v) for k, v in value.items() if k not in _NOT_RECORDED
        }
    if isinstance(value, list):
        return [config_keys(v) for v in value]
    return value


def function_ci(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    reader = ctx.reader
    response = reader.call("lambda", "get_function", missing=lambda_api.NOT_FOUND, FunctionName=name)
    if response is None:  # deleted between listing and reading
        return None
    configuration = response.get("Configuration") or {}
    # Rules asking for the full configuration (env vars) find it cached.
    reader.seed("lambda", "get_function_configuration", configuration, FunctionName=name)
    arn = configuration.get("FunctionArn")
    ci = ctx.base_ci("AWS::Lambda::Function", name, name, arn)
    ci["configuration"] = config_keys(configuration)
    ci["tags"] = dict(response.get("Tags") or {})
    supplementary: dict[str, Any] = {}
    policy = lambda_api.function_policy(reader, name)
    if policy:
        supplementary["Policy"] = policy
    reserved = (response.get("Concurrency") or {}).get("ReservedConcurrentExecutions")
    if reserved is not None:
        supplementary["Concurrency"] = {"reservedConcurrentExecutions": reserved}
    ci["supplementaryConfiguration"] = supplementary
    lambda_api.function_url_config(reader, name)  # warm the cache for URL rules
    role = configuration.get("Role")
    if isinstance(role, str):
        ci["relationships"].append(
            {
                "resourceType": "AWS::IAM::Role",
                "resourceName": role.rsplit("/", 1)[-1],
                "name": "Is associated with ",
            }
        )
    for subnet in (configuration.get("VpcConfig") or {}).get("SubnetIds") or []:
        ci["relationships"].append(
            {"resourceType": "AWS::EC2::Subnet", "resourceId": subnet, "name": "Is contained in "}
        )
    for group in (configuration.get("VpcConfig") or {}).get("SecurityGroupIds") or []:
        ci["relationships"].append(
            {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": group, "name": "Is associated with "}
        )
    return ci


def build_functions(ctx: CollectContext) -> list[dict[str, Any]]:
    listed = ctx.reader.collect("lambda", "list_functions", "Functions")
    names = [f["FunctionName"] for f in listed if isinstance(f, dict) and f.get("FunctionName")]
    ctx.progress.add_total(len(names))
    items: list[dict[str, Any]] = []
    for ci in ctx.pool.map(lambda n: function_ci(ctx, n), names):
        ctx.progress.advance()
        if ci is not None:
            items.append(ci)
    return items


BUILDERS = {"AWS::Lambda::Function": build_functions}
