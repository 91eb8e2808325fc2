"""Secrets Manager rotation schedules: the longest possible gap between two rotations, in days.

A secret rotates every ``AutomaticallyAfterDays`` (the original API) or on a
``ScheduleExpression``: ``rate(N days)``, ``rate(N hours)`` or a six-field
``cron(minutes hours day-of-month month day-of-week year)``. For a cron the
answer is an upper bound computed on 31-day months: ``cron(0 4 1,15 * ? *)``
is "at most 17 days apart", ``cron(0 4 ? * MON#1 *)`` at most 35. Expressions
that cannot be bounded (a year restriction, unknown syntax) give ``None``.
"""

from __future__ import annotations

import itertools
import re

from lambda_compliance.runtime.lazy import lazy

_RATE = lazy(r"rate\(\s*(\d{1,5})\s+(days?|hours?)\s*\)", re.IGNORECASE)
_CRON = lazy(r"cron\(\s*(.+?)\s*\)", re.IGNORECASE)
_MONTHS = {
    m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)
}
_WEEKDAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_ANY = ("*", "?")
MONTH_DAYS = 31  # upper bound for anything that happens once a month
WEEKS_IN_MONTH_GAP = 35  # the same "nth weekday" falls 28 or 35 days apart


def max_interval_days(expression: str) -> float | None:
    """The longest gap between rotations that ``expression`` allows, or None when it cannot be bounded."""
    text = expression.strip()
    rate = _RATE.fullmatch(text)
    if rate:
        amount = int(rate.group(1))
        if amount <= 0:
            return None
        return float(amount) if rate.group(2).lower().startswith("day") else amount / 24
    cron = _CRON.fullmatch(text)
    if cron:
        return _cron_gap(cron.group(1).split())
    return None


def _cron_gap(fields: list[str]) -> float | None:
    if len(fields) != 6:
        return None
    _minutes, _hours, day_of_month, month, day_of_week, year = (f.upper() for f in fields)
    if year != "*":
        return None  # a schedule limited to some years stops rotating after them
    months = _values(month, 1, 12, _MONTHS)
    if months is None:
        return None
    month_gap = 0 if len(months) == 12 else _circular_gap(months, 12)
    day_gap = _day_gap(day_of_month, day_of_week)
    if day_gap is None:
        return None
    return float(max(month_gap * MONTH_DAYS, day_gap))


def _day_gap(day_of_month: str, day_of_week: str) -> int | None:
    if day_of_month in _ANY and day_of_week in _ANY:
        return 1
    if day_of_month not in _ANY and day_of_week not in _ANY:
        return None  # Secrets Manager rejects schedules that set both
    if day_of_month not in _ANY:
        if "L" in day_of_month or "W" in day_of_month:
            return MONTH_DAYS
        days = _values(day_of_month, 1, 31, {})
        return None if days is None else _circular_gap(days, MONTH_DAYS)
    if "#" in day_of_week or day_of_week.endswith("L"):
        return WEEKS_IN_MONTH_GAP
    weekdays = _values(day_of_week, 1, 7, _WEEKDAYS)
    return None if weekdays is None else _circular_gap(weekdays, 7)


def _values(field: str, low: int, high: int, names: dict[str, int]) -> list[int] | None:
    """The sorted values a cron field allows: lists, ranges, steps and names; None when unparseable."""
    found: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = _number(step_text, names) if step_text else 1
        if step is None or step <= 0:
            return None
        if base in _ANY:
            start, end = low, high
        elif "-" in base:
            start_text, _, end_text = base.partition("-")
            start, end = _number(start_text, names), _number(end_text, names)  # type: ignore[assignment]
        else:
            start = _number(base, names)  # type: ignore[assignment]
            end = high if step_text else start
        if start is None or end is None or not low <= start <= high or not low <= end <= high:
            return None
        if start <= end:
            found.update(range(start, end + 1, step))
        else:  # a wrapping range such as FRI-MON or NOV-FEB
            found.update(v for v in list(range(start, high + 1)) + list(range(low, end + 1)))
    return sorted(found) or None


def _number(text: str, names: dict[str, int]) -> int | None:
    text = text.strip()
    if text in names:
        return names[text]
    return int(text) if text.isdigit() else None


def _circular_gap(values: list[int], period: int) -> int:
    """The longest distance between consecutive allowed values, wrapping around ``period``."""
    gaps = [b - a for a, b in itertools.pairwise(values)]
    gaps.append(values[0] + period - values[-1])
    return max(gaps)
