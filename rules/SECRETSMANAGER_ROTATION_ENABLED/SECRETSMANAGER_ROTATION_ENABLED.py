"""SECRETSMANAGER_ROTATION_ENABLED: the secret rotates automatically, at least every maxRotationDays.

Scenarios:
- Given RotationEnabled with AutomaticallyAfterDays (or a rate/cron schedule) within maxRotationDays
  (default 90), then COMPLIANT.
- Given RotationEnabled false or absent, then NON_COMPLIANT.
- Given a schedule whose longest gap exceeds maxRotationDays, then NON_COMPLIANT.
- Given RotationOccurringAsScheduled false, then NON_COMPLIANT (rotation keeps failing).
- Given a schedule that cannot be bounded (a year restriction), then NON_COMPLIANT.
- Given a secret scheduled for deletion or a deleted CI, then NOT_APPLICABLE.
- Given a CI without Name, then NON_COMPLIANT (cannot evaluate).
- Given maxRotationDays that is not an integer from 1 to 1000, then InvalidParametersError.
"""

from lambda_compliance.domain.data_stores import secrets_manager
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class SECRETSMANAGER_ROTATION_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="Secrets Manager secret rotates automatically within the allowed number of days",
        resource_types=(secrets_manager.SECRET_TYPE,),
        severity="medium",
        family="data",
        parameters=(
            Param.integer(
                "maxRotationDays",
                90,
                "Longest allowed time between two rotations, in days",
                minimum=1,
                maximum=1000,
            ),
        ),
    )

    def assess(self, ci, aws, params):
        secrets_manager.secret_name(ci)
        if secrets_manager.is_deleted(ci):
            return [not_applicable("secret is scheduled for deletion")]
        rotation = secrets_manager.rotation(ci)
        limit = params["maxRotationDays"]
        if not rotation.enabled:
            return [non_compliant("automatic rotation is not enabled")]
        if rotation.occurring_as_scheduled is False:
            return [non_compliant("rotation is enabled but is not occurring as scheduled")]
        gap = rotation.max_interval_days
        if gap is None:
            schedule = rotation.schedule or "with no schedule"
            return [non_compliant(f"rotates {schedule}, which cannot be shown to stay within {limit} days")]
        if gap > limit:
            days = f"{gap:g}"
            return [non_compliant(f"rotates {rotation.schedule} (up to {days} days apart); maxRotationDays is {limit}")]
        return [compliant(f"rotates {rotation.schedule}, within {limit} days")]


def lambda_handler(event, context):
    return handle(SECRETSMANAGER_ROTATION_ENABLED, event, context)
