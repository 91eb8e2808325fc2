"""Build the SSM Automation documents from ``sources/`` and the stack that deploys them.

``rendered()`` gives ``templates/ssm/<name>.yaml`` for every document, their README and
``templates/remediation.yaml``; ``lambda-compliance generate`` writes them (and ``--check``
names the stale ones) with every other generated file.

A document's Script is its source module without the module docstring and
``DOCUMENT``, preceded by the ``_shared`` definitions it imports and everything
those use, so SSM gets one self-contained script per document and no helper is
copied by hand.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from lambda_compliance import cloudformation as cfn
from lambda_compliance.remediation import sources as sources_package

RUNTIME = "python3.11"  # the newest Python runtime aws:executeScript documents (templates/ssm/README.md)
STEP = "Remediate"
HANDLER = "handler"
TIMEOUT_SECONDS = 600
ROLE_PATTERN = r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[a-zA-Z0-9+=,.@_/-]{1,512}$"
OUTPUTS = (
    ("Status", "CHANGED, DRY_RUN or NO_CHANGE"),
    ("Message", "what the run did, or would do"),
    ("PreviousState", "the settings before the run, as JSON"),
    ("Undo", "how to restore them"),
)
COMMON_NOTE = (
    'DryRun defaults to "true": a run started by hand only reports what it would change. AWS Config remediation '
    '(the lambda-compliance conformance packs) passes DryRun "false". A second run changes nothing and says so. '
    "The document never deletes a function, data or a whole policy."
)
SHARED_MODULE = "lambda_compliance.remediation.sources._shared"
_THIRD_PARTY = ("boto3", "botocore")


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def documents_dir() -> Path:
    return repo_root() / "templates" / "ssm"


def stack_path() -> Path:
    return repo_root() / "templates" / "remediation.yaml"


@dataclass(frozen=True)
class Source:
    """One document's source module and its metadata."""

    module: ModuleType

    @property
    def meta(self) -> dict[str, Any]:
        return self.module.DOCUMENT

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def path(self) -> Path:
        return Path(str(self.module.__file__))

    @property
    def settings_only(self) -> bool:
        return bool(self.meta.get("settings_only"))

    @property
    def pack_parameters(self) -> dict[str, str]:
        """Document parameter -> the pack parameter that supplies it when a rule names no value."""
        return dict(self.meta.get("pack_parameters") or {})


@cache
def sources() -> tuple[Source, ...]:
    found = []
    for info in pkgutil.iter_modules(sources_package.__path__):
        if not info.name.startswith("_"):
            found.append(Source(importlib.import_module(f"{sources_package.__name__}.{info.name}")))
    return tuple(sorted(found, key=lambda s: s.name))


def source(name: str) -> Source:
    for candidate in sources():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no document source for {name}")


# Scripts --------------------------------------------------------------------------------------


def _segment(lines: list[str], node: ast.stmt) -> str:
    """A top-level statement's text with the comment lines right above it."""
    start = node.lineno - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return "\n".join(lines[start : node.end_lineno])


def _imports(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(module, name) pairs; name None for ``import module``."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    return [(node.module or "", alias.name) for alias in node.names]


def _referenced(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return set()


@dataclass(frozen=True)
class _Parsed:
    imports: list[tuple[str, str | None]]
    shared: list[str]  # names imported from _shared
    body: list[tuple[ast.stmt, str]]  # definitions with their text


def _parse(path: Path, *, skip: Iterable[str] = ()) -> _Parsed:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    imports: list[tuple[str, str | None]] = []
    shared: list[str] = []
    body: list[tuple[ast.stmt, str]] = []
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # module docstring
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.module == SHARED_MODULE:
                shared += [alias.name for alias in node.names]
            elif not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                imports += _imports(node)
            continue
        if _defined(node) & set(skip):
            continue
        body.append((node, _segment(lines, node)))
    return _Parsed(imports, shared, body)


@cache
def _shared() -> _Parsed:
    return _parse(Path(sys.modules[SHARED_MODULE].__file__ or ""))


def _shared_closure(wanted: Iterable[str]) -> tuple[list[str], set[str]]:
    """The _shared definitions (in file order) ``wanted`` needs, and the names they use."""
    shared = _shared()
    by_name = {name: (node, text) for node, text in shared.body for name in _defined(node)}
    needed: set[str] = set()
    pending = [name for name in wanted if name in by_name]
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed.add(name)
        pending += [ref for ref in _referenced(by_name[name][0]) if ref in by_name and ref not in needed]
    used: set[str] = set()
    texts = []
    for node, text in shared.body:
        if _defined(node) & needed:
            texts.append(text)
            used |= _referenced(node)
    return texts, used


def _render_imports(pairs: Iterable[tuple[str, str | None]]) -> str:
    plain = sorted({module for module, name in pairs if name is None})
    grouped: dict[str, set[str]] = {}
    for module, name in pairs:
        if name is not None:
            grouped.setdefault(module, set()).add(name)

    def third_party(module: str) -> bool:
        return module.split(".")[0] in _THIRD_PARTY

    lines = {False: [], True: []}  # type: dict[bool, list[str]]
    for module in plain:
        lines[third_party(module)].append(f"import {module}")
    for module in sorted(grouped):
        lines[third_party(module)].append(f"from {module} import {', '.join(sorted(grouped[module]))}")
    return "\n\n".join(
        "\n".join(sorted(block, key=lambda s: (s.startswith("from"), s))) for block in lines.values() if block
    )


def script(src: Source) -> str:
    """The self-contained Python script of a document."""
    own = _parse(src.path, skip=("DOCUMENT",))
    body_refs = {ref for node, _ in own.body for ref in _referenced(node)}
    shared_texts, shared_used = _shared_closure(name for name in own.shared if name in body_refs)
    imports = list(own.imports)
    for module, name in _shared().imports:
        if (name or module.split(".")[0]) in shared_used:
            imports.append((module, name))
    # Keep only imports something uses.
    used = shared_used | body_refs
    imports = [(m, n) for m, n in imports if (n or m.split(".")[0]) in used]
    header = (
        f"# Generated from src/lambda_compliance/remediation/sources/{src.path.name} and _shared.py by\n"
        "# `lambda-compliance generate`: edit those files, not this script."
    )
    shared_nodes = [(node, text) for node, text in _shared().body if text in shared_texts]
    text = header + "\n\n" + _render_imports(imports)
    previous: ast.stmt | None = None
    for node, chunk in [*shared_nodes, *own.body]:
        simple = isinstance(node, ast.Assign) and isinstance(previous, ast.Assign)
        text += ("\n" if simple and not chunk.startswith("#") else "\n\n\n") + chunk
        previous = node
    text += "\n"
    compile(text, src.name, "exec")  # a build that produced an unrunnable script fails here
    return text


# Documents ------------------------------------------------------------------------------------


def _parameter(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    required = "default" not in spec
    default = spec.get("default")
    text = ("(Required) " if required else "(Optional) ") + spec["description"]
    if not required:
        text += f' Default: "{default}".' if default else " Default: empty."
    out: dict[str, Any] = {"type": "String", "description": text}
    if not required:
        out["default"] = default
    out["allowedPattern"] = spec["allowedPattern"]
    return out


def description(src: Source) -> str:
    meta = src.meta
    outputs = ", ".join(f"{name} ({what})" for name, what in OUTPUTS[:-1]) + f" and {OUTPUTS[-1][0]} ({OUTPUTS[-1][1]})"
    opening = f"{meta['does']}.\n\nInput: {meta['input']}.\nOutput: {outputs}."
    return "\n\n".join([opening, *meta.get("details", ()), COMMON_NOTE])


def document(src: Source) -> dict[str, Any]:
    """The SSM Automation document (schemaVersion 0.3) as data."""
    parameters = {name: _parameter(name, spec) for name, spec in src.meta["parameters"].items()}
    parameters["DryRun"] = {
        "type": "String",
        "description": '(Optional) "true" reports what the run would change and changes nothing; "false" makes '
        'the change. Default: "true".',
        "default": "true",
        "allowedPattern": "^(true|false)$",
    }
    parameters["AutomationAssumeRole"] = {
        "type": "String",
        "description": "(Required) ARN of the IAM role Automation assumes to make the change "
        "(templates/remediation.yaml creates one with the permissions these documents use).",
        "allowedPattern": ROLE_PATTERN,
    }
    payload = {name: f"{{{{ {name} }}}}" for name in parameters if name != "AutomationAssumeRole"}
    return {
        "description": description(src),
        "schemaVersion": "0.3",
        "assumeRole": "{{ AutomationAssumeRole }}",
        "parameters": parameters,
        "outputs": [f"{STEP}.{name}" for name, _ in OUTPUTS],
        "mainSteps": [
            {
                "name": STEP,
                "action": "aws:executeScript",
                "description": src.meta["does"],
                "timeoutSeconds": TIMEOUT_SECONDS,
                "onFailure": "Abort",
                "isEnd": True,
                "inputs": {"Runtime": RUNTIME, "Handler": HANDLER, "InputPayload": payload, "Script": script(src)},
                "outputs": [{"Name": name, "Selector": f"$.Payload.{name}", "Type": "String"} for name, _ in OUTPUTS],
            }
        ],
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its text."""
    from lambda_compliance.remediation import readme, stack

    files = {documents_dir() / f"{src.name}.yaml": cfn.dump(document(src)) for src in sources()}
    files[documents_dir() / "README.md"] = readme.render()
    files[stack_path()] = cfn.dump(stack.template())
    return files
