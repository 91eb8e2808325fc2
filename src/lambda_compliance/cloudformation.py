"""The one CloudFormation writer: intrinsics, YAML dumping, reading back, and AWS's size limits.

Every template the project generates goes through here: the rule stack, the member-account role,
the conformance packs, the remediation stack and the SSM documents it carries. Templates are plain
dicts holding ``Intrinsic`` values; ``dump`` writes those as short tags (``!Ref``, ``!Sub``...), what a
person reads in a pack, multi-line strings (scripts) as literal blocks, list items indented under
their key, never YAML anchors. ``load`` turns the tags back into the long form (``{"Ref": ...}``) so
tests can resolve parameters exactly as CloudFormation would (``Resolver``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Intrinsic:
    """A CloudFormation function: ``tag`` without the ``!`` (Ref, Sub, If, Not, Equals) and its argument."""

    tag: str
    value: Any


def ref(name: str) -> Intrinsic:
    return Intrinsic("Ref", name)


def sub(text: str, variables: dict[str, Any] | None = None) -> Intrinsic:
    return Intrinsic("Sub", [text, variables] if variables else text)


def if_(condition: str, when_true: Any, when_false: Any) -> Intrinsic:
    return Intrinsic("If", [condition, when_true, when_false])


def not_(condition: Any) -> Intrinsic:
    return Intrinsic("Not", [condition])


def equals(a: Any, b: Any) -> Intrinsic:
    return Intrinsic("Equals", [a, b])


def get_att(resource: str, attribute: str) -> Intrinsic:
    return Intrinsic("GetAtt", f"{resource}.{attribute}")


def and_(*conditions: Any) -> Intrinsic:
    return Intrinsic("And", list(conditions))


def condition(name: str) -> dict[str, Any]:
    return {"Condition": name}


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


NO_VALUE = ref("AWS::NoValue")


class Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line (``{a: b, c: d}``): keeps small nested structures compact."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        # Indent list items under their key, as cfn-lint's own examples and AWS's samples do.
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # never anchors: every intrinsic is written out where it is used

    def choose_scalar_style(self) -> str:
        # A tagged scalar (!Ref X) is written plain when YAML allows it, not quoted.
        event = self.event
        if isinstance(event, yaml.ScalarEvent) and event.tag and event.tag.startswith("!") and not event.style:
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            analysis = self.analysis
            if not analysis.empty and not analysis.multiline and analysis.allow_flow_plain:
                return ""
        return super().choose_scalar_style()


def _represent_intrinsic(dumper: _Dumper, node: Intrinsic) -> yaml.Node:
    tag = f"!{node.tag}"
    if isinstance(node.value, list):
        flow = all(not isinstance(v, dict) or isinstance(v, Flow) for v in node.value)
        return dumper.represent_sequence(tag, node.value, flow_style=flow)
    return dumper.represent_scalar(tag, str(node.value))


def _represent_flow(dumper: _Dumper, node: Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(node), flow_style=True)


def _represent_str(dumper: _Dumper, text: str) -> yaml.Node:
    # Scripts and policies in prose read as literal blocks; other strings are quoted only where YAML
    # would otherwise read another type ("true", "10", "") so the string survives.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(Intrinsic, _represent_intrinsic)
_Dumper.add_representer(Flow, _represent_flow)
_Dumper.add_representer(str, _represent_str)


def dump(template: Any, header: str = "", *, compact: bool = False) -> str:
    """YAML text of ``template``; ``header`` lines become ``#`` comments above it.

    ``compact`` writes innermost mappings and lists on one line: conformance packs, which must fit
    Config's inline limit. Otherwise every mapping is a block, as a person edits a template.
    """
    style = {"default_flow_style": None, "width": 1000} if compact else {"default_flow_style": False, "width": 120}
    body = yaml.dump(template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, **style)
    lines = [f"# {line}".rstrip() if not line.startswith("#") else line for line in header.strip().splitlines()]
    return "\n".join([*lines, body]) if lines else body


# AWS's limits on what the generated templates may be (CloudFormation and Config quotas).
INLINE_LIMIT = 51_200  # bytes: a template body passed inline (CloudFormation and conformance packs)
PACK_S3_LIMIT = 300_000  # bytes: a conformance pack from S3 ("300 KB": the smaller reading, fits either way)
PACK_PARAMETER_LIMIT = 60  # parameters of one conformance pack


def size(text: str) -> int:
    return len(text.encode("utf-8"))


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short tags into their long form."""


def _construct(tag: str) -> Any:
    name = "Ref" if tag == "Ref" else f"Fn::{tag}"

    def construct(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
        if tag == "GetAtt" and isinstance(node, yaml.ScalarNode):
            return {name: loader.construct_scalar(node).split(".", 1)}
        if isinstance(node, yaml.SequenceNode):
            return {name: loader.construct_sequence(node, deep=True)}
        if isinstance(node, yaml.MappingNode):
            return {name: loader.construct_mapping(node, deep=True)}
        return {name: loader.construct_scalar(node)}

    return construct


def _any_tag(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    # Every other short-form function (FindInMap, ImportValue, Base64, Cidr, ...) in its long form too.
    return _construct(suffix)(loader, node)


_Loader.add_multi_constructor("!", _any_tag)


def load(text: str) -> dict[str, Any]:
    return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects


class Resolver:
    """Evaluates a loaded template's Ref/Sub/If/Equals/Not/And/Or for given parameter values.

    What CloudFormation would compute for the pack's parameters (defaults unless
    overridden) and pseudo parameters: lets tests measure the InputParameters a
    deployed rule actually receives.
    """

    def __init__(self, template: dict[str, Any], overrides: dict[str, str] | None = None, **pseudo: str) -> None:
        declared = template.get("Parameters") or {}
        self.values: dict[str, Any] = {k: v.get("Default") for k, v in declared.items()}
        self.values.update(overrides or {})
        self.values.update({f"AWS::{k}": v for k, v in pseudo.items()})
        self.values.setdefault("AWS::Partition", "aws")
        self.values.setdefault("AWS::Region", "us-east-1")
        self.values.setdefault("AWS::AccountId", "123456789012")
        self.conditions = template.get("Conditions") or {}

    def condition(self, name: str) -> bool:
        return bool(self.value(self.conditions[name]))

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key in self._FUNCTIONS:
                return self._FUNCTIONS[key](self, arg)
        out = {}
        for key, item in node.items():
            resolved = self.value(item)
            if resolved is not _NO_VALUE:
                out[key] = resolved
        return out

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if self.values.get(name) is None:
            raise KeyError(f"parameter {name} has no value")
        return self.values[name]

    def _sub(self, arg: Any) -> str:
        text, variables = (arg[0], self.value(arg[1])) if isinstance(arg, list) else (arg, {})
        return re.sub(r"\$\{([^}]+)\}", lambda m: str(variables.get(m[1]) or self._ref(m[1])), text)

    def _if(self, arg: list[Any]) -> Any:
        return self.value(arg[1] if self.condition(arg[0]) else arg[2])

    _FUNCTIONS: dict[str, Any] = {
        "Ref": lambda self, a: self._ref(a),
        "Fn::Sub": lambda self, a: self._sub(a),
        "Fn::If": lambda self, a: self._if(a),
        "Fn::Equals": lambda self, a: self.value(a[0]) == self.value(a[1]),
        "Fn::Not": lambda self, a: not self.value(a[0]),
        "Fn::And": lambda self, a: all(self.value(x) for x in a),
        "Fn::Or": lambda self, a: any(self.value(x) for x in a),
        "Condition": lambda self, a: self.condition(a),
    }


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


_NO_VALUE = _NoValue()
