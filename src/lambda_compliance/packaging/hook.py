"""The hook function's zip: the CloudFormation hook, the template machinery it drives, and the rules.

The package boundary: the rule functions' layer holds ``runtime`` and ``domain`` (and rdklib); the
hook needs more of the outer layer, the scanner's template machinery and the catalog, and those
ship in the hook function's own zip only, never in the layer. What ships is followed statically
from the hook's handler (every import, also inside functions) and checked like the layer:

- a ``lambda_compliance`` module outside the layer and outside ``HOOK_PACKAGES`` (the CLI, reports,
  deploy, demo, testing) stops the build naming the import;
- a third-party import must be in the Lambda runtime, shipped here (PyYAML, pure Python: stack
  payloads carry YAML templates), or named in ``OPTIONAL`` with the reason it is never reached.

The zip's root module ``lambda_compliance_hook`` is the handler: it adds the zip's
``lambda_compliance`` folder to the layer's package, so ``lambda_compliance.runtime`` comes from the
layer and ``lambda_compliance.hook`` from the zip. The rule folders ship as
``lambda_compliance/_rules``, where the catalog finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lambda_compliance.packaging import layer
from lambda_compliance.packaging.layer import PackagingError

ENTRY = "lambda_compliance_hook"
HANDLER = f"{ENTRY}.handler"
HOOK_MODULE = "lambda_compliance.hook.handler"
# Loaded by name at run time (pkgutil), so shipped whole rather than followed.
DYNAMIC_PACKAGES = ("lambda_compliance.scanner.collectors",)
HOOK_PACKAGES = (
    "lambda_compliance.hook",
    "lambda_compliance.scanner",
    "lambda_compliance.catalog",
    "lambda_compliance.cloudformation",
)
SHIPPED_THIRD_PARTY = ("yaml",)
# Imports the hook never reaches at run time, with the reason.
OPTIONAL = {
    "samtranslator": "SAM expansion of a template file (scan --template): CloudFormation runs the SAM transform "
    "before a hook sees the resources",
}
# Compiled accelerators are built for one platform; PyYAML falls back to pure Python without them.
_NATIVE = {".so", ".pyd", ".dylib"}

ENTRY_SOURCE = '''"""lambda-compliance CloudFormation hook: the Lambda handler (written by `package`)."""

import os

import lambda_compliance

# The layer holds lambda_compliance (runtime, domain); this zip adds the hook, scanner and catalog.
lambda_compliance.__path__.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_compliance"))

from lambda_compliance.hook.handler import handler  # noqa: E402

__all__ = ["handler"]
'''


@dataclass(frozen=True)
class HookContents:
    modules: tuple[str, ...]
    files: tuple[tuple[Path, str], ...]  # (source, path in the zip)


def _ships(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in HOOK_PACKAGES)


def _package_modules(root: Path, package: str) -> list[str]:
    folder = root.parent.joinpath(*package.split("."))
    return sorted(
        ".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in folder.rglob("*.py")
        if "__pycache__" not in p.parts
    )


def resolve(root: Path | None = None) -> HookContents:
    """The modules and data files the hook function needs beyond the layer."""
    root = root or layer.package_root()
    pending = [(HOOK_MODULE, "the hook entry point")]
    for package in DYNAMIC_PACKAGES:
        pending += [(m, f"{package} (loaded by name)") for m in _package_modules(root, package)]
    seen: dict[str, Path] = {}
    while pending:
        module, importer = pending.pop()
        if module in seen:
            continue
        path = layer._module_file(root, module)
        if path is None:
            raise PackagingError(f"{importer} imports {module}, which does not exist")
        seen[module] = path
        if layer.in_layer(module):
            continue  # the layer holds it (and checks it)
        if not _ships(module):
            raise PackagingError(f"{importer} imports {module}, which the hook function does not ship")
        parts = module.split(".")
        pending += [(".".join(parts[:i]), module) for i in range(1, len(parts))]
        found = layer._imports(path, module, root)
        for name in sorted(found.external):
            if not (layer._allowed_external(name) or name in SHIPPED_THIRD_PARTY or name in OPTIONAL):
                raise PackagingError(
                    f"{module} (imported by {importer}) needs {name}, which the hook function does not have"
                )
        pending += [(m, module) for m in sorted(found.internal)]
    shipped = sorted(m for m in seen if not layer.in_layer(m))
    files: list[tuple[Path, str]] = []
    folders = set()
    for module in shipped:
        path = seen[module]
        files.append((path, path.relative_to(root.parent).as_posix()))
        if path.name == "__init__.py":
            folders.add(path.parent)
    for folder in sorted(folders):  # data files next to a shipped package's modules
        for data in sorted(folder.iterdir()):
            if data.is_file() and data.suffix not in {".py", ".pyc", ".pyo"} and not data.name.startswith("."):
                files.append((data, data.relative_to(root.parent).as_posix()))
    return HookContents(tuple(shipped), tuple(files))


def entries(
    rules_dir: Path, names: Sequence[str], rule_files: Callable[[Path], list[Path]]
) -> tuple[list[tuple[str, bytes]], HookContents]:
    """(path in the zip, bytes) for the hook function; ``rule_files`` lists a rule folder's shipped files."""
    contents = resolve()
    out = [(f"{ENTRY}.py", ENTRY_SOURCE.encode())]
    out += [(rel, src.read_bytes()) for src, rel in contents.files]
    for name in names:
        folder = rules_dir / name
        out += [
            (f"lambda_compliance/_rules/{name}/{p.relative_to(folder).as_posix()}", p.read_bytes())
            for p in rule_files(folder)
        ]
    for dist in SHIPPED_THIRD_PARTY:
        out += [(rel, src.read_bytes()) for src, rel in layer.third_party_files(dist) if src.suffix not in _NATIVE]
        out += [(rel, src.read_bytes()) for src, rel in layer.third_party_license(_distribution(dist))]
    return out, contents


def _distribution(package: str) -> str:
    return {"yaml": "PyYAML"}.get(package, package)
