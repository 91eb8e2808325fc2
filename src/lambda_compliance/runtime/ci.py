"""Configuration items in one shape.

AWS Config hands a rule the same resource in two formats: the invoking-event /
snapshot format (``configuration`` is an object) and the API format used by
``get_resource_config_history`` and ``batch_get_resource_config``
(``configuration`` is a JSON string, every ``supplementaryConfiguration`` value
is JSON-encoded again, ``awsAccountId`` is ``accountId`` and ``ARN`` is ``arn``).
IAM documents inside CIs are URL-encoded, enums sometimes arrive as
``{"value": ...}``, numbers as floats and relationship names with trailing
spaces. ``normalise_ci`` turns any of these into the invoking-event shape so a
rule is written against one format only, and ``ConfigItem`` offers typed reads
that return ``None`` instead of raising when a field has the wrong type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

T = TypeVar("T")

DELETED_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"})

# Fields whose documents IAM stores URL-encoded inside the CI.
_URL_ENCODED_KEYS = frozenset({"assumeRolePolicyDocument", "policyDocument", "document"})

# Config spells a few keys differently from the service API; rules read the Config spelling.
_KEY_ALIASES = {"kmsKeyArn": "kmskeyArn", "KMSKeyArn": "kmskeyArn"}


class MalformedConfigurationItem(ValueError):
    """The CI lacks a field the rule cannot decide without (the message names the field)."""


def _maybe_json(value: Any) -> Any:
    """Decode a JSON string when it holds an object or list; leave other strings alone."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[") or stripped in ("null", "true", "false"):
            try:
                return json.loads(stripped)
            except ValueError:
                return value
    return value


def _decode_nested(value: Any, depth: int = 2) -> Any:
    """Undo JSON encoding applied once (snapshot Policy strings) or twice (API supplementaryConfiguration)."""
    for _ in range(depth):
        if not isinstance(value, str):
            break
        stripped = value.strip()
        if not stripped.startswith('"'):
            return _maybe_json(value)
        try:
            value = json.loads(stripped)
        except ValueError:
            break
    return value


def decode_document(value: Any) -> Any:
    """Decode an IAM policy document that may be URL-encoded JSON, plain JSON or already parsed."""
    if not isinstance(value, str):
        return value
    decoded = _maybe_json(value)
    if decoded is value and "%" in value:
        decoded = _maybe_json(unquote(value))
    return decoded


def _unwrap(value: Any) -> Any:
    """Recursively unwrap ``{"value": x}`` enums and normalise float integers and aliases."""
    if isinstance(value, dict):
        if len(value) == 1 and "value" in value and not isinstance(value["value"], dict | list):
            return value["value"]
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _KEY_ALIASES.get(key, key) if isinstance(key, str) else key
            if name in _URL_ENCODED_KEYS:
                out[name] = decode_document(item)
            else:
                out[name] = _unwrap(item)
        return out
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class NormalisedCI(dict[str, Any]):
    """A CI dict ``normalise_ci`` produced. ``ConfigItem.of`` takes it as it is: the scanner hands every
    rule the ``raw`` of a CI it normalised once, and decoding it again per rule cost more than the rule."""


def normalise_ci(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the invoking-event shape of a CI given in either Config format.

    Never raises: fields it cannot decode are kept as they are, and a rule's
    typed reads then see ``None`` for them.
    """
    if not isinstance(raw, Mapping):
        return NormalisedCI(configuration={}, supplementaryConfiguration={}, tags={}, relationships=[])
    ci: dict[str, Any] = NormalisedCI(raw)
    if "accountId" in ci and "awsAccountId" not in ci:
        ci["awsAccountId"] = ci.pop("accountId")
    if "arn" in ci and "ARN" not in ci:
        ci["ARN"] = ci.pop("arn")
    if "configurationItemMD5Hash" in ci and "configurationStateMd5Hash" not in ci:
        ci["configurationStateMd5Hash"] = ci.pop("configurationItemMD5Hash")

    configuration = _maybe_json(ci.get("configuration"))
    configuration = _unwrap(configuration) if isinstance(configuration, dict) else None
    # {"value": null} unwraps to None: a configuration is always an object for the rules.
    ci["configuration"] = configuration if isinstance(configuration, dict) else {}

    supplementary = _maybe_json(ci.get("supplementaryConfiguration"))
    if isinstance(supplementary, dict):
        ci["supplementaryConfiguration"] = {key: _unwrap(_decode_nested(value)) for key, value in supplementary.items()}
    else:
        ci["supplementaryConfiguration"] = {}

    tags = _maybe_json(ci.get("tags"))
    if isinstance(tags, list):  # the API format sometimes lists {"key","value"} pairs
        tags = {t.get("key"): t.get("value") for t in tags if isinstance(t, dict) and "key" in t}
    ci["tags"] = {str(k): v for k, v in tags.items()} if isinstance(tags, dict) else {}

    relationships = ci.get("relationships")
    ci["relationships"] = (
        [_relationship(r) for r in relationships if isinstance(r, dict)] if isinstance(relationships, list) else []
    )
    return ci


def _relationship(raw: Mapping[str, Any]) -> dict[str, Any]:
    name = raw.get("name", raw.get("relationshipName"))
    return {
        "name": name.strip() if isinstance(name, str) else name,
        "resourceId": raw.get("resourceId"),
        "resourceName": raw.get("resourceName"),
        "resourceType": raw.get("resourceType"),
    }


def _typed(value: Any, kind: type[T]) -> T | None:
    if kind is int:
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)  # type: ignore[return-value]
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)  # type: ignore[return-value]
    if kind is str and isinstance(value, str):
        return value  # type: ignore[return-value]
    return value if isinstance(value, kind) else None


@dataclass(frozen=True)
class ConfigItem:
    """A normalised configuration item with typed, never-raising reads."""

    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, raw: Mapping[str, Any] | None) -> ConfigItem:
        if isinstance(raw, ConfigItem):
            return raw
        if isinstance(raw, NormalisedCI):
            return cls(raw)
        return cls(normalise_ci(raw))

    # identity -------------------------------------------------------------
    @property
    def resource_type(self) -> str:
        return _typed(self.raw.get("resourceType"), str) or ""

    @property
    def resource_id(self) -> str:
        return _typed(self.raw.get("resourceId"), str) or ""

    @property
    def resource_name(self) -> str:
        return _typed(self.raw.get("resourceName"), str) or self.resource_id

    @property
    def arn(self) -> str | None:
        return _typed(self.raw.get("ARN"), str)

    @property
    def account_id(self) -> str | None:
        return _typed(self.raw.get("awsAccountId"), str)

    @property
    def region(self) -> str | None:
        return _typed(self.raw.get("awsRegion"), str)

    @property
    def status(self) -> str:
        return _typed(self.raw.get("configurationItemStatus"), str) or "OK"

    @property
    def is_deleted(self) -> bool:
        return self.status in DELETED_STATUSES

    @property
    def configuration(self) -> dict[str, Any]:
        return self.raw["configuration"]

    @property
    def supplementary(self) -> dict[str, Any]:
        return self.raw["supplementaryConfiguration"]

    @property
    def tags(self) -> dict[str, Any]:
        return self.raw["tags"]

    @property
    def relationships(self) -> list[dict[str, Any]]:
        return self.raw["relationships"]

    # typed reads ----------------------------------------------------------
    def get(self, *path: str | int, kind: type[T] = object) -> T | None:  # type: ignore[assignment]
        """Read ``configuration`` along ``path``; ``None`` when absent or of another type."""
        return _dig(self.configuration, path, kind)

    def supplementary_get(self, *path: str | int, kind: type[T] = object) -> T | None:  # type: ignore[assignment]
        return _dig(self.supplementary, path, kind)

    def require(self, *path: str | int, kind: type[T] = object) -> T:  # type: ignore[assignment]
        """Like ``get`` but a missing or mistyped field is a malformed CI."""
        value = self.get(*path, kind=kind)
        if value is None:
            raise MalformedConfigurationItem(
                f"configuration item lacks a valid configuration.{'.'.join(map(str, path))}"
            )
        return value

    def related(self, resource_type: str) -> Iterator[dict[str, Any]]:
        return (r for r in self.relationships if r.get("resourceType") == resource_type)


def _dig(root: Any, path: tuple[str | int, ...], kind: type[T]) -> T | None:
    node = root
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or not -len(node) <= step < len(node):
                return None
            node = node[step]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(step)
    if node is None:
        return None
    if kind is object:
        return node  # type: ignore[return-value]
    return _typed(node, kind)
