"""Today's date for dated rules, injectable so tests and reports are reproducible.

``LAMBDA_COMPLIANCE_TODAY=YYYY-MM-DD`` pins the date (tests, a re-run of an old
audit); otherwise it is today's UTC date.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    pinned = os.environ.get("LAMBDA_COMPLIANCE_TODAY", "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            pass  # a malformed pin falls back to the real date rather than failing every rule
    return datetime.now(UTC).date()
