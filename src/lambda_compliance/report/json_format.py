"""``--format json``: the document as it is (machine-readable, stable keys)."""

from __future__ import annotations

import json
from typing import Any, TextIO

FORMAT = "json"


def render(document: dict[str, Any], console: Any = None) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def write(document: dict[str, Any], handle: TextIO) -> None:
    """``render`` streamed to ``handle``, byte for byte: json.dump writes the same chunks json.dumps joins,
    so a large scan never holds its whole report (nor the list of its pieces) as one string."""
    json.dump(document, handle, indent=2, sort_keys=False)
    handle.write("\n")
