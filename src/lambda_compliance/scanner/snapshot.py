"""Config snapshot files and Config API dumps as CIs.

Accepts, by the keys of the top-level object (shapes from the AWS Config API reference:
https://docs.aws.amazon.com/config/latest/APIReference/API_Operations.html):

- a delivered snapshot (``{"configurationItems": [...]}``, invoking-event spelling) and
  ``get-resource-config-history`` output (same key, API spelling);
- ``batch-get-resource-config`` (``baseConfigurationItems``) and the aggregator's
  ``batch-get-aggregate-resource-config`` (``BaseConfigurationItems``);
- ``get-aggregate-resource-config`` (``ConfigurationItem``, one item);
- ``select-resource-config`` / ``select-aggregate-resource-config`` (``Results``: each row a
  JSON string of the selected fields; select at least resourceType and resourceId, and
  configuration, accountId and awsRegion for the rules to judge anything).

A history dump holds several items of one resource: only the newest of each resource (by
``configurationItemCaptureTime``, then ``configurationStateId``) is kept; the older ones are
counted as ``superseded``. Items that are not objects are skipped and counted, never fatal.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lambda_compliance.runtime.ci import ConfigItem

# Top-level keys that hold a list of items, in the order they are looked for.
LIST_KEYS = ("configurationItems", "baseConfigurationItems", "BaseConfigurationItems", "Results")


class SnapshotError(ValueError):
    """The file is not a Config snapshot; the message says why in one line."""


@dataclass(frozen=True)
class Snapshot:
    items: list[ConfigItem]
    skipped: int
    superseded: int = 0  # older history items of a resource whose newer item is kept


def _row(raw: Any) -> Any:
    """A select-*-resource-config row is JSON text (also inside a bare list); anything else is kept."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    return raw


def _capture_order(ci: ConfigItem) -> tuple[float, int]:
    """Sort key of an item's recording moment: capture time (ISO text or epoch seconds), then state id."""
    raw = ci.raw.get("configurationItemCaptureTime")
    moment = 0.0
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        moment = float(raw)
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except ValueError:
            moment = 0.0
    state = ci.raw.get("configurationStateId")
    try:
        state_id = int(state) if state is not None and not isinstance(state, bool) else 0
    except (TypeError, ValueError):
        state_id = 0
    return moment, state_id


def newest_items(items: list[ConfigItem]) -> list[ConfigItem]:
    """One item per resource (account, region, type, id): the newest; first-seen order is kept."""
    newest: dict[tuple[str, str, str, str], ConfigItem] = {}
    for ci in items:
        key = (ci.account_id or "", ci.region or "", ci.resource_type, ci.resource_id)
        kept = newest.get(key)
        if kept is None or _capture_order(ci) > _capture_order(kept):
            newest[key] = ci
    return list(newest.values())


def items_of(document: Any, origin: str = "input") -> list[Any]:
    """The raw items of a parsed snapshot or API dump (select rows still as JSON text)."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise SnapshotError(f"{origin} is not a Config snapshot")
    for key in LIST_KEYS:
        if key in document:
            raw_items = document[key]
            if not isinstance(raw_items, list):
                raise SnapshotError(f"{origin}: {key} is not a list")
            return raw_items
    if isinstance(document.get("ConfigurationItem"), dict):
        return [document["ConfigurationItem"]]
    raise SnapshotError(
        f"{origin} has no configurationItems, baseConfigurationItems, BaseConfigurationItems, Results "
        "or ConfigurationItem"
    )


def read_snapshot(path: str | Path) -> Snapshot:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"cannot read {path}: {exc.strerror}") from None
    if data[:2] == b"\x1f\x8b":  # Config delivers snapshots gzipped to S3
        data = gzip.decompress(data)
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise SnapshotError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    raw_items = [_row(raw) for raw in items_of(document, str(path))]
    items = [ConfigItem.of(raw) for raw in raw_items if isinstance(raw, dict)]
    items = [ci for ci in items if ci.resource_type and ci.resource_id]
    kept = newest_items(items)
    return Snapshot(items=kept, skipped=len(raw_items) - len(items), superseded=len(items) - len(kept))
