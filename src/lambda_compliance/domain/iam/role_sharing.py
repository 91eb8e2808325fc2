"""Which functions share an execution role, across this region's inventory and other regions.

This region's functions come from the reader's Config inventory (the scan's collected CIs inside
``lambda-compliance scan``); functions of the other regions a rule is told about come from
lambda:ListFunctions there (Config evaluations are regional, so those are only counted, never
evaluated). Functions are keyed by ARN so a region listed twice is not double counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lambda_compliance.runtime.aws_reader import AwsReader

FUNCTION_TYPE = "AWS::Lambda::Function"


@dataclass(frozen=True)
class FunctionRole:
    resource_id: str
    name: str
    arn: str
    region: str
    role: str | None  # role ARN, None when the CI lacks it


def _region(arn: str, default: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else default


def functions_by_role(
    aws: AwsReader, regions: Sequence[str] = ()
) -> tuple[list[FunctionRole], dict[str, list[FunctionRole]]]:
    """(functions evaluated here, every known function grouped by lower-cased role ARN)."""
    here: list[FunctionRole] = []
    seen: dict[str, FunctionRole] = {}
    for ci in aws.resources(FUNCTION_TYPE):
        arn = ci.get("functionArn", kind=str) or ci.arn or ci.resource_id
        role = ci.get("role", kind=str)
        fn = FunctionRole(
            ci.resource_id,
            ci.get("functionName", kind=str) or ci.resource_name,
            arn,
            ci.region or _region(arn, ""),
            role,
        )
        here.append(fn)
        seen[arn] = fn
    for region in regions:
        for item in aws.collect("lambda", "list_functions", "Functions", region=region):
            arn = item.get("FunctionArn") if isinstance(item, dict) else None
            if not arn or arn in seen:
                continue
            seen[arn] = FunctionRole(arn, item.get("FunctionName", arn), arn, _region(arn, region), item.get("Role"))
    groups: dict[str, list[FunctionRole]] = {}
    for fn in seen.values():
        if fn.role:
            groups.setdefault(fn.role.lower(), []).append(fn)
    return here, groups


def other_functions(fn: FunctionRole, groups: dict[str, list[FunctionRole]]) -> list[str]:
    """Names of the other functions using ``fn``'s role; another region's show it in brackets."""
    if not fn.role:
        return []
    others = [o for o in groups.get(fn.role.lower(), []) if o.arn != fn.arn]
    names = [o.name if o.region == fn.region else f"{o.name} ({o.region})" for o in others]
    return sorted(names)
