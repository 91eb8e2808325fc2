"""What the table builders share: the reproducible gzip encoding and the write-or ``--check`` step."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any


def encode(table: dict[str, Any]) -> bytes:
    """Canonical JSON, gzipped without a timestamp or name: the same table gives the same bytes."""
    raw = json.dumps(table, sort_keys=True, separators=(",", ":")).encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as fh:
        fh.write(raw)
    return buffer.getvalue()


def write_or_check(blob: bytes, output: Path, *, check: bool, tool: str, source: str, wrote: str) -> int:
    """With ``check``: 1 when the committed ``output`` differs from ``blob``. Else write it. Says which."""
    if check:
        current = output.read_bytes() if output.exists() else b""
        if current != blob:
            print(f"{output} is stale: regenerate with {tool}", file=sys.stderr)
            return 1
        print(f"{output} matches {source}")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(blob)
    print(f"wrote {output.name}: {wrote}, {len(blob)} bytes ({source})")
    return 0
