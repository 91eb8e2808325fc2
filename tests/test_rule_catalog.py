"""Every rule folder follows one convention (STYLE lesson 1): same name everywhere, metadata in sync."""

from __future__ import annotations

import ast
import re

import pytest

from lambda_compliance import catalog
from lambda_compliance.runtime.rulebase import ComplianceRule

RULES = catalog.rule_names()


def test_there_are_rules():
    assert "LAMBDA_TRACING_ENABLED" in RULES


@pytest.mark.parametrize("name", RULES)
def test_rule_folder_module_and_class_share_the_name(name):
    rule = catalog.load_rule(name)
    assert rule.__name__ == name
    assert issubclass(rule, ComplianceRule)
    assert re.fullmatch(r"[A-Z][A-Z0-9_]{2,45}", name)
    folder = catalog.rules_dir() / name
    assert (folder / f"{name}_test.py").is_file(), "every rule has an rdk-runnable unittest file"


@pytest.mark.parametrize("name", RULES)
def test_rule_file_holds_only_its_decision(name):
    """No helper functions copied into rule files, no client built at import, a lambda_handler for rdk."""
    source = (catalog.rules_dir() / name / f"{name}.py").read_text()
    tree = ast.parse(source)
    top_functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert top_functions == ["lambda_handler"], f"{name} defines helpers {top_functions}; move them to the library"
    assert "boto3" not in source, "rules get clients only through the reader"
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes == [name]


@pytest.mark.parametrize("name", RULES)
def test_spec_is_complete(name):
    spec = catalog.load_rule(name).spec
    assert spec.title and len(spec.title) <= 120
    assert spec.resource_types
    assert spec.family in {"lambda", "role", "data", "apigateway", "account"}
    assert spec.severity in {"critical", "high", "medium", "low"}
    assert len({p.name for p in spec.parameters}) == len(spec.parameters)
    for param in spec.parameters:
        assert param.description
        # The default must itself pass the rule's validation.
        assert param.parse(param.as_config_value()) == param.default or param.default in (None, ())
    assert catalog.load_rule(name)().evaluate_parameters({}) is not None
    doc = ast.get_docstring(ast.parse((catalog.rules_dir() / name / f"{name}.py").read_text()))
    assert doc and "Given" in doc, "the rule docstring lists its Given/Then scenarios"
