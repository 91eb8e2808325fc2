"""``lambda-compliance package``: the layer zip, one zip per rule, and the CloudFormation templates.

Zips are reproducible (sorted entries, fixed timestamps and modes): the same sources give the
same bytes, so S3 keys carry a content hash and CloudFormation updates a function only when its
code really changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambda_compliance import __version__
from lambda_compliance import cloudformation as cfn
from lambda_compliance.packaging import bytecode, hook, hook_stack, layer, member_role, naming, rule_stack
from lambda_compliance.packaging import permissions as perms
from lambda_compliance.packaging.layer import PackagingError
from lambda_compliance.runtime.rulebase import ComplianceRule

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LAYER_ROOT = "python"
LAYER_MOUNT = "/opt"  # where Lambda unpacks a layer (read-only)
FUNCTION_ROOT = "/var/task"  # where Lambda unpacks a function's code (read-only)
RULE_STACK_FILE = "rule-stack.yaml"
MEMBER_ROLE_FILE = "member-account-role.yaml"
MANIFEST_FILE = "manifest.json"
HOOK_STACK_FILE = "hook-stack.yaml"
# Lambda's limits: 50 MB zipped upload, 250 MB unzipped for function plus layers.
ZIP_LIMIT = 50 * 1024 * 1024
_EXCLUDED_DIRS = {"__pycache__", "tests", "fixtures", "testdata"}


@dataclass(frozen=True)
class Artifact:
    path: Path
    key: str  # relative to the deployment's artifact prefix
    sha256: str
    size: int
    unzipped: int
    entries: int

    def describe(self) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "key": self.key,
            "sha256": self.sha256,
            "bytes": self.size,
            "unzipped_bytes": self.unzipped,
            "entries": self.entries,
        }


@dataclass
class Build:
    output: Path
    rules: tuple[type[ComplianceRule], ...]
    layer: Artifact
    rule_zips: dict[str, Artifact]
    rule_stack: Path
    member_role: Path
    layer_modules: tuple[str, ...]
    layer_data: tuple[str, ...] = ()
    hook: Artifact | None = None  # the CloudFormation hook function (lambda_compliance.hook)
    hook_stack: Path | None = None
    hook_modules: tuple[str, ...] = ()

    def manifest(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "layer": {**self.layer.describe(), "modules": list(self.layer_modules), "data": list(self.layer_data)},
            "rules": {
                name: {**art.describe(), "function": naming.function_name(name)}
                for name, art in sorted(self.rule_zips.items())
            },
            "templates": {
                "rule_stack": self.rule_stack.name,
                "member_role": self.member_role.name,
                **({"hook_stack": self.hook_stack.name} if self.hook_stack else {}),
            },
            **({"hook": {**self.hook.describe(), "modules": list(self.hook_modules)}} if self.hook else {}),
        }


def _zip(entries: Iterable[tuple[str, bytes]]) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    unzipped = count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            unzipped += len(data)
            count += 1
    return buffer.getvalue(), unzipped, count


def _write(path: Path, key_stem: str, entries: list[tuple[str, bytes]]) -> Artifact:
    data, unzipped, count = _zip(entries)
    if len(data) > ZIP_LIMIT:
        raise PackagingError(f"{path.name} is {len(data)} bytes, over Lambda's 50 MB upload limit")
    digest = hashlib.sha256(data).hexdigest()
    path.write_bytes(data)
    return Artifact(path, f"{key_stem}-{digest[:16]}.zip", digest, len(data), unzipped, count)


def rule_files(folder: Path) -> list[Path]:
    """The files of a rule folder that ship: everything but its tests and caches."""
    out = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part in _EXCLUDED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.name.endswith("_test.py") or path.name.startswith("test_") or path.suffix in {".pyc", ".pyo"}:
            continue
        out.append(path)
    return out


def layer_entries(rules_dir: Path, names: Sequence[str]) -> tuple[list[tuple[str, bytes]], layer.LayerContents]:
    contents = layer.resolve([rules_dir / n / f"{n}.py" for n in names])
    entries = [(f"{LAYER_ROOT}/{contents.relative(p)}", p.read_bytes()) for p in contents.files]
    for dist in layer.SHIPPED_THIRD_PARTY:
        entries += [(f"{LAYER_ROOT}/{rel}", src.read_bytes()) for src, rel in layer.third_party_files(dist)]
        entries += [(f"{LAYER_ROOT}/{rel}", src.read_bytes()) for src, rel in layer.third_party_license(dist)]
    entries += bytecode.compiled(entries, LAYER_MOUNT)
    return entries, contents


def build(output: Path, rules: Sequence[type[ComplianceRule]], rules_dir: Path) -> Build:
    """Write every artifact into ``output`` (created if needed) and return what was written."""
    if not rules:
        raise PackagingError("no rules to package")
    for rule in rules:
        naming.function_name(rule.rule_name())  # raises on a name too long for Lambda
        perms.declared_reads(rule)  # raises on unknown or write actions
    output.mkdir(parents=True, exist_ok=True)
    names = [r.rule_name() for r in rules]
    entries, contents = layer_entries(rules_dir, names)
    layer_art = _write(output / "layer.zip", "layer", entries)
    (output / "rules").mkdir(exist_ok=True)
    zips: dict[str, Artifact] = {}
    for name in names:
        folder = rules_dir / name
        files = [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in rule_files(folder)]
        files += bytecode.compiled(files, FUNCTION_ROOT)
        zips[name] = _write(output / "rules" / f"{name}.zip", f"rules/{name}", files)
    stack = rule_stack.build(rules, layer_art.key, {n: a.key for n, a in zips.items()})
    stack_path = output / RULE_STACK_FILE
    stack_path.write_text(cfn.dump(stack, "Generated by `lambda-compliance package`: do not edit."), encoding="utf-8")
    role_path = output / MEMBER_ROLE_FILE
    role_path.write_text(member_role_text(rules), encoding="utf-8")
    data = tuple(contents.relative(p) for p in contents.files if p.suffix != ".py")
    result = Build(output, tuple(rules), layer_art, zips, stack_path, role_path, contents.modules, data)
    hook_files, hook_contents = hook.entries(rules_dir, names, rule_files)
    hook_files += bytecode.compiled(hook_files, FUNCTION_ROOT)
    result.hook = _write(output / "hook.zip", "hook", hook_files)
    result.hook_modules = hook_contents.modules
    result.hook_stack = output / HOOK_STACK_FILE
    hook_template = hook_stack.build(layer_art.key, result.hook.key)
    result.hook_stack.write_text(
        cfn.dump(hook_template, "Generated by `lambda-compliance package`: do not edit."), encoding="utf-8"
    )
    (output / MANIFEST_FILE).write_text(json.dumps(result.manifest(), indent=2) + "\n", encoding="utf-8")
    return result


def member_role_text(rules: Sequence[type[ComplianceRule]]) -> str:
    return cfn.dump(member_role.build(rules), member_role.HEADER)
