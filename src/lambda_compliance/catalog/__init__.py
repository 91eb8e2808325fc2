"""The rule catalog: every rule folder under ``rules/``, loaded by name.

Rules live in RDK layout (``rules/<NAME>/<NAME>.py``) so each deploys alone;
the catalog imports them by path for the scanner, the pack generator and the
packager. Each rule's metadata is its ``RuleSpec``: nothing else is hand-kept.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

from lambda_compliance.runtime.rulebase import ComplianceRule


def rules_dir() -> Path:
    """Where the rule folders are: an override, the installed copy, or the source checkout."""
    override = os.environ.get("LAMBDA_COMPLIANCE_RULES_DIR")
    candidates = [Path(override)] if override else []
    here = Path(__file__).resolve().parent.parent  # the lambda_compliance package
    candidates += [here / "_rules", here.parent.parent / "rules"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("rule folders not found (set LAMBDA_COMPLIANCE_RULES_DIR)")


def rule_names() -> tuple[str, ...]:
    root = rules_dir()
    return tuple(sorted(p.name for p in root.iterdir() if (p / f"{p.name}.py").is_file()))


@cache
def load_rule(name: str) -> type[ComplianceRule]:
    path = rules_dir() / name / f"{name}.py"
    if not path.is_file():
        raise KeyError(f"unknown rule {name}")
    module_name = f"lambda_compliance_rules.{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load rule {name} from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    rule = getattr(module, name, None)
    if not (isinstance(rule, type) and issubclass(rule, ComplianceRule)):
        raise ImportError(f"{path} does not define class {name}(ComplianceRule)")
    return rule


def all_rules() -> tuple[type[ComplianceRule], ...]:
    return tuple(load_rule(name) for name in rule_names())


def select_rules(names: str | None = None, families: str | None = None) -> tuple[type[ComplianceRule], ...]:
    """Rules by comma-separated names and/or families; unknown names raise KeyError naming them."""
    rules = all_rules()
    if names:
        wanted = [n.strip().upper() for n in names.split(",") if n.strip()]
        known = {r.rule_name(): r for r in rules}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise KeyError(f"unknown rule(s): {', '.join(unknown)}")
        rules = tuple(known[n] for n in wanted)
    if families:
        wanted_families = {f.strip().lower() for f in families.split(",") if f.strip()}
        rules = tuple(r for r in rules if r.spec.family in wanted_families)
    return rules
