"""Annotation text that always fits Config's 256 characters and always says how much was left out."""

from __future__ import annotations

from collections.abc import Sequence

# PutEvaluations: Annotation is 1-256 characters (AWS Config API Reference, Evaluation).
ANNOTATION_LIMIT = 256


def fit(text: str) -> str:
    """``text`` on one line, cut to the limit with an ellipsis when it is longer."""
    text = " ".join(text.split())
    return text if len(text) <= ANNOTATION_LIMIT else text[: ANNOTATION_LIMIT - 3] + "..."


def with_note(text: str, note: str) -> str:
    """``text`` shortened so that ``note`` (which must be kept whole) still fits after it."""
    return text[: ANNOTATION_LIMIT - len(note)] + note


def plural(count: int, noun: str) -> str:
    """'1 layer', '3 layers'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def exempt(reason: str) -> str:
    """The annotation of an exempted resource: reports find exemptions applied by this exact text."""
    return f"exempt: {reason}"[:ANNOTATION_LIMIT]


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
