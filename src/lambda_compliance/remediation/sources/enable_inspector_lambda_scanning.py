"""LambdaCompliance-EnableInspectorLambdaScanning: fixes INSPECTOR_LAMBDA_SCANNING_ENABLED."""

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    ACCOUNT_ID,
    TRUE_FALSE,
    RemediationError,
    apply,
    caller_account,
    client,
    error_code,
    param,
    unchanged,
    wants_dry_run,
)

ACTIVE = ("ENABLED", "ENABLING")
STATE_KEYS = {"LAMBDA": "lambda", "LAMBDA_CODE": "lambdaCode"}

DOCUMENT = {
    "name": "LambdaCompliance-EnableInspectorLambdaScanning",
    "does": "Turns on Amazon Inspector scanning of Lambda functions (and, optionally, of their code)",
    "input": "AccountId, as AWS Config passes it for account-level rules (empty: this account), and "
    "IncludeCodeScanning",
    "details": [
        "Enables Inspector's LAMBDA resource type (package vulnerability scanning) and, unless "
        "IncludeCodeScanning is false, LAMBDA_CODE (code scanning), for this account; other resource types stay "
        "as they are. Types already enabled or enabling are left alone. Inspector creates its service-linked role "
        "on first use.",
        "Inspector is charged per scanned function.",
    ],
    "settings_only": True,
    "parameters": {
        "AccountId": {
            "description": "Account to change (AWS Config's RESOURCE_ID); empty for this account.",
            "allowedPattern": ACCOUNT_ID,
            "default": "",
        },
        "IncludeCodeScanning": {
            "description": "true to also scan function code (LAMBDA_CODE), as INSPECTOR_LAMBDA_SCANNING_ENABLED "
            "requires by default; false for package scanning only.",
            "allowedPattern": TRUE_FALSE,
            "default": "true",
        },
    },
}


def handler(events, context):
    code = param(events, "IncludeCodeScanning", TRUE_FALSE, "true or false", "true") == "true"
    dry_run = wants_dry_run(events)
    account = caller_account(events)
    inspector = client("inspector2")
    status = inspector.batch_get_account_status(accountIds=[account])
    if status.get("failedAccounts"):
        failed = status["failedAccounts"][0]
        raise RemediationError(f"Inspector cannot read account {account}: {failed.get('errorMessage', '')}")
    state = next((a.get("resourceState") or {} for a in status.get("accounts") or []), {})
    wanted = ["LAMBDA", "LAMBDA_CODE"] if code else ["LAMBDA"]
    current = {t: (state.get(STATE_KEYS[t]) or {}).get("status", "DISABLED") for t in wanted}
    previous = {"accountId": account, **current}
    missing = [t for t in wanted if current[t] not in ACTIVE]
    if not missing:
        return unchanged(f"Inspector already scans {' and '.join(wanted)} in account {account}", previous)
    undo = f"aws inspector2 disable --account-ids {account} --resource-types {' '.join(missing)}"

    def change():
        try:
            inspector.enable(accountIds=[account], resourceTypes=missing)
        except ClientError as exc:
            if error_code(exc) in ("AccessDeniedException", "ValidationException"):
                message = exc.response.get("Error", {}).get("Message", "")
                raise RemediationError(f"Inspector refused to enable {', '.join(missing)}: {message}") from None
            raise

    return apply(
        dry_run, f"enable Inspector scanning of {' and '.join(missing)} in account {account}", previous, undo, change
    )
