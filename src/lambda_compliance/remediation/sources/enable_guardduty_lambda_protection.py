"""LambdaCompliance-EnableGuardDutyLambdaProtection: fixes GUARDDUTY_LAMBDA_PROTECTION_ENABLED."""

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    ACCOUNT_ID,
    RemediationError,
    apply,
    caller_account,
    client,
    error_code,
    unchanged,
    wants_dry_run,
)

FEATURE = "LAMBDA_NETWORK_LOGS"

DOCUMENT = {
    "name": "LambdaCompliance-EnableGuardDutyLambdaProtection",
    "does": "Turns on GuardDuty Lambda Protection (network activity monitoring of Lambda functions)",
    "input": "AccountId, as AWS Config passes it for account-level rules (empty: this account)",
    "details": [
        "Enables the LAMBDA_NETWORK_LOGS feature of the Region's GuardDuty detector; other features and settings "
        "stay. GuardDuty itself must already be on (a detector exists): this document does not subscribe an "
        "account to GuardDuty. In an organization whose delegated administrator manages the feature, the run "
        "fails with GuardDuty's message: enable it from the administrator account.",
        "Lambda Protection is charged by analysed network activity.",
    ],
    "settings_only": True,
    "parameters": {
        "AccountId": {
            "description": "Account to change (AWS Config's RESOURCE_ID); empty for this account.",
            "allowedPattern": ACCOUNT_ID,
            "default": "",
        },
    },
}


def handler(events, context):
    dry_run = wants_dry_run(events)
    account = caller_account(events)
    guardduty = client("guardduty")
    detectors = guardduty.list_detectors().get("DetectorIds") or []
    if not detectors:
        raise RemediationError(
            f"GuardDuty is not enabled in this Region for account {account} (no detector): enable GuardDuty "
            "first; this document only turns on its Lambda Protection"
        )
    detector = detectors[0]
    features = guardduty.get_detector(DetectorId=detector).get("Features") or []
    status = next((f.get("Status") for f in features if f.get("Name") == FEATURE), None)
    previous = {"detectorId": detector, FEATURE: status}
    if status == "ENABLED":
        return unchanged(f"Lambda Protection is already enabled on detector {detector}", previous)
    undo = f"aws guardduty update-detector --detector-id {detector} --features Name={FEATURE},Status=DISABLED"

    def change():
        try:
            guardduty.update_detector(DetectorId=detector, Features=[{"Name": FEATURE, "Status": "ENABLED"}])
        except ClientError as exc:
            if error_code(exc) in ("BadRequestException", "AccessDeniedException"):
                message = exc.response.get("Error", {}).get("Message", "")
                raise RemediationError(f"GuardDuty refused to enable Lambda Protection: {message}") from None
            raise

    return apply(dry_run, f"enable Lambda Protection on GuardDuty detector {detector}", previous, undo, change)
