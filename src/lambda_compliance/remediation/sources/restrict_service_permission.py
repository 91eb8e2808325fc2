"""LambdaCompliance-RestrictServicePermission: fixes LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED."""

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    ACCOUNT_ID,
    FUNCTION_NAME,
    TOKEN_SERVICES,
    RemediationError,
    add_permission_args,
    add_permission_command,
    apply,
    client,
    error_code,
    function_configuration,
    function_policy,
    param,
    remove_statement,
    service_pinned,
    service_principal,
    unchanged,
    wants_dry_run,
)

STATEMENT_ID = r"^([a-zA-Z0-9_-]{1,100})?$"
SOURCE_ARN = r"^(arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:[^\s]{1,1000})?$"

DOCUMENT = {
    "name": "LambdaCompliance-RestrictServicePermission",
    "does": "Restricts the service-principal statements of a Lambda function's resource policy to a source "
    "account (and, for one named statement, a source ARN)",
    "input": "FunctionName, and optionally SourceAccount, StatementId and SourceArn",
    "details": [
        "Finds the statements that let an AWS service (s3.amazonaws.com, sns.amazonaws.com...) invoke the function "
        "without aws:SourceArn or aws:SourceAccount (for S3, without aws:SourceAccount: a bucket ARN names no "
        "account): any account's bucket or topic could then invoke it (the confused deputy). Alexa statements "
        "need the skill ID as EventSourceToken and are left alone, named. Lambda permissions cannot be edited, "
        "so each is replaced: RemovePermission of that one statement, then AddPermission with the same Sid, "
        "action, principal and conditions plus aws:SourceAccount (and aws:SourceArn when given). If the "
        "AddPermission fails, the original statement is put back.",
        "SourceAccount defaults to the function's own account. A statement AddPermission cannot recreate exactly "
        "(unknown conditions) is left alone and named. Every other statement stays.",
        "Invocations from another account's resources stop: this changes access, so run it with an operator's "
        "approval, and check the service sends aws:SourceAccount (S3, SNS, EventBridge, API Gateway do).",
    ],
    "settings_only": False,
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "SourceAccount": {
            "description": "Account the service's resources must belong to; empty for the function's account.",
            "allowedPattern": ACCOUNT_ID,
            "default": "",
        },
        "StatementId": {
            "description": "Sid of the one statement to restrict; empty for every unrestricted service statement.",
            "allowedPattern": STATEMENT_ID,
            "default": "",
        },
        "SourceArn": {
            "description": "ARN of the resource allowed to invoke (needs StatementId); empty for account only.",
            "allowedPattern": SOURCE_ARN,
            "default": "",
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    account = param(events, "SourceAccount", ACCOUNT_ID, "a 12-digit account id, or empty")
    sid = param(events, "StatementId", STATEMENT_ID, "a statement id, or empty")
    source_arn = param(events, "SourceArn", SOURCE_ARN, "an ARN, or empty")
    dry_run = wants_dry_run(events)
    if source_arn and not sid:
        raise RemediationError("SourceArn applies to one statement: name it with StatementId")
    lam = client("lambda")
    account = account or function_configuration(lam, function_name)["FunctionArn"].split(":")[4]
    statements = function_policy(lam, function_name)
    open_grants = [
        s for s in statements if service_principal(s) and not service_pinned(s, service_principal(s)) and s.get("Sid")
    ]
    if sid:
        if not any(s.get("Sid") == sid for s in statements):
            raise RemediationError(f"{function_name}'s resource policy has no statement {sid}")
        open_grants = [s for s in open_grants if s["Sid"] == sid]
    previous = {"functionName": function_name, "originalStatements": open_grants}
    if not open_grants:
        return unchanged(f"every service statement of {function_name}'s policy names its source", previous)
    plans, skipped, token_only = [], [], []
    for statement in open_grants:
        if service_principal(statement) in TOKEN_SERVICES:
            token_only.append(statement["Sid"])  # a source account would not pin it: it needs the skill ID
            continue
        original = add_permission_args(function_name, statement)
        if original is None:
            skipped.append(statement["Sid"])
            continue
        restricted = {**original, "SourceAccount": account, **({"SourceArn": source_arn} if source_arn else {})}
        plans.append((statement, original, restricted))
    if not plans and token_only and not skipped:
        raise RemediationError(
            f"statement(s) {', '.join(token_only)} grant Alexa: restrict them by hand with the skill ID as "
            "EventSourceToken"
        )
    if not plans:
        raise RemediationError(
            f"AddPermission cannot recreate statement(s) {', '.join(skipped + token_only)} exactly; "
            "restrict them by hand"
        )
    names = ", ".join(statement["Sid"] for statement, _, _ in plans)
    scope = f"account {account}" + (f" and {source_arn}" if source_arn else "")
    action = f"replace statement(s) {names} of {function_name} with the same grant restricted to {scope}"
    if skipped:
        action += f" (left {', '.join(skipped)} alone: AddPermission cannot recreate them)"
    if token_only:
        action += (
            f" (left Alexa statement(s) {', '.join(token_only)} alone: they need the skill ID as EventSourceToken)"
        )
    undo = "; ".join(
        f"aws lambda remove-permission --function-name {function_name} --statement-id {statement['Sid']} && "
        + add_permission_command(function_name, statement)
        for statement, _, _ in plans
    )

    def change():
        for statement, original, restricted in plans:
            remove_statement(lam, function_name, statement)
            try:
                lam.add_permission(**restricted)
            except ClientError as exc:
                lam.add_permission(**original)  # put the grant back as it was before failing
                raise RemediationError(
                    f"AddPermission for the restricted {statement['Sid']} failed ({error_code(exc)}); "
                    "the original statement was put back"
                ) from None

    return apply(dry_run, action, previous, undo, change)
