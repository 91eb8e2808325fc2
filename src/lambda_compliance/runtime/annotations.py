"""Annotation text that always fits Config's 256 characters and always says how much was left out."""

from __future__ import annotations

from collections.abc import Sequence


def listing(names: Sequence[str], budget: int = 120) -> str:
    """'A, B, C and 4 more', as many names as fit in ``budget`` characters (at least one)."""
    names = list(names)
    if not names:
        return ""
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        tail = f" and {rest} more" if rest else ""
        candidate = ", ".join([*shown, name]) + tail
        if shown and len(candidate) > budget:
            break
        shown.append(name if len(name) <= budget else name[: budget - 3] + "...")
    left = len(names) - len(shown)
    return ", ".join(shown) + (f" and {left} more" if left else "")
