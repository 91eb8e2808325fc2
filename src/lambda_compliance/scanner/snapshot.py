"""Config snapshot files and Config API dumps as CIs.

Accepts a delivered snapshot (``{"configurationItems": [...]}``, invoking-event
spelling), ``get-resource-config-history`` output (same key, API spelling) and
``batch-get-resource-config`` output (``baseConfigurationItems``). Items that
are not objects are skipped and counted, never fatal.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from lambda_compliance.runtime.ci import ConfigItem


class SnapshotError(ValueError):
    """The file is not a Config snapshot; the message says why in one line."""


@dataclass(frozen=True)
class Snapshot:
    items: list[ConfigItem]
    skipped: int


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
    if isinstance(document, list):
        raw_items = document
    elif isinstance(document, dict):
        raw_items = document.get("configurationItems", document.get("baseConfigurationItems"))
        if raw_items is None:
            raise SnapshotError(f"{path} has no configurationItems or baseConfigurationItems")
    else:
        raise SnapshotError(f"{path} is not a Config snapshot")
    if not isinstance(raw_items, list):
        raise SnapshotError(f"{path}: configurationItems is not a list")
    items = [ConfigItem.of(raw) for raw in raw_items if isinstance(raw, dict)]
    items = [ci for ci in items if ci.resource_type and ci.resource_id]
    return Snapshot(items=items, skipped=len(raw_items) - len(items))
