"""Reading a CI field that Config spells more than one way.

Config derives CI keys from the service SDK with Java-bean naming, so a leading
acronym is lower-cased whole (``SSEDescription`` -> ``ssedescription``,
``KMSMasterKeyArn`` -> ``kmsmasterKeyArn``), while some types keep the API's
PascalCase (Secrets Manager: ``KMSKeyId``, ``RotationRules``). Older CIs and
hand-made fixtures use the camelCase or API spelling. ``first`` tries the
spellings in order so a rule names them once, in the library.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from lambda_compliance.runtime.ci import ConfigItem

T = TypeVar("T")

Path = tuple[str | int, ...]


def first(ci: ConfigItem, *paths: Path, kind: type[T] = object, supplementary: bool = False) -> T | None:  # type: ignore[assignment]
    """The value at the first of ``paths`` that holds one of ``kind`` (in configuration or supplementary)."""
    read = ci.supplementary_get if supplementary else ci.get
    for path in paths:
        value = read(*path, kind=kind)
        if value is not None:
            return value
    return None


def flag(value: Any) -> bool | None:
    """A Config boolean that may arrive as a bool or as the string 'true'/'false'."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def bean_name(key: str) -> str:
    """An API field name as Config spells it: the leading run of capitals lower-cased.

    ``TableName`` -> ``tableName``, ``SSEDescription`` -> ``ssedescription``,
    ``KMSMasterKeyArn`` -> ``kmsmasterKeyArn``, ``AWSAccountId`` -> ``awsaccountId``.
    """
    end = 0
    while end < len(key) and key[end].isupper():
        end += 1
    return key[:end].lower() + key[end:]


def bean_keys(value: Any) -> Any:
    """``bean_name`` applied to every key of an API response, recursively; datetimes as ISO strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {bean_name(k) if isinstance(k, str) else k: bean_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bean_keys(v) for v in value]
    return value
