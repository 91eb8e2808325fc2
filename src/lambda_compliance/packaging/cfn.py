"""Small CloudFormation helpers: intrinsic functions as dicts, and YAML output cfn-lint reads."""

from __future__ import annotations

from typing import Any

import yaml

NO_VALUE = {"Ref": "AWS::NoValue"}


def ref(name: str) -> dict[str, Any]:
    return {"Ref": name}


def sub(text: str) -> dict[str, Any]:
    return {"Fn::Sub": text}


def get_att(resource: str, attribute: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [resource, attribute]}


def if_(condition: str, then: Any, otherwise: Any) -> dict[str, Any]:
    return {"Fn::If": [condition, then, otherwise]}


def equals(a: Any, b: Any) -> dict[str, Any]:
    return {"Fn::Equals": [a, b]}


def not_(condition: Any) -> dict[str, Any]:
    return {"Fn::Not": [condition]}


def and_(*conditions: Any) -> dict[str, Any]:
    return {"Fn::And": list(conditions)}


def condition(name: str) -> dict[str, Any]:
    return {"Condition": name}


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # CloudFormation does not read YAML anchors


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def dump(template: dict[str, Any], header: str = "") -> str:
    body = yaml.dump(template, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120)
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()] if header else []
    return "\n".join([*lines, body]) if lines else body
