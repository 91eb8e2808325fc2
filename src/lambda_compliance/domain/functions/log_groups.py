"""Each Lambda function's CloudWatch Logs log group, found with listings, not a call per function.

Config records neither log groups nor a function's LoggingConfig. A function
logs to ``LoggingConfig.LogGroup`` when set, else to ``/aws/lambda/<name>``.
For the functions in the Config inventory this module reads:

- ListFunctions (50 functions a page): every function's LoggingConfig, so a
  stale ``/aws/lambda/<name>`` group is never mistaken for the one in use;
- DescribeLogGroups by the prefix ``/aws/lambda/`` (50 groups a page): the
  default groups, with retention and KMS key;
- DescribeLogGroups by each other group's own name as prefix: one call per
  distinct group outside ``/aws/lambda/`` (usually none; shared groups once).

So N functions with default groups cost ceil(N/50) + ceil(G/50) requests, G
being the account's ``/aws/lambda/`` groups. (``logGroupIdentifiers`` would
batch 50 exact names, but AWS documents the full fields, retention and KMS
key, only for prefix listings.) In a scan the collector's ListFunctions pages
are already cached. The result is memoised per reader: the retention and
encryption rules share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.domain.functions.function_ci import candidates
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem

DEFAULT_PREFIX = "/aws/lambda/"
# The retentions PutRetentionPolicy accepts, in days
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html);
# LambdaCompliance-SetLogGroupRetention carries the same list (a test keeps them in step).
SUPPORTED_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192)
SUPPORTED_RETENTION_DAYS += (2557, 2922, 3288, 3653)


def supported_retention(low: int, high: int) -> int | None:
    """The shortest retention CloudWatch Logs supports within [low, high] days, else None."""
    return next((d for d in SUPPORTED_RETENTION_DAYS if low <= d <= high), None)


@dataclass(frozen=True)
class FunctionLogGroup:
    function: str  # the function's resource id (its name)
    name: str  # the log group it writes to
    group: Mapping[str, Any] | None  # the DescribeLogGroups entry; None when the group does not exist

    @property
    def exists(self) -> bool:
        return self.group is not None

    @property
    def retention_days(self) -> int | None:
        """None when the group keeps logs forever (or does not exist)."""
        days = (self.group or {}).get("retentionInDays")
        return days if isinstance(days, int) and not isinstance(days, bool) else None

    @property
    def kms_key_id(self) -> str | None:
        key = (self.group or {}).get("kmsKeyId")
        return key if isinstance(key, str) and key else None


def _name(ci: ConfigItem) -> str:
    return ci.get("functionName", kind=str) or ci.resource_name


def configured_log_groups(aws: AwsReader) -> dict[str, str]:
    """Function name -> LoggingConfig.LogGroup, from ListFunctions pages."""
    found: dict[str, str] = {}
    for function in aws.collect("lambda", "list_functions", "Functions"):
        if not isinstance(function, dict):
            continue
        logging = function.get("LoggingConfig")
        group = logging.get("LogGroup") if isinstance(logging, dict) else None
        name = function.get("FunctionName")
        if isinstance(name, str) and isinstance(group, str) and group:
            found[name] = group
    return found


def _listed(aws: AwsReader, prefix: str) -> dict[str, dict[str, Any]]:
    groups = aws.collect("logs", "describe_log_groups", "logGroups", logGroupNamePrefix=prefix)
    return {g["logGroupName"]: g for g in groups if isinstance(g, dict) and isinstance(g.get("logGroupName"), str)}


def describe_log_groups(aws: AwsReader, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """DescribeLogGroups entries of the named groups; names absent from the result do not exist."""
    wanted = set(names)
    found: dict[str, dict[str, Any]] = {}
    if any(name.startswith(DEFAULT_PREFIX) for name in wanted):
        listed = _listed(aws, DEFAULT_PREFIX)
        found.update((name, listed[name]) for name in wanted if name in listed)
    for name in sorted(n for n in wanted if not n.startswith(DEFAULT_PREFIX)):
        group = _listed(aws, name).get(name)  # the prefix also matches longer names: keep the exact one
        if group is not None:
            found[name] = group
    return found


def function_log_groups(aws: AwsReader) -> list[FunctionLogGroup]:
    """Every candidate function with the log group it writes to (memoised per reader)."""

    def compute() -> list[FunctionLogGroup]:
        functions = candidates(aws)
        if not functions:
            return []
        configured = configured_log_groups(aws)
        names = {ci.resource_id: configured.get(_name(ci)) or DEFAULT_PREFIX + _name(ci) for ci in functions}
        groups = describe_log_groups(aws, names.values())
        return [FunctionLogGroup(fid, name, groups.get(name)) for fid, name in names.items()]

    return aws.memo(("function_log_groups",), compute)
