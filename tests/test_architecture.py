"""The import rules that keep the three layers apart (README, Layout).

- the rule runtime (``lambda_compliance.runtime``) imports only the standard library, rdklib and botocore;
- domain packages (``lambda_compliance.domain.*``) import only the runtime, each other and the same libraries;
- rule files import only the runtime and domain packages; rule tests may also import ``testing``;
- nothing outside the CLI imports ``demo`` or ``deploy``; nothing but tests imports ``testing``;
- the CloudFormation hook (``lambda_compliance.hook``, shipped only in the hook function's zip) imports
  only the runtime, domain, the scanner, the catalog and ``cloudformation`` (what that zip and the
  layer hold), and nothing in the package imports it (the packager ships it by path).

Every import counts, including those inside functions and under ``TYPE_CHECKING``: a lazy import
from the outer layer is still a dependency the Lambda layer cannot satisfy.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "lambda_compliance"
PKG = "lambda_compliance"
RUNTIME = f"{PKG}.runtime"
DOMAIN = f"{PKG}.domain"
TESTING = f"{PKG}.testing"
HOOK = f"{PKG}.hook"
# What the hook function has at run time: the layer (runtime, domain) and its own zip.
HOOK_REACHES = (RUNTIME, DOMAIN, HOOK, f"{PKG}.scanner", f"{PKG}.catalog", f"{PKG}.cloudformation")
LAMBDA_LIBRARIES = frozenset({"rdklib", "botocore"})


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(lambda_compliance modules, other top-level packages) that ``path`` imports anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    own = module_name(path) if PACKAGE_DIR in path.parents else None
    internal: set[str] = set()
    external: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                assert own, f"{path}: relative import outside the package"
                base = own.split(".") if is_package else own.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # ``from package import module`` depends on the module: name it, not its package
            modules = [
                f"{source}.{a.name}" for a in node.names if source.startswith(PKG) and _is_module(f"{source}.{a.name}")
            ]
            names = modules or [source]
        else:
            continue
        for name in names:
            (internal if name.split(".")[0] == PKG else external).add(
                name if name.split(".")[0] == PKG else name.split(".")[0]
            )
    return internal, external - {"__future__"}


def _is_module(name: str) -> bool:
    base = PACKAGE_DIR.parent.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def under(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def stdlib_or(allowed: frozenset[str], names: set[str]) -> list[str]:
    return sorted(n for n in names if n not in sys.stdlib_module_names and n not in allowed)


def library_files() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def rule_files() -> list[Path]:
    return sorted(p for p in (ROOT / "rules").glob("*/*.py") if p.stem == p.parent.name)


def rule_test_files() -> list[Path]:
    return sorted((ROOT / "rules").glob("*/*_test.py"))


def violations() -> list[str]:
    found: list[str] = []
    for path in library_files():
        module = module_name(path)
        internal, external = imports(path)
        rel = path.relative_to(ROOT)
        if under(module, RUNTIME) or under(module, DOMAIN):
            allowed = (RUNTIME,) if under(module, RUNTIME) else (RUNTIME, DOMAIN)
            found += [
                f"{rel}: imports {m} (the {'runtime' if allowed == (RUNTIME,) else 'domain'} layer may not)"
                for m in sorted(internal)
                if m != PKG and not any(under(m, a) for a in allowed)
            ]
            found += [f"{rel}: imports {n}, not in the Lambda runtime" for n in stdlib_or(LAMBDA_LIBRARIES, external)]
        for target in ("demo", "deploy"):
            if not under(module, f"{PKG}.cli") and not under(module, f"{PKG}.{target}"):
                found += [
                    f"{rel}: imports {m} (only the CLI may)" for m in sorted(internal) if under(m, f"{PKG}.{target}")
                ]
        if not under(module, TESTING):
            found += [f"{rel}: imports {m} (only tests may)" for m in sorted(internal) if under(m, TESTING)]
        if under(module, HOOK):
            found += [
                f"{rel}: imports {m} (the hook function does not ship it)"
                for m in sorted(internal)
                if m != PKG and not any(under(m, a) for a in HOOK_REACHES)
            ]
        else:
            found += [f"{rel}: imports {m} (nothing imports the hook)" for m in sorted(internal) if under(m, HOOK)]
        # The scan path runs downwards: the CLI builds a request, the scanner answers a result, reports
        # render it; nothing below the CLI calls back into it, and the scanner never renders.
        if not under(module, f"{PKG}.cli") and module != f"{PKG}.__main__":
            found += [
                f"{rel}: imports {m} (nothing calls back into the CLI)"
                for m in sorted(internal)
                if under(m, f"{PKG}.cli")
            ]
        if under(module, f"{PKG}.scanner"):
            found += [
                f"{rel}: imports {m} (the scanner does not render)"
                for m in sorted(internal)
                if under(m, f"{PKG}.report")
            ]
    for path in rule_files():
        internal, external = imports(path)
        rel = path.relative_to(ROOT)
        found += [
            f"{rel}: imports {m} (rules import only runtime and domain)"
            for m in sorted(internal)
            if m != PKG and not under(m, RUNTIME) and not under(m, DOMAIN)
        ]
        found += [f"{rel}: imports {n}, not in the Lambda runtime" for n in stdlib_or(LAMBDA_LIBRARIES, external)]
    for path in rule_test_files():
        internal, _ = imports(path)
        found += [
            f"{path.relative_to(ROOT)}: imports {m} (rule tests import runtime, domain and testing)"
            for m in sorted(internal)
            if m != PKG and not any(under(m, p) for p in (RUNTIME, DOMAIN, TESTING))
        ]
    return found


def test_the_layers_import_only_downwards() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("where", "source", "complaint"),
    [
        ("runtime/x.py", "from lambda_compliance.domain.iam import policy\n", "the runtime layer may not"),
        ("runtime/x.py", "import yaml\n", "imports yaml, not in the Lambda runtime"),
        ("domain/iam/x.py", "def f():\n    from lambda_compliance.scanner import engine\n", "domain layer may not"),
        (
            "domain/iam/x.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lambda_compliance import catalog\n",
            "domain layer may not",
        ),
        ("report/x.py", "from lambda_compliance.demo import payments\n", "only the CLI may"),
        ("packs/x.py", "from lambda_compliance.testing import lambda_ci\n", "only tests may"),
        ("hook/x.py", "from lambda_compliance.report import json_format\n", "the hook function does not ship it"),
        ("hook/x.py", "def f():\n    import lambda_compliance.packs\n", "does not ship it"),
        ("scanner/x.py", "from lambda_compliance.hook import handler\n", "nothing imports the hook"),
        (
            "report/x.py",
            "def f():\n    from lambda_compliance.cli import UsageError\n",
            "nothing calls back into the CLI",
        ),
        ("scanner/x.py", "from lambda_compliance.report import compliance\n", "the scanner does not render"),
    ],
)
def test_a_wrong_import_is_named(
    where: str, source: str, complaint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The checker itself, on a throwaway package laid out like the real one."""
    fake = tmp_path / "src" / PKG
    for sub in ("runtime", "domain/iam", "scanner", "report", "packs", "demo", "testing", "cli", "hook"):
        (fake / sub).mkdir(parents=True, exist_ok=True)
        (fake / sub / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    for leaf in ("domain/iam/policy.py", "scanner/engine.py", "demo/payments.py", "catalog.py", "hook/handler.py"):
        (fake / leaf).write_text("")
    for leaf in ("report/json_format.py",):
        (fake / leaf).write_text("")
    (fake / where).write_text(source)
    (tmp_path / "rules").mkdir()
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE_DIR", fake)
    problems = violations()
    assert len(problems) == 1 and complaint in problems[0], problems
