"""Rule parameters: declared once per rule, parsed once here.

Config passes InputParameters as strings (lists comma-separated). A declared
``Param`` knows its type, default and bounds; ``parse_parameters`` turns the
raw mapping into typed values or raises rdklib's ``InvalidParametersError``
naming the parameter, because rdklib lets a bare ValueError crash the Lambda.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rdklib import InvalidParametersError

# rdklib reads these itself (cross-account role assumption); rules ignore them.
RESERVED_PARAMETERS = frozenset({"ExecutionRoleName", "ExecutionRoleRegion", "AssumeRoleMode", "Exemptions"})

Kind = Literal["int", "str", "list", "bool"]

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # every string / list item must match it
    required: bool = False

    @classmethod
    def integer(
        cls,
        name: str,
        default: int | None,
        description: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Param:
        return cls(name, "int", default, description, minimum=minimum, maximum=maximum)

    @classmethod
    def string_list(
        cls,
        name: str,
        default: tuple[str, ...],
        description: str,
        *,
        pattern: str | None = None,
        required: bool = False,
    ) -> Param:
        return cls(name, "list", tuple(default), description, pattern=pattern, required=required)

    @classmethod
    def string(cls, name: str, default: str | None, description: str, *, pattern: str | None = None) -> Param:
        return cls(name, "str", default, description, pattern=pattern)

    @classmethod
    def boolean(cls, name: str, default: bool, description: str) -> Param:
        return cls(name, "bool", default, description)

    def as_config_value(self, value: Any = None) -> str:
        """The string Config would pass for ``value`` (the default when omitted)."""
        value = self.default if value is None else value
        if value is None:
            return ""
        if self.kind == "list":
            return ",".join(value)
        if self.kind == "bool":
            return "true" if value else "false"
        return str(value)

    def parse(self, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise InvalidParametersError(f"Parameter '{self.name}' is required")
            return self.default
        parser = getattr(self, f"_parse_{self.kind}")
        return parser(raw)

    def _parse_int(self, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int | str | float):
            raise self._error("must be an integer")
        text = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if not re.fullmatch(r"-?\d{1,12}", text):
            raise self._error("must be an integer")
        value = int(text)
        if self.minimum is not None and value < self.minimum:
            raise self._error(f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise self._error(f"must be at most {self.maximum}")
        return value

    def _parse_str(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise self._error("must be a string")
        value = raw.strip()
        self._check_pattern(value)
        return value

    def _parse_list(self, raw: Any) -> tuple[str, ...]:
        if isinstance(raw, str):
            items = [item.strip() for item in raw.split(",")]
        elif isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
            items = [item.strip() for item in raw]
        else:
            raise self._error("must be a comma-separated list of strings")
        items = [item for item in items if item]
        for item in items:
            self._check_pattern(item)
        if self.required and not items:
            raise InvalidParametersError(f"Parameter '{self.name}' is required")
        return tuple(dict.fromkeys(items))

    def _parse_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self._error("must be true or false")

    def _check_pattern(self, value: str) -> None:
        if self.pattern and not re.fullmatch(self.pattern, value):
            shown = value if len(value) <= 60 else value[:57] + "..."
            # Escaped so a line break in a value cannot split the one-line error.
            shown = shown.encode("unicode_escape").decode("ascii")
            raise self._error(f"has an invalid value '{shown}'")

    def _error(self, problem: str) -> InvalidParametersError:
        return InvalidParametersError(f"Parameter '{self.name}' {problem}")


def parse_parameters(declared: tuple[Param, ...], raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Typed values for every declared parameter; unknown names are rejected (a typo must not pass)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidParametersError("Rule parameters must be a JSON object")
    by_name = {p.name: p for p in declared}
    unknown = sorted(k for k in raw if k not in by_name and k not in RESERVED_PARAMETERS)
    if unknown:
        accepted = ", ".join(by_name) or "none"
        raise InvalidParametersError(f"Unknown parameter '{unknown[0]}' (this rule accepts: {accepted})")
    return {p.name: p.parse(raw.get(p.name)) for p in declared}


def check_range(values: Mapping[str, Any], low: str, high: str) -> None:
    """Raise when a pair of bound parameters is inverted (e.g. minConcurrency > maxConcurrency)."""
    lo, hi = values.get(low), values.get(high)
    if lo is not None and hi is not None and lo > hi:
        raise InvalidParametersError(f"Parameter '{low}' ({lo}) must not exceed '{high}' ({hi})")


ACCOUNT_ID = r"\d{12}"
ARN = r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:[^\s,]+"
TAG_KEY = r"[\w.:/=+\-@ ]{1,128}"
