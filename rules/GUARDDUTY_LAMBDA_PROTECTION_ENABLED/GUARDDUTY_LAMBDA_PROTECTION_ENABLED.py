"""GUARDDUTY_LAMBDA_PROTECTION_ENABLED (periodic): GuardDuty is on in this region with Lambda
Protection (detector feature LAMBDA_NETWORK_LOGS). Reported on the account (AWS::::Account).

Scenarios:
- Given an ENABLED detector whose LAMBDA_NETWORK_LOGS feature is ENABLED, then COMPLIANT.
- Given the feature DISABLED or absent, then NON_COMPLIANT.
- Given a suspended detector, then NON_COMPLIANT.
- Given no detector, then NON_COMPLIANT.
"""

from lambda_compliance.domain.account import threat_detection
from lambda_compliance.domain.account.threat_detection import ACCOUNT_TYPE, ENABLED, LAMBDA_PROTECTION
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class GUARDDUTY_LAMBDA_PROTECTION_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="GuardDuty Lambda Protection is enabled",
        resource_types=(ACCOUNT_TYPE,),
        severity="medium",
        family="account",
        periodic=True,
        iam_actions=("guardduty:ListDetectors", "guardduty:GetDetector"),
        remediation=Remediation(
            document="LambdaCompliance-EnableGuardDutyLambdaProtection",
            resource_parameter="AccountId",
        ),
    )

    def assess_periodic(self, aws, params):
        account = aws.account_id
        detectors = threat_detection.guardduty_detectors(aws)
        if not detectors:
            text = f"GuardDuty is not enabled in {aws.region} (no detector)"
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        detector = detectors[0]
        if detector.status != ENABLED:
            text = f"GuardDuty detector {detector.detector_id} is suspended ({detector.status})"
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        if detector.lambda_protection != ENABLED:
            text = (
                f"GuardDuty Lambda Protection ({LAMBDA_PROTECTION}) is {detector.lambda_protection} "
                f"on detector {detector.detector_id}"
            )
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        text = f"GuardDuty Lambda Protection is enabled on detector {detector.detector_id}"
        return [compliant(text, account, ACCOUNT_TYPE)]


def lambda_handler(event, context):
    return handle(GUARDDUTY_LAMBDA_PROTECTION_ENABLED, event, context)
