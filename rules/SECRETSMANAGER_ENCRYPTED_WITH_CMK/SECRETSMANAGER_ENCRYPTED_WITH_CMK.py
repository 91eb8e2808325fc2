"""SECRETSMANAGER_ENCRYPTED_WITH_CMK: the secret is encrypted with a customer managed KMS key.

Scenarios:
- Given KMSKeyId naming a key whose keyManager is CUSTOMER (by id, ARN or alias), then COMPLIANT.
- Given no KMSKeyId (the AWS managed key aws/secretsmanager), then NON_COMPLIANT.
- Given KMSKeyId alias/aws/secretsmanager or a key whose keyManager is AWS, then NON_COMPLIANT.
- Given a key that no longer exists, then NON_COMPLIANT.
- Given a secret scheduled for deletion or a deleted CI, then NOT_APPLICABLE.
- Given a CI without Name, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.data_stores import kms, secrets_manager
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class SECRETSMANAGER_ENCRYPTED_WITH_CMK(ComplianceRule):
    spec = RuleSpec(
        title="Secrets Manager secret is encrypted with a customer managed KMS key",
        resource_types=(secrets_manager.SECRET_TYPE,),
        severity="medium",
        family="data",
        iam_actions=("config:BatchGetResourceConfig", "kms:DescribeKey"),
        related_types=(kms.KEY_TYPE,),
    )

    def assess(self, ci, aws, params):
        secrets_manager.secret_name(ci)
        if secrets_manager.is_deleted(ci):
            return [not_applicable("secret is scheduled for deletion")]
        default = f"the AWS managed key {secrets_manager.DEFAULT_KEY_ALIAS}"
        verdict = kms.customer_managed_verdict(aws, secrets_manager.kms_key(ci), default)
        return [compliant(verdict.annotation) if verdict.customer_managed else non_compliant(verdict.annotation)]


def lambda_handler(event, context):
    return handle(SECRETSMANAGER_ENCRYPTED_WITH_CMK, event, context)
