"""Definitions the remediation scripts share. ``build`` copies the ones a script imports (and what
they use) into that script's document, so every SSM document is self-contained; SSM never imports
this module. Keep it to the Python 3.11 language (the documents' runtime).
"""

import json
import re
import shlex

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# aws:executeScript does not retry throttled calls: every client retries, adaptively and bounded.
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8}, user_agent_extra="lambda-compliance-remediation"
)
CHANGED, DRY_RUN, NO_CHANGE = "CHANGED", "DRY_RUN", "NO_CHANGE"

# Input patterns: each document's allowedPattern is the same string.
FUNCTION_NAME = r"^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$"
STAGE_ARN = (
    r"^arn:aws[a-zA-Z-]*:apigateway:[a-z0-9-]+::/(restapis|apis)/[a-zA-Z0-9]{1,64}/stages/[a-zA-Z0-9_$.-]{1,128}$"
)
ACCOUNT_ID = r"^(\d{12})?$"
TRUE_FALSE = r"^(true|false)$"
LOG_LEVELS = {"OFF": 0, "ERROR": 1, "INFO": 2}

# Condition keys that pin a grant to a known account, organization or resource (lower-case).
SOURCE_KEYS = (
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
)
SERVICE_SOURCE_KEYS = ("aws:sourcearn", "aws:sourceaccount")
_ARN_KEYS = ("aws:sourcearn", "aws:principalarn")
_ORG_PATH_KEYS = ("aws:principalorgpaths", "aws:sourceorgpaths")
# Services pinned by the event source token (the Alexa skill ID), not by source account or ARN.
TOKEN_SERVICES = ("alexa-appkit.amazonaws.com", "alexa-connectedhome.amazonaws.com")
TOKEN_KEY = "lambda:eventsourcetoken"
_POSITIVE_OPERATORS = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike")
# (operator, condition key) -> the AddPermission argument that writes it.
_ADD_PERMISSION_CONDITIONS = {
    ("arnlike", "aws:sourcearn"): "SourceArn",
    ("arnequals", "aws:sourcearn"): "SourceArn",
    ("stringequals", "aws:sourceaccount"): "SourceAccount",
    ("stringequals", "lambda:eventsourcetoken"): "EventSourceToken",
    ("stringequals", "aws:principalorgid"): "PrincipalOrgID",
    ("stringequals", "lambda:functionurlauthtype"): "FunctionUrlAuthType",
}
_ADD_PERMISSION_FLAGS = (
    ("FunctionName", "--function-name"),
    ("StatementId", "--statement-id"),
    ("Action", "--action"),
    ("Principal", "--principal"),
    ("Qualifier", "--qualifier"),
    ("SourceArn", "--source-arn"),
    ("SourceAccount", "--source-account"),
    ("EventSourceToken", "--event-source-token"),
    ("PrincipalOrgID", "--principal-org-id"),
    ("FunctionUrlAuthType", "--function-url-auth-type"),
)


class RemediationError(Exception):
    """Bad input, or a state this script will not change: the message is what the operator reads."""


def client(service):
    return boto3.client(service, config=CLIENT_CONFIG)


def param(events, name, pattern, meaning, default=""):
    """An input, checked again here (SSM checks allowedPattern; a direct call gets the same answer)."""
    value = events.get(name)
    value = default if value is None else str(value).strip()
    if not re.search(pattern, value):
        raise RemediationError(f"{name} must be {meaning}; got {value[:100]!r}")
    return value


def wants_dry_run(events):
    return param(events, "DryRun", TRUE_FALSE, "true or false", "true") == "true"


def error_code(exc):
    return exc.response.get("Error", {}).get("Code", "")


def result(status, message, previous, undo):
    return {
        "Status": status,
        "Message": message,
        "PreviousState": json.dumps(previous, sort_keys=True, default=str),
        "Undo": undo,
    }


def unchanged(message, previous):
    return result(NO_CHANGE, f"No change: {message}.", previous, "Nothing to undo: this run changed nothing.")


def apply(dry_run, action, previous, undo, change):
    """Make ``change()`` unless this is a dry run. ``action`` says what it does: "set ... to ..."."""
    if dry_run:
        return result(DRY_RUN, f"Dry run, nothing changed: would {action}.", previous, undo)
    change()
    return result(CHANGED, f"Changed: {action}.", previous, undo)


def caller_account(events):
    """The account this runs in. An AccountId input (Config's RESOURCE_ID for an account-level rule) must name it."""
    account = client("sts").get_caller_identity()["Account"]
    wanted = param(events, "AccountId", ACCOUNT_ID, "a 12-digit account id, or empty")
    if wanted and wanted != account:
        raise RemediationError(f"AccountId {wanted} is not the account this automation runs in ({account})")
    return account


def function_configuration(lam, function_name):
    try:
        return lam.get_function_configuration(FunctionName=function_name)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            raise RemediationError(f"function {function_name} does not exist in this account and Region") from None
        raise


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def function_policy(lam, function_name):
    """The statements of the function's resource policy; [] when it has none."""
    try:
        response = lam.get_policy(FunctionName=function_name)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        function_configuration(lam, function_name)  # a missing function is an error, a missing policy is not
        return []
    return [s for s in as_list(json.loads(response["Policy"]).get("Statement")) if isinstance(s, dict)]


def _fixed(text):
    return bool(text) and not any(c in text for c in "*?") and "${" not in text


def _concrete(value, key=""):
    """Does a condition value pin the caller? The part naming it (account id, organization id, an
    ARN's account field) must hold no wildcard or variable; an ARN without account (an S3 bucket)
    pins nothing alone. The judgement of lambda_compliance.domain.iam.policy._concrete (a test keeps them in step)."""
    stripped = value.strip()
    if not stripped.strip("*?"):
        return False
    if key in _ORG_PATH_KEYS:
        return _fixed(stripped.split("/", 1)[0])
    parts = stripped.split(":", 5)
    if len(parts) == 6 and parts[0].lower() == "arn":
        return _fixed(parts[4])
    if key in _ARN_KEYS:
        return False
    return _fixed(stripped)


def restricted_by(statement, keys):
    """Is ``statement`` pinned to a concrete value of one of ``keys``? The judgement of
    lambda_compliance.domain.iam.policy.source_restriction: positive operators only, IfExists and
    ForAllValues do not count, unknown keys do not count (a test keeps the two in step)."""
    for operator, block in (statement.get("Condition") or {}).items():
        qualifier, _, base = operator.lower().rpartition(":")
        if qualifier not in ("", "foranyvalue") or base not in _POSITIVE_OPERATORS or not isinstance(block, dict):
            continue
        for key, values in block.items():
            values = as_list(values)
            if key.lower() in keys and values and all(isinstance(v, str) and _concrete(v, key.lower()) for v in values):
                return True
    return False


def service_pinned(statement, service):
    """Is a grant to ``service`` pinned to its caller? S3 needs aws:SourceAccount (a bucket ARN names
    no account); Alexa is pinned by lambda:EventSourceToken. As domain.iam.policy.unpinned_services."""
    keys = (*SERVICE_SOURCE_KEYS, TOKEN_KEY) if service in TOKEN_SERVICES else SERVICE_SOURCE_KEYS
    return restricted_by(statement, keys)


def is_public(statement):
    """An Allow to everyone ("*", {"AWS": "*"} or NotPrincipal) that no source condition narrows."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    everyone = "NotPrincipal" in statement or (
        principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
    )
    return everyone and not restricted_by(statement, SOURCE_KEYS)


def service_principal(statement):
    """The one service an Allow statement grants to, else None."""
    principal = statement.get("Principal")
    if statement.get("Effect") != "Allow" or "NotPrincipal" in statement or not isinstance(principal, dict):
        return None
    services = as_list(principal.get("Service"))
    return services[0] if len(services) == 1 and len(principal) == 1 else None


def url_auth_none(statement):
    """An Allow of lambda:InvokeFunctionUrl under lambda:FunctionUrlAuthType NONE: a URL anyone may call."""
    if statement.get("Effect") != "Allow":
        return False
    actions = [str(a).lower() for a in as_list(statement.get("Action"))]
    if not any(a in ("lambda:invokefunctionurl", "lambda:*", "*") for a in actions):
        return False
    if str(statement.get("FunctionUrlAuthType", "")).upper() == "NONE":  # moto writes it outside Condition
        return True
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower() in ("stringequals", "stringequalsignorecase", "stringlike") and isinstance(block, dict):
            for key, values in block.items():
                if key.lower() == "lambda:functionurlauthtype" and any(
                    str(v).upper() == "NONE" for v in as_list(values)
                ):
                    return True
    return False


def statement_qualifier(statement):
    """The alias or version a statement is on (from its Resource ARN), else None."""
    match = re.fullmatch(r"arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+:([^:]+)", str(statement.get("Resource", "")))
    return match.group(1) if match else None


def add_permission_args(function_name, statement):
    """The AddPermission arguments that recreate ``statement`` exactly, or None when AddPermission cannot."""
    sid, action, principal = statement.get("Sid"), statement.get("Action"), statement.get("Principal")
    if not sid or not isinstance(action, str) or statement.get("Effect") != "Allow" or "NotPrincipal" in statement:
        return None
    args = {"FunctionName": function_name, "StatementId": sid, "Action": action}
    if isinstance(principal, dict) and len(principal) == 1:
        kind, value = next(iter(principal.items()))
        if not isinstance(value, str) or kind not in ("AWS", "Service"):
            return None
        root = re.fullmatch(r"arn:aws[a-zA-Z-]*:iam::(\d{12}):root", value)
        args["Principal"] = root.group(1) if root else value
    elif isinstance(principal, str):
        args["Principal"] = principal
    else:
        return None
    if statement_qualifier(statement):
        args["Qualifier"] = statement_qualifier(statement)
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, dict):
            return None
        for key, value in block.items():
            name = _ADD_PERMISSION_CONDITIONS.get((operator.lower(), key.lower()))
            if name is None or not isinstance(value, str) or name in args:
                return None
            args[name] = value
    if statement.get("FunctionUrlAuthType") in ("NONE", "AWS_IAM"):  # moto's shape of the same condition
        args.setdefault("FunctionUrlAuthType", statement["FunctionUrlAuthType"])
    return args


def add_permission_command(function_name, statement):
    """How to put a removed statement back: an AWS CLI command, or a pointer to its JSON."""
    args = add_permission_args(function_name, statement)
    if args is None:
        return f"re-create statement {statement.get('Sid')} from its JSON in PreviousState"
    flags = " ".join(f"{flag} {shlex.quote(str(args[key]))}" for key, flag in _ADD_PERMISSION_FLAGS if key in args)
    return f"aws lambda add-permission {flags}"


def remove_statement(lam, function_name, statement):
    """RemovePermission for one named statement (never the whole policy); already gone is fine."""
    kwargs = {"FunctionName": function_name, "StatementId": statement["Sid"]}
    if statement_qualifier(statement):
        kwargs["Qualifier"] = statement_qualifier(statement)
    try:
        lam.remove_permission(**kwargs)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise


def log_group_name(configuration):
    """The function's log group: its logging configuration's, else /aws/lambda/<name>."""
    configured = (configuration.get("LoggingConfig") or {}).get("LogGroup")
    return configured or f"/aws/lambda/{configuration['FunctionName']}"


def find_log_group(logs, name):
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name):
        for group in page.get("logGroups", []):
            if group.get("logGroupName") == name:
                return group
    return None


def stage_of(stage_arn):
    """(REST or V2, API id, stage name, Region, partition) from a stage ARN."""
    match = re.fullmatch(
        r"arn:(aws[a-zA-Z-]*):apigateway:([a-z0-9-]+)::/(restapis|apis)/([a-zA-Z0-9]+)/stages/(.+)", stage_arn
    )
    if not match:
        raise RemediationError(f"StageArn {stage_arn!r} is not an API Gateway stage ARN")
    partition, region, collection, api_id, stage = match.groups()
    return ("REST" if collection == "restapis" else "V2"), api_id, stage, region, partition


def require_execution_log_role(apigw):
    """Execution logging needs the API Gateway account's CloudWatch Logs role; say so before changing anything."""
    if not apigw.get_account().get("cloudwatchRoleArn"):
        raise RemediationError(
            "execution logging needs the API Gateway account setting cloudwatchRoleArn (a role API Gateway "
            "uses to write to CloudWatch Logs) and this account has none: set it, or run with "
            "ExecutionLogLevel OFF to enable access logging and tracing only"
        )
