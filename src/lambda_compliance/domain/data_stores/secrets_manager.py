"""Secrets Manager secret facts as Config records them on the AWS::SecretsManager::Secret CI.

The secret CI keeps the API's PascalCase: ``RotationEnabled``,
``RotationLambdaARN``, ``RotationRules`` (``AutomaticallyAfterDays``,
``AutomaticallyAfterHours``, ``RotationScheduleExpression``;
``ScheduleExpression`` in the API), ``RotationOccurringAsScheduled``,
``KMSKeyId`` (``KmsKeyId`` in the API) and ``Deleted``. A secret without a
key id is encrypted with the AWS managed key ``aws/secretsmanager``.

Nothing here reads a secret value: rules judge metadata only.
"""

from __future__ import annotations

from dataclasses import dataclass

from lambda_compliance.domain.data_stores.rotation import max_interval_days
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.ci_fields import first, flag

SECRET_TYPE = "AWS::SecretsManager::Secret"
DEFAULT_KEY_ALIAS = "alias/aws/secretsmanager"

_RULES = ("RotationRules", "rotationRules")


@dataclass(frozen=True)
class Rotation:
    enabled: bool
    schedule: str | None  # "every 30 days", or "on schedule <expression as written>"
    max_interval_days: float | None  # None when rotation is off or the schedule cannot be bounded
    occurring_as_scheduled: bool | None  # Config's RotationOccurringAsScheduled, when recorded


def secret_name(ci: ConfigItem) -> str:
    """The secret's name; every secret CI records it, so a CI without one is malformed."""
    name = first(ci, ("Name",), ("name",), kind=str)
    if not name:
        raise MalformedConfigurationItem("configuration item lacks a valid configuration.Name")
    return name


def is_deleted(ci: ConfigItem) -> bool:
    """Scheduled for deletion: Config's ``Deleted`` flag or the API's ``DeletedDate``."""
    return bool(flag(first(ci, ("Deleted",), ("deleted",)))) or first(ci, ("DeletedDate",)) is not None


def kms_key(ci: ConfigItem) -> str | None:
    """The customer's key reference, or None for the default AWS managed key."""
    value = first(ci, ("KMSKeyId",), ("KmsKeyId",), ("kmsKeyId",), kind=str)
    return value.strip() if value and value.strip() else None


def rotation(ci: ConfigItem) -> Rotation:
    enabled = bool(flag(first(ci, ("RotationEnabled",), ("rotationEnabled",))))
    occurring = flag(first(ci, ("RotationOccurringAsScheduled",), ("rotationOccurringAsScheduled",)))
    if not enabled:
        return Rotation(False, None, None, occurring)
    expression = first(
        ci,
        *((rules, name) for rules in _RULES for name in ("RotationScheduleExpression", "ScheduleExpression")),
        kind=str,
    )
    if expression and expression.strip():
        return Rotation(True, f"on schedule {expression.strip()}", max_interval_days(expression), occurring)
    days = first(ci, *((rules, "AutomaticallyAfterDays") for rules in _RULES), kind=int)
    if days and days > 0:
        return Rotation(True, f"every {days} days", float(days), occurring)
    hours = first(ci, *((rules, "AutomaticallyAfterHours") for rules in _RULES), kind=int)
    if hours and hours > 0:
        return Rotation(True, f"every {hours} hours", hours / 24, occurring)
    return Rotation(True, None, None, occurring)
