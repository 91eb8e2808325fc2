"""LambdaCompliance-SetLogGroupRetention: fixes LAMBDA_LOG_RETENTION_CONFIGURED."""

import shlex
import time

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    FUNCTION_NAME,
    TRUE_FALSE,
    RemediationError,
    apply,
    client,
    error_code,
    find_log_group,
    function_configuration,
    log_group_name,
    param,
    unchanged,
    wants_dry_run,
)

# The retentions CloudWatch Logs accepts (PutRetentionPolicy retentionInDays).
SUPPORTED_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
RETENTION_DAYS = r"^[1-9][0-9]{0,3}$"
DAY_MS = 86_400_000

DOCUMENT = {
    "name": "LambdaCompliance-SetLogGroupRetention",
    "does": "Sets the retention period of a Lambda function's CloudWatch Logs log group",
    "input": "FunctionName (the log group is the one in the function's logging configuration, else "
    "/aws/lambda/<name>), RetentionInDays and MaxRetentionDays",
    "details": [
        "The retention set is the shortest one CloudWatch Logs supports of at least RetentionInDays; when it "
        "would exceed MaxRetentionDays (a pack passes the rule's minRetentionDays and maxRetentionDays) the run "
        "fails and changes nothing.",
        "A missing log group is created with the retention (Lambda would otherwise create it without one on "
        "first invocation). A group that already keeps events for exactly RetentionInDays is left alone.",
        "A retention expires older events. When the new retention is shorter than the current one (or the group "
        "kept events forever) and the group is older than RetentionInDays, events would be deleted: the run "
        "fails and changes nothing unless ExpireOlderEvents is true.",
    ],
    "settings_only": True,
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "RetentionInDays": {
            "description": "Days CloudWatch Logs keeps the events at least (a pack passes minRetentionDays); "
            "a value CloudWatch Logs does not support is raised to the next one it does.",
            "allowedPattern": RETENTION_DAYS,
            "default": "365",
        },
        "MaxRetentionDays": {
            "description": "Days CloudWatch Logs may keep the events at most (a pack passes maxRetentionDays).",
            "allowedPattern": RETENTION_DAYS,
            "default": "3653",
        },
        "ExpireOlderEvents": {
            "description": "true to accept that a shorter retention deletes events older than RetentionInDays.",
            "allowedPattern": TRUE_FALSE,
            "default": "false",
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    wanted = int(param(events, "RetentionInDays", RETENTION_DAYS, "a number of days from 1 to 3653", "365"))
    longest = int(param(events, "MaxRetentionDays", RETENTION_DAYS, "a number of days from 1 to 3653", "3653"))
    days = next((d for d in SUPPORTED_DAYS if d >= wanted), None)
    if days is None:
        raise RemediationError(f"RetentionInDays {wanted} is longer than CloudWatch Logs keeps events (3653 days)")
    if days > longest:
        raise RemediationError(
            f"CloudWatch Logs supports no retention from {wanted} to {longest} days (the nearest is {days}); "
            "widen the range"
        )
    may_expire = param(events, "ExpireOlderEvents", TRUE_FALSE, "true or false", "false") == "true"
    dry_run = wants_dry_run(events)
    lam, logs = client("lambda"), client("logs")
    group = log_group_name(function_configuration(lam, function_name))
    quoted = shlex.quote(group)
    existing = find_log_group(logs, group)
    if existing is None:
        previous = {"logGroupName": group, "exists": False}
        undo = (
            f"The log group did not exist; this run created it with a {days}-day retention. To keep its events "
            f"forever instead: aws logs delete-retention-policy --log-group-name {quoted}"
        )
        return apply(
            dry_run,
            f"create log group {group} with a {days}-day retention",
            previous,
            undo,
            lambda: _create(logs, group, days),
        )
    current = existing.get("retentionInDays")
    previous = {"logGroupName": group, "retentionInDays": current}
    if current == days:
        return unchanged(f"log group {group} already keeps events for {days} days", previous)
    if current is None or current > days:
        age = int((time.time() * 1000 - existing.get("creationTime", 0)) / DAY_MS)
        if age > days and not may_expire:
            kept = "forever" if current is None else f"for {current} days"
            raise RemediationError(
                f"log group {group} keeps events {kept} and is {age} days old: a {days}-day retention would "
                f"delete its events older than {days} days. This document deletes no data on its own: set "
                "ExpireOlderEvents to true to accept that, or choose a longer RetentionInDays"
            )
    if current is None:
        undo = f"aws logs delete-retention-policy --log-group-name {quoted} (the group kept events forever)"
    else:
        undo = f"aws logs put-retention-policy --log-group-name {quoted} --retention-in-days {current}"
    if current is not None and current > days:
        undo += " (events already expired by the shorter retention do not come back)"
    return apply(
        dry_run,
        f"set the retention of log group {group} from {current or 'never expire'} to {days} days",
        previous,
        undo,
        lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=days),
    )


def _create(logs, group, days):
    try:
        logs.create_log_group(logGroupName=group)
    except ClientError as exc:
        if error_code(exc) != "ResourceAlreadyExistsException":  # Lambda created it meanwhile
            raise
    logs.put_retention_policy(logGroupName=group, retentionInDays=days)
