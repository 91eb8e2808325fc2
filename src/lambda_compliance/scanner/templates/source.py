"""Template files as plain CloudFormation: YAML or JSON, SAM expanded, CDK output found, lines kept.

A ``Template`` is one CloudFormation document (long-form intrinsics, as ``cloudformation.load``
reads it) with the file it came from and the line of each resource, so findings can point at the
resource in a pull request. SAM templates (``Transform: AWS::Serverless-2016-10-31``) are expanded
with AWS's own SAM translator; a CDK ``cdk.out`` folder contributes each ``*.template.json``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lambda_compliance import cloudformation as cfn

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class TemplateError(ValueError):
    """A template that cannot be read; the message names the file and why, in one line."""


@dataclass
class Template:
    path: Path
    body: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # logical id -> 1-based line of its key
    # SAM: generated resource -> the SAM resource it came from (its line is the one to point at)
    origin: dict[str, str] = field(default_factory=dict)

    def line_of(self, logical_id: str) -> int | None:
        return self.lines.get(logical_id) or self.lines.get(self.origin.get(logical_id, ""))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Template files: the files given, and every ``*.template.json`` of a CDK output folder."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            templates = sorted(path.glob("*.template.json"))
            if not templates:
                raise TemplateError(f"{path}: no *.template.json in this folder (is it a cdk.out folder?)")
            found += templates
        elif path.is_file():
            found.append(path)
        else:
            raise TemplateError(f"{path}: no such file or folder")
    return found


def load(
    path: Path, managed_policies: Mapping[str, str] | None = None, pseudo: Mapping[str, str] | None = None
) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read ({type(exc).__name__})") from None
    return parse(text, path, managed_policies, pseudo)


def parse(
    text: str, path: Path, managed_policies: Mapping[str, str] | None = None, pseudo: Mapping[str, str] | None = None
) -> Template:
    """A template from its text; ``path`` names where it came from (a file, or a hook's stack)."""
    try:
        body = json.loads(text) if text.lstrip().startswith("{") else cfn.load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "lineno", None)
        where = f" line {mark.line + 1}" if hasattr(mark, "line") else (f" line {mark}" if mark else "")
        raise TemplateError(f"{path}:{where} not valid YAML or JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    template = Template(path, body, _resource_lines(text))
    if _is_sam(body):
        template.body, template.origin = _expand_sam(path, body, managed_policies or {}, pseudo or {})
    return template


def _is_sam(body: Mapping[str, Any]) -> bool:
    transform = body.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in transforms


def _resource_lines(text: str) -> dict[str, int]:
    """Line of each resource's logical id under ``Resources`` (YAML and JSON alike: JSON is YAML)."""
    try:
        root = yaml.compose(text, Loader=cfn._Loader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "Resources" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
    return {}


class _PolicyMap:
    """SAM's managed policy lookup, answered from data instead of IAM (a scan makes no AWS call)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)

    def load(self) -> dict[str, str]:
        return self._names


def _expand_sam(
    path: Path, body: dict[str, Any], managed: Mapping[str, str], pseudo: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        import boto3
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:  # pragma: no cover - a dependency of the package
        raise TemplateError(f"{path}: a SAM template needs aws-sam-translator (pip install it)") from None
    values = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", **pseudo}
    # A session that only names the region: SAM reads the region from it and makes no AWS call.
    session = boto3.Session(region_name=values["AWS::Region"])
    translator = Translator(None, Parser(), boto_session=session)
    try:
        expanded = translator.translate(
            copy.deepcopy(body), parameter_values=values, get_managed_policy_map=lambda: _PolicyMap(managed).load()
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(getattr(c, "message", c)) for c in getattr(exc, "causes", [])[:2])
        raise TemplateError(f"{path}: SAM cannot expand it: {causes or exc}") from None
    origin: dict[str, str] = {}
    sam_ids = list(body.get("Resources", {}))
    for logical_id in expanded.get("Resources", {}):
        if logical_id not in body.get("Resources", {}):
            # SAM names what it generates after the resource it came from (OrdersFunctionRole, ...).
            origin[logical_id] = max((s for s in sam_ids if logical_id.startswith(s)), key=len, default="")
    return expanded, origin
