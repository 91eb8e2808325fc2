"""Every declared parameter of every rule rejects bad values, naming itself, in all three entry points.

Bad values are generated from each ``Param``'s kind, bounds and pattern (so a parameter added
tomorrow is covered): wrong JSON types, non-numbers and out-of-range numbers, words that are not
booleans, strings and list items outside the pattern, empty values for required parameters, and
inverted min/max pairs. Each must raise rdklib's ``InvalidParametersError`` naming the parameter from
``evaluate_parameters`` (the engine and rdklib call it), come back from the rule's ``lambda_handler``
as Config's InvalidParameterValueException, and make ``lambda-compliance scan --rule-parameters``
exit 2 with one line on stderr.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import reliability_support as rs
from rdklib import InvalidParametersError

from lambda_compliance import catalog
from lambda_compliance.cli import main
from lambda_compliance.runtime.params import Param
from lambda_compliance.scanner import engine
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME

NOT_MATCHING = ("has space", "semi;colon", "ä-umlaut", "*", "../up", "x" * 300, "line\nbreak", "$(id)", "-")


def _outside_pattern(param: Param) -> list[str]:
    if not param.pattern:
        return []
    candidates = [c for c in NOT_MATCHING if not re.fullmatch(param.pattern, c.strip())]
    if param.kind == "list":
        candidates = [c for c in candidates if "," not in c and c.strip()]
    return candidates[:3]


def bad_values(param: Param) -> list[Any]:
    """Values Config (strings) or a JSON configuration (any type) could carry that ``param`` must reject."""
    values: list[Any] = [{"nested": "object"}]
    if param.kind == "int":
        values += ["abc", "1.5", 1.5, "12abc", "0x10", "1e3", True, [1], "9" * 13]
        if param.minimum is not None:
            values += [str(param.minimum - 1), param.minimum - 1]
        if param.maximum is not None:
            values += [str(param.maximum + 1), param.maximum + 1]
    elif param.kind == "bool":
        values += ["maybe", "2", "truee", 5, [True]]
    elif param.kind == "str":
        values += [5, ["x"], True, *_outside_pattern(param)]
    elif param.kind == "list":
        values += [5, True, [1, 2], *(f"{_first_valid(param)},{bad}" for bad in _outside_pattern(param))]
    if param.required:
        values += ["", "  ", ","] if param.kind == "list" else ["", "  "]
    return values


def _first_valid(param: Param) -> str:
    default = param.default[0] if param.kind == "list" and param.default else None
    return default or ""


def _declared() -> list[tuple[str, Param]]:
    return [(rule.rule_name(), p) for rule in rs.loadable_rules() for p in rule.spec.parameters]


def _cases() -> list[Any]:
    return [
        pytest.param(name, param.name, value, id=f"{name}-{param.name}-{json.dumps(value)[:24]}")
        for name, param in _declared()
        for value in bad_values(param)
    ]


def _base(rule) -> dict[str, Any]:
    """Valid values for every parameter (parameters.json), so only the one under test is bad."""
    return rs.default_parameters(rule)


@pytest.mark.parametrize(("name", "parameter", "value"), _cases())
def test_bad_value_is_rejected_naming_the_parameter(name, parameter, value):
    rule = catalog.load_rule(name)
    with pytest.raises(InvalidParametersError) as caught:
        rule().evaluate_parameters({**_base(rule), parameter: value})
    assert f"'{parameter}'" in str(caught.value)
    with pytest.raises(engine.InvalidRuleParameters, match=rf"^{name}: .*'{re.escape(parameter)}'"):
        engine.validate_parameters([rule], {name: {**_base(rule), parameter: value}})


def _pairs() -> list[tuple[str, Param, Param]]:
    found = []
    for rule in rs.loadable_rules():
        by_name = {p.name: p for p in rule.spec.parameters if p.kind == "int"}
        for low_name, low in by_name.items():
            if low_name.startswith("min"):
                high = by_name.get("max" + low_name[3:])
                if high:
                    found.append((rule.rule_name(), low, high))
    return found


@pytest.mark.parametrize(("name", "low", "high"), _pairs(), ids=lambda v: getattr(v, "name", v))
def test_inverted_min_max_pair_is_rejected(name, low, high):
    rule = catalog.load_rule(name)
    floor = max(x for x in (low.minimum, high.minimum, 0) if x is not None)
    with pytest.raises(InvalidParametersError) as caught:
        rule().evaluate_parameters({**_base(rule), low.name: str(floor + 1), high.name: str(floor)})
    assert f"'{low.name}'" in str(caught.value) or f"'{high.name}'" in str(caught.value)


@pytest.mark.parametrize("name", catalog.rule_names())
def test_unknown_parameter_is_rejected_by_name(name):
    rule = catalog.load_rule(name)
    with pytest.raises(InvalidParametersError, match="'bogusParameter'"):
        rule().evaluate_parameters({**_base(rule), "bogusParameter": "1"})


def _first_bad(param: Param) -> Any:
    """The most telling bad value: a bound broken, a pattern broken, else a wrong word."""
    values = [v for v in bad_values(param) if not (isinstance(v, str) and "\n" in v)]
    for value in values[::-1]:
        if isinstance(value, str) and value.strip():
            return value
    return values[-1]


@pytest.mark.parametrize(("name", "parameter"), [pytest.param(n, p.name, id=f"{n}-{p.name}") for n, p in _declared()])
def test_lambda_handler_answers_invalid_parameter_value(name, parameter):
    rule = catalog.load_rule(name)
    param = next(p for p in rule.spec.parameters if p.name == parameter)
    periodic = rule.spec.periodic
    invoking = (
        {"messageType": "ScheduledNotification", "notificationCreationTime": CAPTURE_TIME}
        if periodic
        else {
            "configurationItem": rs.snapshot_format(rs.bases(rule.spec.resource_types[0])[0]()),
            "notificationCreationTime": CAPTURE_TIME,
            "messageType": "ConfigurationItemChangeNotification",
            "recordVersion": "1.3",
        }
    )
    event = {
        "configRuleName": name,
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(invoking),
        "ruleParameters": json.dumps({**_base(rule), parameter: _first_bad(param), "AssumeRoleMode": "false"}),
        "resultToken": "TESTMODE",
        "accountId": ACCOUNT,
    }
    response = sys.modules[rule.__module__].lambda_handler(event, None)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert f"'{parameter}'" in response["customerErrorMessage"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("params") / "snapshot.json"
    path.write_text(json.dumps({"configurationItems": [rs.snapshot_format(rs.bases("AWS::Lambda::Function")[0]())]}))
    return path


@pytest.mark.parametrize(("name", "parameter"), [pytest.param(n, p.name, id=f"{n}-{p.name}") for n, p in _declared()])
def test_cli_reports_a_bad_parameter_in_one_line_with_exit_2(name, parameter, snapshot):
    rule = catalog.load_rule(name)
    param = next(p for p in rule.spec.parameters if p.name == parameter)
    overrides = json.dumps({name: {parameter: _first_bad(param)}})
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["scan", "--snapshot", str(snapshot), "--rule-parameters", overrides, "--format", "json"])
    assert status == 2
    assert out.getvalue() == ""
    line = err.getvalue()
    assert line.startswith("error: ") and line.count("\n") == 1 and "Traceback" not in line, line
    assert name in line and parameter in line, line


def _patterned() -> list[tuple[str, Param]]:
    return [(n, p) for n, p in _declared() if p.kind in ("str", "list") and "line\nbreak" in _outside_pattern(p)]


def test_cli_error_stays_one_line_for_a_value_with_a_line_break(snapshot):
    name, param = _patterned()[0]
    value = "line\nbreak" if param.kind == "str" else f"{_first_valid(param)},line\nbreak"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(
            ["scan", "--snapshot", str(snapshot), "--rule-parameters", json.dumps({name: {param.name: value}})]
        )
    assert status == 2
    assert err.getvalue().count("\n") == 1, err.getvalue()


def test_every_kind_has_bad_values():
    for kind, param in {
        "int": Param.integer("n", 1, "x", minimum=1, maximum=9),
        "bool": Param.boolean("b", True, "x"),
        "str": Param.string("s", None, "x", pattern=r"[a-z]+"),
        "list": Param.string_list("l", ("a",), "x", pattern=r"[a-z]+", required=True),
    }.items():
        for value in bad_values(param):
            with pytest.raises(InvalidParametersError, match=f"'{param.name}'"):
                param.parse(value)
        assert bad_values(param), kind
