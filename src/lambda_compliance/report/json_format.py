"""``--format json``: the document as it is (machine-readable, stable keys)."""

from __future__ import annotations

import json
from typing import Any

FORMAT = "json"


def render(document: dict[str, Any], console: Any = None) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
