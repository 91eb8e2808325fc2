"""The Lambda runtime table: which runtimes AWS supports, and until when.

The dates are data (``runtimes.json`` beside this module, transcribed from the AWS "Lambda runtimes" page), not code,
so a new deprecation is a one-line data change reviewed against its source. Every judgement takes ``today``
as an argument instead of reading the clock: the Config rule passes the evaluation time, tests and the
offline scanner pin whatever date they need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "RuntimeAssessment",
    "RuntimeInfo",
    "RuntimeState",
    "all_runtimes",
    "assess_runtime",
    "lookup",
    "table_source",
]

RuntimeState = Literal["supported", "deprecation_soon", "deprecated", "unknown"]

_DATA_PACKAGE = __package__ or "lambda_compliance.domain.functions"
_DATA_PATH = ("runtimes.json",)
# Unknown identifiers come straight from a CI and may be arbitrarily long; clip them so describe() stays
# annotation-sized (Config caps annotations at 256 characters).
_MAX_ECHOED_IDENTIFIER = 64


@dataclass(frozen=True)
class RuntimeInfo:
    """One row of the table. A ``None`` date: AWS has not published one, or it could not be confirmed."""

    identifier: str
    name: str
    os: str | None
    deprecation: date | None
    block_create: date | None
    block_update: date | None


@dataclass(frozen=True)
class RuntimeAssessment:
    """How a runtime stands on a given day, ready to turn into a Config annotation."""

    runtime: str
    state: RuntimeState
    info: RuntimeInfo | None
    days_until_deprecation: int | None  # negative once past, 0 on the deprecation day itself

    def describe(self) -> str:
        """A short sentence (< 200 characters) saying where the runtime stands and what comes next."""
        if self.info is None:
            return f"{_clip(self.runtime)} is not a Lambda runtime identifier in the runtime table"
        info = self.info
        if info.deprecation is None or self.days_until_deprecation is None:
            return f"{info.identifier} is supported; AWS has not scheduled its deprecation"
        days = self.days_until_deprecation
        deprecation = info.deprecation.isoformat()
        if self.state == "deprecated":
            # The assessment does not store "today", but it is recoverable: days were counted from it.
            today = info.deprecation - timedelta(days=days)
            return f"{info.identifier} was deprecated on {deprecation}" + _blocks(info, today)
        if self.state == "deprecation_soon":
            return f"{info.identifier} is deprecated on {deprecation} (in {_days(days)})"
        return f"{info.identifier} is supported until {deprecation} ({_days(days)} left)"


def _clip(text: str) -> str:
    text = text.strip() or "''"
    if len(text) <= _MAX_ECHOED_IDENTIFIER:
        return text
    return text[: _MAX_ECHOED_IDENTIFIER - 3] + "..."


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _blocks(info: RuntimeInfo, today: date) -> str:
    """'; creates blocked since X, updates from Y' - whichever block dates AWS has published."""
    parts = []
    for label, when in (("creates", info.block_create), ("updates", info.block_update)):
        if when is not None:
            # "since" once the block is in force, "from" while it is still ahead: the operator's
            # deadline reads differently in the two cases.
            parts.append(f"{label} blocked {'since' if when <= today else 'from'} {when.isoformat()}")
    return "; " + ", ".join(parts) if parts else ""


def _parse_date(row: dict[str, Any], field: str) -> date | None:
    value = row.get(field)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as err:
        # A malformed table is a packaging bug: fail loudly at load, naming the row, not inside a rule.
        identifier = row.get("identifier")
        raise ValueError(f"runtimes.json: {identifier!r} has an invalid {field}: {value!r}") from err


def _read_document() -> dict[str, Any]:
    text = resources.files(_DATA_PACKAGE).joinpath(*_DATA_PATH).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def _table() -> dict[str, RuntimeInfo]:
    # Loaded once per process: a Lambda container evaluates many CIs, and the table never changes at runtime.
    table: dict[str, RuntimeInfo] = {}
    for row in _read_document()["runtimes"]:
        info = RuntimeInfo(
            identifier=row["identifier"],
            name=row["name"],
            os=row.get("os"),
            deprecation=_parse_date(row, "deprecation"),
            block_create=_parse_date(row, "block_create"),
            block_update=_parse_date(row, "block_update"),
        )
        if info.identifier in table:
            raise ValueError(f"runtimes.json: duplicate identifier {info.identifier!r}")
        table[info.identifier] = info
    return table


@cache
def table_source() -> tuple[str, date]:
    """Where the table was transcribed from and when, for reports that must say how current it is."""
    document = _read_document()
    return document["source"], date.fromisoformat(document["retrieved"])


def all_runtimes() -> tuple[RuntimeInfo, ...]:
    """Every runtime in the table, in table order (newest first within each language)."""
    return tuple(_table().values())


def lookup(runtime: str) -> RuntimeInfo | None:
    """The table row for a runtime identifier, or ``None`` when the table does not know it."""
    # AWS identifiers are lower case; stray case or whitespace from hand-written snapshots must not turn a
    # known runtime into "unknown".
    return _table().get(runtime.strip().lower())


def assess_runtime(runtime: str, today: date, warning_days: int = 90) -> RuntimeAssessment:
    """Judge ``runtime`` on ``today``.

    - ``deprecated`` from the deprecation date itself: AWS stops patching on that day.
    - ``deprecation_soon`` when the deprecation date is at most ``warning_days`` ahead.
    - ``supported`` otherwise, including runtimes with no deprecation scheduled.
    - ``unknown`` for identifiers the table does not list; the caller decides what that means.

    OS-only runtimes (``provided*``) are judged by their own dates like any other.
    """
    if warning_days < 0:
        raise ValueError(f"warning_days must be >= 0, got {warning_days}")
    info = lookup(runtime)
    if info is None:
        return RuntimeAssessment(runtime=runtime, state="unknown", info=None, days_until_deprecation=None)
    if info.deprecation is None:
        return RuntimeAssessment(runtime=info.identifier, state="supported", info=info, days_until_deprecation=None)
    days = (info.deprecation - today).days
    state: RuntimeState
    if days <= 0:
        state = "deprecated"
    elif days <= warning_days:
        state = "deprecation_soon"
    else:
        state = "supported"
    return RuntimeAssessment(runtime=info.identifier, state=state, info=info, days_until_deprecation=days)
