"""Run an SSM Automation document's ``aws:executeScript`` steps locally, as Automation would.

``run(name_or_path, parameters, ...)`` loads the document, validates the
parameters (unknown names, missing required ones, ``allowedPattern``,
``allowedValues``, defaults filled in), resolves each step's ``InputPayload``
(``{{ Param }}``, ``{{ Step.Output }}``, ``{{ global:ACCOUNT_ID }}``...), execs
the step's Script and calls its Handler, then evaluates the step and document
outputs. ``boto3`` inside the script is a stand-in whose ``client()`` builds
clients from the runner's session and endpoint (moto in tests and the demo), or
from a ``clients`` factory (a test's botocore Stubber). Nothing is global: no
environment variable is set, so runs may proceed in parallel.
"""

from __future__ import annotations

import builtins
import re
import types
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.config import Config

from lambda_compliance.remediation.build import documents_dir

ClientFactory = Callable[..., Any]
_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_:.]+)\s*\}\}")


class DocumentError(ValueError):
    """The document cannot run as asked: unknown document, bad parameters, an unsupported step. One clear line."""


class StepFailed(RuntimeError):
    """A step's script raised: the execution fails as it would in Automation, with the script's message."""

    def __init__(self, document: str, step: str, error: BaseException) -> None:
        self.document, self.step, self.error = document, step, error
        super().__init__(f"{document} step {step} failed: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class Document:
    name: str
    content: dict[str, Any]
    path: Path | None = None

    @property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return dict(self.content.get("parameters") or {})

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.content.get("mainSteps") or [])


@dataclass
class Execution:
    document: str
    parameters: dict[str, Any]
    payloads: dict[str, Any] = field(default_factory=dict)  # step name -> what its handler returned
    outputs: dict[str, Any] = field(default_factory=dict)  # "Step.Output" -> value

    def output(self, name: str) -> Any:
        """A step output by its short name ("Status") or its full one ("Remediate.Status")."""
        if name in self.outputs:
            return self.outputs[name]
        matches = [v for k, v in self.outputs.items() if k.rsplit(".", 1)[-1] == name]
        if len(matches) != 1:
            raise KeyError(name)
        return matches[0]

    @property
    def status(self) -> str:
        return str(self.output("Status"))

    @property
    def message(self) -> str:
        return str(self.output("Message"))


def document_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in documents_dir().glob("*.yaml")))


@cache
def _load_path(path: Path) -> Document:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DocumentError(f"cannot read document {path}: {exc}") from None
    if not isinstance(content, dict) or content.get("schemaVersion") != "0.3":
        raise DocumentError(f"{path} is not an Automation document (schemaVersion 0.3)")
    return Document(path.stem, content, path)


def load(name_or_path: str | Path) -> Document:
    """A document by name (templates/ssm/<name>.yaml) or by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = documents_dir() / f"{name_or_path}.yaml"
    if not path.is_file():
        raise DocumentError(f"unknown document {name_or_path} (known: {', '.join(document_names())})")
    return _load_path(path.resolve())


def resolve_parameters(document: Document, given: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as Automation would accept them, or DocumentError naming the first problem."""
    declared = document.parameters
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise DocumentError(f"{document.name} has no parameter {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given:
            value = given[name]
        elif "default" in spec:
            value = spec["default"]
        else:
            raise DocumentError(f"{document.name}: parameter {name} is required")
        values[name] = _check(document.name, name, spec, value)
    return values


def _check(document: str, name: str, spec: Mapping[str, Any], value: Any) -> Any:
    kind = spec.get("type", "String")
    if kind == "String":
        if not isinstance(value, str):
            raise DocumentError(f"{document}: parameter {name} must be a string")
        items = [value]
    elif kind == "StringList":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DocumentError(f"{document}: parameter {name} must be a list of strings")
        items = value
    elif kind == "Boolean":
        if not isinstance(value, bool):
            raise DocumentError(f"{document}: parameter {name} must be true or false")
        return value
    elif kind == "Integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise DocumentError(f"{document}: parameter {name} must be an integer")
        return value
    else:
        return value
    pattern = spec.get("allowedPattern")
    allowed = spec.get("allowedValues")
    for item in items:
        if pattern is not None and not re.search(pattern, item):
            raise DocumentError(f"{document}: parameter {name} value {item[:80]!r} does not match {pattern}")
        if allowed is not None and item not in allowed:
            raise DocumentError(f"{document}: parameter {name} must be one of {', '.join(allowed)}")
    return value


def _substitute(value: Any, context: Mapping[str, Any]) -> Any:
    """Resolve ``{{ reference }}`` in a payload value; a value that is one reference keeps its type."""
    if isinstance(value, dict):
        return {k: _substitute(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, context) for v in value]
    if not isinstance(value, str):
        return value
    whole = _REFERENCE.fullmatch(value.strip())
    if whole:
        return _lookup(whole.group(1), context)
    return _REFERENCE.sub(lambda m: str(_lookup(m.group(1), context)), value)


def _lookup(reference: str, context: Mapping[str, Any]) -> Any:
    if reference not in context:
        raise DocumentError(f"unresolved reference {{{{ {reference} }}}}")
    return context[reference]


def _select(payload: Any, selector: str) -> Any:
    """A ``$.Payload.a.b`` selector over ``{"Payload": payload}``."""
    value: Any = {"Payload": payload}
    for part in selector.removeprefix("$.").split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


_OUTPUT_TYPES: dict[str, type | tuple[type, ...]] = {
    "String": str,
    "Integer": int,
    "Boolean": bool,
    "StringList": list,
    "StringMap": dict,
    "MapList": list,
}


class _Boto3:
    """What ``import boto3`` gives a script: clients from the runner's factory."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory

    def client(self, service: str, *args: Any, **kwargs: Any) -> Any:
        return self._factory(service, **kwargs)


def _builtins_with(boto3_stand_in: Any) -> dict[str, Any]:
    real_import = builtins.__import__

    def importer(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if name == "boto3":
            return boto3_stand_in
        return real_import(name, globals, locals, fromlist, level)

    return {**builtins.__dict__, "__import__": importer}


def session_clients(
    session: boto3.Session | None = None,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    max_attempts: int | None = None,
) -> ClientFactory:
    """Clients the way a script asks for them, sent to ``endpoint_url``; ``max_attempts`` caps retries."""
    session = session or boto3.Session()
    cap = Config(retries={"mode": "standard", "total_max_attempts": max_attempts}) if max_attempts else None

    def factory(service: str, config: Config | None = None, **_: Any) -> Any:
        merged = config.merge(cap) if config and cap else (config or cap)
        region_name = region or session.region_name or "us-east-1"
        return session.client(service, region_name=region_name, endpoint_url=endpoint_url, config=merged)

    return factory


@cache
def _compiled(name: str, step: str, script: str) -> types.CodeType:
    return compile(script, f"<{name}:{step}>", "exec")


def run(
    document: str | Path | Document,
    parameters: Mapping[str, Any],
    *,
    session: boto3.Session | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    clients: ClientFactory | None = None,
    account_id: str | None = None,
) -> Execution:
    """Execute the document's steps in order; StepFailed when a script raises, DocumentError on bad input."""
    doc = document if isinstance(document, Document) else load(document)
    values = resolve_parameters(doc, parameters)
    factory = clients or session_clients(session, region=region, endpoint_url=endpoint_url)
    execution = Execution(doc.name, values)
    if account_id is None and "global:ACCOUNT_ID" in str(doc.steps):
        account_id = factory("sts").get_caller_identity()["Account"]
    context: dict[str, Any] = {
        **values,
        "global:ACCOUNT_ID": account_id,
        "global:REGION": region or (session.region_name if session else None) or "us-east-1",
        "global:AWS_PARTITION": "aws",
        "automation:EXECUTION_ID": str(uuid.uuid4()),
        "automation:DOCUMENT_NAME": doc.name,
    }
    for step in doc.steps:
        name = str(step.get("name"))
        if step.get("action") != "aws:executeScript":
            raise DocumentError(f"{doc.name} step {name}: the local runner executes aws:executeScript steps only")
        inputs = step.get("inputs") or {}
        payload = _substitute(inputs.get("InputPayload") or {}, context)
        namespace: dict[str, Any] = {"__name__": f"ssm_{name}", "__builtins__": _builtins_with(_Boto3(factory))}
        try:
            exec(_compiled(doc.name, name, str(inputs.get("Script", ""))), namespace)
            handler = namespace.get(str(inputs.get("Handler")))
            if not callable(handler):
                raise DocumentError(f"{doc.name} step {name}: no handler {inputs.get('Handler')}")
            returned = handler(payload, {"automation:EXECUTION_ID": context["automation:EXECUTION_ID"]})
        except DocumentError:
            raise
        except Exception as exc:
            raise StepFailed(doc.name, name, exc) from exc
        execution.payloads[name] = returned
        for output in step.get("outputs") or []:
            value = _select(returned, str(output.get("Selector", "")))
            expected = _OUTPUT_TYPES.get(str(output.get("Type", "String")), object)
            if value is not None and not isinstance(value, expected):
                raise DocumentError(f"{doc.name} step {name}: output {output.get('Name')} is not {output.get('Type')}")
            key = f"{name}.{output.get('Name')}"
            execution.outputs[key] = context[key] = value
        if step.get("isEnd"):
            break
    return execution
