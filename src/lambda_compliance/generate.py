"""Every generated file of the repository, and the one function that renders it.

``lambda-compliance generate`` rewrites what changed; ``generate --check`` names the stale files
(a test runs it). Adding a rule is: write the rule, run ``generate``. Packs and the frameworks page
are built from rule defaults only (``--no-config``): a committed pack never carries one
organization's configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Generated:
    """One family of generated files: what it is, and a function returning {path: text}."""

    name: str
    render: Callable[[Path], dict[Path, str]]
    # Folders the family owns: a file there that render() no longer produces is stale too.
    owns: Callable[[Path], Iterable[Path]] = lambda root: ()


def _rule_parameters(root: Path) -> dict[Path, str]:
    from lambda_compliance import catalog
    from lambda_compliance.catalog import rdk_metadata

    rules_dir = root / "rules"
    return {rules_dir / r.rule_name() / "parameters.json": rdk_metadata.render(r) for r in catalog.all_rules()}


def _readme(root: Path) -> dict[Path, str]:
    from lambda_compliance.catalog import docs_tables

    path = root / "README.md"
    return {path: docs_tables.render_readme(path.read_text(encoding="utf-8"))}


def _packs(root: Path) -> dict[Path, str]:
    from lambda_compliance import packs
    from lambda_compliance.config_file import Settings

    return {root / "conformance-packs" / item.pack.file_name: item.text for item in packs.build_all(Settings())}


def _frameworks_page(root: Path) -> dict[Path, str]:
    from lambda_compliance.packs import docs

    return {root / docs.DEFAULT_PATH: docs.render()}


def _remediation(root: Path) -> dict[Path, str]:
    from lambda_compliance.remediation import build

    return {root / path.relative_to(build.repo_root()): text for path, text in build.rendered().items()}


def _member_role(root: Path) -> dict[Path, str]:
    from lambda_compliance import catalog
    from lambda_compliance.packaging import build, member_role

    return {root / member_role.COMMITTED_PATH: build.member_role_text(list(catalog.all_rules()))}


REGISTRY: tuple[Generated, ...] = (
    Generated("rule parameters.json (rdk metadata)", _rule_parameters),
    Generated("README rule table", _readme),
    Generated("conformance packs", _packs, lambda root: (root / "conformance-packs").glob("*.yaml")),
    Generated("docs/frameworks.md", _frameworks_page),
    Generated(
        "SSM documents, their README and the remediation stack",
        _remediation,
        lambda root: (root / "templates" / "ssm").glob("*.yaml"),
    ),
    Generated("member-account role template", _member_role),
)


def repo_root() -> Path:
    from lambda_compliance import catalog

    return catalog.rules_dir().parent


def rendered(root: Path | None = None) -> dict[Path, str]:
    root = root or repo_root()
    files: dict[Path, str] = {}
    for entry in REGISTRY:
        files.update(entry.render(root))
    return files


def stale(root: Path | None = None) -> list[Path]:
    """Generated files that are missing, differ from a fresh render, or are no longer produced."""
    root = root or repo_root()
    files = rendered(root)
    out = {p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text}
    for entry in REGISTRY:
        out |= {p for p in entry.owns(root) if p not in files}
    return sorted(out)


def write(root: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(written, removed): rewrite what changed, remove owned files no longer produced."""
    root = root or repo_root()
    files = rendered(root)
    written = []
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    removed = [p for entry in REGISTRY for p in entry.owns(root) if p not in files]
    for path in removed:
        path.unlink()
    return written, removed
