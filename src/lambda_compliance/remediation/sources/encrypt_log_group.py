"""LambdaCompliance-EncryptLogGroup: fixes LAMBDA_LOG_GROUP_ENCRYPTED."""

import shlex

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    FUNCTION_NAME,
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

KMS_KEY_ARN = r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key/(mrk-)?[a-f0-9-]{32,36}$"

DOCUMENT = {
    "name": "LambdaCompliance-EncryptLogGroup",
    "does": "Encrypts a Lambda function's CloudWatch Logs log group with a customer managed KMS key",
    "input": "FunctionName (the log group is the one in the function's logging configuration, else "
    "/aws/lambda/<name>) and KmsKeyArn",
    "details": [
        "Associates the key with the log group, so CloudWatch Logs encrypts events ingested from then on; events "
        "already stored stay as they are. A missing log group is created encrypted. A group that already has a "
        "key keeps it (this document never swaps one customer key for another).",
        "The key must be in the log group's Region and its key policy must allow the "
        "logs.<region>.amazonaws.com service principal to use it; otherwise the run fails and changes nothing.",
    ],
    "settings_only": True,
    "pack_parameters": {"KmsKeyArn": "LogGroupKmsKeyArn"},
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "KmsKeyArn": {
            "description": "ARN of the customer managed KMS key (same Region) to encrypt the log group with.",
            "allowedPattern": KMS_KEY_ARN,
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    key = param(events, "KmsKeyArn", KMS_KEY_ARN, "the ARN of a KMS key")
    dry_run = wants_dry_run(events)
    lam, logs = client("lambda"), client("logs")
    group = log_group_name(function_configuration(lam, function_name))
    quoted = shlex.quote(group)
    existing = find_log_group(logs, group)
    if existing is None:
        previous = {"logGroupName": group, "exists": False}
        undo = (
            "The log group did not exist; this run created it encrypted. To stop encrypting new events: "
            f"aws logs disassociate-kms-key --log-group-name {quoted}"
        )
        return apply(
            dry_run,
            f"create log group {group} encrypted with {key}",
            previous,
            undo,
            lambda: _use_key(key, lambda: _create_encrypted(logs, group, key)),
        )
    current = existing.get("kmsKeyId")
    previous = {"logGroupName": group, "kmsKeyId": current}
    if current:
        other = "" if current == key else f" (not replacing it with {key})"
        return unchanged(f"log group {group} is already encrypted with {current}{other}", previous)
    undo = (
        f"aws logs disassociate-kms-key --log-group-name {quoted} (events written meanwhile stay encrypted: "
        "keep the key enabled to read them)"
    )
    return apply(
        dry_run,
        f"encrypt log group {group} with {key}",
        previous,
        undo,
        lambda: _use_key(key, lambda: logs.associate_kms_key(logGroupName=group, kmsKeyId=key)),
    )


def _create_encrypted(logs, group, key):
    try:
        logs.create_log_group(logGroupName=group, kmsKeyId=key)
    except ClientError as exc:
        if error_code(exc) != "ResourceAlreadyExistsException":
            raise
        # Created meanwhile (Lambda's first invocation, another remediation): encrypt it unless it already is.
        if not (find_log_group(logs, group) or {}).get("kmsKeyId"):
            logs.associate_kms_key(logGroupName=group, kmsKeyId=key)


def _use_key(key, call):
    try:
        call()
    except ClientError as exc:
        if error_code(exc) in ("InvalidParameterException", "AccessDeniedException", "ResourceNotFoundException"):
            raise RemediationError(
                f"CloudWatch Logs cannot use KMS key {key} ({error_code(exc)}): the key must exist in this Region, "
                "be enabled, and its key policy must allow logs.<region>.amazonaws.com to use it"
            ) from None
        raise
