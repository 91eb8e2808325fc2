"""DynamoDB table facts as Config records them on the AWS::DynamoDB::Table CI.

Encryption is ``configuration.ssedescription`` (Config lower-cases the
acronyms: ``ssetype``, ``kmsmasterKeyArn``, ``status``); a table on the default
AWS owned key has no ssedescription at all. Point-in-time recovery is
``supplementaryConfiguration.ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus``.
The API spellings (``SSEDescription``/``SSEType``/``KMSMasterKeyArn``) are
accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.ci_fields import first

TABLE_TYPE = "AWS::DynamoDB::Table"
TABLE_NOT_FOUND = ("TableNotFoundException", "ResourceNotFoundException")

_SSE = ("ssedescription", "sseDescription", "SSEDescription")
# Encryption states in which the table's data is (or is being) encrypted with the named key.
KEY_IN_USE = frozenset({"ENABLED", "ENABLING", "UPDATING"})


@dataclass(frozen=True)
class TableEncryption:
    status: str | None  # None: no ssedescription, i.e. the AWS owned key
    sse_type: str | None
    key_arn: str | None

    @property
    def uses_kms_key(self) -> bool:
        return self.status in KEY_IN_USE and bool(self.key_arn)


def table_name(ci: ConfigItem) -> str:
    """The table's name; every table CI records a valid one, so a CI without one is malformed."""
    name = ci.get("tableName", kind=str)
    if not identifiers.valid(identifiers.TABLE_NAME, name):
        raise MalformedConfigurationItem("configuration item lacks a valid configuration.tableName")
    return name


def encryption(ci: ConfigItem) -> TableEncryption:
    def read(*names: str) -> str | None:
        return first(ci, *((sse, name) for sse in _SSE for name in names), kind=str)

    return TableEncryption(
        status=read("status", "Status"),
        sse_type=read("ssetype", "sseType", "SSEType"),
        key_arn=read("kmsmasterKeyArn", "kmsMasterKeyArn", "KMSMasterKeyArn"),
    )


def pitr_status(aws: AwsReader, ci: ConfigItem) -> str | None:
    """ENABLED/DISABLED as Config recorded it, else dynamodb:DescribeContinuousBackups; None: table gone."""
    recorded = first(
        ci,
        ("ContinuousBackupsDescription", "pointInTimeRecoveryDescription", "pointInTimeRecoveryStatus"),
        ("ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus"),
        kind=str,
        supplementary=True,
    )
    if recorded:
        return recorded
    response = aws.call("dynamodb", "describe_continuous_backups", missing=TABLE_NOT_FOUND, TableName=table_name(ci))
    if response is None:
        return None
    description = response.get("ContinuousBackupsDescription") or {}
    status = (description.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")
    return status if isinstance(status, str) else "DISABLED"
