"""``lambda-compliance.yaml``: what an organization decides, for scans and packs alike.

Keys: ``rules`` (per rule ``enabled`` and ``parameters`` with the rule's own
InputParameter names), ``exemptions``, ``exemptions_by_tag``, ``regions``,
``accounts``. The file is checked by a JSON schema, then every rule's parameters
go through that rule's own ``evaluate_parameters``; any problem is one
``ConfigError`` line naming the file position and the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from rdklib import InvalidParametersError

from lambda_compliance.runtime import exemptions as exemption_codec
from lambda_compliance.runtime.exemptions import Exemption

DEFAULT_FILE = "lambda-compliance.yaml"

_SCALAR = {"type": ["string", "number", "boolean"]}
APPROVER_PATTERN = r"^(?=.*\S.*\S)[^\x00-\x1f\x7f]{2,128}$"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rules": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "enabled": {"type": "boolean"},
                    "parameters": {
                        "type": ["object", "null"],
                        "additionalProperties": {"anyOf": [_SCALAR, {"type": "array", "items": {"type": "string"}}]},
                    },
                },
            },
        },
        "exemptions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rule", "resources", "reason"],
                "properties": {
                    "rule": {"type": "string", "minLength": 1},
                    "resources": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                    "reason": {"type": "string", "minLength": 3},
                    "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    # A person, role or mailbox: printable, one line, at least two visible characters.
                    "approver": {"type": "string", "pattern": APPROVER_PATTERN},
                },
            },
        },
        "exemptions_by_tag": {"type": "boolean"},
        "regions": {
            "anyOf": [
                {"const": "all"},
                {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^[a-z]{2}(-[a-z]+)+-\d$"}},
            ]
        },
        "accounts": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "role_arns": {
                    "type": "array",
                    "items": {"type": "string", "pattern": r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"},
                },
                "org_role": {"type": "string", "pattern": r"^[\w+=,.@/-]{1,64}$"},
            },
        },
    },
}


class ConfigError(ValueError):
    """One line: ``file:line: key: problem``."""


@dataclass(frozen=True)
class Settings:
    path: Path | None = None
    disabled: frozenset[str] = frozenset()
    parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    exemptions: tuple[Exemption, ...] = ()
    exemptions_by_tag: bool = False
    regions: tuple[str, ...] | str | None = None
    role_arns: tuple[str, ...] = ()
    org_role: str | None = None

    def enabled(self, rules: Sequence[Any]) -> list[Any]:
        return [r for r in rules if r.rule_name() not in self.disabled]

    def exemptions_for(self, rule: str) -> tuple[Exemption, ...]:
        return tuple(e for e in self.exemptions if e.applies_to_rule(rule))

    def rule_parameters(self, rule: str) -> dict[str, str]:
        """InputParameters exactly as Config passes them to the deployed rule (and the scanner to the same class)."""
        values = dict(self.parameters.get(rule, {}))
        rule_exemptions = self.exemptions_for(rule)
        if rule_exemptions:
            values[exemption_codec.PARAMETER] = exemption_codec.encode(rule_exemptions)
        return values

    def all_rule_parameters(self, rules: Sequence[Any]) -> dict[str, dict[str, str]]:
        return {r.rule_name(): self.rule_parameters(r.rule_name()) for r in rules}


def _as_config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


class _Positions:
    """Line numbers of YAML keys, so an error points at the line to fix."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node

    def line(self, path: Sequence[Any]) -> int | None:
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == step), None)
                if found is None:
                    break
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
        return line


def load(path: str | Path | None = None, *, rules: Sequence[Any] | None = None) -> Settings:
    """Read and validate the file (``path``, else ./lambda-compliance.yaml when present, else defaults)."""
    if path is None:
        default = Path(DEFAULT_FILE)
        if not default.is_file():
            return Settings()
        path = default
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        node = yaml.compose(text)
        document = yaml.safe_load(text) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}{where}: {problem}") from None
    return parse(document or {}, source=path, positions=_Positions(node), rules=rules)


def parse(
    document: Any,
    *,
    source: Path | None = None,
    positions: _Positions | None = None,
    rules: Sequence[Any] | None = None,
) -> Settings:
    positions = positions or _Positions(None)
    name = str(source) if source else "configuration"

    def fail(where: Sequence[Any], problem: str) -> ConfigError:
        line = positions.line(where)
        key = ".".join(str(p) for p in where) or "(top level)"
        return ConfigError(f"{name}{f':{line}' if line else ''}: {key}: {problem}")

    document = _plain(document)
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise fail(list(error.absolute_path), _schema_message(error))

    if rules is None:
        from lambda_compliance import catalog

        rules = catalog.all_rules()
    by_name = {r.rule_name(): r for r in rules}
    parameters: dict[str, dict[str, str]] = {}
    disabled = set()
    for rule_name, settings in (document.get("rules") or {}).items():
        if rule_name not in by_name:
            raise fail(["rules", rule_name], "unknown rule")
        if settings.get("enabled") is False:
            disabled.add(rule_name)
        values = {k: _as_config_string(v) for k, v in (settings.get("parameters") or {}).items()}
        declared = {p.name for p in by_name[rule_name].spec.parameters}
        for key in values:
            if key not in declared:
                accepted = ", ".join(sorted(declared)) or "none"
                raise fail(["rules", rule_name, "parameters", key], f"unknown parameter (accepted: {accepted})")
        try:
            by_name[rule_name]().evaluate_parameters(values)
        except InvalidParametersError as exc:
            bad = next((k for k in values if f"'{k}'" in str(exc)), None)
            raise fail(["rules", rule_name, "parameters", *([bad] if bad else [])], str(exc)) from None
        parameters[rule_name] = values

    by_tag = bool(document.get("exemptions_by_tag", False))
    parsed_exemptions = []
    for index, raw in enumerate(document.get("exemptions") or []):
        if raw["rule"] != "*" and raw["rule"] not in by_name:
            raise fail(["exemptions", index, "rule"], f"unknown rule '{raw['rule']}'")
        tagged = [r for r in raw["resources"] if r.startswith(exemption_codec.TAG_PREFIX)]
        if tagged and not by_tag:
            raise fail(
                ["exemptions", index, "resources"],
                "tag exemptions are off: whoever can tag a resource could exempt it; set exemptions_by_tag",
            )
        expires = date.fromisoformat(raw["expires"]) if raw.get("expires") else None
        approver = " ".join(raw["approver"].split()) if raw.get("approver") else None
        parsed_exemptions.append(
            Exemption(raw["rule"], tuple(raw["resources"]), raw["reason"].strip(), expires, approver)
        )

    regions = document.get("regions")
    accounts = document.get("accounts") or {}
    return Settings(
        path=source,
        disabled=frozenset(disabled),
        parameters=parameters,
        exemptions=tuple(parsed_exemptions),
        exemptions_by_tag=by_tag,
        regions=regions if regions == "all" or regions is None else tuple(regions),
        role_arns=tuple(accounts.get("role_arns") or ()),
        org_role=accounts.get("org_role"),
    )


def _plain(value: Any) -> Any:
    """YAML reads 2027-03-31 as a date; the schema and the rule parameters want the ISO string."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return "unknown key " + error.message.split("(")[-1].rstrip(")").replace(" was unexpected", "")
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator in ("type", "anyOf"):
        return f"wrong type: {json.dumps(error.instance)[:60]}"
    if error.validator == "pattern":
        return f"invalid value {json.dumps(error.instance)[:60]}"
    return error.message[:120]


def with_overrides(settings: Settings, overrides: Mapping[str, Any], rules: Sequence[Any]) -> Settings:
    """Apply ``--rule-parameters``: {"RULE": {"param": "value"}} over the file's parameters, validated alike."""
    if not isinstance(overrides, Mapping) or not all(isinstance(v, Mapping) for v in overrides.values()):
        raise ConfigError('--rule-parameters: expected {"RULE_NAME": {"parameter": "value"}}')
    merged = {rule: dict(values) for rule, values in settings.parameters.items()}
    for rule, values in overrides.items():
        merged.setdefault(rule, {}).update(values)
    document: dict[str, Any] = {"rules": {rule: {"parameters": values} for rule, values in merged.items()}}
    checked = parse(document, source=Path("--rule-parameters"), rules=rules)
    return Settings(
        path=settings.path,
        disabled=settings.disabled,
        parameters=checked.parameters,
        exemptions=settings.exemptions,
        exemptions_by_tag=settings.exemptions_by_tag,
        regions=settings.regions,
        role_arns=settings.role_arns,
        org_role=settings.org_role,
    )
