"""KMS_KEY_ROTATION_ENABLED: a customer managed KMS key has automatic key rotation enabled.

Scenarios:
- Given a customer managed symmetric key with KeyRotationStatus true, then COMPLIANT.
- Given KeyRotationStatus false, then NON_COMPLIANT.
- Given a CI that does not record KeyRotationStatus, then kms:GetKeyRotationStatus decides.
- Given an AWS managed key (keyManager AWS), then NOT_APPLICABLE (AWS rotates it).
- Given a key pending deletion, an asymmetric or HMAC key, imported key material or a custom
  key store, then NOT_APPLICABLE (automatic rotation is not possible).
- Given a CI without keyManager, then NON_COMPLIANT (cannot evaluate).
- Given a deleted key CI, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.data_stores import kms
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class KMS_KEY_ROTATION_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="Customer managed KMS key has automatic key rotation enabled",
        resource_types=(kms.KEY_TYPE,),
        severity="medium",
        family="data",
        iam_actions=("kms:GetKeyRotationStatus",),
        remediation=Remediation(
            document="AWSConfigRemediation-EnableKeyRotation",
            resource_parameter="KeyId",
            aws_owned=True,
            automatic_safe=True,
        ),
    )

    def assess(self, ci, aws, params):
        key = kms.facts_from_ci(ci)
        if not key.customer_managed:
            return [not_applicable("AWS managed key: AWS rotates it every year")]
        if key.state in kms.PENDING_DELETION:
            return [not_applicable(f"key is {key.state}")]
        unsupported = kms.rotation_unsupported(key)
        if unsupported:
            return [not_applicable(unsupported)]
        enabled = kms.rotation_enabled(aws, ci)
        if enabled is None:
            return [not_applicable("key no longer exists")]
        if enabled:
            return [compliant("automatic key rotation is enabled")]
        return [non_compliant("automatic key rotation is disabled; enable it")]


def lambda_handler(event, context):
    return handle(KMS_KEY_ROTATION_ENABLED, event, context)
