"""LambdaCompliance-RemovePublicPermissions: fixes LAMBDA_PUBLIC_ACCESS_PROHIBITED."""

from lambda_compliance.remediation.sources._shared import (
    FUNCTION_NAME,
    RemediationError,
    add_permission_command,
    apply,
    client,
    function_policy,
    is_public,
    param,
    remove_statement,
    unchanged,
    wants_dry_run,
)

DOCUMENT = {
    "name": "LambdaCompliance-RemovePublicPermissions",
    "does": "Removes the public statements from a Lambda function's resource policy and keeps every other one",
    "input": "FunctionName",
    "details": [
        'A statement is public when it allows everyone ("*", {"AWS": "*"} or NotPrincipal) and no condition '
        "pins it to a source account, ARN, organization or principal (aws:SourceAccount, aws:SourceArn, "
        "aws:SourceOwner, aws:PrincipalOrgID, aws:PrincipalAccount and their kin, with concrete values). That "
        "includes the statement a function URL with AuthType NONE uses. Each public statement is removed by its "
        "Sid with RemovePermission; the policy itself and all other statements stay.",
        "Callers that relied on public access lose it: this changes access, so run it with an operator's approval.",
    ],
    "settings_only": False,
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    dry_run = wants_dry_run(events)
    lam = client("lambda")
    statements = function_policy(lam, function_name)
    public = [s for s in statements if is_public(s)]
    previous = {"functionName": function_name, "removedStatements": public}
    if not public:
        return unchanged(f"none of the {len(statements)} statements of {function_name}'s policy is public", previous)
    if any(not s.get("Sid") for s in public):
        raise RemediationError(
            f"a public statement of {function_name}'s policy has no Sid, which RemovePermission needs"
        )
    names = ", ".join(s["Sid"] for s in public)
    undo = "Re-add the removed statements (their JSON is in PreviousState): " + "; ".join(
        add_permission_command(function_name, s) for s in public
    )
    kept = len(statements) - len(public)

    def remove():
        for statement in public:
            remove_statement(lam, function_name, statement)

    return apply(
        dry_run,
        f"remove public statement(s) {names} from {function_name}'s resource policy ({kept} other statement(s) kept)",
        previous,
        undo,
        remove,
    )
