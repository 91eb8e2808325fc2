"""LambdaCompliance-RequireFunctionUrlAuth: fixes LAMBDA_URL_AUTH_REQUIRED."""

import shlex

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    FUNCTION_NAME,
    add_permission_command,
    apply,
    client,
    error_code,
    function_configuration,
    function_policy,
    param,
    remove_statement,
    statement_qualifier,
    unchanged,
    url_auth_none,
    wants_dry_run,
)

QUALIFIER = r"^([a-zA-Z0-9$_-]{1,128})?$"

DOCUMENT = {
    "name": "LambdaCompliance-RequireFunctionUrlAuth",
    "does": "Makes a Lambda function URL require IAM authentication (AuthType AWS_IAM)",
    "input": "FunctionName and, for a URL on an alias, Qualifier",
    "details": [
        "Sets the URL's AuthType from NONE to AWS_IAM and removes, by Sid, the resource-policy statements that let "
        "anyone call the URL without signing (lambda:InvokeFunctionUrl under lambda:FunctionUrlAuthType NONE): "
        "with AWS_IAM they no longer apply. The URL itself, its CORS settings and every other statement stay.",
        "Unsigned callers get 403 afterwards: this changes access, so run it with an operator's approval.",
    ],
    "settings_only": False,
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "Qualifier": {
            "description": "Alias whose URL to change; empty for the function's own URL.",
            "allowedPattern": QUALIFIER,
            "default": "",
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    qualifier = param(events, "Qualifier", QUALIFIER, "an alias name, or empty")
    dry_run = wants_dry_run(events)
    lam = client("lambda")
    function_configuration(lam, function_name)
    where = {"FunctionName": function_name, **({"Qualifier": qualifier} if qualifier else {})}
    try:
        url = lam.get_function_url_config(**where)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        url = None
    open_statements = [
        s
        for s in function_policy(lam, function_name)
        if url_auth_none(s) and (statement_qualifier(s) or "") == qualifier and s.get("Sid")
    ]
    auth = url.get("AuthType") if url else None
    label = f"{function_name}:{qualifier}" if qualifier else function_name
    previous = {"function": label, "authType": auth, "removedStatements": open_statements}
    if auth != "NONE" and not open_statements:
        state = f"requires {auth}" if url else "has no function URL"
        return unchanged(f"{label} {state} and no statement allows unauthenticated URL calls", previous)
    steps, undo = [], []
    if auth == "NONE":
        steps.append("set its URL's AuthType from NONE to AWS_IAM")
        flags = f"--function-name {shlex.quote(function_name)}" + (f" --qualifier {qualifier}" if qualifier else "")
        undo.append(f"aws lambda update-function-url-config {flags} --auth-type NONE")
    if open_statements:
        steps.append("remove unauthenticated URL statement(s) " + ", ".join(s["Sid"] for s in open_statements))
        undo += [add_permission_command(function_name, s) for s in open_statements]

    def change():
        if auth == "NONE":
            lam.update_function_url_config(**where, AuthType="AWS_IAM")
        for statement in open_statements:
            remove_statement(lam, function_name, statement)

    return apply(dry_run, f"{' and '.join(steps)} on {label}", previous, "; ".join(undo), change)
