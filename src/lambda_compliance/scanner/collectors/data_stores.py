"""AWS::DynamoDB::Table, AWS::KMS::Key and AWS::SecretsManager::Secret CIs, shaped as Config records them.

* Table: DescribeTable in Config's spelling (``ssedescription``,
  ``ssetype``, ``kmsmasterKeyArn``), PITR from DescribeContinuousBackups in
  ``supplementaryConfiguration.ContinuousBackupsDescription``; resource id is
  the table name.
* Key: DescribeKey (``keyManager``, ``keyState``, ``origin``, ``keySpec``...),
  ``supplementaryConfiguration.KeyRotationStatus`` for keys that can rotate;
  resource id is the key id.
* Secret: one ListSecrets page covers 100 secrets with their rotation and key
  settings (never a value); the CI keeps the API's PascalCase as Config does,
  with Config's names ``KMSKeyId`` and ``RotationRules.RotationScheduleExpression``;
  resource id is the secret ARN.

The reader keeps every response, so rules asking the same questions (PITR,
DescribeKey) during the scan get them from the cache.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.domain.data_stores import kms
from lambda_compliance.domain.data_stores.dynamodb import TABLE_NOT_FOUND, TABLE_TYPE
from lambda_compliance.domain.data_stores.secrets_manager import SECRET_TYPE
from lambda_compliance.runtime.ci_fields import bean_keys
from lambda_compliance.scanner.collectors import CollectContext

ORDER = 30
ROTATION_UNREADABLE = ("UnsupportedOperationException", "KMSInvalidStateException", "NotFoundException")


def table_ci(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    reader = ctx.reader
    table = (reader.call("dynamodb", "describe_table", missing=TABLE_NOT_FOUND, TableName=name) or {}).get("Table")
    if not table:
        return None
    backups = reader.call("dynamodb", "describe_continuous_backups", missing=TABLE_NOT_FOUND, TableName=name)
    arn = table.get("TableArn")
    ci = ctx.base_ci(TABLE_TYPE, name, name, arn)
    ci["configuration"] = bean_keys(table)
    if backups and backups.get("ContinuousBackupsDescription"):
        ci["supplementaryConfiguration"] = {
            "ContinuousBackupsDescription": bean_keys(backups["ContinuousBackupsDescription"])
        }
    if arn:
        tags = reader.collect("dynamodb", "list_tags_of_resource", "Tags", ResourceArn=arn)
        ci["tags"] = {t["Key"]: t.get("Value", "") for t in tags if isinstance(t, dict) and "Key" in t}
    return ci


def key_ci(ctx: CollectContext, key_id: str) -> dict[str, Any] | None:
    reader = ctx.reader
    metadata = (reader.call("kms", "describe_key", missing=kms.NOT_FOUND, KeyId=key_id) or {}).get("KeyMetadata")
    if not metadata:
        return None
    ci = ctx.base_ci(kms.KEY_TYPE, metadata["KeyId"], metadata["KeyId"], metadata.get("Arn"))
    ci["configuration"] = bean_keys(metadata)
    rotatable = (
        metadata.get("KeySpec", kms.SYMMETRIC) == kms.SYMMETRIC
        and metadata.get("Origin") == "AWS_KMS"
        and metadata.get("KeyState") not in kms.PENDING_DELETION
    )
    if rotatable:
        status = reader.call("kms", "get_key_rotation_status", missing=ROTATION_UNREADABLE, KeyId=key_id)
        if status is not None:
            ci["supplementaryConfiguration"] = {"KeyRotationStatus": bool(status.get("KeyRotationEnabled"))}
    if metadata.get("KeyManager") == kms.CUSTOMER:
        tags = reader.collect("kms", "list_resource_tags", "Tags", missing=kms.NOT_FOUND, KeyId=key_id)
        ci["tags"] = {t["TagKey"]: t.get("TagValue", "") for t in tags if isinstance(t, dict) and "TagKey" in t}
    return ci


def secret_ci(ctx: CollectContext, listed: dict[str, Any]) -> dict[str, Any]:
    rules = listed.get("RotationRules") or {}
    rotation_rules = {
        "AutomaticallyAfterDays": rules.get("AutomaticallyAfterDays"),
        "RotationDuration": rules.get("Duration"),
        "RotationScheduleExpression": rules.get("ScheduleExpression"),
    }
    configuration = {
        "ARN": listed["ARN"],
        "Name": listed.get("Name"),
        "Description": listed.get("Description"),
        "KMSKeyId": listed.get("KmsKeyId"),
        "RotationEnabled": bool(listed.get("RotationEnabled")),
        "RotationLambdaARN": listed.get("RotationLambdaARN"),
        "RotationRules": {k: v for k, v in rotation_rules.items() if v not in (None, "")},
        "Deleted": listed.get("DeletedDate") is not None,
    }
    ci = ctx.base_ci(SECRET_TYPE, listed["ARN"], str(listed.get("Name") or listed["ARN"]), listed["ARN"])
    ci["configuration"] = {k: v for k, v in configuration.items() if v is not None}
    ci["tags"] = {t["Key"]: t.get("Value", "") for t in listed.get("Tags") or [] if "Key" in t}
    return ci


def build_tables(ctx: CollectContext) -> list[dict[str, Any]]:
    names = [n for n in ctx.reader.collect("dynamodb", "list_tables", "TableNames") if isinstance(n, str)]
    return [ci for ci in ctx.pool.map(lambda n: table_ci(ctx, n), names) if ci]


def build_keys(ctx: CollectContext) -> list[dict[str, Any]]:
    listed = ctx.reader.collect("kms", "list_keys", "Keys")
    ids = [k["KeyId"] for k in listed if isinstance(k, dict) and isinstance(k.get("KeyId"), str)]
    return [ci for ci in ctx.pool.map(lambda k: key_ci(ctx, k), ids) if ci]


def build_secrets(ctx: CollectContext) -> list[dict[str, Any]]:
    listed = ctx.reader.collect("secretsmanager", "list_secrets", "SecretList")
    return [secret_ci(ctx, s) for s in listed if isinstance(s, dict) and isinstance(s.get("ARN"), str)]


BUILDERS = {
    TABLE_TYPE: build_tables,
    kms.KEY_TYPE: build_keys,
    SECRET_TYPE: build_secrets,
}
