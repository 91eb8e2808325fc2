"""What the Lambda layer ships: the rule runtime, the domain packages and their data, and rdklib.

An allow rule, not a deny list: the layer is exactly ``lambda_compliance.runtime`` and
``lambda_compliance.domain`` (every module and data file in them) plus the package root. Imports
are still followed statically from every rule file and the Lambda entry point, to check the rule:
a rule or a shipped module that reaches any other ``lambda_compliance`` module (the scanner,
catalog, reports, CLI, demo, test builders, this packager) stops the build naming the import, and
so does a third-party package the Lambda runtime lacks (PyYAML, rich, moto, ...): it would fail at
import time in Lambda.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "lambda_compliance"
ENTRY_MODULE = "lambda_compliance.runtime.lambda_entry"
# Provided by the Lambda Python runtime (boto3 and its dependencies) or shipped in the layer (rdklib).
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"})
SHIPPED_THIRD_PARTY = ("rdklib",)
# The layer: these packages, whole, with their data files. Everything else stays out.
LAYER_PACKAGES = ("lambda_compliance.runtime", "lambda_compliance.domain")


class PackagingError(Exception):
    """The layer or a rule cannot be built as asked; the message is one line naming what and why."""


@dataclass(frozen=True)
class LayerContents:
    modules: tuple[str, ...]  # dotted names, packages included
    files: tuple[Path, ...]  # absolute source paths (modules and data)
    package_root: Path  # .../lambda_compliance

    def relative(self, path: Path) -> str:
        """The path inside the layer's ``python/`` folder."""
        return path.relative_to(self.package_root.parent).as_posix()


def package_root() -> Path:
    import lambda_compliance

    return Path(lambda_compliance.__file__).resolve().parent


def _module_file(root: Path, module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.parent.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    candidate = base.with_suffix(".py")
    return candidate if candidate.is_file() else None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (never executed at run time)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


@dataclass(frozen=True)
class _Imports:
    internal: set[str]
    external: set[str]  # top-level names
    strings: set[str]


def _imports(path: Path, module: str | None, root: Path) -> _Imports:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    internal: set[str] = set()
    external: set[str] = set()
    strings: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == PACKAGE:
                    internal.add(alias.name)
                else:
                    external.add(top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if module is None:
                    continue  # a rule file's relative import: not a library module
                base_parts = module.split(".") if is_package else module.split(".")[:-1]
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                source = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != PACKAGE:
                external.add(source.split(".")[0])
                continue
            internal.add(source)
            for alias in node.names:
                if _module_file(root, f"{source}.{alias.name}") is not None:
                    internal.add(f"{source}.{alias.name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
            if node.value.startswith(f"{PACKAGE}.") and _module_file(root, node.value) is not None:
                internal.add(node.value)  # importlib.import_module("lambda_compliance.x")
    return _Imports(internal, external, strings)


def in_layer(module: str) -> bool:
    """The allow rule: the package root and everything under the layer packages."""
    return module == PACKAGE or any(module == p or module.startswith(p + ".") for p in LAYER_PACKAGES)


def _allowed_external(name: str) -> bool:
    return (
        not name
        or name == "__future__"
        or name in sys.stdlib_module_names
        or name in RUNTIME_PROVIDED
        or name in SHIPPED_THIRD_PARTY
    )


def resolve(rule_files: Iterable[Path], root: Path | None = None) -> LayerContents:
    """The modules and data files reachable from ``rule_files`` and the Lambda entry point."""
    root = root or package_root()
    pending: list[tuple[str, str]] = [(ENTRY_MODULE, "the Lambda entry point")]
    for rule_file in rule_files:
        found = _imports(rule_file, None, root)
        bad = sorted(n for n in found.external if not _allowed_external(n))
        if bad:
            raise PackagingError(f"{rule_file.name} imports {bad[0]}, which the Lambda runtime does not provide")
        pending += [(m, rule_file.stem) for m in sorted(found.internal)]
    seen: dict[str, Path] = {}
    while pending:
        module, importer = pending.pop()
        if module in seen:
            continue
        if not in_layer(module):
            raise PackagingError(
                f"{importer} imports {module}, which is not shipped to Lambda (outside runtime/ and domain/)"
            )
        path = _module_file(root, module)
        if path is None:
            raise PackagingError(f"{importer} imports {module}, which does not exist")
        seen[module] = path
        parts = module.split(".")
        pending += [(".".join(parts[:i]), module) for i in range(1, len(parts))]  # parent packages
        found = _imports(path, module, root)
        bad = sorted(n for n in found.external if not _allowed_external(n))
        if bad:
            raise PackagingError(
                f"{module} (imported by {importer}) needs {bad[0]}, which the Lambda runtime does not provide"
            )
        pending += [(m, module) for m in sorted(found.internal)]
    modules, files = _layer_files(root)
    return LayerContents(modules=modules, files=files, package_root=root)


def _layer_files(root: Path) -> tuple[tuple[str, ...], tuple[Path, ...]]:
    """Every module and data file of the layer packages, and the package root's ``__init__``."""
    modules = {PACKAGE}
    files = {root / "__init__.py"}
    for package in LAYER_PACKAGES:
        folder = root.parent.joinpath(*package.split("."))
        for path in folder.rglob("*"):
            if not path.is_file() or path.name.startswith(".") or "__pycache__" in path.parts:
                continue
            if path.suffix in {".pyc", ".pyo"}:
                continue
            files.add(path)
            if path.suffix == ".py":
                parts = path.relative_to(root.parent).with_suffix("").parts
                modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return tuple(sorted(modules)), tuple(sorted(files))


def third_party_files(name: str) -> list[tuple[Path, str]]:
    """(source, path inside python/) for a pure-Python distribution installed next to this one."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise PackagingError(f"{name} is not installed; the layer needs it (pip install {name})")
    origin = Path(spec.origin)
    if origin.name != "__init__.py":
        return [(origin, origin.name)]
    pkg = origin.parent
    files = []
    for path in sorted(pkg.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
            files.append((path, path.relative_to(pkg.parent).as_posix()))
    return files


def third_party_license(name: str) -> list[tuple[Path, str]]:
    """The distribution's license files, shipped with it (rdklib is Apache-2.0)."""
    from importlib import metadata

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return []
    out = []
    for entry in dist.files or ():
        text = str(entry)
        if "licen" in text.lower() or "notice" in text.lower():
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                out.append((path, f"{name}-{dist.version}.dist-info/{Path(text).name}"))
    return out
