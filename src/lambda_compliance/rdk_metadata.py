"""rdk's ``parameters.json`` for each rule, generated from its ``RuleSpec``.

rdk reads InputParameters, OptionalParameters and Tags as JSON *strings*; the
committed files are checked against this generator by the test suite.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_compliance.runtime.rulebase import ComplianceRule

SOURCE_RUNTIME = "python3.12-lib"


def parameters_json(rule: type[ComplianceRule]) -> dict[str, Any]:
    spec = rule.spec
    with_default = {p.name: p.as_config_value() for p in spec.parameters if p.default not in (None, ())}
    optional = {p.name: p.as_config_value() for p in spec.parameters if p.default in (None, ())}
    parameters: dict[str, Any] = {
        "RuleName": rule.rule_name(),
        "Description": spec.title,
        "SourceRuntime": SOURCE_RUNTIME,
        "CodeKey": f"{rule.rule_name()}.zip",
        "InputParameters": json.dumps(with_default, sort_keys=True),
        "OptionalParameters": json.dumps(optional, sort_keys=True),
    }
    if spec.change_triggered:
        parameters["SourceEvents"] = ",".join(spec.config_scope)
    if spec.scheduled:  # both: a hybrid rule (rdk deploys one Config rule with both triggers)
        parameters["SourcePeriodic"] = spec.frequency
    parameters["Tags"] = "[]"
    return {"Version": "1.0", "Parameters": parameters, "Tags": []}


def render(rule: type[ComplianceRule]) -> str:
    return json.dumps(parameters_json(rule), indent=2) + "\n"
